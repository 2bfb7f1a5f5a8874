"""The person's own requests (`self`, `guardian`): Q-CERT, Q-CERT-OPEN, Q-SELF-PURPOSE.

Only a conviction is a criminal record (RULES.md §1; MPS 2021 query rules art. 2): a person whose
convictions are all sealed or provisionally sealed, or who has only related records (不起诉 …, of any
status), gets the certificate, the same as a person who never had a record. Nothing in these steps
depends on a sealed or a related record, so the trace tells nothing either.
"""
from __future__ import annotations

from sealing.rules import Msg, TraceStep

from .facts import CPL_286, MEASURES, MPS_RULES, QueryFacts, ids, purpose_text, requester_text, shown

SRC_CERT = f"{CPL_286}；{MEASURES}；{MPS_RULES}"
SRC_CERT_OPEN = f"{MPS_RULES}"
SRC_SELF_PURPOSE = f"{MPS_RULES}"

CERT = Msg(
    "Q-CERT.none",
    "{requester}申请开具无犯罪记录证明，当事人没有未封存的犯罪记录（有罪判决）"
    "（已封存或临时封存的犯罪记录视同没有记录；不起诉等相关记录不属于犯罪记录；均不得在证明中体现），"
    "出具无犯罪记录证明，其内容与版式与从未有犯罪记录者的证明完全相同",
    "Application by {requester} for a certificate of no criminal record: the person has no criminal record "
    "(conviction) that is not sealed (a sealed or provisionally sealed criminal record counts as no record; a "
    "non-prosecution or other related record is not a criminal record; neither may appear on the certificate). "
    "The certificate of no criminal record is issued, identical in content and layout to the certificate of a "
    "person who never had a criminal record")
CERT_OPEN_COUNTED = Msg(
    "Q-CERT-OPEN.counted",
    "{requester}申请开具无犯罪记录证明，当事人有未封存的犯罪记录{count}项，"
    "不予出具无犯罪记录证明；通知书只依据未封存的犯罪记录，不得提及任何已封存或临时封存的记录",
    "Application by {requester} for a certificate of no criminal record: the person has criminal records that "
    "are not sealed (number: {count}), so the certificate is refused; the refusal notice rests only on the "
    "criminal records that are not sealed and must not mention any sealed or provisionally sealed record")
CERT_OPEN_NAMED = Msg(
    "Q-CERT-OPEN.named",
    "{requester}申请开具无犯罪记录证明，当事人有未封存的犯罪记录（{records}），"
    "不予出具无犯罪记录证明；通知书只依据未封存的犯罪记录，不得提及任何已封存或临时封存的记录",
    "Application by {requester} for a certificate of no criminal record: the person has criminal records that "
    "are not sealed ({records}), so the certificate is refused; the refusal notice rests only on the criminal "
    "records that are not sealed and must not mention any sealed or provisionally sealed record")
SELF_PURPOSE = Msg(
    "Q-SELF-PURPOSE.refuse",
    "{requester}申请的用途为“{purpose}”，"
    "本人或法定代理人只能申请开具无犯罪记录证明，本申请不予办理；"
    "此结论与当事人有无犯罪记录无关，可告知其改为申请开具无犯罪记录证明",
    "The application by {requester} is for \"{purpose}\": the person concerned or the legal representative may "
    "apply only for a certificate of no criminal record, so this application is not processed. This conclusion "
    "does not depend on whether the person has a criminal record; the applicant may be told to apply for a "
    "certificate of no criminal record instead")


def q_cert(facts: QueryFacts) -> TraceStep:
    """Q-CERT: no open conviction — the certificate, identical to that of a person who never had a record.

    The message and facts are the same with or without sealed or related records."""
    return TraceStep(
        "Q-CERT", SRC_CERT, "issue_certificate", CERT(requester=requester_text(facts.requester)),
        {"requester": facts.requester, "purpose": facts.purpose},
    )


def q_cert_open(facts: QueryFacts) -> TraceStep:
    """Q-CERT-OPEN: an open conviction exists — refuse the certificate, naming only the open convictions."""
    opened = facts.open_records
    requester = requester_text(facts.requester)
    # The JSON commands' records are named by their ids; the web app's carry labels (case numbers), and the
    # certificate desk shows its reviewer only whether an open conviction exists: there the sentence counts them.
    if any(r.label for r in opened):
        message = CERT_OPEN_COUNTED(requester=requester, count=len(opened))
    else:
        message = CERT_OPEN_NAMED(requester=requester, records=shown(opened))
    return TraceStep(
        "Q-CERT-OPEN", SRC_CERT_OPEN, "refuse", message,
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": ids(opened)},
    )


def q_self_purpose(facts: QueryFacts) -> TraceStep:
    """Q-SELF-PURPOSE: a person may obtain only the certificate; any other purpose is refused,
    whatever the records."""
    return TraceStep(
        "Q-SELF-PURPOSE", SRC_SELF_PURPOSE, "refuse",
        SELF_PURPOSE(requester=requester_text(facts.requester), purpose=purpose_text(facts.purpose)),
        {"requester": facts.requester, "purpose": facts.purpose},
    )
