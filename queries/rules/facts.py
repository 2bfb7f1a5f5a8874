"""The vocabularies, the facts a query request is decided on, and the decision with its trace.

Standard library only (plus the shared kernel of sealing.rules): the web app, `evaluate_query` and
the tests build these dataclasses directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from sealing.rules import Msg, Text, TraceStep, joined, json_ready

# --- vocabularies ---------------------------------------------------------------------------------

REQUESTERS = ("self", "guardian", "judicial", "unit")
PURPOSES = (
    "certificate",
    "criminal_evaluation",
    "special_recidivism",
    "drug_recidivism",
    "general_recidivism",
    "employment_screening",
    "other",
)
RECORD_STATUSES = ("sealed", "provisionally_sealed", "open")
SEALED_STATUSES = frozenset({"sealed", "provisionally_sealed"})
# RULES.md §1: only a conviction is a criminal record; non-prosecution, no punishment, withdrawal,
# coercive measures and the like are related records (相关记录), sealed or open.
RECORD_KINDS = ("conviction", "related")
ANSWERING_AGENCIES = ("police", "procuratorate", "court")
RECOMMENDATIONS = ("issue_certificate", "refuse", "permit", "answer_no_record")
DOCUMENTS = ("certificate", "refusal_notice", "notification_letter")
PERSONS = frozenset({"self", "guardian"})
JUDICIAL_PERMITTED = ("criminal_evaluation", "special_recidivism", "drug_recidivism")

# Clerk-readable words for the trace messages: each a Msg (Chinese and English); the *_ZH dicts are their
# Chinese, as the engines and the documents read it.
REQUESTER_TEXT = {
    "self": Msg("Q.requester.self", "本人", "the person concerned"),
    "guardian": Msg("Q.requester.guardian", "法定代理人", "the legal representative"),
    "judicial": Msg("Q.requester.judicial", "司法机关", "the judicial organ"),
    "unit": Msg("Q.requester.unit", "有关单位", "the unit"),
}
PURPOSE_TEXT = {
    "certificate": Msg("Q.purpose.certificate", "开具无犯罪记录证明", "a certificate of no criminal record"),
    "criminal_evaluation": Msg("Q.purpose.criminal_evaluation", "办案中认定事实、适用法律",
                               "establishing facts and applying the law in handling a case"),
    "special_recidivism": Msg("Q.purpose.special_recidivism", "认定特殊累犯（刑法第六十六条）",
                              "establishing special recidivism (Criminal Law art. 66)"),
    "drug_recidivism": Msg("Q.purpose.drug_recidivism", "认定毒品再犯（刑法第三百五十六条）",
                           "establishing drug recidivism (Criminal Law art. 356)"),
    "general_recidivism": Msg("Q.purpose.general_recidivism", "认定一般累犯（刑法第六十五条）",
                              "establishing general recidivism (Criminal Law art. 65)"),
    "employment_screening": Msg("Q.purpose.employment_screening", "入职、从业审查",
                                "screening for employment or an occupation"),
    "other": Msg("Q.purpose.other", "其他用途", "some other purpose"),
}
DOCUMENT_ZH = {
    "certificate": "无犯罪记录证明",
    "refusal_notice": "不予出具无犯罪记录证明通知书",
    "notification_letter": "查询告知函",
}
AGENCY_TEXT = {
    "police": Msg("Q.agency.police", "公安机关", "the public security organ"),
    "procuratorate": Msg("Q.agency.procuratorate", "人民检察院", "the people's procuratorate"),
    "court": Msg("Q.agency.court", "人民法院", "the people's court"),
}
REQUESTER_ZH = {code: msg.zh for code, msg in REQUESTER_TEXT.items()}
PURPOSE_ZH = {code: msg.zh for code, msg in PURPOSE_TEXT.items()}
AGENCY_ZH = {code: msg.zh for code, msg in AGENCY_TEXT.items()}

# --- legal sources shared by several rules ---------------------------------------------------------

MEASURES = "《关于未成年人犯罪记录封存的实施办法》"
MPS_RULES = "公安部《公安机关办理犯罪记录查询工作规定》（2021）"
CPL_286 = "刑事诉讼法第二百八十六条"
SPP_RULES = "《人民检察院刑事诉讼规则》"


# --- facts ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordInfo:
    """One record of the person concerned, as the request sees it: a conviction (a criminal record)
    or a related record (不起诉、不予刑事处罚 … : not a criminal record, RULES.md §1)."""

    id: Any
    status: str  # one of RECORD_STATUSES
    charges: tuple[str, ...] = ()
    kind: str = "conviction"  # one of RECORD_KINDS
    label: str = ""  # how the messages name it (the web app: the case number); the id when empty

    @property
    def shown(self) -> str:
        """The record as a sentence names it: its label, or its id (the JSON commands' records have only that)."""
        return self.label or str(self.id)

    @property
    def sealed(self) -> bool:
        """Sealed or provisionally sealed: a provisional seal hides a record exactly as a final one."""
        return self.status in SEALED_STATUSES

    @property
    def conviction(self) -> bool:
        return self.kind == "conviction"

    @property
    def related(self) -> bool:
        return self.kind == "related"

    @property
    def open_conviction(self) -> bool:
        """A criminal record not protected by sealing."""
        return self.conviction and not self.sealed


@dataclass(frozen=True)
class BasisInfo:
    """A catalogued legal basis in force (None in QueryFacts.basis = no valid basis)."""

    code: str
    categories: frozenset[str] = frozenset()
    title: str = ""  # e.g. "未成年人保护法第六十二条", for the trace


@dataclass(frozen=True)
class QueryFacts:
    id: Any
    requester: str  # one of REQUESTERS
    purpose: str  # one of PURPOSES
    received: dt.date
    legal_basis_code: str | None = None  # as given, even when not in the catalogue
    basis: BasisInfo | None = None  # the catalogue entry in force for that code, else None
    records: tuple[RecordInfo, ...] = ()
    answering_agency: str = "police"  # one of ANSWERING_AGENCIES (Q-DEADLINE)

    @property
    def sealed_records(self) -> tuple[RecordInfo, ...]:
        """Every sealed record, convictions and related records alike (what Q-JUD discloses)."""
        return tuple(r for r in self.records if r.sealed)

    @property
    def sealed_convictions(self) -> tuple[RecordInfo, ...]:
        return tuple(r for r in self.records if r.sealed and r.conviction)

    @property
    def sealed_related(self) -> tuple[RecordInfo, ...]:
        return tuple(r for r in self.records if r.sealed and r.related)

    @property
    def open_records(self) -> tuple[RecordInfo, ...]:
        """The open convictions: criminal records not protected by sealing. An open related record is
        not a criminal record (RULES.md §1) and is not listed here."""
        return tuple(r for r in self.records if r.open_conviction)

    open_convictions = open_records


class Calendar(Protocol):
    """`is_working_day(day) -> bool`; a calendar may also say which years it knows (`year_known`)."""

    def __call__(self, day: dt.date) -> bool: ...


ChargeCategories = Callable[[str], frozenset]


# --- the decision ---------------------------------------------------------------------------------

@dataclass
class QueryDecision:
    id: Any
    recommendation: str  # one of RECOMMENDATIONS
    disclosed: list  # ids of the sealed records whose disclosure is permitted
    deadline: dt.date
    document: str  # one of DOCUMENTS (Q-DOCS)
    statement: str  # certificate: no_record; refusal_notice: open_record | purpose; letter: no_record | listed_records
    trace: list[TraceStep] = field(default_factory=list)
    calendar_warning: str | None = None
    open_records: list = field(default_factory=list)  # open convictions: not protected by sealing
    received: dt.date | None = None
    open_listed: list = field(default_factory=list)  # open convictions the letter lists (Q-UNIT-OPEN)
    answering_agency: str = "police"

    @property
    def rule_ids(self) -> list[str]:
        return [step.rule for step in self.trace]

    def has_rule(self, rule: str) -> bool:
        """True when the trace holds `rule` or a finer id of it."""
        return any(r == rule or r.startswith(rule + "-") for r in self.rule_ids)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "recommendation": self.recommendation,
            "disclosed": list(self.disclosed),
            "open_listed": list(self.open_listed),
            "deadline": json_ready(self.deadline),
            "document": self.document,
            "statement": self.statement,
            "open_records": list(self.open_records),
            "received": json_ready(self.received),
            "answering_agency": self.answering_agency,
            "calendar_warning": self.calendar_warning,
            "trace": [step.to_dict() for step in self.trace],
        }


