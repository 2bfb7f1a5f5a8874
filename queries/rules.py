"""RULES.md §4: query requests on sealed criminal records — the recommendation a reviewer decides on.

Pure: standard library only (DESIGN.md "Layers"). The web app, `manage.py evaluate_query` and the tests
build the dataclasses below and call `recommend` (or `evaluate_payload` for JSON in, JSON out).

    decision = recommend(facts, charge_categories, is_working_day)

One function per rule id, each returning the TraceStep it contributes. The trace reads in this order:
the requester/purpose rule (Q-CERT, Q-CERT-OPEN, Q-JUD, Q-JUD-GENERAL, Q-UNIT-NOBASIS, Q-UNIT-RELEVANT,
or Q-SELF-PURPOSE), then Q-SCOPE on a permit, Q-DOCS, Q-DEADLINE.

Decisions taken here (RULES.md leaves them open):
- "Sealed" means `sealed` or `provisionally_sealed`: a provisional seal hides a record exactly as a
  final one (A-MODE). `open` records are not protected by sealing; §4 concerns the sealed ones.
- `recommendation` and `disclosed` concern the sealed records: `disclosed` lists the sealed records
  whose disclosure the rule permits, in input order. Open records are listed apart (`open_records`)
  and named in the trace; whether they go into a letter is ordinary query law, for the reviewer.
  The one rule that looks at open records is Q-CERT-OPEN: an open record refuses the certificate.
- Q-JUD always recommends `permit` for its purposes, even when there is no sealed record (the organ
  is entitled to the answer; the letter then states "no criminal record").
- A `self`/`guardian` request for any purpose other than `certificate` is refused (Q-SELF-PURPOSE):
  a person obtains only the certificate. The decision does not depend on the records at all.
- A `legal_basis` given by anyone but a `unit` is ignored (noted in the trace facts).
- Nothing the person may not learn is told by a difference: a certificate decision is the same
  whether the person never had a record or has only sealed ones, and so is a unit's
  `answer_no_record`; the trace names a sealed record only when it is disclosed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Protocol

# The sealing engine's JSON helpers: one InputError shape and one JSON-friendly copy for both engines.
from sealing.rules.facts import json_ready
from sealing.rules.jsonio import InputError

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
RECOMMENDATIONS = ("issue_certificate", "refuse", "permit", "answer_no_record")
DOCUMENTS = ("certificate", "refusal_notice", "notification_letter")
PERSONS = frozenset({"self", "guardian"})
JUDICIAL_PERMITTED = ("criminal_evaluation", "special_recidivism", "drug_recidivism")

DEFAULT_WORKING_DAYS = 3  # RULES.md §4 Q-DEADLINE, policy
MAX_DAYS_SCANNED = 366  # a calendar with no working day in a year is broken, not slow

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

# --- legal sources --------------------------------------------------------------------------------

MEASURES = "《关于未成年人犯罪记录封存的实施办法》"
MPS_RULES = "公安部《公安机关办理犯罪记录查询工作规定》（2021）"
CPL_286 = "刑事诉讼法第二百八十六条"
SRC_CERT = f"{CPL_286}；{MEASURES}；{MPS_RULES}"
SRC_CERT_OPEN = f"{MPS_RULES}"
SRC_SELF_PURPOSE = f"{MPS_RULES}"
SRC_JUD = {
    "criminal_evaluation": f"{CPL_286}第二款（司法机关为办案需要查询）；{MEASURES}",
    "special_recidivism": f"刑法第六十六条；{CPL_286}第二款；{MEASURES}",
    "drug_recidivism": f"刑法第三百五十六条；{CPL_286}第二款；{MEASURES}",
}
SRC_JUD_GENERAL = f"刑法第六十五条；{CPL_286}；{MEASURES}"
SRC_UNIT = f"{CPL_286}第二款（有关单位根据国家规定查询）；{MEASURES}"
SRC_SCOPE = f"{MEASURES}（查询结果的用途、范围与保密义务）；{MPS_RULES}"
SRC_DOCS = f"{MPS_RULES}"
SRC_DEADLINE = f"答复时限{DEFAULT_WORKING_DAYS}个工作日（政策）；{MPS_RULES}；国务院办公厅节假日安排"


# --- facts and decision ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordInfo:
    """One criminal record of the person concerned, as the request sees it."""

    id: Any
    status: str  # one of RECORD_STATUSES
    charges: tuple[str, ...] = ()

    @property
    def sealed(self) -> bool:
        return self.status in SEALED_STATUSES


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

    @property
    def sealed_records(self) -> tuple[RecordInfo, ...]:
        return tuple(r for r in self.records if r.sealed)

    @property
    def open_records(self) -> tuple[RecordInfo, ...]:
        return tuple(r for r in self.records if not r.sealed)


class Calendar(Protocol):
    """`is_working_day(day) -> bool`; a calendar may also say which years it knows (`year_known`)."""

    def __call__(self, day: dt.date) -> bool: ...


ChargeCategories = Callable[[str], frozenset]


@dataclass(frozen=True)
class TraceStep:
    rule: str  # stable rule id, e.g. "Q-CERT", "Q-UNIT-RELEVANT"
    source: str  # legal source
    outcome: str  # short machine word: issue_certificate, refuse, permit, answer_no_record, applies, ...
    message: str  # a sentence a reviewer can read (Chinese)
    facts: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "source": self.source,
            "outcome": self.outcome,
            "message": self.message,
            "facts": json_ready(self.facts),
        }


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
    open_records: list = field(default_factory=list)  # not protected by sealing; for the reviewer
    received: dt.date | None = None

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
            "deadline": json_ready(self.deadline),
            "document": self.document,
            "statement": self.statement,
            "open_records": list(self.open_records),
            "received": json_ready(self.received),
            "calendar_warning": self.calendar_warning,
            "trace": [step.to_dict() for step in self.trace],
        }


# --- working days (Q-DEADLINE) --------------------------------------------------------------------

def weekday_calendar(day: dt.date) -> bool:
    """The plain rule, for a year whose holiday calendar is not loaded: Monday to Friday work."""
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, is_working_day: Callable[[dt.date], bool]) -> dt.date:
    """The n-th working day after `start` (the day `start` itself is not counted).

    Raises ValueError when n < 1 or when no working day is found for MAX_DAYS_SCANNED days in a row.
    """
    if n < 1:
        raise ValueError("the number of working days must be at least 1")
    day, counted, idle = start, 0, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted, idle = counted + 1, 0
        else:
            idle += 1
            if idle >= MAX_DAYS_SCANNED:
                raise ValueError(f"the calendar has no working day for {MAX_DAYS_SCANNED} days after {day - dt.timedelta(days=idle - 1)}")
    return day


def calendar_warning(years: Iterable[int]) -> str | None:
    """The warning the oversight console shows when a deadline used weekdays for unloaded years."""
    years = sorted(set(years))
    if not years:
        return None
    return f"calendar for {', '.join(str(y) for y in years)} not loaded: weekdays used"


def is_overdue(deadline: dt.date, today: dt.date, answered: dt.date | None = None) -> bool:
    """Q-DEADLINE flag: not answered by the end of the deadline day."""
    if answered is not None:
        return answered > deadline
    return today > deadline


def zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_WEEKDAY_ZH = "一二三四五六日"


def _days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The days after `start` up to and including `end`."""
    return [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]


