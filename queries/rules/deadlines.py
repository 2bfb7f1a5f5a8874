"""Q-DEADLINE: the answering agency's time limit, on the Chinese public-holiday calendar.

- `police` (default): the n-th working day after the day of receipt (the day itself is not counted),
  public holidays skipped, make-up working days (调休上班) counted; n = 3 (policy).
- `procuratorate`: 7 calendar days after the day of receipt (SPP Rules art. 484); when the 7th day
  is not a working day, the next working day (CPL art. 105: a period ending on a holiday ends on the
  first day after it). A make-up working day is a working day.
- `court`: n working days as the police; n = 3 (policy; the law says "promptly").

The calendar is a callable `is_working_day(day)`; it may say which years it knows (`year_known`),
and a deadline counted over a year it does not know carries a warning. The engine never reads the
clock: `received` is the input.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable

from sealing.rules import Msg, Text, TraceStep

from .facts import AGENCY_TEXT, ANSWERING_AGENCIES, MPS_RULES, SPP_RULES
from .policy import DEFAULT_DEADLINE_POLICY, DEFAULT_WORKING_DAYS, DeadlinePolicy

MAX_DAYS_SCANNED = 366  # a calendar with no working day in a year is broken, not slow

HOLIDAY_ARRANGEMENT = "国务院办公厅节假日安排"
SRC_DEADLINE = f"答复时限{DEFAULT_WORKING_DAYS}个工作日（政策）；{MPS_RULES}；{HOLIDAY_ARRANGEMENT}"


def deadline_source(answering_agency: str, days: int) -> str:
    """The legal source of the time limit, with the number the policy in force sets."""
    if answering_agency == "procuratorate":
        return (f"{SPP_RULES}第四百八十四条（{days}日内答复）；刑事诉讼法第一百零五条（期间届满日为节假日的，"
                f"以节假日后的第一日为期满日期）；{HOLIDAY_ARRANGEMENT}")
    if answering_agency == "court":
        return f"答复时限{days}个工作日（政策；法律规定为“及时”答复）；{HOLIDAY_ARRANGEMENT}"
    return f"答复时限{days}个工作日（政策）；{MPS_RULES}；{HOLIDAY_ARRANGEMENT}"

WEEKDAY_TEXT = (
    Msg("Q.weekday.monday", "{day}（星期一）", "{day} (Monday)"),
    Msg("Q.weekday.tuesday", "{day}（星期二）", "{day} (Tuesday)"),
    Msg("Q.weekday.wednesday", "{day}（星期三）", "{day} (Wednesday)"),
    Msg("Q.weekday.thursday", "{day}（星期四）", "{day} (Thursday)"),
    Msg("Q.weekday.friday", "{day}（星期五）", "{day} (Friday)"),
    Msg("Q.weekday.saturday", "{day}（星期六）", "{day} (Saturday)"),
    Msg("Q.weekday.sunday", "{day}（星期日）", "{day} (Sunday)"),
)

CALENDAR_DAYS = Msg(
    "Q-DEADLINE.calendar_days",
    "由{agency}答复：收到申请之日（{received}）不计入，第{n}日为{last}{moved}；应在{due}前答复，逾期将被标记{not_loaded}",
    "To be answered by {agency}: the day the request was received ({received}) is not counted, and day {n} is "
    "{last}{moved}; the answer is due by {due} and is flagged when late{not_loaded}")
MOVED = Msg("Q-DEADLINE.moved", "；该日不是工作日，顺延至其后第一个工作日{day}",
            "; that day is not a working day, so the time limit runs to the first working day after it, {day}")
WORKING_DAYS = Msg(
    "Q-DEADLINE.working_days",
    "由{agency}答复：收到申请之日（{received}）不计入，第{n}个工作日为{due}，应在该日前答复，逾期将被标记"
    "{holidays}{makeup}{not_loaded}",
    "To be answered by {agency}: the day the request was received ({received}) is not counted, and working day "
    "{n} is {due}: the answer is due by that day and is flagged when late{holidays}{makeup}{not_loaded}")
HOLIDAYS = Msg("Q-DEADLINE.holidays", "；其间法定节假日{count}天不计（{days}）",
               "; the public holidays in between are not counted: {days} (number of days: {count})")
MAKEUP = Msg("Q-DEADLINE.makeup", "；调休上班日计入（{days}）", "; make-up working days are counted ({days})")
NOT_LOADED = Msg("Q-DEADLINE.not_loaded", "；{years}年的节假日安排未载入，暂按周一至周五计算，请核对",
                 "; the public-holiday arrangements for {years} are not loaded, so Monday to Friday are counted as "
                 "working days for now: please check")


def weekday_calendar(day: dt.date) -> bool:
    """The plain rule, for a year whose holiday calendar is not loaded: Monday to Friday work."""
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The n-th working day after `start` (the day `start` itself is not counted).

    Raises ValueError when n < 1 or when no working day is found for MAX_DAYS_SCANNED days in a row.
    """
    if n < 1:
        raise ValueError("the number of working days must be at least 1")
    day, counted, idle = start, 0, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted, idle = counted + 1, 0
        else:
            idle += 1
            if idle >= MAX_DAYS_SCANNED:
                raise ValueError(f"the calendar has no working day for {MAX_DAYS_SCANNED} days after "
                                 f"{day - dt.timedelta(days=idle - 1)}")
    return day


