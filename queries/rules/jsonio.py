"""JSON in, JSON out for `evaluate_query` (DESIGN.md "Machine interfaces").

`parse_query` validates one request object and builds QueryFacts; every problem raises InputError
naming the offending field relative to the request (`received`, `records[1].charges[0]`), with
`index` the request's place in a list — the error shape of common/jsoncommand.py. Refused:
unknown keys (top level and in records), a missing `records` (`[]` is fine), duplicate record ids in
a request, duplicate request ids in a list, a charge name not in the catalogue (with the nearest
catalogue name suggested), a bad `status`, `kind` or `answering_agency`, wrong types, impossible dates.
A record may carry a `label` (a string of at most 100 characters, e.g. its case number): the reasons then name
the record by it instead of by its id.
"""
from __future__ import annotations

from typing import Any, Callable, Collection, Iterable, Optional

from sealing.rules import (
    MAX_YEAR,
    MIN_YEAR,
    InputError,
    check_keys,
    check_unique,
    read_choice,
    read_identifier,
    required_choice,
    required_date,
    suggest,
    without_text,
)

from .engine import recommend
from .facts import (
    ANSWERING_AGENCIES,
    PURPOSES,
    RECORD_KINDS,
    RECORD_STATUSES,
    REQUESTERS,
    BasisInfo,
    ChargeCategories,
    QueryFacts,
    RecordInfo,
)
from .policy import DeadlinePolicy

__all__ = ["MAX_RECORDS", "MAX_YEAR", "MIN_YEAR", "REQUEST_KEYS", "RECORD_KEYS", "BasisLookup",
           "evaluate_payload", "parse_queries", "parse_query"]

BasisLookup = Callable[[str], Optional[BasisInfo]]

REQUEST_KEYS = ("id", "requester", "purpose", "legal_basis", "received", "answering_agency", "records")
RECORD_KEYS = ("id", "status", "charges", "kind", "label")
MAX_LABEL = 100
MAX_RECORDS = 10_000
MAX_CHARGES = 100


def _legal_basis(obj: dict) -> str | None:
    """A code (stripped) or None; an empty string is no code. Unknown codes are not errors."""
    value = obj.get("legal_basis")
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("legal_basis", "must be a catalogue code (string) or null", code="legal_basis_type")
    return value.strip() or None


def _answering_agency(obj: dict) -> str:
    value = obj.get("answering_agency")
    if value is None:
        return "police"
    return read_choice(value, "answering_agency", ANSWERING_AGENCIES)


