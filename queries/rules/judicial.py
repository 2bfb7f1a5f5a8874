"""A judicial organ's requests: Q-JUD, Q-JUD-GENERAL.

Q-JUD (case handling, special recidivism, drug recidivism) permits every sealed record, convictions
and sealed related records alike: a sealed non-prosecution (or other related) record may go to a
judicial organ for case handling (J-NONPROS-SCOPE, SPP Rules art. 486). Q-JUD-GENERAL: the seal holds.
Open convictions are not protected by sealing: the letter to a judicial organ lists them in both cases.
"""
from __future__ import annotations

from sealing.rules import Msg, Text, TraceStep

from .facts import CPL_286, MEASURES, QueryFacts, RecordInfo, ids, open_note, purpose_text, semicolons

SRC_JUD = {
    "criminal_evaluation": f"{CPL_286}第二款（司法机关为办案需要查询）；{MEASURES}",
    "special_recidivism": f"刑法第六十六条；{CPL_286}第二款；{MEASURES}",
    "drug_recidivism": f"刑法第三百五十六条；{CPL_286}第二款；{MEASURES}",
}
SRC_JUD_GENERAL = f"刑法第六十五条；{CPL_286}；{MEASURES}"

RECORD = Msg("Q-JUD.record", "{record}（{kind}；{charges}）", "{record} ({kind}; {charges})")
RECORD_RELATED = Msg("Q-JUD.record_related", "相关记录", "related record")
RECORD_CONVICTION = Msg("Q-JUD.record_conviction", "犯罪记录", "criminal record")
NO_CHARGES = Msg("Q-JUD.no_charges", "罪名未记录", "charges not recorded")
JUD_SEALED = Msg(
    "Q-JUD.sealed", "司法机关为“{purpose}”查询，属于封存的例外，准予查询并提供全部已封存（含临时封存）的记录：{records}{related}{open}",
    "A judicial organ queries for \"{purpose}\", an exception to sealing: the query is permitted and every sealed "
    "(including provisionally sealed) record is provided: {records}{related}{open}")
JUD_RELATED = Msg("Q-JUD.related", "；其中不起诉等相关记录仅向司法机关为办案需要提供（J-NONPROS-SCOPE）",
                  "; of these, the non-prosecution and other related records are provided only to a judicial organ "
                  "for handling a case (J-NONPROS-SCOPE)")
JUD_NONE = Msg(
    "Q-JUD.none", "司法机关为“{purpose}”查询，属于封存的例外，准予查询；当事人没有已封存的记录，无可提供的封存记录{open}",
    "A judicial organ queries for \"{purpose}\", an exception to sealing: the query is permitted; the person has "
    "no sealed record, so there is no sealed record to provide{open}")
GENERAL_RECIDIVISM = Msg(
    "Q-JUD-GENERAL.general_recidivism",
    "司法机关为“{purpose}”查询，认定一般累犯时封存继续有效；且刑法第六十五条规定不满十八周岁的人犯罪的不构成累犯，"
    "不提供已封存的记录，答复与无封存记录者相同{open}",
    "A judicial organ queries for \"{purpose}\": in establishing general recidivism the seal stays in force, and "
    "Criminal Law art. 65 provides that crimes committed under the age of 18 do not make a recidivist; the "
    "sealed records are not provided, and the answer is the same as for a person with no sealed record{open}")
GENERAL_OTHER = Msg(
    "Q-JUD-GENERAL.other_purpose",
    "司法机关为“{purpose}”查询，该用途不属于可查询封存记录的办案需要（认定事实、适用法律，特殊累犯，毒品再犯），"
    "不提供已封存的记录，答复与无封存记录者相同{open}",
    "A judicial organ queries for \"{purpose}\": that purpose is not one of the case-handling needs for which "
    "sealed records may be queried (establishing facts and applying the law, special recidivism, drug "
    "recidivism); the sealed records are not provided, and the answer is the same as for a person with no "
    "sealed record{open}")


def _describe(record: RecordInfo) -> Text:
    kind = RECORD_RELATED() if record.related else RECORD_CONVICTION()
    return RECORD(record=record.shown, kind=kind, charges=list(record.charges) or NO_CHARGES())


def q_jud(facts: QueryFacts) -> TraceStep:
    """Q-JUD: a judicial organ, for case handling or (special / drug) recidivism — permit the sealed
    records, the sealed related records included."""
    sealed = facts.sealed_records
    purpose = purpose_text(facts.purpose)
    if sealed:
        related = JUD_RELATED() if facts.sealed_related else ""
        message = JUD_SEALED(purpose=purpose, records=semicolons(_describe(r) for r in sealed), related=related,
                             open=open_note(facts))
    else:
        message = JUD_NONE(purpose=purpose, open=open_note(facts))
    return TraceStep(
        "Q-JUD", SRC_JUD[facts.purpose], "permit", message,
        {"requester": facts.requester, "purpose": facts.purpose, "disclosed": ids(sealed),
         "open_records": ids(facts.open_records)},
    )


def q_jud_general(facts: QueryFacts) -> TraceStep:
    """Q-JUD-GENERAL: a judicial organ for general recidivism or any other purpose — the seal holds."""
    msg = GENERAL_RECIDIVISM if facts.purpose == "general_recidivism" else GENERAL_OTHER
    return TraceStep(
        "Q-JUD-GENERAL", SRC_JUD_GENERAL, "refuse",
        msg(purpose=purpose_text(facts.purpose), open=open_note(facts)),
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": ids(facts.open_records)},
    )
