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

from sealing.rules import TraceStep

from .facts import (
    CPL_286,
    MEASURES,
    SPP_RULES,
    BasisInfo,
    ChargeCategories,
    QueryFacts,
    RecordInfo,
    ids,
    names,
    open_note,
)

SRC_UNIT = f"{CPL_286}第二款（有关单位根据国家规定查询）；{MEASURES}"
SRC_UNIT_OPEN = f"{SRC_UNIT}；未封存的犯罪记录不受封存保护"
SRC_NONPROS_SCOPE = f"{SPP_RULES}第四百八十六条；{MEASURES}"

# The relevance categories of the charge and legal-basis catalogues, as a reviewer reads them.
CATEGORY_ZH = {
    "sexual": "性侵害", "abuse": "虐待", "trafficking": "拐卖", "violence": "暴力伤害", "property": "侵犯财产",
    "fraud": "诈骗", "corruption": "贪污贿赂", "duty": "渎职", "drug": "毒品", "traffic": "交通",
    "firearms": "枪支弹药爆炸物", "public_order": "扰乱公共秩序", "national_security": "危害国家安全",
    "terrorism": "恐怖活动", "organized_crime": "黑社会性质组织", "economic": "破坏社会主义市场经济秩序",
    "environment": "破坏环境资源", "judicial": "妨害司法", "gambling": "赌博", "prostitution": "卖淫",
    "cyber": "网络犯罪", "public_health": "危害公共卫生",
}


def _title(basis: BasisInfo) -> str:
    return f"{basis.title}（{basis.code}）" if basis.title else basis.code


def _categories(categories: Iterable[str]) -> str:
    return "、".join(CATEGORY_ZH.get(c, c) for c in sorted(categories))


def q_unit_nobasis(facts: QueryFacts) -> TraceStep:
    """Q-UNIT-NOBASIS: no catalogued legal basis in force (none given, unknown code or inactive entry)."""
    code = facts.legal_basis_code
    if code is None:
        why = "未提供查询所依据的国家规定"
    else:
        why = f"所称依据“{code}”不在国家规定目录中或已失效，视为没有法律依据"
    return TraceStep(
        "Q-UNIT-NOBASIS", SRC_UNIT, "refuse",
        f"有关单位查询，{why}，不予提供，答复与无封存记录者相同{open_note(facts, listed=False)}",
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
    categories = _categories(basis.categories) or "（无）"
    found = relevant_records(facts.records, basis, charge_categories)
    common = {"requester": facts.requester, "purpose": facts.purpose, "legal_basis": basis.code,
              "categories": basis.categories}
    if not found:
        if facts.open_records:
            outcome, tail = "none_relevant", "不提供已封存的记录"
        else:
            outcome, tail = "answer_no_record", "按无犯罪记录者答复"
        return TraceStep(
            "Q-UNIT-RELEVANT", SRC_UNIT, outcome,
            f"有关单位依据{title}查询，相关犯罪类别为{categories}；当事人没有属于这些类别的已封存犯罪记录，{tail}",
            dict(common, disclosed=[]),
        ), []
    listed = "；".join(
        f"{r.shown}（{'、'.join(charges)}，类别：{_categories(hit)}）" for r, charges, hit in found
    )
    disclosed = [r.id for r, _charges, _hit in found]
    return TraceStep(
        "Q-UNIT-RELEVANT", SRC_UNIT, "permit",
        f"有关单位依据{title}查询，相关犯罪类别为{categories}；准予提供与之相关的已封存犯罪记录：{listed}；"
        "其他已封存的记录与该依据无关，不予提供",
        dict(common, disclosed=disclosed),
    ), disclosed


def j_nonpros_scope(facts: QueryFacts) -> TraceStep:
    """J-NONPROS-SCOPE for a unit: a sealed related record (non-prosecution, no punishment, …) is
    withheld, whatever its charges; it goes only to a judicial organ for case handling."""
    return TraceStep(
        "J-NONPROS-SCOPE", SRC_NONPROS_SCOPE, "withheld",
        "已封存的不起诉等相关记录不属于犯罪记录，只能向司法机关为办案需要提供，"
        "不向有关单位提供，也不列入告知函",
        {"requester": facts.requester, "kind": "related"},
    )


def q_unit_open(facts: QueryFacts) -> TraceStep:
    """Q-UNIT-OPEN: a unit with a catalogued basis, the person has open convictions — the letter lists
    them (they are not protected by sealing); `disclosed` still names only sealed records."""
    opened = facts.open_records
    return TraceStep(
        "Q-UNIT-OPEN", SRC_UNIT_OPEN, "permit",
        f"当事人有未封存的犯罪记录（{names(opened)}），不受封存保护，告知函一并列明；"
        "准予提供的封存记录仍以前述为限",
        {"requester": facts.requester, "open_listed": ids(opened)},
    )
