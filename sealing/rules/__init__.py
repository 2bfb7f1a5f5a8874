"""The sealing rules engine: pure functions over plain dataclasses (standard library only).

    from sealing.rules import CaseFacts, Policy, evaluate
    decision = evaluate(facts, Policy(), as_of=date.today())
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
    TraceStep,
)
from .jsonio import InputError, decision_to_json, evaluate_payload, parse_case, parse_cases
from .policy import DEFAULT_POLICY, HIGH_INCIDENCE_DEFAULTS, Policy

__all__ = [
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
    "decision_to_json",
    "eighteenth_birthday",
    "evaluate",
    "evaluate_payload",
    "parse_case",
    "parse_cases",
]
