"""Calendar arithmetic the law uses: calendar months with month-end clamping, ages in full years."""
from __future__ import annotations

import calendar
import datetime as dt

from .kernel import zh  # noqa: F401  (re-exported: its old home)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; a day missing in the target month clamps to its last day.

    Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year); Aug 31 + 6 months = Feb 28/29.
    """
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """Anniversary; Feb 29 falls on Feb 28 in a common year."""
    return add_months(day, 12 * years)


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def nth_birthday(birth: dt.date, years: int) -> dt.date:
    return add_years(birth, years)


def eighteenth_birthday(birth: dt.date) -> dt.date:
    return nth_birthday(birth, 18)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Age in full years on `day`, Chinese counting: age N is reached the day AFTER the N-th birthday.

    So on the 18th birthday itself the person is still 17.
    """
    if day <= birth:
        return 0
    years = day.year - birth.year
    while years > 0 and nth_birthday(birth, years) >= day:
        years -= 1
    return years


def is_minor_on(birth: dt.date, day: dt.date) -> bool:
    """Under 18 on `day` (the 18th birthday included)."""
    return day <= eighteenth_birthday(birth)
