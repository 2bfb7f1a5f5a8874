"""The one entry point: `recommend(facts, charge_categories, is_working_day) -> QueryDecision`.

Routes a request to the requester/purpose rule, then adds Q-SCOPE on a permit, Q-DOCS and Q-DEADLINE.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from sealing.rules import TraceStep

from . import judicial, person, unit
from .deadlines import q_deadline
from .docs import q_docs, q_scope
from .facts import (
    ANSWERING_AGENCIES,
    JUDICIAL_PERMITTED,
    PERSONS,
    PURPOSES,
    RECORD_KINDS,
    RECORD_STATUSES,
    REQUESTERS,
    ChargeCategories,
    QueryDecision,
    QueryFacts,
    ids,
)
from .policy import DeadlinePolicy


def _check(facts: QueryFacts) -> None:
    """The vocabularies: a word outside them is a programming error here (the JSON reader names the field)."""
    if facts.requester not in REQUESTERS:
        raise ValueError(f"unknown requester {facts.requester!r}")
    if facts.purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {facts.purpose!r}")
    if facts.answering_agency not in ANSWERING_AGENCIES:
        raise ValueError(f"unknown answering agency {facts.answering_agency!r}")
    for record in facts.records:
        if record.status not in RECORD_STATUSES:
            raise ValueError(f"record {record.id!r}: unknown status {record.status!r}")
        if record.kind not in RECORD_KINDS:
            raise ValueError(f"record {record.id!r}: unknown kind {record.kind!r}")


def _person(facts: QueryFacts) -> list[TraceStep]:
    if facts.purpose != "certificate":
        return [person.q_self_purpose(facts)]
    if facts.open_records:  # open convictions only: a related record is not a criminal record
        return [person.q_cert_open(facts)]
    return [person.q_cert(facts)]


def _judicial(facts: QueryFacts) -> tuple[list[TraceStep], list, list]:
    if facts.purpose in JUDICIAL_PERMITTED:
        return [judicial.q_jud(facts)], ids(facts.sealed_records), ids(facts.open_records)
    return [judicial.q_jud_general(facts)], [], ids(facts.open_records)


def _unit(facts: QueryFacts, charge_categories: ChargeCategories) -> tuple[list[TraceStep], list, list, str]:
    if facts.basis is None:
        return [unit.q_unit_nobasis(facts)], [], [], "refuse"
    step, disclosed = unit.q_unit_relevant(facts, charge_categories)
    steps = [step]
    if facts.sealed_related:
        steps.append(unit.j_nonpros_scope(facts))
    open_listed = ids(facts.open_records)
    if open_listed:
        steps.append(unit.q_unit_open(facts))
    recommendation = "permit" if disclosed or open_listed else "answer_no_record"
    return steps, disclosed, open_listed, recommendation


def recommend(
    facts: QueryFacts,
    charge_categories: ChargeCategories,
    is_working_day: Callable[[dt.date], bool],
    working_days: int | None = None,
    year_known: Callable[[int], bool] | None = None,
    *,
    policy: DeadlinePolicy | None = None,
) -> QueryDecision:
    """The recommended decision on one query request, with its trace.

    `charge_categories(name)` gives a charge's relevance categories (empty for an unknown name).
    `is_working_day(day)` is the holiday calendar; `year_known(year)` says whether it knows that year's
    holidays — by default the calendar's own `year_known` attribute when it has one
    (workdays.DatabaseCalendar does). `policy` holds Q-DEADLINE's numbers per answering agency;
    `working_days`, when given, replaces its police number.
    """
    _check(facts)
    if year_known is None:
        year_known = getattr(is_working_day, "year_known", None)

    disclosed: list = []
    open_listed: list = []
    if facts.requester in PERSONS:
        trace = _person(facts)
        recommendation = trace[0].outcome
    elif facts.requester == "judicial":
        trace, disclosed, open_listed = _judicial(facts)
        recommendation = trace[0].outcome
    else:
        trace, disclosed, open_listed, recommendation = _unit(facts, charge_categories)

    if recommendation == "permit":
        trace.append(q_scope(facts, disclosed, open_listed))
    docs, document, statement = q_docs(facts, recommendation, disclosed, open_listed)
    trace.append(docs)
    deadline_step, deadline, warning = q_deadline(
        facts.received, is_working_day, working_days, year_known,
        answering_agency=facts.answering_agency, policy=policy,
    )
    trace.append(deadline_step)

    return QueryDecision(
        id=facts.id,
        recommendation=recommendation,
        disclosed=disclosed,
        deadline=deadline,
        document=document,
        statement=statement,
        trace=trace,
        calendar_warning=warning,
        open_records=ids(facts.open_records),
        received=facts.received,
        open_listed=open_listed,
        answering_agency=facts.answering_agency,
    )
