"""The sealing rules engine: pure functions over plain dataclasses (standard library only).

    from sealing.rules import CaseFacts, Policy, evaluate
    decision = evaluate(facts, Policy(), as_of=dt.date(2025, 1, 1))

The shared kernel (TraceStep, json_ready, InputError, the JSON field readers, zh) lives in
`kernel.py`, standard library only; queries.rules imports it from here.
"""
from .dates import add_months, age_on, eighteenth_birthday
from .engine import evaluate
from .facts import (
    CIRCUMSTANCES,
    DISPOSITIONS,
    EVENT_KINDS,
    SENTENCE_KINDS,
    STATUSES,
    STATUTORY_MAX_KINDS,
    CaseFacts,
    ChargeInfo,
    Decision,
    Event,
    Sentence,
)
from .kernel import (
    MAX_COUNT,
    MAX_YEAR,
    MIN_YEAR,
    InputError,
    TraceStep,
    check_keys,
    check_unique,
    is_int,
    json_ready,
    optional_bool,
    optional_count,
    optional_date,
    read_bool,
    read_choice,
    read_date,
    read_identifier,
    read_int,
    read_list,
    required_choice,
    required_date,
    suggest,
    zh,
)
from .jsonio import decision_to_json, evaluate_payload, parse_case, parse_cases
from .policy import DEFAULT_POLICY, HIGH_INCIDENCE_DEFAULTS, Policy

__all__ = [
    "MAX_COUNT",
    "MAX_YEAR",
    "MIN_YEAR",
    "CIRCUMSTANCES",
    "DEFAULT_POLICY",
    "DISPOSITIONS",
    "EVENT_KINDS",
    "HIGH_INCIDENCE_DEFAULTS",
    "SENTENCE_KINDS",
    "STATUSES",
    "STATUTORY_MAX_KINDS",
    "CaseFacts",
    "ChargeInfo",
    "Decision",
    "Event",
    "InputError",
    "Policy",
    "Sentence",
    "TraceStep",
    "add_months",
    "age_on",
    "check_keys",
    "check_unique",
    "decision_to_json",
    "eighteenth_birthday",
    "evaluate",
    "evaluate_payload",
    "is_int",
    "json_ready",
    "optional_bool",
    "optional_count",
    "optional_date",
    "parse_case",
    "parse_cases",
    "read_bool",
    "read_choice",
    "read_date",
    "read_identifier",
    "read_int",
    "read_list",
    "required_choice",
    "required_date",
    "suggest",
    "zh",
]
