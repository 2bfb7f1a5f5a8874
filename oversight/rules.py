"""RULES.md §5, the findings (线索) the supervision scans detect: each condition once, as a pure function
over plain values. Where the law already lives in another app's rules (J-WHEN-RECEIPT in
``sealing.rules.files``, Q-DEADLINE in ``queries.rules.deadlines``) these functions call it instead of
restating it.

The scans (oversight/scans.py) select in SQL; where a condition becomes a date bound of a query, the
bound comes from here too (``started_before``), so the set-based selection and the predicate agree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from queries.rules.deadlines import is_overdue as _answered_late
from sealing.rules.files import copy_overdue
from sealing.rules.files import undelivered as _undelivered

# Rule ids (stable; they appear in the findings, the scan summary and, later, the instruments).
S_UNSEALED = "S-UNSEALED"
S_UNDELIVERED = "S-UNDELIVERED"
S_OBS_OPEN = "S-OBS-OPEN"
S_QUERY_LATE = "S-QUERY-LATE"
S_OVERRIDE = "S-OVERRIDE"
S_NO_BASIS = "S-NO-BASIS"
S_READ_SCOPE = "S-READ-SCOPE"
S_READ_VOLUME = "S-READ-VOLUME"
S_CALENDAR = "S-CALENDAR"
S_OBJECTION_LATE = "S-OBJECTION-LATE"
# RULES.md §5 "Instruments": three oral corrections of the same kind at one agency within a year → the scan
# proposes a written correction notice.
S_ORAL_REPEAT = "S-ORAL-REPEAT"
RULE_IDS = (S_UNSEALED, S_UNDELIVERED, S_OBS_OPEN, S_QUERY_LATE, S_OVERRIDE, S_NO_BASIS, S_READ_SCOPE,
            S_READ_VOLUME, S_CALENDAR, S_OBJECTION_LATE, S_ORAL_REPEAT)

# A-MODE: the statuses in which an observation period is still running.
OBSERVATION_STATUSES = frozenset({"observing", "provisionally_sealed"})
# S-CALENDAR: next year's working-day calendar must be loaded by this day of the year (month, day).
CALENDAR_DUE = (11, 1)


def started_before(today: dt.date, days: int) -> dt.date:
    """The bound of a "within ``days`` of a start date" rule: on ``today`` the time is up for every start
    date strictly before the day returned (start + days < today)."""
    return today - dt.timedelta(days=days)


# --- S-UNSEALED (J-WHEN, J-WHEN-RECEIPT, J-RETRO) -----------------------------------------------------

def own_copy_deadline(*, seal_date: dt.date | None, days: int) -> dt.date | None:
    """J-WHEN: the deciding agency seals its own copy on the seal date; the policy's days are its grace."""
    return seal_date + dt.timedelta(days=days) if seal_date is not None else None


def unsealed(*, deadline: dt.date | None, sealed: bool, today: dt.date) -> bool:
    """应封未封: a copy still open after its deadline (the deadline day itself is in time)."""
    return copy_overdue(deadline=deadline, sealed=sealed, today=today)


def retro_unsealed(*, regime: str | None, eligible: bool | None, status: str | None,
                   judgment_effective_date: dt.date | None, copy_sealed: bool, cutoff: dt.date) -> bool:
    """J-RETRO: a juvenile case decided before ``cutoff`` (2013-01-01) that meets the conditions and is not
    closed for good (unsealed, revoked) is reported while a copy is still open."""
    if regime != "juvenile" or eligible is not True or copy_sealed:
        return False
    if status in ("unsealed", "revoked") or judgment_effective_date is None:
        return False
    return judgment_effective_date < cutoff


# --- S-UNDELIVERED ---------------------------------------------------------------------------------------

def undelivered(*, sent_on: dt.date, received_on: dt.date | None, today: dt.date, days: int) -> bool:
    """J-WHEN-RECEIPT: a notice not received within ``days`` of sending (late receipt included)."""
    return _undelivered(sent_on=sent_on, received_on=received_on, today=today, days=days)


# --- S-OBS-OPEN ------------------------------------------------------------------------------------------

def observation_open(*, status: str | None, observation_end: dt.date | None, today: dt.date) -> bool:
    """An observation period past its end date whose file is not final: the seal is final from the day
    after the end date, so on any later day a file still observing or provisionally sealed is stuck."""
    return status in OBSERVATION_STATUSES and observation_end is not None and observation_end < today


# --- S-QUERY-LATE, S-OBJECTION-LATE -----------------------------------------------------------------------

def answered_late(*, deadline: dt.date, answered: dt.date | None, today: dt.date) -> bool:
    """Q-DEADLINE / Q-OBJECTION: answered after the deadline, or unanswered past it."""
    return _answered_late(deadline, today, answered)


# --- S-OVERRIDE ------------------------------------------------------------------------------------------