def working_day_on_or_after(day: dt.date, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """`day` when it is a working day, else the next working day (CPL art. 105)."""
    for _ in range(MAX_DAYS_SCANNED):
        if is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    raise ValueError(f"the calendar has no working day for {MAX_DAYS_SCANNED} days from {day}")


def add_calendar_days_to_working_day(start: dt.date, n: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The n-th calendar day after `start`, moved to the next working day when it is not one."""
    if n < 1:
        raise ValueError("the number of days must be at least 1")
    return working_day_on_or_after(start + dt.timedelta(days=n), is_working_day)


def answer_deadline(received: dt.date, answering_agency: str, is_working_day: Callable[[dt.date], bool],
             policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY) -> dt.date:
    """The last day to answer a request received on `received` by `answering_agency`."""
    if answering_agency == "police":
        return add_working_days(received, policy.police_working_days, is_working_day)
    if answering_agency == "court":
        return add_working_days(received, policy.court_working_days, is_working_day)
    if answering_agency == "procuratorate":
        return add_calendar_days_to_working_day(received, policy.procuratorate_days, is_working_day)
    raise ValueError(f"unknown answering agency {answering_agency!r}")


def calendar_warning(years: Iterable[int]) -> str | None:
    """The warning the oversight console shows when a deadline used weekdays for unloaded years."""
    years = sorted(set(years))
    if not years:
        return None
    return f"calendar for {', '.join(str(y) for y in years)} not loaded: weekdays used"


def is_overdue(deadline: dt.date, today: dt.date, answered: dt.date | None = None) -> bool:
    """Q-DEADLINE flag: not answered by the end of the deadline day."""
    if answered is not None:
        return answered > deadline
    return today > deadline


def _days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days after `start` up to and including `end`."""
    return [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]


def _weekday(day: dt.date) -> Text:
    """A date with its day of the week: 2025年3月6日（星期四）."""
    return WEEKDAY_TEXT[day.weekday()](day=day)


def q_deadline(
    received: dt.date,
    is_working_day: Callable[[dt.date], bool],
    working_days: int | None = None,
    year_known: Callable[[int], bool] | None = None,
    *,
    answering_agency: str = "police",
    policy: DeadlinePolicy | None = None,
) -> tuple[TraceStep, dt.date, str | None]:
    """Q-DEADLINE for `answering_agency`. Returns (step, deadline, warning).

    `working_days`, when given, is the police number (the keyword callers used before the policy)."""
    if answering_agency not in ANSWERING_AGENCIES:
        raise ValueError(f"unknown answering agency {answering_agency!r}")
    policy = (policy or DEFAULT_DEADLINE_POLICY).with_police_working_days(working_days)
    due = answer_deadline(received, answering_agency, is_working_day, policy)
    days = _days_between(received, due)
    unknown = sorted({d.year for d in days if not year_known(d.year)}) if year_known is not None else []
    warning = calendar_warning(unknown)
    agency = AGENCY_TEXT[answering_agency]()
    facts: dict = {"answering_agency": answering_agency, "received": received, "deadline": due}
    not_loaded = NOT_LOADED(years=[str(y) for y in unknown]) if unknown else ""

    if answering_agency == "procuratorate":
        n = policy.procuratorate_days
        last = received + dt.timedelta(days=n)
        moved = due != last
        message = CALENDAR_DAYS(agency=agency, received=received, n=n, last=_weekday(last),
                                moved=MOVED(day=_weekday(due)) if moved else "", due=due, not_loaded=not_loaded)
        skipped = [d for d in days if d >= last and not is_working_day(d)]
        facts.update(calendar_days=n, last_day=last, moved=moved, skipped=skipped)
    else:
        n = policy.police_working_days if answering_agency == "police" else policy.court_working_days
        counted = [d for d in days if is_working_day(d)]
        skipped = [d for d in days if not is_working_day(d)]
        makeup = [d for d in counted if d.weekday() >= 5]
        holidays = [d for d in skipped if d.weekday() < 5]
        message = WORKING_DAYS(
            agency=agency, received=received, n=n, due=_weekday(due),
            holidays=HOLIDAYS(count=len(holidays), days=holidays) if holidays else "",
            makeup=MAKEUP(days=makeup) if makeup else "", not_loaded=not_loaded,
        )
        facts.update(working_days=n, counted=counted, holidays=holidays, makeup_working_days=makeup)
    facts["calendar_not_loaded"] = unknown
    return TraceStep(
        "Q-DEADLINE", deadline_source(answering_agency, n), "warning" if warning else "applies", message, facts,
    ), due, warning