# --- the requester / purpose rules ----------------------------------------------------------------

def _ids(records: Iterable[RecordInfo]) -> list:
    return [r.id for r in records]


def _names(records: Iterable[RecordInfo]) -> str:
    return _join(r.id for r in records)


def _join(ids: Iterable[Any]) -> str:
    return "、".join(str(i) for i in ids)


def q_cert(facts: QueryFacts) -> TraceStep:
    """Q-CERT: no open record — the certificate, identical to that of a person who never had a record.

    The message and facts are the same with or without sealed records: the trace tells nothing either."""
    return TraceStep(
        "Q-CERT", SRC_CERT, "issue_certificate",
        f"{REQUESTER_ZH[facts.requester]}申请开具无犯罪记录证明，当事人无未封存的犯罪记录"
        "（已封存或临时封存的记录视同没有记录，不得在证明中体现），"
        "出具无犯罪记录证明，其内容与版式与从未有犯罪记录者的证明完全相同",
        {"requester": facts.requester, "purpose": facts.purpose},
    )


def q_cert_open(facts: QueryFacts) -> TraceStep:
    """Q-CERT-OPEN: an open record exists — refuse the certificate, naming only the open records."""
    opened = facts.open_records
    return TraceStep(
        "Q-CERT-OPEN", SRC_CERT_OPEN, "refuse",
        f"{REQUESTER_ZH[facts.requester]}申请开具无犯罪记录证明，当事人有未封存的犯罪记录（{_names(opened)}），"
        "不予出具无犯罪记录证明；通知书只依据未封存的记录，不得提及任何已封存或临时封存的记录",
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": _ids(opened)},
    )