def disclosed_beyond(recommended_ids: Iterable, disclosed_ids: Iterable) -> list:
    """Q-OVERRIDE: the records a decision disclosed that the recommendation did not (ids compare as text)."""
    recommended = {str(i) for i in recommended_ids}
    return sorted((i for i in disclosed_ids if str(i) not in recommended), key=str)


# --- S-NO-BASIS ------------------------------------------------------------------------------------------

NO_BASIS = "no_basis"
OUTSIDE_CATEGORIES = "outside_categories"
RELATED_RECORD = "related_record"


def unit_disclosure_fault(*, has_basis: bool, basis_categories: Iterable[str], record_categories: Iterable[str],
                          conviction: bool) -> str | None:
    """Q-UNIT-NOBASIS, Q-UNIT-RELEVANT, J-NONPROS-SCOPE checked after the fact, for one record disclosed to a
    unit: None when the disclosure was lawful, else why not (the first fault in the order of RULES.md)."""
    if not has_basis:
        return NO_BASIS
    if not conviction:
        return RELATED_RECORD
    if not set(basis_categories) & set(record_categories):
        return OUTSIDE_CATEGORIES
    return None


# --- S-READ-SCOPE ----------------------------------------------------------------------------------------

NO_PERMIT = "no_permit"
OTHER_RECORD = "other_record"
EXPIRED = "expired"
ENDED = "ended"


def read_out_of_scope(*, has_permit: bool, record_id, permit_record_id, at: dt.datetime,
                      expires_at: dt.datetime | None, ended_at: dt.datetime | None) -> str | None:
    """Q-SCOPE: a read of sealed content is in scope only under a permit, of the permit's record, before it
    expired or was ended. None when in scope, else why not."""
    if not has_permit:
        return NO_PERMIT
    if record_id != permit_record_id:
        return OTHER_RECORD
    if ended_at is not None and at > ended_at:
        return ENDED
    if expires_at is not None and at > expires_at:
        return EXPIRED
    return None


# --- S-READ-VOLUME (policy) ------------------------------------------------------------------------------

def read_window(today: dt.date, period_days: int) -> tuple[dt.date, dt.date]:
    """The period the reads are counted over: the ``period_days`` days ending with ``today``, both included."""
    if period_days < 1:
        raise ValueError("the period has at least one day")
    return today - dt.timedelta(days=period_days - 1), today


def read_volume_exceeded(*, reads: int, threshold: int) -> bool:
    """Unusual volume: more reads of sealed content than the policy's threshold in the period."""
    return reads > threshold


# --- S-CALENDAR ------------------------------------------------------------------------------------------

def calendar_due(year: int) -> dt.date:
    """The day by which the working calendar of ``year`` must be loaded: 1 November of the year before."""
    month, day = CALENDAR_DUE
    return dt.date(year - 1, month, day)


def missing_calendar_years(*, today: dt.date, known_years: Iterable[int]) -> list[int]:
    """The years whose working-day calendar is missing although due: next year's from 1 November on, and
    this year's (already late) at any time."""
    known = set(known_years)
    due = [today.year]
    if today >= calendar_due(today.year + 1):
        due.append(today.year + 1)
    return [year for year in due if year not in known]



# --- S-ORAL-REPEAT (RULES.md §5 "Instruments") ---------------------------------------------------------------

ORAL_REPEAT_COUNT = 3  # three oral corrections of the same kind at one agency within a year


def oral_repeat_since(as_of: dt.date) -> dt.date:
    """"Within a year" up to ``as_of``: oral corrections issued strictly after the day returned count."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - 1, day=28)


def oral_repeats(orals: Iterable[tuple], *, last_written: dict, as_of: dt.date) -> list[dict]:
    """The proposals to issue a written correction notice: for each agency and kind (the rule of the findings
    an oral correction rests on; "" for one drafted freely) with ``ORAL_REPEAT_COUNT`` or more oral corrections
    issued within the year up to ``as_of``, unless the agency received a written instrument (correction notice
    or recommendation) on or after the last of them.

    ``orals``: (agency id, the rules of its findings, issued on, serial) of each oral correction not withdrawn;
    ``last_written``: agency id → the last day a written instrument was issued to it.
    Returns [{"agency_id", "rule", "count", "first", "last", "serials"}], by agency and rule."""
    since = oral_repeat_since(as_of)
    groups: dict[tuple, list[tuple]] = {}
    for agency_id, rules_, issued_on, serial in orals:
        if issued_on is None or not since < issued_on <= as_of:
            continue
        for rule in (set(rules_) or {""}):
            groups.setdefault((agency_id, rule), []).append((issued_on, serial))
    proposals = []
    for (agency_id, rule), items in sorted(groups.items()):
        if len(items) < ORAL_REPEAT_COUNT:
            continue
        last = max(day for day, _serial in items)
        written = last_written.get(agency_id)
        if written is not None and written >= last:
            continue
        proposals.append({"agency_id": agency_id, "rule": rule, "count": len(items),
                          "first": min(day for day, _serial in items), "last": last,
                          "serials": sorted(serial for _day, serial in items)})
    return proposals
