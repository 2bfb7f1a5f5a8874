"""A unit's requests: Q-UNIT-NOBASIS, Q-UNIT-RELEVANT, Q-UNIT-OPEN, and J-NONPROS-SCOPE for a unit.

- Q-UNIT-NOBASIS: no catalogued basis in force → refuse; the answer does not depend on the records.
- Q-UNIT-RELEVANT: a catalogued basis → only the sealed *convictions* with a charge in the basis's
  relevant categories (职业相关性); never a sealed related record (J-NONPROS-SCOPE: such a record goes
  only to a judicial organ for case handling, SPP Rules art. 486) — a trace step says so when one is
  withheld.
- Q-UNIT-OPEN: a catalogued basis and open convictions → the letter lists them too (sealing does not
  protect them); `disclosed` names only the sealed records disclosed.
"""
from __future__ import annotations

from typing import Iterable

from sealing.rules import Msg, Text, TraceStep

from .facts import (
    CPL_286,
    MEASURES,
    NONE,
    SPP_RULES,
    BasisInfo,
    ChargeCategories,
    QueryFacts,
    RecordInfo,
    ids,
    open_note,
    semicolons,
    shown,
)

SRC_UNIT = f"{CPL_286}第二款（有关单位根据国家规定查询）；{MEASURES}"
SRC_UNIT_OPEN = f"{SRC_UNIT}；未封存的犯罪记录不受封存保护"
SRC_NONPROS_SCOPE = f"{SPP_RULES}第四百八十六条；{MEASURES}"

# The relevance categories of the charge and legal-basis catalogues, as a reviewer reads them (the English as the
# admin's forms name them, sealing/catalogue.py CRIME_CATEGORIES).
CATEGORY_TEXT = {
    "sexual": Msg("Q.category.sexual", "性侵害", "sexual offences"),
    "abuse": Msg("Q.category.abuse", "虐待", "abuse"),
    "trafficking": Msg("Q.category.trafficking", "拐卖", "trafficking in persons"),
    "violence": Msg("Q.category.violence", "暴力伤害", "violent injury"),
    "property": Msg("Q.category.property", "侵犯财产", "offences against property"),
    "fraud": Msg("Q.category.fraud", "诈骗", "fraud"),
    "corruption": Msg("Q.category.corruption", "贪污贿赂", "corruption and bribery"),
    "duty": Msg("Q.category.duty", "渎职", "dereliction of duty"),
    "drug": Msg("Q.category.drug", "毒品", "drugs"),
    "traffic": Msg("Q.category.traffic", "交通", "traffic offences"),
    "firearms": Msg("Q.category.firearms", "枪支弹药爆炸物", "firearms, ammunition and explosives"),
    "public_order": Msg("Q.category.public_order", "扰乱公共秩序", "disturbing public order"),
    "national_security": Msg("Q.category.national_security", "危害国家安全", "endangering national security"),
    "terrorism": Msg("Q.category.terrorism", "恐怖活动", "terrorist activities"),
    "organized_crime": Msg("Q.category.organized_crime", "黑社会性质组织", "organised crime"),
    "economic": Msg("Q.category.economic", "破坏社会主义市场经济秩序", "undermining the socialist market economy"),
    "environment": Msg("Q.category.environment", "破坏环境资源", "damaging the environment and resources"),
    "judicial": Msg("Q.category.judicial", "妨害司法", "obstructing justice"),
    "gambling": Msg("Q.category.gambling", "赌博", "gambling"),
    "prostitution": Msg("Q.category.prostitution", "卖淫", "prostitution"),
    "cyber": Msg("Q.category.cyber", "网络犯罪", "cybercrime"),
    "public_health": Msg("Q.category.public_health", "危害公共卫生", "endangering public health"),
}
CATEGORY_ZH = {code: msg.zh for code, msg in CATEGORY_TEXT.items()}

BASIS_TITLED = Msg("Q-UNIT.basis", "{title}（{code}）", "{title} ({code})")

NOBASIS_NONE = Msg(
    "Q-UNIT-NOBASIS.none", "有关单位查询，未提供查询所依据的国家规定，不予提供，答复与无封存记录者相同{open}",
    "A unit queries without naming the national regulation the query rests on: nothing is provided, and the "
    "answer is the same as for a person with no sealed record{open}")
NOBASIS_UNKNOWN = Msg(
    "Q-UNIT-NOBASIS.unknown",
    "有关单位查询，所称依据“{code}”不在国家规定目录中或已失效，视为没有法律依据，不予提供，答复与无封存记录者相同{open}",
    "A unit queries on the stated basis \"{code}\", which is not in the catalogue of national regulations or is "
    "no longer in force, so the query counts as having no legal basis: nothing is provided, and the answer is "
    "the same as for a person with no sealed record{open}")
RELEVANT_NONE_RELEVANT = Msg(
    "Q-UNIT-RELEVANT.none_relevant",
    "有关单位依据{basis}查询，相关犯罪类别为{categories}；当事人没有属于这些类别的已封存犯罪记录，不提供已封存的记录",
    "A unit queries under {basis}, relevant categories of crime: {categories}; the person has no sealed criminal "
    "record in these categories, so no sealed record is provided")
RELEVANT_NO_RECORD = Msg(
    "Q-UNIT-RELEVANT.no_record",
    "有关单位依据{basis}查询，相关犯罪类别为{categories}；当事人没有属于这些类别的已封存犯罪记录，按无犯罪记录者答复",
    "A unit queries under {basis}, relevant categories of crime: {categories}; the person has no sealed criminal "
    "record in these categories, so the answer is the one for a person with no criminal record")