def q_self_purpose(facts: QueryFacts) -> TraceStep:
    """A person may obtain only the certificate; any other purpose is refused whatever the records."""
    return TraceStep(
        "Q-SELF-PURPOSE", SRC_SELF_PURPOSE, "refuse",
        f"{REQUESTER_ZH[facts.requester]}申请的用途为“{PURPOSE_ZH[facts.purpose]}”，"
        "本人或法定代理人只能申请开具无犯罪记录证明，本申请不予受理；"
        "此结论与当事人有无犯罪记录无关，可告知其改为申请开具无犯罪记录证明",
        {"requester": facts.requester, "purpose": facts.purpose},
    )


def _open_note(facts: QueryFacts) -> str:
    opened = facts.open_records
    if not opened:
        return ""
    return f"；未封存的记录（{_names(opened)}）不受封存保护，按一般犯罪记录查询规定处理"


def q_jud(facts: QueryFacts) -> TraceStep:
    """Q-JUD: a judicial organ, for case handling or (special / drug) recidivism — permit the sealed records."""
    sealed = facts.sealed_records
    if sealed:
        listed = "；".join(f"{r.id}（{'、'.join(r.charges) or '罪名未记录'}）" for r in sealed)
        what = f"准予查询并提供全部已封存（含临时封存）的记录：{listed}"
    else:
        what = "准予查询；当事人没有已封存的记录，答复无可提供的封存记录"
    return TraceStep(
        "Q-JUD", SRC_JUD[facts.purpose], "permit",
        f"司法机关为“{PURPOSE_ZH[facts.purpose]}”查询，属于封存的例外，{what}{_open_note(facts)}",
        {"requester": facts.requester, "purpose": facts.purpose, "disclosed": _ids(sealed),
         "open_records": _ids(facts.open_records)},
    )


def q_jud_general(facts: QueryFacts) -> TraceStep:
    """Q-JUD-GENERAL: a judicial organ for general recidivism or any other purpose — the seal holds."""
    if facts.purpose == "general_recidivism":
        why = "认定一般累犯时封存继续有效；且刑法第六十五条规定不满十八周岁的人犯罪的不构成累犯"
    else:
        why = "该用途不属于可查询封存记录的办案需要（认定事实、适用法律，特殊累犯，毒品再犯）"
    return TraceStep(
        "Q-JUD-GENERAL", SRC_JUD_GENERAL, "refuse",
        f"司法机关为“{PURPOSE_ZH[facts.purpose]}”查询，{why}，不提供已封存的记录，"
        f"答复与无封存记录者相同{_open_note(facts)}",
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": _ids(facts.open_records)},
    )


