"""Plain dataclasses the rules engine reads (case facts) and writes (decision + trace).

Standard library only: the Django app, the JSON command and the tests build these directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .kernel import TraceStep, json_ready  # noqa: F401  (re-exported: their old home)

# Vocabularies (kept here so jsonio, the app's forms and the tests share one spelling).
STATUTORY_MAX_KINDS = ("fine", "surveillance", "detention", "fixed_term", "life", "death")
SENTENCE_KINDS = ("fixed_term", "detention", "surveillance", "fine_only", "life", "death")
SENTENCE_KINDS_WITH_MONTHS = ("fixed_term", "detention", "surveillance")
DISPOSITIONS = (
    "sentenced",
    "exempted",
    "not_prosecuted",
    "not_punished",
    "withdrawn",
    "coercive_measure",
)
RELATED_DISPOSITIONS = ("not_prosecuted", "not_punished", "withdrawn", "coercive_measure")
CIRCUMSTANCES = ("plea", "surrender", "good_conduct")
EVENT_KINDS = ("intentional_crime", "negligent_crime", "administrative_detention")
REGIMES = ("juvenile", "adult")
CATEGORIES = ("micro", "light", "serious")
STATUSES = (
    "sealed",
    "provisionally_sealed",
    "observing",
    "pending",
    "revoked",
    "not_eligible",
    "undetermined",
)


@dataclass(frozen=True)
class ChargeInfo:
    """One charge as the catalogue describes it (statutory maximum and crime-nature flags)."""

    name: str
    statutory_max: str | None = None  # one of STATUTORY_MAX_KINDS, None when not recorded
    statutory_max_months: int | None = None  # for a fixed-term maximum
    negligent: bool = False
    national_security: bool = False
    terrorism: bool = False
    organized_crime: bool = False
    drug: bool = False
    high_incidence: bool = False
    known: bool = True  # False: the name is not in the catalogue

    @classmethod
    def unknown(cls, name: str) -> "ChargeInfo":
        return cls(name=name, known=False)


@dataclass(frozen=True)
class Sentence:
    """The principal sentence imposed (a suspended sentence counts at its imposed length)."""

    kind: str  # one of SENTENCE_KINDS
    months: int | None = None
    suspended: bool = False
    probation_months: int | None = None


@dataclass(frozen=True)
class Event:
    """Something that happened after the start date (A-REVOKE / A-EXTEND / J-ADULT-AGAIN)."""

    date: dt.date
    kind: str  # one of EVENT_KINDS


@dataclass(frozen=True)
class CaseFacts:
    id: Any
    birth_date: dt.date | None
    offense_date: dt.date | None
    offense_start_date: dt.date | None = None
    main_conduct_before_18: bool | None = None
    charges: tuple[ChargeInfo, ...] = ()
    disposition: str = "sentenced"
    sentence: Sentence | None = None
    judgment_effective_date: dt.date | None = None
    sentence_completed_date: dt.date | None = None
    circumstances: frozenset[str] = frozenset()
    prior_convictions: int = 0
    community_service_hours: int = 0
    events: tuple[Event, ...] = ()


@dataclass
class Decision:
    id: Any
    regime: str | None
    category: str | None
    eligible: bool | None
    status: str
    seal_date: dt.date | None
    observation_end: dt.date | None
    policy_version: str
    missing: list[str] = field(default_factory=list)
    trace: list[TraceStep] = field(default_factory=list)
    # Extras for the app (not part of the checked contract, harmless in the JSON):
    observation_start: dt.date | None = None  # adults: A-START date
    seal_deadline: dt.date | None = None  # juveniles: J-WHEN date + juvenile_seal_within_days
    as_of: dt.date | None = None

    @property
    def rule_ids(self) -> list[str]:
        return [step.rule for step in self.trace]

    def has_rule(self, rule: str) -> bool:
        """True when the trace holds `rule` or a finer id of it (A-EXCL matches A-EXCL-DRUG)."""
        return any(r == rule or r.startswith(rule + "-") for r in self.rule_ids)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "regime": self.regime,
            "category": self.category,
            "eligible": self.eligible,
            "status": self.status,
            "seal_date": json_ready(self.seal_date),
            "observation_end": json_ready(self.observation_end),
            "observation_start": json_ready(self.observation_start),
            "seal_deadline": json_ready(self.seal_deadline),
            "as_of": json_ready(self.as_of),
            "policy_version": self.policy_version,
            "missing": list(self.missing),
            "trace": [step.to_dict() for step in self.trace],
        }


# Clerk-readable words for the trace messages.
DISPOSITION_ZH = {
    "sentenced": "判处刑罚",
    "exempted": "免予刑事处罚",
    "not_prosecuted": "不起诉",
    "not_punished": "不予刑事处罚",
    "withdrawn": "撤销案件（不追究刑事责任）",
    "coercive_measure": "仅采取刑事强制措施",
}
EVENT_ZH = {
    "intentional_crime": "新的故意犯罪",
    "negligent_crime": "新的过失犯罪",
    "administrative_detention": "治安拘留",
}
STATUTORY_MAX_ZH = {
    "fine": "罚金",
    "surveillance": "管制",
    "detention": "拘役",
    "fixed_term": "有期徒刑",
    "life": "无期徒刑",
    "death": "死刑",
}


def describe_sentence(sentence: Sentence | None) -> str:
    if sentence is None:
        return "（刑罚未记录）"
    months = "?" if sentence.months is None else str(sentence.months)
    text = {
        "fixed_term": f"有期徒刑{months}个月",
        "detention": f"拘役{months}个月",
        "surveillance": f"管制{months}个月",
        "fine_only": "单处罚金",
        "life": "无期徒刑",
        "death": "死刑",
    }.get(sentence.kind, sentence.kind)
    if sentence.suspended:
        probation = "?" if sentence.probation_months is None else str(sentence.probation_months)
        text += f"，缓刑考验期{probation}个月"
    return text


def describe_statutory_max(charge: ChargeInfo) -> str:
    if charge.statutory_max is None:
        return "（法定最高刑未记录）"
    word = STATUTORY_MAX_ZH.get(charge.statutory_max, charge.statutory_max)
    if charge.statutory_max == "fixed_term" and charge.statutory_max_months is not None:
        return f"{word}{charge.statutory_max_months}个月"
    return word
