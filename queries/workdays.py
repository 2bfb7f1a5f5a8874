"""The working calendar read from the database (queries.WorkingDay), for Q-DEADLINE.

`WorkingDay` holds only the days that differ from "Monday to Friday work": public holidays on
weekdays (is_working False) and make-up working weekend days, 调休 (is_working True). A year with
no row at all is not known: its days fall back to plain weekdays, and the decision carries a warning
("calendar for 2027 not loaded: weekdays used") that the oversight console shows.

    calendar = database_calendar()          # one query
    deadline = add_working_days(received, 3, calendar)
    calendar.year_known(2027)               # False until an administrator loads 2027
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from .rules import add_working_days, calendar_warning, weekday_calendar

__all__ = [
    "DatabaseCalendar",
    "add_working_days",
    "calendar_warning",
    "database_calendar",
    "deadline_for",
    "known_years",
]


class DatabaseCalendar:
    """`is_working_day(day)` over a snapshot of the WorkingDay table (read once, at construction).

    Callable, so it is the `is_working_day` the rules take; `year_known` is what recommend() uses to
    warn about years with no row."""

    def __init__(self, exceptions: dict[dt.date, bool]):
        self._exceptions = dict(exceptions)
        self._years = frozenset(day.year for day in self._exceptions)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, bool]]) -> "DatabaseCalendar":
        return cls({day: bool(working) for day, working in rows})

    def __call__(self, day: dt.date) -> bool:
        working = self._exceptions.get(day)
        if working is None:
            return weekday_calendar(day)
        return working

    is_working_day = __call__

    @property
    def known_years(self) -> frozenset[int]:
        return self._years

    def year_known(self, year: int) -> bool:
        return year in self._years

    def warning_for(self, start: dt.date, end: dt.date) -> str | None:
        """The warning for the days after `start` up to `end` when some fall in years not loaded."""
        years = range((start + dt.timedelta(days=1)).year, end.year + 1)
        return calendar_warning(y for y in years if not self.year_known(y))


def database_calendar() -> DatabaseCalendar:
    """The calendar as the database holds it now: one query, then answered from memory."""
    from .models import WorkingDay

    return DatabaseCalendar.from_rows(WorkingDay.objects.values_list("date", "is_working"))


def known_years() -> set[int]:
    """The years with at least one WorkingDay row (the years whose holidays are loaded)."""
    from .models import WorkingDay

    return {day.year for day in WorkingDay.objects.dates("date", "year")}


def deadline_for(received: dt.date, working_days: int = 3,
                 calendar: DatabaseCalendar | None = None) -> tuple[dt.date, str | None]:
    """(deadline, warning or None) for a request received on `received` (the day itself not counted)."""
    calendar = calendar if calendar is not None else database_calendar()
    deadline = add_working_days(received, working_days, calendar)
    return deadline, calendar.warning_for(received, deadline)