def q_unit_nobasis(facts: QueryFacts) -> TraceStep:
    """Q-UNIT-NOBASIS: no catalogued legal basis in force (none given, unknown code or inactive entry)."""
    code = facts.legal_basis_code
    if code is None:
        why = "未提供查询所依据的国家规定"
    else:
        why = f"所称依据“{code}”不在国家规定目录中或已失效，视为没有法律依据"
    return TraceStep(
        "Q-UNIT-NOBASIS", SRC_UNIT, "refuse",
        f"有关单位查询，{why}，不提供已封存的记录，答复与无封存记录者相同{_open_note(facts)}",
        {"requester": facts.requester, "purpose": facts.purpose, "legal_basis": code,
         "open_records": _ids(facts.open_records)},
    )


# The relevance categories of the charge and legal-basis catalogues, as a reviewer reads them.
CATEGORY_ZH = {
    "sexual": "性侵害", "abuse": "虐待", "trafficking": "拐卖", "violence": "暴力伤害", "property": "侵犯财产",
    "fraud": "诈骗", "corruption": "贪污贿赂", "duty": "渎职", "drug": "毒品", "traffic": "交通",
    "firearms": "枪支弹药爆炸物", "public_order": "扰乱公共秩序", "national_security": "危害国家安全",
    "terrorism": "恐怖活动", "organized_crime": "黑社会性质组织", "economic": "破坏社会主义市场经济秩序",
    "environment": "破坏环境资源", "judicial": "妨害司法", "gambling": "赌博", "prostitution": "卖淫",
    "cyber": "网络犯罪", "public_health": "危害公共卫生",
}


def relevant_records(
    records: Iterable[RecordInfo], basis: BasisInfo, charge_categories: ChargeCategories
) -> list[tuple[RecordInfo, list[str], frozenset[str]]]:
    """(record, relevant charges, matched categories) for each sealed record with at least one charge
    whose categories meet the basis's categories (职业相关性), in input order."""
    found = []
    for record in records:
        if not record.sealed:
            continue
        charges, matched = [], set()
        for name in record.charges:
            hit = frozenset(charge_categories(name) or ()) & basis.categories
            if hit:
                charges.append(name)
                matched |= hit
        if charges:
            found.append((record, charges, frozenset(matched)))
    return found


def q_unit_relevant(facts: QueryFacts, charge_categories: ChargeCategories) -> tuple[TraceStep, list]:
    """Q-UNIT-RELEVANT: a unit with a catalogued basis — only the sealed records relevant to it.

    Returns (step, disclosed ids). With none relevant the step (answer_no_record) is the same whether
    the person has irrelevant sealed records or no record at all."""
    basis = facts.basis
    title = f"{basis.title}（{basis.code}）" if basis.title else basis.code
    categories = "、".join(CATEGORY_ZH.get(c, c) for c in sorted(basis.categories)) or "（无）"
    found = relevant_records(facts.records, basis, charge_categories)
    common = {"requester": facts.requester, "purpose": facts.purpose, "legal_basis": basis.code,
              "categories": basis.categories}
    if not found:
        return TraceStep(
            "Q-UNIT-RELEVANT", SRC_UNIT, "answer_no_record",
            f"有关单位依据{title}查询，相关犯罪类别为{categories}；当事人没有属于这些类别的已封存记录，"
            f"按无犯罪记录者答复{_open_note(facts)}",
            dict(common, disclosed=[], open_records=_ids(facts.open_records)),
        ), []
    listed = "；".join(
        f"{r.id}（{'、'.join(charges)}，类别：{'、'.join(CATEGORY_ZH.get(c, c) for c in sorted(hit))}）"
        for r, charges, hit in found
    )
    disclosed = [r.id for r, _charges, _hit in found]
    return TraceStep(
        "Q-UNIT-RELEVANT", SRC_UNIT, "permit",
        f"有关单位依据{title}查询，相关犯罪类别为{categories}；准予提供与之相关的已封存记录：{listed}；"
        f"其他已封存的记录与该依据无关，不予提供{_open_note(facts)}",
        dict(common, disclosed=disclosed, open_records=_ids(facts.open_records)),
    ), disclosed


