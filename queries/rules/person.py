"""The person's own requests (`self`, `guardian`): Q-CERT, Q-CERT-OPEN, Q-SELF-PURPOSE.

Only a conviction is a criminal record (RULES.md §1; MPS 2021 query rules art. 2): a person whose
convictions are all sealed or provisionally sealed, or who has only related records (不起诉 …, of any
status), gets the certificate, the same as a person who never had a record. Nothing in these steps
depends on a sealed or a related record, so the trace tells nothing either.
"""
from __future__ import annotations

from sealing.rules import TraceStep

from .facts import CPL_286, MEASURES, MPS_RULES, PURPOSE_ZH, REQUESTER_ZH, QueryFacts, ids, names

SRC_CERT = f"{CPL_286}；{MEASURES}；{MPS_RULES}"
SRC_CERT_OPEN = f"{MPS_RULES}"
SRC_SELF_PURPOSE = f"{MPS_RULES}"


def q_cert(facts: QueryFacts) -> TraceStep:
    """Q-CERT: no open conviction — the certificate, identical to that of a person who never had a record.

    The message and facts are the same with or without sealed or related records."""
    return TraceStep(
        "Q-CERT", SRC_CERT, "issue_certificate",
        f"{REQUESTER_ZH[facts.requester]}申请开具无犯罪记录证明，当事人没有未封存的犯罪记录（有罪判决）"
        "（已封存或临时封存的犯罪记录视同没有记录；不起诉等相关记录不属于犯罪记录；均不得在证明中体现），"
        "出具无犯罪记录证明，其内容与版式与从未有犯罪记录者的证明完全相同",
        {"requester": facts.requester, "purpose": facts.purpose},
    )


def q_cert_open(facts: QueryFacts) -> TraceStep:
    """Q-CERT-OPEN: an open conviction exists — refuse the certificate, naming only the open convictions."""
    opened = facts.open_records
    # The JSON commands' records are named by their ids; the web app's carry labels (case numbers), and the
    # certificate desk shows its reviewer only whether an open conviction exists: there the sentence counts them.
    which = f"{len(opened)}项" if any(r.label for r in opened) else f"（{names(opened)}）"
    return TraceStep(
        "Q-CERT-OPEN", SRC_CERT_OPEN, "refuse",
        f"{REQUESTER_ZH[facts.requester]}申请开具无犯罪记录证明，当事人有未封存的犯罪记录{which}，"
        "不予出具无犯罪记录证明；通知书只依据未封存的犯罪记录，不得提及任何已封存或临时封存的记录",
        {"requester": facts.requester, "purpose": facts.purpose, "open_records": ids(opened)},
    )


def q_self_purpose(facts: QueryFacts) -> TraceStep:
    """Q-SELF-PURPOSE: a person may obtain only the certificate; any other purpose is refused,
    whatever the records."""
    return TraceStep(
        "Q-SELF-PURPOSE", SRC_SELF_PURPOSE, "refuse",
        f"{REQUESTER_ZH[facts.requester]}申请的用途为“{PURPOSE_ZH[facts.purpose]}”，"
        "本人或法定代理人只能申请开具无犯罪记录证明，本申请不予办理；"
        "此结论与当事人有无犯罪记录无关，可告知其改为申请开具无犯罪记录证明",
        {"requester": facts.requester, "purpose": facts.purpose},
    )
