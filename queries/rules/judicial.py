"""A judicial organ's requests: Q-JUD, Q-JUD-GENERAL.

Q-JUD (case handling, special recidivism, drug recidivism) permits every sealed record, convictions
and sealed related records alike: a sealed non-prosecution (or other related) record may go to a
judicial organ for case handling (J-NONPROS-SCOPE, SPP Rules art. 486). Q-JUD-GENERAL: the seal holds.
Open convictions are not protected by sealing: the letter to a judicial organ lists them in both cases.
"""
from __future__ import annotations

from sealing.rules import TraceStep

from .facts import CPL_286, MEASURES, PURPOSE_ZH, QueryFacts, RecordInfo, ids, open_note

SRC_JUD = {
    "criminal_evaluation": f"{CPL_286}第二款（司法机关为办案需要查询）；{MEASURES}",
    "special_recidivism": f"刑法第六十六条；{CPL_286}第二款；{MEASURES}",
    "drug_recidivism": f"刑法第三百五十六条；{CPL_286}第二款；{MEASURES}",
}
SRC_JUD_GENERAL = f"刑法第六十五条；{CPL_286}；{MEASURES}"


def _describe(record: RecordInfo) -> str:
    kind = "相关记录" if record.related else "犯罪记录"
    return f"{record.shown}（{kind}；{'、'.join(record.charges) or '罪名未记录'}）"


def q_jud(facts: QueryFacts) -> TraceStep:
    """Q-JUD: a judicial organ, for case handling or (special / drug) recidivism — permit the sealed
    records, the sealed related records included."""
    sealed = facts.sealed_records
    if sealed:
        listed = "；".join(_describe(r) for r in sealed)
        what = f"准予查询并提供全部已封存（含临时封存）的记录：{listed}"
        if facts.sealed_related:
            what += "；其中不起诉等相关记录仅向司法机关为办案需要提供（J-NONPROS-SCOPE）"
    else:
        what = "准予查询；当事人没有已封存的记录，无可提供的封存记录"
    return TraceStep(
        "Q-JUD", SRC_JUD[facts.purpose], "permit",
        f"司法机关为“{PURPOSE_ZH[facts.purpose]}”查询，属于封存的例外，{what}{open_note(facts)}",
        {"requester": facts.requester, "purpose": facts.purpose, "disclosed": ids(sealed),
         "open_records": ids(facts.open_records)},
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
        f"答复与无封存记录者相同{open_note(facts)}",
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": ids(facts.open_records)},
    )