# --- the steps on every decision ------------------------------------------------------------------

def q_scope(facts: QueryFacts, disclosed: list) -> TraceStep:
    """Q-SCOPE: on every permit — only the listed records, with purpose, scope of use and confidentiality."""
    listed = _join(disclosed) if disclosed else "（无）"
    return TraceStep(
        "Q-SCOPE", SRC_SCOPE, "applies",
        f"仅提供所列记录（{listed}），并书面载明查询用途（{PURPOSE_ZH[facts.purpose]}）、"
        "使用范围仅限于该用途、查询方负有保密义务，不得公开或向他人提供；每次提供均记入查询日志",
        {"disclosed": list(disclosed), "purpose": facts.purpose, "logged": True},
    )


def q_docs(facts: QueryFacts, recommendation: str, disclosed: list) -> tuple[TraceStep, str, str]:
    """Q-DOCS: the document the 2021 MPS rules name. Returns (step, document, statement)."""
    if facts.requester in PERSONS:
        if recommendation == "issue_certificate":
            document, statement = "certificate", "no_record"
            what = "出具无犯罪记录证明（与从未有犯罪记录者的证明相同）"
        else:
            document = "refusal_notice"
            statement = "purpose" if facts.purpose != "certificate" else "open_record"
            reason = "申请用途不属于开具无犯罪记录证明" if statement == "purpose" else "存在未封存的犯罪记录"
            what = f"出具不予出具无犯罪记录证明通知书（理由：{reason}；不提及任何封存记录）"
        return TraceStep(
            "Q-DOCS", SRC_DOCS, document, f"答复{REQUESTER_ZH[facts.requester]}：{what}",
            {"document": document, "statement": statement},
        ), document, statement
    document = "notification_letter"
    if disclosed:
        statement = "listed_records"
        what = f"出具查询告知函，仅列明准予提供的记录：{_join(disclosed)}"
    else:
        statement = "no_record"
        what = "出具查询告知函，载明“未发现犯罪记录”（无可提供的记录，与无犯罪记录者的告知函相同）"
    if facts.open_records:
        what += f"；未封存的记录（{_names(facts.open_records)}）是否列入，由审核人员按一般查询规定决定"
    return TraceStep(
        "Q-DOCS", SRC_DOCS, document, f"答复{REQUESTER_ZH[facts.requester]}：{what}",
        {"document": document, "statement": statement, "disclosed": list(disclosed)},
    ), document, statement


def q_deadline(
    received: dt.date,
    is_working_day: Callable[[dt.date], bool],
    working_days: int = DEFAULT_WORKING_DAYS,
    year_known: Callable[[int], bool] | None = None,
) -> tuple[TraceStep, dt.date, str | None]:
    """Q-DEADLINE: the n-th working day after the day of receipt. Returns (step, deadline, warning)."""
    deadline = add_working_days(received, working_days, is_working_day)
    counted = [d for d in _days_between(received, deadline) if is_working_day(d)]
    skipped = [d for d in _days_between(received, deadline) if not is_working_day(d)]
    makeup = [d for d in counted if d.weekday() >= 5]
    holidays = [d for d in skipped if d.weekday() < 5]
    unknown = []
    if year_known is not None:
        unknown = sorted({d.year for d in _days_between(received, deadline) if not year_known(d.year)})
    warning = calendar_warning(unknown)
    parts = [f"收到申请之日（{zh(received)}）不计入，第{working_days}个工作日为{zh(deadline)}"
             f"（星期{_WEEKDAY_ZH[deadline.weekday()]}），应在该日前答复，逾期将被标记"]
    if holidays:
        parts.append(f"其间法定节假日{len(holidays)}天不计（{'、'.join(zh(d) for d in holidays)}）")
    if makeup:
        parts.append(f"调休上班日计入（{'、'.join(zh(d) for d in makeup)}）")
    if unknown:
        parts.append(f"{'、'.join(str(y) for y in unknown)}年的节假日安排未载入，暂按周一至周五计算，请核对")
    return TraceStep(
        "Q-DEADLINE", SRC_DEADLINE, "warning" if warning else "applies", "；".join(parts),
        {"received": received, "deadline": deadline, "working_days": working_days,
         "counted": counted, "holidays": holidays, "makeup_working_days": makeup,
         "calendar_not_loaded": unknown},
    ), deadline, warning


