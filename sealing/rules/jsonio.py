"""JSON in, JSON out for `evaluate_sealing` (DESIGN.md "Machine interfaces").

`parse_case` validates one case object and builds CaseFacts; every problem raises InputError
naming the offending field (`offense_date`, `sentence.months`, `events[1].date`, `charges[0]`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from sealing.identity import IdNumberError, parse_id_number

from .engine import evaluate
from .facts import (
    CIRCUMSTANCES,
    DISPOSITIONS,
    EVENT_KINDS,
    SENTENCE_KINDS,
    CaseFacts,
    ChargeInfo,
    Decision,
    Event,
    Sentence,
)
from .kernel import (  # noqa: F401  (InputError, MIN_YEAR, MAX_YEAR, MAX_COUNT re-exported: their old home)
    MAX_COUNT,
    MAX_YEAR,
    MIN_YEAR,
    InputError,
    is_int,
    optional_count,
    optional_date,
    read_bool,
    read_date,
    read_int,
    read_list,
    required_date,
)
from .policy import Policy

Lookup = Callable[[str], Optional[ChargeInfo]]


# --- small typed readers: the kernel's, shared with queries.rules ----------------------------

_is_int = is_int
_date = read_date
_optional_date = optional_date
_required_date = required_date
_bool = read_bool
_list = read_list


def _non_negative_int(value: Any, field: str) -> int:
    return read_int(value, field)


def _optional_count(obj: dict, key: str) -> int:
    return optional_count(obj, key)


# --- field groups ---------------------------------------------------------------------------

def _case_id(obj: dict) -> Any:
    value = obj.get("id")
    if value is None:
        raise InputError("id", "is required")
    if _is_int(value):
        return value
    if isinstance(value, str) and value.strip():
        return value
    raise InputError("id", "must be a non-empty string or an integer")


def _birth_date(obj: dict) -> dt.date:
    birth = _optional_date(obj, "birth_date")
    raw = obj.get("id_number")
    if raw is None:
        if birth is None:
            raise InputError("birth_date", "birth_date or id_number is required")
        return birth
    if not isinstance(raw, str):
        raise InputError("id_number", "must be a string of 18 characters")
    try:
        parsed = parse_id_number(raw)
    except IdNumberError as exc:
        raise InputError("id_number", f"invalid resident ID number ({exc.code}): {exc}") from None
    if birth is not None and birth != parsed.birth_date:
        raise InputError(
            "id_number",
            f"the birth date in the ID number ({parsed.birth_date.isoformat()}) "
            f"differs from birth_date ({birth.isoformat()})",
        )
    return parsed.birth_date


def _charges(obj: dict, lookup: Lookup | None) -> tuple[ChargeInfo, ...]:
    charges = []
    for i, name in enumerate(_list(obj, "charges")):
        field = f"charges[{i}]"
        if not isinstance(name, str) or not name.strip():
            raise InputError(field, "must be a charge name (non-empty string)")
        name = name.strip()
        info = lookup(name) if lookup is not None else None
        if info is not None and not isinstance(info, ChargeInfo):
            raise TypeError(f"lookup({name!r}) returned {type(info).__name__}, not ChargeInfo")
        charges.append(info if info is not None else ChargeInfo.unknown(name))
    return tuple(charges)


def _sentence(obj: dict) -> Sentence | None:
    """A sentence that is absent (or lacks its months / probation) is a missing fact, not bad input:
    the engine answers `undetermined` and names it in `missing` (DESIGN.md). Wrong types are errors."""
    value = obj.get("sentence")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError("sentence", "must be an object")
    kind = value.get("kind")
    if kind is None:
        raise InputError("sentence.kind", "is required")
    if kind not in SENTENCE_KINDS:
        raise InputError("sentence.kind", f"must be one of {', '.join(SENTENCE_KINDS)}")
    months = value.get("months")
    if months is not None:
        months = _non_negative_int(months, "sentence.months")
    suspended = value.get("suspended")
    suspended = False if suspended is None else _bool(suspended, "sentence.suspended")
    probation = value.get("probation_months")
    if probation is not None:
        probation = _non_negative_int(probation, "sentence.probation_months")
    return Sentence(kind=kind, months=months, suspended=suspended, probation_months=probation)


def _circumstances(obj: dict) -> frozenset[str]:
    found = set()
    for i, value in enumerate(_list(obj, "circumstances")):
        if not isinstance(value, str) or value not in CIRCUMSTANCES:
            raise InputError(f"circumstances[{i}]", f"must be one of {', '.join(CIRCUMSTANCES)}")
        found.add(value)
    return frozenset(found)


def _events(obj: dict) -> tuple[Event, ...]:
    events = []
    for i, value in enumerate(_list(obj, "events")):
        prefix = f"events[{i}]"
        if not isinstance(value, dict):
            raise InputError(prefix, "must be an object with date and kind")
        day = _required_date(value, "date", f"{prefix}.date")
        kind = value.get("kind")
        if kind is None:
            raise InputError(f"{prefix}.kind", "is required")
        if kind not in EVENT_KINDS:
            raise InputError(f"{prefix}.kind", f"must be one of {', '.join(EVENT_KINDS)}")
        events.append(Event(date=day, kind=kind))
    return tuple(events)


# --- public ---------------------------------------------------------------------------------

def parse_case(obj: Any, lookup: Lookup | None, today: dt.date) -> tuple[CaseFacts, dt.date]:
    """Validate one case object; returns (facts, as_of). `as_of` defaults to `today`."""
    if not isinstance(obj, dict):
        raise InputError("$", "a case must be a JSON object")
    case_id = _case_id(obj)
    birth = _birth_date(obj)
    offense = _required_date(obj, "offense_date")
    if offense < birth:
        raise InputError("offense_date", "is before the birth date")
    offense_start = _optional_date(obj, "offense_start_date")
    if offense_start is not None:
        if offense_start > offense:
            raise InputError("offense_start_date", "is after offense_date (the last act)")
        if offense_start < birth:
            raise InputError("offense_start_date", "is before the birth date")
    main_conduct = obj.get("main_conduct_before_18")
    if main_conduct is not None:
        main_conduct = _bool(main_conduct, "main_conduct_before_18")
    charges = _charges(obj, lookup)
    disposition = obj.get("disposition")
    if disposition is None:
        if obj.get("sentence") is None:
            raise InputError("disposition", "is required")
        disposition = "sentenced"  # a sentence given says so
    if disposition not in DISPOSITIONS:
        raise InputError("disposition", f"must be one of {', '.join(DISPOSITIONS)}")
    sentence = _sentence(obj)
    effective = _optional_date(obj, "judgment_effective_date")
    completed = _optional_date(obj, "sentence_completed_date")
    circumstances = _circumstances(obj)
    prior = _optional_count(obj, "prior_convictions")
    hours = _optional_count(obj, "community_service_hours")
    events = _events(obj)
    as_of = _optional_date(obj, "as_of") or today
    facts = CaseFacts(
        id=case_id,
        birth_date=birth,
        offense_date=offense,
        offense_start_date=offense_start,
        main_conduct_before_18=main_conduct,
        charges=charges,
        disposition=disposition,
        sentence=sentence,
        judgment_effective_date=effective,
        sentence_completed_date=completed,
        circumstances=circumstances,
        prior_convictions=prior,
        community_service_hours=hours,
        events=events,
    )
    return facts, as_of


def parse_cases(payload: Any, lookup: Lookup | None, today: dt.date) -> list[tuple[CaseFacts, dt.date]]:
    """One case object or a list of them; an error in a list carries `.index`."""
    if isinstance(payload, dict):
        return [parse_case(payload, lookup, today)]
    if not isinstance(payload, list):
        raise InputError("$", "expected a case object or a list of case objects")
    parsed = []
    for index, obj in enumerate(payload):
        try:
            parsed.append(parse_case(obj, lookup, today))
        except InputError as exc:
            exc.index = index
            raise
    return parsed


def decision_to_json(decision: Decision) -> dict:
    return decision.to_dict()


def evaluate_payload(
    payload: Any, lookup: Lookup | None, policy: Policy, today: dt.date
) -> dict | list[dict]:
    """The whole command in one call: a dict in gives a dict out, a list gives a list."""
    decisions = [decision_to_json(evaluate(facts, policy, as_of))
                 for facts, as_of in parse_cases(payload, lookup, today)]
    return decisions[0] if isinstance(payload, dict) else decisions
