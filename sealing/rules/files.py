"""The law about a sealing file once decided: what it hides, which copies it covers, J-COVER, overdue,
unsealing grounds. Pure functions over plain values, shared by models, selectors, services and views.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

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


def facts_overdue(facts_due: dt.date | None, today: dt.date) -> bool:
    return facts_due is not None and facts_due < today


def unseal_grounds(regime: str | None) -> tuple[str, ...]:
    """The only grounds on which a final seal is lifted (J-UNSEAL-*, and their adult counterparts §3)."""
    return JUVENILE_GROUNDS if regime == "juvenile" else ADULT_GROUNDS


def may_unseal(*, regime: str | None, status: str | None, ground: str) -> bool:
    return status == "sealed" and ground in unseal_grounds(regime)