# --- the engine -----------------------------------------------------------------------------------

def recommend(
    facts: QueryFacts,
    charge_categories: ChargeCategories,
    is_working_day: Callable[[dt.date], bool],
    working_days: int = DEFAULT_WORKING_DAYS,
    year_known: Callable[[int], bool] | None = None,
) -> QueryDecision:
    """The recommended decision on one query request, with its trace.

    `charge_categories(name)` gives a charge's relevance categories (empty for an unknown name).
    `year_known(year)` says whether the calendar knows that year's holidays; by default the
    calendar's own `year_known` attribute when it has one (workdays.DatabaseCalendar does).
    """
    if facts.requester not in REQUESTERS:
        raise ValueError(f"unknown requester {facts.requester!r}")
    if facts.purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {facts.purpose!r}")
    if year_known is None:
        year_known = getattr(is_working_day, "year_known", None)

    trace: list[TraceStep] = []
    disclosed: list = []
    if facts.requester in PERSONS:
        if facts.purpose != "certificate":
            step = q_self_purpose(facts)
        elif facts.open_records:
            step = q_cert_open(facts)
        else:
            step = q_cert(facts)
        recommendation = step.outcome
        trace.append(step)
    elif facts.requester == "judicial":
        if facts.purpose in JUDICIAL_PERMITTED:
            step = q_jud(facts)
            disclosed = _ids(facts.sealed_records)
        else:
            step = q_jud_general(facts)
        recommendation = step.outcome
        trace.append(step)
    else:  # unit
        if facts.basis is None:
            step = q_unit_nobasis(facts)
        else:
            step, disclosed = q_unit_relevant(facts, charge_categories)
        recommendation = step.outcome
        trace.append(step)

    if recommendation == "permit":
        trace.append(q_scope(facts, disclosed))
    docs, document, statement = q_docs(facts, recommendation, disclosed)
    trace.append(docs)
    deadline_step, deadline, warning = q_deadline(facts.received, is_working_day, working_days, year_known)
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
        open_records=_ids(facts.open_records),
        received=facts.received,
    )


# --- JSON in (DESIGN.md "Machine interfaces": evaluate_query) --------------------------------------

BasisLookup = Callable[[str], Optional[BasisInfo]]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_YEAR, MAX_YEAR = 1900, 2200  # as the sealing reader: beyond them a value is a typing error
MAX_RECORDS = 10_000


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _identifier(value: Any, field: str) -> Any:
    if value is None:
        raise InputError(field, "is required")
    if _is_int(value):
        return value
    if isinstance(value, str) and value.strip():
        return value
    raise InputError(field, "must be a non-empty string or an integer")


def _choice(obj: dict, key: str, choices: tuple[str, ...]) -> str:
    value = obj.get(key)
    if value is None:
        raise InputError(key, "is required")
    if not isinstance(value, str) or value not in choices:
        raise InputError(key, f"must be one of {', '.join(choices)}")
    return value


