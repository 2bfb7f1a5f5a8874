"""The law about a sealing file once decided: what it hides, which copies it covers, J-COVER, overdue,
unsealing grounds. Pure functions over plain values, shared by models, selectors, services and views.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .dates import add_months

HIDDEN_STATUSES = frozenset({"provisionally_sealed", "sealed"})

JUVENILE_GROUNDS = ("J-UNSEAL-NEW", "J-UNSEAL-HIDDEN", "J-UNSEAL-RETRIAL")
ADULT_GROUNDS = ("A-UNSEAL-HIDDEN", "A-UNSEAL-RETRIAL")


def is_hidden(status: str | None) -> bool:
    """Provisionally sealed records are hidden exactly as sealed ones are (A-MODE)."""
    return status in HIDDEN_STATUSES


def whole_case_records_hidden(statuses: Iterable[str | None]) -> bool:
    """A record that concerns every defendant (no defendant named) is hidden once every defendant's
    file is hidden; until then it stays open and, with a hidden juvenile among them, marked J-COVER."""
    statuses = list(statuses)
    return bool(statuses) and all(is_hidden(s) for s in statuses)


def covers_record(*, file_defendant_id, record_defendant_id, case_statuses: Iterable[str | None]) -> bool:
    """The copies a file covers: the defendant's own records, and the case's whole-case records when
    every defendant of the case is hidden."""
    if record_defendant_id is not None:
        return record_defendant_id == file_defendant_id
    return whole_case_records_hidden(case_statuses)


def j_cover(own_regime: str | None, codefendants: Iterable[tuple[str | None, str | None]]) -> bool:
    """J-COVER: an adult co-defendant's file in a joint case is marked 含犯罪记录封存信息 while a juvenile
    co-defendant's record is hidden (not once it is unsealed, revoked or never sealed).
    ``codefendants`` are (regime, status) of the other defendants."""
    if own_regime == "juvenile":
        return False
    return any(regime == "juvenile" and is_hidden(status) for regime, status in codefendants)


def seal_overdue(*, regime: str | None, status: str | None, seal_date: dt.date | None, today: dt.date,
                 within_days: int) -> bool:
    """J-WHEN: a juvenile file hidden since ``seal_date`` whose copy is still open more than
    ``within_days`` after it is overdue (应封未封)."""
    if regime != "juvenile" or not is_hidden(status) or seal_date is None:
        return False
    return (today - seal_date).days > within_days


def own_seal_deadline(*, regime: str | None, seal_date: dt.date | None, within_days: int) -> dt.date | None:
    """J-WHEN: the last day for the deciding agency to seal its own copies of a juvenile record — ``within_days``
    after the seal date (the day seal_overdue starts to say 应封未封). None for an adult file: no such limit."""
    if regime != "juvenile" or seal_date is None:
        return None
    return seal_date + dt.timedelta(days=within_days)


def facts_overdue(facts_due: dt.date | None, today: dt.date) -> bool:
    return facts_due is not None and facts_due < today


def unseal_grounds(regime: str | None) -> tuple[str, ...]:
    """The only grounds on which a final seal is lifted (J-UNSEAL-*, and their adult counterparts §3)."""
    return JUVENILE_GROUNDS if regime == "juvenile" else ADULT_GROUNDS


def may_unseal(*, regime: str | None, status: str | None, ground: str) -> bool:
    return status == "sealed" and ground in unseal_grounds(regime)


# --- Over time: when the calendar moves a file, and the sealing notices (J-WHEN, J-WHEN-RECEIPT) ------

def next_change(*, status: str | None, seal_date: dt.date | None, observation_start: dt.date | None,
                observation_end: dt.date | None) -> dt.date | None:
    """The first day on which the calendar alone gives the file another status: a pending file's start
    (or seal) date; the day after an observation period ends. None when only new facts can move it."""
    if status == "pending":
        days = [day for day in (observation_start, seal_date) if day is not None]
        return min(days) if days else None
    if status in ("observing", "provisionally_sealed") and observation_end is not None:
        return observation_end + dt.timedelta(days=1)
    return None


# Sentences executed in the community (surveillance, suspended sentence): the justice bureau seals its copy
# within the policy's days after the sentence has been fully executed (Measures arts. 11-13).
def community_sentence(*, sentence_kind: str | None, suspended: bool) -> bool:
    return sentence_kind == "surveillance" or bool(suspended and sentence_kind in ("fixed_term", "detention"))


def execution_end(*, sentence_kind: str | None, suspended: bool, months: int | None, probation_months: int | None,
                  judgment_effective_date: dt.date | None, sentence_completed_date: dt.date | None) -> dt.date | None:
    """The day a community sentence is fully executed: the recorded date, else the end of the probation
    (suspended) or of the surveillance counted from the effective date; None when it cannot be known."""
    if sentence_completed_date is not None:
        return sentence_completed_date
    if judgment_effective_date is None:
        return None
    if suspended and probation_months:
        return add_months(judgment_effective_date, probation_months)
    if sentence_kind == "surveillance" and months:
        return add_months(judgment_effective_date, months)
    return None


def notice_recipient_kinds(*, deciding_kind: str, disposition: str, community: bool) -> set[str]:
    """J-WHEN: the kinds of agency that hold or must hold a copy besides the deciding one. A court's
    judgment goes to the procuratorate and the police (and the justice bureau for a community sentence);
    a non-prosecution or other procuratorate decision to the police; a police decision to nobody else."""
    kinds: set[str] = set()
    if deciding_kind == "court":
        kinds |= {"procuratorate", "police"}
        if community:
            kinds.add("justice")
    elif deciding_kind == "procuratorate":
        kinds.add("police")
    kinds.discard(deciding_kind)
    return kinds


def copy_deadline(*, basis: str, received_on: dt.date | None, execution_end: dt.date | None,
                  days: int) -> dt.date | None:
    """J-WHEN-RECEIPT: seal within ``days`` of receiving the notice, or of the sentence's full execution
    for the community-correction agency. No receipt (or no known end) yet: no deadline yet."""
    start = execution_end if basis == "execution" else received_on
    return start + dt.timedelta(days=days) if start is not None else None


def copy_overdue(*, deadline: dt.date | None, sealed: bool, today: dt.date) -> bool:
    """应封未封: the deadline has passed (the deadline day itself is still in time) and the copy is open."""
    return not sealed and deadline is not None and today > deadline


def undelivered(*, sent_on: dt.date, received_on: dt.date | None, today: dt.date, days: int) -> bool:
    """J-WHEN-RECEIPT: a notice not received within ``days`` of sending."""
    if received_on is not None:
        return (received_on - sent_on).days > days
    return (today - sent_on).days > days
