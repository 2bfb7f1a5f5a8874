"""Q-DOCS (which document answers a decision), Q-SCOPE (what a permit carries) and the Q-OVERRIDE test.

`document_for` is the one place Q-DOCS is decided: the engine calls it for the recommendation and
the web app for the reviewer's final decision, which may differ from it.
"""
from __future__ import annotations

from typing import Iterable

from sealing.rules import Msg, TraceStep

from .facts import (
    MEASURES,
    MPS_RULES,
    NONE,
    PERSONS,
    PURPOSES,
    RECOMMENDATIONS,
    REQUESTERS,
    QueryFacts,
    purpose_text,
    requester_text,
    semicolons,
    shown_of,
)

SRC_SCOPE = f"{MEASURES}（查询结果的用途、范围与保密义务）；{MPS_RULES}"
SRC_DOCS = f"{MPS_RULES}"

# statement words, per document
STATEMENTS = {
    "certificate": ("no_record",),
    "refusal_notice": ("open_record", "purpose"),  # never "a sealed record exists"
    "notification_letter": ("no_record", "listed_records"),
}


def document_for(requester: str, purpose: str, outcome: str, disclosed_any: bool) -> tuple[str, str]:
    """Q-DOCS: (document, statement) for a decision — the document the MPS 2021 query rules name.

    - to a person (`self`, `guardian`): `issue_certificate` or `answer_no_record` → ("certificate",
      "no_record"), the same certificate as for a person who never had a record; `refuse` →
      ("refusal_notice", "purpose") when the purpose was not a certificate, else ("refusal_notice",
      "open_record"): the ground is an open conviction. A refusal notice never states that a sealed
      record exists, and names no record at all.
    - to a unit or a judicial organ: ("notification_letter", "listed_records") when the letter lists
      records (`disclosed_any`: permitted sealed records or open convictions it lists), else
      ("notification_letter", "no_record") — "no criminal record", the letter a person with no record
      gets. `answer_no_record` always states "no criminal record".

    Raises ValueError for an unknown word, for `permit` to a person (a person is never disclosed
    records: the answer is a certificate or a refusal) and for `issue_certificate` to a unit or a
    judicial organ (they receive a letter).
    """
    if requester not in REQUESTERS:
        raise ValueError(f"unknown requester {requester!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if outcome not in RECOMMENDATIONS:
        raise ValueError(f"unknown outcome {outcome!r}")
    if requester in PERSONS:
        if outcome in ("issue_certificate", "answer_no_record"):
            return "certificate", "no_record"
        if outcome == "refuse":
            return "refusal_notice", "purpose" if purpose != "certificate" else "open_record"
        raise ValueError("a person is answered with a certificate or a refusal notice, never a permit")
    if outcome == "issue_certificate":
        raise ValueError("a unit or a judicial organ is answered with a notification letter, not a certificate")
    if outcome == "answer_no_record" or not disclosed_any:
        return "notification_letter", "no_record"
    return "notification_letter", "listed_records"


# Q-DOCS: why a decision has no lawful document for the request (error codes; the caller words them).
NOT_A_DECISION = "not_a_decision"
PERSON_PERMIT = "person_permit"  # a person gets a certificate or a refusal notice, never records
ORGAN_CERTIFICATE = "organ_certificate"  # a unit or a judicial organ gets a 查询告知函, never a certificate
REFUSAL_REVEALS_SEAL = "refusal_reveals_seal"  # refusing a certificate with no open conviction states a sealed one

# The decisions each requester kind may be answered with (Q-DOCS): to a person the certificate (无犯罪记录证明)
# or the refusal notice; to a unit or a judicial organ the notification letter (查询告知函) — permit,
# "no record" or refusal. `answer_no_record` to a person is the certificate itself, so it is not offered twice.
PERSON_DECISIONS = ("issue_certificate", "refuse")
ORGAN_DECISIONS = ("permit", "answer_no_record", "refuse")


def unlawful_decision(requester: str, purpose: str, decision: str, open_conviction: bool | None = None) -> str | None:
    """Q-DOCS: None when ``decision`` answers this request with the document the MPS 2021 query rules name,
    else the error code saying why not. ``open_conviction`` (whether the person has an open conviction; None
    when unknown) matters only to a person's certificate request: refusing it with none would issue a
    refusal notice whose only ground is a sealed record (a refusal never states that one exists)."""
    if requester not in REQUESTERS:
        raise ValueError(f"unknown requester {requester!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if decision not in RECOMMENDATIONS:
        return NOT_A_DECISION
    if requester in PERSONS:
        if decision not in PERSON_DECISIONS:
            return PERSON_PERMIT if decision == "permit" else NOT_A_DECISION
        if decision == "refuse" and purpose == "certificate" and open_conviction is False:
            return REFUSAL_REVEALS_SEAL
        return None
    if decision not in ORGAN_DECISIONS:
        return ORGAN_CERTIFICATE
    return None


def lawful_decisions(requester: str, purpose: str, open_conviction: bool | None = None) -> tuple[str, ...]:
    """Q-DOCS: the decisions a reviewer may take on this request, in the order the form offers them."""
    candidates = PERSON_DECISIONS if requester in PERSONS else ORGAN_DECISIONS
    return tuple(d for d in candidates if unlawful_decision(requester, purpose, d, open_conviction) is None)


def document_of_decision(requester: str, decision: str) -> str:
    """Q-DOCS: the kind of document a lawful decision issues (its statement depends on what is listed)."""
    if requester in PERSONS:
        return "refusal_notice" if decision == "refuse" else "certificate"
    return "notification_letter"


SCOPE = Msg(
    "Q-SCOPE.applies",
    "仅提供所列记录（{records}{open}），并书面载明查询用途（{purpose}）、"
    "使用范围仅限于该用途、查询方负有保密义务，不得公开或向他人提供{undertaking}；每次提供均记入查询日志",
    "Only the listed records are provided ({records}{open}), with a written statement of the purpose of the "
    "query ({purpose}), that they may be used only for that purpose, and that the requester is bound to keep "
    "them confidential and may not publish them or give them to others{undertaking}; every disclosure is "
    "recorded in the query log")
SCOPE_OPEN = Msg("Q-SCOPE.open", "；未封存的犯罪记录：{records}", "; criminal records that are not sealed: {records}")
SCOPE_UNDERTAKING = Msg("Q-SCOPE.undertaking", "；有关单位须签署保密承诺书，与准予查询的决定一并存档",
                        "; the unit must sign a confidentiality undertaking, which is filed together with the "
                        "decision permitting the query")

DOCS_CERTIFICATE = Msg(
    "Q-DOCS.certificate", "答复{requester}：出具无犯罪记录证明（与从未有犯罪记录者的证明相同）",
    "Answer to {requester}: a certificate of no criminal record is issued (the same as the certificate of a "
    "person who never had a criminal record)")
DOCS_REFUSAL = Msg(
    "Q-DOCS.refusal_notice",
    "答复{requester}：出具不予出具无犯罪记录证明通知书（理由：{reason}；不列明任何记录，不提及任何封存记录）",
    "Answer to {requester}: a notice refusing the certificate of no criminal record is issued (ground: {reason}; "
    "it lists no record and mentions no sealed record)")
REASON_PURPOSE = Msg("Q-DOCS.reason_purpose", "申请用途不属于开具无犯罪记录证明",
                     "the purpose applied for is not a certificate of no criminal record")
REASON_OPEN = Msg("Q-DOCS.reason_open", "存在未封存的犯罪记录", "there is a criminal record that is not sealed")
DOCS_LISTED = Msg("Q-DOCS.listed_records", "答复{requester}：出具查询告知函，仅列明{listed}",
                  "Answer to {requester}: a notification letter is issued listing only {listed}")
LISTED_DISCLOSED = Msg("Q-DOCS.disclosed", "准予提供的封存记录：{records}",
                       "the sealed records permitted to be provided: {records}")
LISTED_OPEN = Msg("Q-DOCS.open", "未封存的犯罪记录：{records}", "the criminal records that are not sealed: {records}")
DOCS_NO_RECORD = Msg(
    "Q-DOCS.no_record", "答复{requester}：出具查询告知函，载明“未发现犯罪记录”（与无犯罪记录者的告知函相同）",
    "Answer to {requester}: a notification letter is issued stating \"no criminal record found\" (the same as "
    "the letter for a person with no criminal record)")


def q_scope(facts: QueryFacts, disclosed: list, open_listed: Iterable = ()) -> TraceStep:
    """Q-SCOPE: on every permit — only the listed records, with purpose, scope of use and confidentiality."""
    open_listed = list(open_listed)
    records = shown_of(facts, disclosed) if disclosed else NONE()
    opened = SCOPE_OPEN(records=shown_of(facts, open_listed)) if open_listed else ""
    undertaking = SCOPE_UNDERTAKING() if facts.requester == "unit" else ""
    return TraceStep(
        "Q-SCOPE", SRC_SCOPE, "applies",
        SCOPE(records=records, open=opened, purpose=purpose_text(facts.purpose), undertaking=undertaking),
        {"disclosed": list(disclosed), "open_listed": open_listed, "purpose": facts.purpose, "logged": True,
         "undertaking": facts.requester == "unit"},
    )


def q_docs(facts: QueryFacts, recommendation: str, disclosed: list,
           open_listed: Iterable = ()) -> tuple[TraceStep, str, str]:
    """Q-DOCS on the recommendation. Returns (step, document, statement)."""
    open_listed = list(open_listed)
    document, statement = document_for(facts.requester, facts.purpose, recommendation,
                                       bool(disclosed) or bool(open_listed))
    requester = requester_text(facts.requester)
    if document == "certificate":
        message = DOCS_CERTIFICATE(requester=requester)
    elif document == "refusal_notice":
        reason = REASON_PURPOSE() if statement == "purpose" else REASON_OPEN()
        message = DOCS_REFUSAL(requester=requester, reason=reason)
    elif statement == "listed_records":
        parts = []
        if disclosed:
            parts.append(LISTED_DISCLOSED(records=shown_of(facts, disclosed)))
        if open_listed:
            parts.append(LISTED_OPEN(records=shown_of(facts, open_listed)))
        message = DOCS_LISTED(requester=requester, listed=semicolons(parts))
    else:
        message = DOCS_NO_RECORD(requester=requester)
    return TraceStep(
        "Q-DOCS", SRC_DOCS, document, message,
        {"document": document, "statement": statement, "disclosed": list(disclosed), "open_listed": open_listed},
    ), document, statement
