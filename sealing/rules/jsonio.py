"""JSON in, JSON out for `evaluate_sealing` (DESIGN.md "Machine interfaces").

`parse_case` validates one case object and builds CaseFacts; every problem raises InputError
naming the offending field (`offense_date`, `sentence.months`, `events[1].date`, `charges[0]`).
Two passes: first each field's type (the kernel's readers; unknown keys are errors), then what the
case form refuses too (validation.py: dates out of order, sentences the Criminal Law does not allow,
unknown charges, an ID number that disagrees). `parse_cases` also refuses duplicate ids.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

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
    check_keys,
    is_int,
    optional_bool,
    optional_count,
    optional_date,
    read_bool,
    read_choice,
    read_date,
    read_identifier,
    read_int,
    read_list,
    required_date,
    without_text,
)
from .policy import Policy
from .validation import check_case_dates, check_charges, check_identity, check_sentence, raise_first

Lookup = Callable[[str], Optional[ChargeInfo]]

CASE_KEYS = (
    "id", "birth_date", "id_number", "offense_date", "offense_start_date", "main_conduct_before_18",
    "charges", "disposition", "sentence", "judgment_effective_date", "sentence_completed_date",
    "circumstances", "prior_convictions", "community_service_hours", "events", "as_of",
)
SENTENCE_KEYS = ("kind", "months", "suspended", "probation_months")
EVENT_KEYS = ("date", "kind")


# --- field groups (pass 1: types) -------------------------------------------------------------

def _id_number(obj: dict) -> str | None:
    raw = obj.get("id_number")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InputError("id_number", "must be a string of 18 characters", code="id_number_shape")
    return raw


def _charge_names(obj: dict) -> list[str]:
    names = []
    for i, name in enumerate(read_list(obj, "charges")):
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"charges[{i}]", "must be a charge name (non-empty string)", code="charge_type")
        names.append(name.strip())
    return names


def _sentence(obj: dict) -> Sentence | None:
    """A sentence that is absent (or lacks its months / probation) is a missing fact, not bad input:
    the engine answers `undetermined` and names it in `missing` (DESIGN.md). Wrong types are errors."""
    value = obj.get("sentence")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError("sentence", "must be an object", code="object_type")
    check_keys(value, SENTENCE_KEYS, "sentence")
    kind = value.get("kind")
    if kind is None:
        raise InputError("sentence.kind", "is required", code="required")
    read_choice(kind, "sentence.kind", SENTENCE_KINDS)
    months = value.get("months")
    if months is not None:
        months = read_int(months, "sentence.months")
    suspended = optional_bool(value, "suspended", "sentence.suspended", default=False)
    probation = value.get("probation_months")
    if probation is not None:
        probation = read_int(probation, "sentence.probation_months")
    return Sentence(kind=kind, months=months, suspended=suspended, probation_months=probation)


def _circumstances(obj: dict) -> frozenset[str]:
    found = set()
    for i, value in enumerate(read_list(obj, "circumstances")):
        read_choice(value, f"circumstances[{i}]", CIRCUMSTANCES)
        found.add(value)
    return frozenset(found)


def _events(obj: dict) -> tuple[Event, ...]:
    events = []
    for i, value in enumerate(read_list(obj, "events")):
        prefix = f"events[{i}]"
        if not isinstance(value, dict):
            raise InputError(prefix, "must be an object with date and kind", code="object_type")
        check_keys(value, EVENT_KEYS, prefix)
        day = required_date(value, "date", f"{prefix}.date")
        kind = value.get("kind")
        if kind is None:
            raise InputError(f"{prefix}.kind", "is required", code="required")
        read_choice(kind, f"{prefix}.kind", EVENT_KINDS)
        events.append(Event(date=day, kind=kind))
    return tuple(events)


def _disposition(obj: dict) -> str:
    disposition = obj.get("disposition")
    if disposition is None:
        if obj.get("sentence") is None:
            raise InputError("disposition", "is required", code="required")
        return "sentenced"  # a sentence given says so
    return read_choice(disposition, "disposition", DISPOSITIONS)


def catalogue_names(lookup: Lookup | None) -> tuple[str, ...]:
    """The catalogue's names behind a lookup, for suggestions: `lookup.names`, or the keys of the dict
    whose `.get` the lookup is; () when unknown."""
    if lookup is None:
        return ()
    names = getattr(lookup, "names", None)
    if names is not None:
        return tuple(names)
    owner = getattr(lookup, "__self__", None)
    if isinstance(owner, dict):
        return tuple(owner)
    return ()


def _charges(names: list[str], lookup: Lookup | None) -> tuple[ChargeInfo, ...]:
    charges = []
    for name in names:
        info = lookup(name) if lookup is not None else None
        if info is not None and not isinstance(info, ChargeInfo):
            raise TypeError(f"lookup({name!r}) returned {type(info).__name__}, not ChargeInfo")
        charges.append(info if info is not None else ChargeInfo.unknown(name))
    return tuple(charges)


# --- public ---------------------------------------------------------------------------------

def parse_case(obj: Any, lookup: Lookup | None, today: dt.date) -> tuple[CaseFacts, dt.date]:
    """Validate one case object; returns (facts, as_of). `as_of` defaults to `today` (the caller's clock).

    With `lookup` None the charge names are not checked (each is then an unknown charge)."""
    if not isinstance(obj, dict):
        raise InputError("$", "a case must be a JSON object", code="object_type")
    check_keys(obj, CASE_KEYS)

    # pass 1: every field has its type
    case_id = read_identifier(obj.get("id"), "id")
    given_birth = optional_date(obj, "birth_date")
    id_number = _id_number(obj)
    birth, problems = check_identity(id_number, given_birth)
    raise_first(problems)
    offense = required_date(obj, "offense_date")
    offense_start = optional_date(obj, "offense_start_date")
    main_conduct = optional_bool(obj, "main_conduct_before_18")
    names = _charge_names(obj)
    disposition = _disposition(obj)
    sentence = _sentence(obj)
    effective = optional_date(obj, "judgment_effective_date")
    completed = optional_date(obj, "sentence_completed_date")
    circumstances = _circumstances(obj)
    prior = optional_count(obj, "prior_convictions")
    hours = optional_count(obj, "community_service_hours")
    events = _events(obj)
    as_of = optional_date(obj, "as_of") or today

    # pass 2: what the case form refuses too
    raise_first(check_case_dates(
        birth_date=birth, offense_date=offense, offense_start_date=offense_start,
        judgment_effective_date=effective, sentence_completed_date=completed, disposition=disposition,
        event_dates=[e.date for e in events],
    ))
    is_known = None if lookup is None else (lambda name: lookup(name) is not None)
    raise_first(check_charges(names, is_known, catalogue_names(lookup), disposition))
    if sentence is not None:
        raise_first(check_sentence(
            disposition, sentence.kind, sentence.months, sentence.suspended, sentence.probation_months,
            charge_count=len(set(names)),
        ))

    facts = CaseFacts(
        id=case_id,
        birth_date=birth,
        offense_date=offense,
        offense_start_date=offense_start,
        main_conduct_before_18=main_conduct,
        charges=_charges(names, lookup),
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
    """One case object or a list of them; an error in a list carries `.index`; ids are unique."""
    if isinstance(payload, dict):
        return [parse_case(payload, lookup, today)]
    if not isinstance(payload, list):
        raise InputError("$", "expected a case object or a list of case objects", code="payload_type")
    parsed, seen = [], set()
    for index, obj in enumerate(payload):
        try:
            facts, as_of = parse_case(obj, lookup, today)
            key = (type(facts.id).__name__, facts.id)  # 1 and "1" are different ids
            if key in seen:
                raise InputError("id", f"duplicate case id {facts.id!r} in the list", code="duplicate")
            seen.add(key)
        except InputError as exc:
            exc.index = index
            raise
        parsed.append((facts, as_of))
    return parsed


def decision_to_json(decision: Decision) -> dict:
    return without_text(decision.to_dict())


def evaluate_payload(
    payload: Any, lookup: Lookup | None, policy: Policy | Callable[[dt.date], Policy], today: dt.date
) -> dict | list[dict]:
    """The whole command in one call: a dict in gives a dict out, a list gives a list. ``policy`` may be the
    version in force as a function of each case's ``as_of`` date."""
    decisions = [decision_to_json(evaluate(facts, policy(as_of) if callable(policy) else policy, as_of))
                 for facts, as_of in parse_cases(payload, lookup, today)]
    return decisions[0] if isinstance(payload, dict) else decisions


# The readers' old private names, for any caller that used them.
_is_int = is_int
_date = read_date
_optional_date = optional_date
_required_date = required_date
_bool = read_bool
_list = read_list
