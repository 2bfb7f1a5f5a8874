"""The vocabularies, the facts a query request is decided on, and the decision with its trace.

Standard library only (plus the shared kernel of sealing.rules): the web app, `evaluate_query` and
the tests build these dataclasses directly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from sealing.rules import TraceStep, json_ready

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

REQUESTER_ZH = {"self": "本人", "guardian": "法定代理人", "judicial": "司法机关", "unit": "有关单位"}
PURPOSE_ZH = {
    "certificate": "开具无犯罪记录证明",
    "criminal_evaluation": "办案中认定事实、适用法律",
    "special_recidivism": "认定特殊累犯（刑法第六十六条）",
    "drug_recidivism": "认定毒品再犯（刑法第三百五十六条）",
    "general_recidivism": "认定一般累犯（刑法第六十五条）",
    "employment_screening": "入职、从业审查",
    "other": "其他用途",
}
DOCUMENT_ZH = {
    "certificate": "无犯罪记录证明",
    "refusal_notice": "不予出具无犯罪记录证明通知书",
    "notification_letter": "查询告知函",
}
AGENCY_ZH = {"police": "公安机关", "procuratorate": "人民检察院", "court": "人民法院"}

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


def join(values: Iterable[Any]) -> str:
    return "、".join(str(v) for v in values)


def names(records: Iterable[RecordInfo]) -> str:
    return join(r.shown for r in records)


def names_of(facts: QueryFacts, record_ids: Iterable[Any]) -> str:
    """The records of ``record_ids`` (ids of ``facts.records``) as a sentence names them."""
    shown = {r.id: r.shown for r in facts.records}
    return join(shown.get(i, i) for i in record_ids)


def open_note(facts: QueryFacts, listed: bool = True) -> str:
    """The clause naming the open convictions, which sealing does not protect (empty without any)."""
    opened = facts.open_records
    if not opened:
        return ""
    if listed:
        return f"；未封存的犯罪记录（{names(opened)}）不受封存保护，在告知函中一并列明"
    return f"；未封存的犯罪记录（{names(opened)}）不受封存保护，但本次查询不予答复，亦不列明"
