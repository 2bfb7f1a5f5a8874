"""Plain dataclasses the rules engine reads (case facts) and writes (decision + trace).

Standard library only: the Django app, the JSON command and the tests build these directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .kernel import Msg, Text, TraceStep, json_ready  # noqa: F401  (re-exported: their old home)

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


# Clerk-readable words for the trace messages: each a Msg (Chinese and English); the *_ZH dicts are their
# Chinese, as the engines and the documents read it.
DISPOSITION_TEXT = {
    "sentenced": Msg("disposition.sentenced", "判处刑罚", "sentenced to a punishment"),
    "exempted": Msg("disposition.exempted", "免予刑事处罚", "exempted from criminal punishment"),
    "not_prosecuted": Msg("disposition.not_prosecuted", "不起诉", "not prosecuted"),
    "not_punished": Msg("disposition.not_punished", "不予刑事处罚", "not given a criminal punishment"),
    "withdrawn": Msg("disposition.withdrawn", "撤销案件（不追究刑事责任）",
                     "case withdrawn (no criminal liability pursued)"),
    "coercive_measure": Msg("disposition.coercive_measure", "仅采取刑事强制措施",
                            "only criminal coercive measures taken"),
}
EVENT_TEXT = {
    "intentional_crime": Msg("event.intentional_crime", "新的故意犯罪", "a new intentional crime"),
    "negligent_crime": Msg("event.negligent_crime", "新的过失犯罪", "a new negligent crime"),
    "administrative_detention": Msg("event.administrative_detention", "治安拘留", "administrative detention"),
}
STATUTORY_MAX_TEXT = {
    "fine": Msg("statutory_max.fine", "罚金", "a fine"),
    "surveillance": Msg("statutory_max.surveillance", "管制", "public surveillance"),
    "detention": Msg("statutory_max.detention", "拘役", "criminal detention"),
    "fixed_term": Msg("statutory_max.fixed_term", "有期徒刑", "fixed-term imprisonment"),
    "life": Msg("statutory_max.life", "无期徒刑", "life imprisonment"),
    "death": Msg("statutory_max.death", "死刑", "the death penalty"),
}
DISPOSITION_ZH = {code: msg.zh for code, msg in DISPOSITION_TEXT.items()}
EVENT_ZH = {code: msg.zh for code, msg in EVENT_TEXT.items()}
STATUTORY_MAX_ZH = {code: msg.zh for code, msg in STATUTORY_MAX_TEXT.items()}

# A code outside the vocabularies (the engines' callers validate, so only a programming error) reads as it is.
CODE = Msg("code", "{code}", "{code}")

SENTENCE_NONE = Msg("sentence.none", "（刑罚未记录）", "(sentence not recorded)")
SENTENCE_TEXT = {
    "fixed_term": Msg("sentence.fixed_term", "有期徒刑{months}个月", "fixed-term imprisonment of {months} months"),
    "detention": Msg("sentence.detention", "拘役{months}个月", "criminal detention of {months} months"),
    "surveillance": Msg("sentence.surveillance", "管制{months}个月", "public surveillance of {months} months"),
    "fine_only": Msg("sentence.fine_only", "单处罚金", "a fine only"),
    "life": Msg("sentence.life", "无期徒刑", "life imprisonment"),
    "death": Msg("sentence.death", "死刑", "the death penalty"),
}
SENTENCE_SUSPENDED = Msg("sentence.suspended", "{sentence}，缓刑考验期{probation}个月",
                         "{sentence}, suspended with {probation} months of probation")
STATUTORY_MAX_NONE = Msg("statutory_max.none", "（法定最高刑未记录）", "(statutory maximum not recorded)")
STATUTORY_MAX_MONTHS = Msg("statutory_max.fixed_term_months", "有期徒刑{months}个月",
                           "fixed-term imprisonment of {months} months")


def disposition_text(disposition: str) -> Text:
    msg = DISPOSITION_TEXT.get(disposition)
    return msg() if msg else CODE(code=disposition)


def event_text(kind: str) -> Text:
    msg = EVENT_TEXT.get(kind)
    return msg() if msg else CODE(code=kind)


def sentence_text(sentence: Sentence | None) -> Text:
    """The sentence imposed, as a phrase: 有期徒刑18个月，缓刑考验期24个月."""
    if sentence is None:
        return SENTENCE_NONE()
    msg = SENTENCE_TEXT.get(sentence.kind)
    if msg is None:
        text = CODE(code=sentence.kind)
    elif "{months}" in msg.zh:
        text = msg(months="?" if sentence.months is None else str(sentence.months))
    else:
        text = msg()
    if sentence.suspended:
        probation = "?" if sentence.probation_months is None else str(sentence.probation_months)
        text = SENTENCE_SUSPENDED(sentence=text, probation=probation)
    return text


def statutory_max_text(charge: ChargeInfo) -> Text:
    if charge.statutory_max is None:
        return STATUTORY_MAX_NONE()
    if charge.statutory_max == "fixed_term" and charge.statutory_max_months is not None:
        return STATUTORY_MAX_MONTHS(months=charge.statutory_max_months)
    msg = STATUTORY_MAX_TEXT.get(charge.statutory_max)
    return msg() if msg else CODE(code=charge.statutory_max)


def describe_sentence(sentence: Sentence | None) -> str:
    return sentence_text(sentence).zh()


def describe_statutory_max(charge: ChargeInfo) -> str:
    return statutory_max_text(charge).zh()