# --- small text helpers the rules share -------------------------------------------------------------

def ids(records: Iterable[RecordInfo]) -> list:
    return [r.id for r in records]


def shown(records: Iterable[RecordInfo]) -> list[str]:
    """The records as a sentence names them (a list parameter of a Msg: joined by 、 in Chinese)."""
    return [r.shown for r in records]


def shown_of(facts: QueryFacts, record_ids: Iterable[Any]) -> list[str]:
    """The records of ``record_ids`` (ids of ``facts.records``) as a sentence names them."""
    by_id = {r.id: r.shown for r in facts.records}
    return [str(by_id.get(i, i)) for i in record_ids]


NONE = Msg("Q.none", "（无）", "none")


def semicolons(items: Iterable[Any]) -> Text | str:
    """Phrases one after the other, separated by a semicolon (a list parameter would join them by 、)."""
    items = list(items)
    if not items:
        return ""
    return joined(items)


def purpose_text(purpose: str) -> Text:
    return PURPOSE_TEXT[purpose]()


def requester_text(requester: str) -> Text:
    return REQUESTER_TEXT[requester]()


OPEN_LISTED = Msg("Q.open.listed", "；未封存的犯罪记录（{records}）不受封存保护，在告知函中一并列明",
                  "; the criminal records that are not sealed ({records}) are not protected by sealing and are "
                  "listed in the notification letter as well")
OPEN_UNLISTED = Msg("Q.open.unlisted", "；未封存的犯罪记录（{records}）不受封存保护，但本次查询不予答复，亦不列明",
                    "; the criminal records that are not sealed ({records}) are not protected by sealing, but this "
                    "query is not answered and they are not listed either")


def open_note(facts: QueryFacts, listed: bool = True) -> Text | str:
    """The clause naming the open convictions, which sealing does not protect (empty without any)."""
    opened = facts.open_records
    if not opened:
        return ""
    return (OPEN_LISTED if listed else OPEN_UNLISTED)(records=shown(opened))