RELEVANT_PERMIT = Msg(
    "Q-UNIT-RELEVANT.permit",
    "有关单位依据{basis}查询，相关犯罪类别为{categories}；准予提供与之相关的已封存犯罪记录：{records}；"
    "其他已封存的记录与该依据无关，不予提供",
    "A unit queries under {basis}, relevant categories of crime: {categories}; the sealed criminal records "
    "relevant to them are provided: {records}; the other sealed records are not relevant to that basis and are "
    "not provided")
RELEVANT_RECORD = Msg("Q-UNIT-RELEVANT.record", "{record}（{charges}，类别：{categories}）",
                      "{record} ({charges}; categories: {categories})")
NONPROS_SCOPE = Msg(
    "J-NONPROS-SCOPE.unit",
    "已封存的不起诉等相关记录不属于犯罪记录，只能向司法机关为办案需要提供，不向有关单位提供，也不列入告知函",
    "A sealed non-prosecution or other related record is not a criminal record: it may be provided only to a "
    "judicial organ for handling a case, not to a unit, and it is not included in the notification letter")
UNIT_OPEN = Msg(
    "Q-UNIT-OPEN.listed",
    "当事人有未封存的犯罪记录（{records}），不受封存保护，告知函一并列明；准予提供的封存记录仍以前述为限",
    "The person has criminal records that are not sealed ({records}): they are not protected by sealing and "
    "are listed in the notification letter as well; the sealed records provided are still only those named "
    "above")


def _title(basis: BasisInfo) -> Text | str:
    return BASIS_TITLED(title=basis.title, code=basis.code) if basis.title else basis.code


def _categories(categories: Iterable[str]) -> list:
    """The categories by their names (a code outside the vocabulary as it is)."""
    return [CATEGORY_TEXT[c]() if c in CATEGORY_TEXT else c for c in sorted(categories)]


def q_unit_nobasis(facts: QueryFacts) -> TraceStep:
    """Q-UNIT-NOBASIS: no catalogued legal basis in force (none given, unknown code or inactive entry)."""
    code = facts.legal_basis_code
    note = open_note(facts, listed=False)
    message = NOBASIS_NONE(open=note) if code is None else NOBASIS_UNKNOWN(code=code, open=note)
    return TraceStep(
        "Q-UNIT-NOBASIS", SRC_UNIT, "refuse", message,
        {"requester": facts.requester, "purpose": facts.purpose, "legal_basis": code,
         "open_records": ids(facts.open_records)},
    )


def relevant_records(
    records: Iterable[RecordInfo], basis: BasisInfo, charge_categories: ChargeCategories
) -> list[tuple[RecordInfo, list[str], frozenset[str]]]:
    """(record, relevant charges, matched categories) for each sealed conviction with at least one charge
    whose categories meet the basis's categories (职业相关性), in input order. A related record is never
    relevant to a unit (J-NONPROS-SCOPE), an open record is not protected by sealing."""
    found = []
    for record in records:
        if not (record.sealed and record.conviction):
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
    """Q-UNIT-RELEVANT: a unit with a catalogued basis — only the sealed convictions relevant to it.

    Returns (step, disclosed ids). The step's outcome is `permit` when a sealed conviction is relevant;
    otherwise `answer_no_record`, or `none_relevant` when open convictions make the answer a letter
    listing them (Q-UNIT-OPEN). With none relevant the step is the same whether the person has
    irrelevant sealed records or no record at all."""
    basis = facts.basis
    title = _title(basis)
    categories = _categories(basis.categories) or NONE()
    found = relevant_records(facts.records, basis, charge_categories)
    common = {"requester": facts.requester, "purpose": facts.purpose, "legal_basis": basis.code,
              "categories": basis.categories}
    if not found:
        if facts.open_records:
            outcome, msg = "none_relevant", RELEVANT_NONE_RELEVANT
        else:
            outcome, msg = "answer_no_record", RELEVANT_NO_RECORD
        return TraceStep(
            "Q-UNIT-RELEVANT", SRC_UNIT, outcome, msg(basis=title, categories=categories),
            dict(common, disclosed=[]),
        ), []
    listed = semicolons(
        RELEVANT_RECORD(record=r.shown, charges=list(charges), categories=_categories(hit)) for r, charges, hit in found
    )
    disclosed = [r.id for r, _charges, _hit in found]
    return TraceStep(
        "Q-UNIT-RELEVANT", SRC_UNIT, "permit", RELEVANT_PERMIT(basis=title, categories=categories, records=listed),
        dict(common, disclosed=disclosed),
    ), disclosed


def j_nonpros_scope(facts: QueryFacts) -> TraceStep:
    """J-NONPROS-SCOPE for a unit: a sealed related record (non-prosecution, no punishment, …) is
    withheld, whatever its charges; it goes only to a judicial organ for case handling."""
    return TraceStep(
        "J-NONPROS-SCOPE", SRC_NONPROS_SCOPE, "withheld", NONPROS_SCOPE(),
        {"requester": facts.requester, "kind": "related"},
    )


def q_unit_open(facts: QueryFacts) -> TraceStep:
    """Q-UNIT-OPEN: a unit with a catalogued basis, the person has open convictions — the letter lists
    them (they are not protected by sealing); `disclosed` still names only sealed records."""
    opened = facts.open_records
    return TraceStep(
        "Q-UNIT-OPEN", SRC_UNIT_OPEN, "permit", UNIT_OPEN(records=shown(opened)),
        {"requester": facts.requester, "open_listed": ids(opened)},
    )