def _charge(value: Any, field: str, charge_names: Collection[str] | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "must be a charge name (non-empty string)", code="charge_type")
    name = value.strip()
    if charge_names is not None and name not in charge_names:
        near = suggest(name, charge_names, n=3, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        # RULES.md §4: an unknown charge name is an input error, never "irrelevant"
        raise InputError(field, f"{name!r} is not a charge in the catalogue{hint}", code="charge_unknown")
    return name


def _record(item: Any, prefix: str, charge_names: Collection[str] | None) -> RecordInfo:
    if not isinstance(item, dict):
        raise InputError(prefix, "must be an object with id, status and charges", code="record_type")
    check_keys(item, RECORD_KEYS, prefix)
    record_id = read_identifier(item.get("id"), f"{prefix}.id")
    status = required_choice(item, "status", RECORD_STATUSES, f"{prefix}.status")
    kind = item.get("kind")
    kind = "conviction" if kind is None else read_choice(kind, f"{prefix}.kind", RECORD_KINDS)
    charges = item.get("charges")
    if charges is None:
        charges = []
    if not isinstance(charges, list):
        raise InputError(f"{prefix}.charges", "must be a list of charge names", code="list_type")
    if len(charges) > MAX_CHARGES:
        raise InputError(f"{prefix}.charges", f"must not hold more than {MAX_CHARGES} charges", code="list_size")
    names = tuple(_charge(name, f"{prefix}.charges[{j}]", charge_names) for j, name in enumerate(charges))
    label = item.get("label")
    if label is None:
        label = ""
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        raise InputError(f"{prefix}.label", f"must be a string of at most {MAX_LABEL} characters (how the reasons "
                         "name the record, e.g. its case number)", code="label")
    return RecordInfo(id=record_id, status=status, charges=names, kind=kind, label=label.strip())


def _records(obj: dict, charge_names: Collection[str] | None) -> tuple[RecordInfo, ...]:
    value = obj.get("records")
    if value is None:
        raise InputError("records", "is required: the person's records, [] when there are none", code="required")
    if not isinstance(value, list):
        raise InputError("records", "must be a list", code="list_type")
    if len(value) > MAX_RECORDS:
        raise InputError("records", f"must not hold more than {MAX_RECORDS} records", code="list_size")
    records = tuple(_record(item, f"records[{i}]", charge_names) for i, item in enumerate(value))
    check_unique(((f"records[{i}].id", r.id) for i, r in enumerate(records)), "record id")
    return records


def parse_query(obj: Any, basis_lookup: BasisLookup | None,
                charge_names: Collection[str] | None = None) -> QueryFacts:
    """Validate one request object and build QueryFacts.

    `basis_lookup(code)` gives the catalogue entry in force, or None (an unknown or inactive code is no
    legal basis, not an error). `charge_names`, when given, is the charge catalogue: a charge outside
    it is an input error naming the field, with the nearest catalogue name suggested."""
    if not isinstance(obj, dict):
        raise InputError("$", "a query request must be a JSON object", code="request_type")
    check_keys(obj, REQUEST_KEYS)
    request_id = read_identifier(obj.get("id"), "id")
    requester = required_choice(obj, "requester", REQUESTERS)
    purpose = required_choice(obj, "purpose", PURPOSES)
    code = _legal_basis(obj)
    received = required_date(obj, "received")
    answering_agency = _answering_agency(obj)
    records = _records(obj, charge_names)
    basis = None
    if code is not None and basis_lookup is not None:
        basis = basis_lookup(code)
        if basis is not None and not isinstance(basis, BasisInfo):
            raise TypeError(f"basis_lookup({code!r}) returned {type(basis).__name__}, not BasisInfo")
    return QueryFacts(id=request_id, requester=requester, purpose=purpose, received=received,
                      legal_basis_code=code, basis=basis, records=records, answering_agency=answering_agency)


def _catalogue(charge_names: Iterable[str] | None) -> Collection[str] | None:
    if charge_names is None or isinstance(charge_names, (set, frozenset)):
        return charge_names
    return frozenset(charge_names)


def parse_queries(payload: Any, basis_lookup: BasisLookup | None,
                  charge_names: Iterable[str] | None = None) -> list[QueryFacts]:
    """One request object or a list of them; an error in a list carries `.index`. Two requests of a
    list with the same id are an error on the second."""
    charge_names = _catalogue(charge_names)
    if isinstance(payload, dict):
        return [parse_query(payload, basis_lookup, charge_names)]
    if not isinstance(payload, list):
        raise InputError("$", "expected a query request object or a list of them", code="payload_type")
    parsed: list[QueryFacts] = []
    first_at: dict = {}
    for index, obj in enumerate(payload):
        try:
            facts = parse_query(obj, basis_lookup, charge_names)
        except InputError as exc:
            exc.index = index
            raise
        key = (type(facts.id).__name__, facts.id)  # 7 and "7" are different ids, as in JSON
        if key in first_at:
            raise InputError("id", f"duplicate request id {facts.id!r} (first at index {first_at[key]})",
                             index=index, code="duplicate")
        first_at[key] = index
        parsed.append(facts)
    return parsed


def evaluate_payload(
    payload: Any,
    basis_lookup: BasisLookup | None,
    charge_categories: ChargeCategories,
    is_working_day: Callable,
    working_days: int | None = None,
    *,
    policy: DeadlinePolicy | Callable | None = None,
    charge_names: Iterable[str] | None = None,
) -> dict | list[dict]:
    """The whole command in one call: a dict in gives a dict out, a list gives a list. ``policy`` may be the
    numbers in force as a function of each request's ``received`` date."""
    decisions = [without_text(recommend(facts, charge_categories, is_working_day, working_days,
                                        policy=policy(facts.received) if callable(policy) else policy).to_dict())
                 for facts in parse_queries(payload, basis_lookup, charge_names)]
    return decisions[0] if isinstance(payload, dict) else decisions