def _date(obj: dict, key: str) -> dt.date:
    value = obj.get(key)
    if value is None:
        raise InputError(key, "is required")
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InputError(key, "must be a date string YYYY-MM-DD")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(key, "is not a valid calendar date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InputError(key, f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    return parsed


def _legal_basis(obj: dict) -> str | None:
    """A code (stripped) or None; an empty string is no code. Unknown codes are not errors."""
    value = obj.get("legal_basis")
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError("legal_basis", "must be a catalogue code (string) or null")
    return value.strip() or None


def _records(obj: dict) -> tuple[RecordInfo, ...]:
    value = obj.get("records")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("records", "must be a list")
    if len(value) > MAX_RECORDS:
        raise InputError("records", f"must not hold more than {MAX_RECORDS} records")
    records, seen = [], set()
    for i, item in enumerate(value):
        prefix = f"records[{i}]"
        if not isinstance(item, dict):
            raise InputError(prefix, "must be an object with id, status and charges")
        record_id = _identifier(item.get("id"), f"{prefix}.id")
        if record_id in seen:
            raise InputError(f"{prefix}.id", f"duplicate record id {record_id!r}")
        seen.add(record_id)
        status = item.get("status")
        if status is None:
            raise InputError(f"{prefix}.status", "is required")
        if not isinstance(status, str) or status not in RECORD_STATUSES:
            raise InputError(f"{prefix}.status", f"must be one of {', '.join(RECORD_STATUSES)}")
        charges = item.get("charges")
        if charges is None:
            charges = []
        if not isinstance(charges, list):
            raise InputError(f"{prefix}.charges", "must be a list of charge names")
        names = []
        for j, name in enumerate(charges):
            if not isinstance(name, str) or not name.strip():
                raise InputError(f"{prefix}.charges[{j}]", "must be a charge name (non-empty string)")
            names.append(name.strip())
        records.append(RecordInfo(id=record_id, status=status, charges=tuple(names)))
    return tuple(records)


def parse_query(obj: Any, basis_lookup: BasisLookup | None) -> QueryFacts:
    """Validate one request object and build QueryFacts; `basis_lookup(code)` gives the catalogue
    entry in force, or None (unknown or inactive code = no legal basis, not an error)."""
    if not isinstance(obj, dict):
        raise InputError("$", "a query request must be a JSON object")
    request_id = _identifier(obj.get("id"), "id")
    requester = _choice(obj, "requester", REQUESTERS)
    purpose = _choice(obj, "purpose", PURPOSES)
    code = _legal_basis(obj)
    received = _date(obj, "received")
    records = _records(obj)
    basis = None
    if code is not None and basis_lookup is not None:
        basis = basis_lookup(code)
        if basis is not None and not isinstance(basis, BasisInfo):
            raise TypeError(f"basis_lookup({code!r}) returned {type(basis).__name__}, not BasisInfo")
    return QueryFacts(id=request_id, requester=requester, purpose=purpose, received=received,
                      legal_basis_code=code, basis=basis, records=records)


def parse_queries(payload: Any, basis_lookup: BasisLookup | None) -> list[QueryFacts]:
    """One request object or a list of them; an error in a list carries `.index`."""
    if isinstance(payload, dict):
        return [parse_query(payload, basis_lookup)]
    if not isinstance(payload, list):
        raise InputError("$", "expected a query request object or a list of them")
    parsed = []
    for index, obj in enumerate(payload):
        try:
            parsed.append(parse_query(obj, basis_lookup))
        except InputError as exc:
            exc.index = index
            raise
    return parsed


def evaluate_payload(
    payload: Any,
    basis_lookup: BasisLookup | None,
    charge_categories: ChargeCategories,
    is_working_day: Callable[[dt.date], bool],
    working_days: int = DEFAULT_WORKING_DAYS,
) -> dict | list[dict]:
    """The whole command in one call: a dict in gives a dict out, a list gives a list."""
    decisions = [recommend(facts, charge_categories, is_working_day, working_days).to_dict()
                 for facts in parse_queries(payload, basis_lookup)]
    return decisions[0] if isinstance(payload, dict) else decisions
