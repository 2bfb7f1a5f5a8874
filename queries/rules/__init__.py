"""RULES.md §4: query requests on criminal records — the recommendation a reviewer decides on.

Pure: standard library only, plus the kernel shared with the sealing engine (TraceStep, json_ready,
InputError, the JSON readers, `zh`), imported from `sealing.rules` (DESIGN.md "Layers"). The web app,
`manage.py evaluate_query` and the tests build the dataclasses and call `recommend` (or
`evaluate_payload` for JSON in, JSON out):

    from queries import rules
    decision = rules.recommend(facts, charge_categories, is_working_day, policy=rules.DeadlinePolicy())

Modules: `facts` (vocabularies, RecordInfo, BasisInfo, QueryFacts, QueryDecision), `policy`
(DeadlinePolicy), `deadlines` (Q-DEADLINE, working days), `person` (Q-CERT, Q-CERT-OPEN,
Q-SELF-PURPOSE), `judicial` (Q-JUD, Q-JUD-GENERAL), `unit` (Q-UNIT-NOBASIS, Q-UNIT-RELEVANT,
Q-UNIT-OPEN, J-NONPROS-SCOPE), `docs` (Q-DOCS `document_for`, `lawful_decisions`, `unlawful_decision`, Q-SCOPE), `override` (Q-OVERRIDE
`discloses_more`), `engine` (`recommend`), `jsonio` (`parse_query`, `evaluate_payload`).

The trace reads in this order: the requester/purpose rule (Q-CERT, Q-CERT-OPEN, Q-SELF-PURPOSE,
Q-JUD, Q-JUD-GENERAL, Q-UNIT-NOBASIS or Q-UNIT-RELEVANT), for a unit with a basis J-NONPROS-SCOPE
(a sealed related record withheld) and Q-UNIT-OPEN (open convictions listed), then Q-SCOPE on a
permit, Q-DOCS, Q-DEADLINE.

Readings of RULES.md taken here:
- Record kinds: a record is a `conviction` (default) or a `related` record (non-prosecution, no
  punishment, withdrawal, coercive measures …). Only a conviction is a criminal record (§1).
  "Sealed" means `sealed` or `provisionally_sealed` (A-MODE: a provisional seal hides a record exactly
  as a final one).
- Q-CERT: the certificate when the person has no OPEN conviction — none, only sealed / provisionally
  sealed convictions, or only related records of any status. Q-CERT-OPEN only for an open conviction.
  Q-SELF-PURPOSE: `self`/`guardian` with any other purpose is refused, whatever the records.
- Q-JUD discloses every sealed record, sealed related records included (J-NONPROS-SCOPE allows them
  to a judicial organ for case handling). Q-JUD-GENERAL refuses the sealed records.
- Q-UNIT-RELEVANT discloses only sealed convictions with a charge in the basis's categories, never a
  related record; a sealed related record withheld from a unit adds a J-NONPROS-SCOPE step.
- Q-UNIT-OPEN (a unit with a catalogued basis, the person has open convictions): the letter lists the
  open convictions (`open_listed`), `disclosed` names only the sealed records disclosed. So with open
  convictions the recommendation is `permit` even when no sealed record is relevant (then `disclosed`
  is empty and the letter lists only the open convictions); `answer_no_record` only when there is no
  open conviction and no relevant sealed one. An open related record is not a criminal record and is
  never listed.
- Open convictions are not protected by sealing: a letter to a judicial organ lists them too
  (`open_listed`, under Q-JUD and Q-JUD-GENERAL alike); a unit without a basis (Q-UNIT-NOBASIS) is
  refused and nothing is listed; a person's certificate or refusal notice lists no record.
- Q-JUD always recommends `permit` for its purposes, even when there is no sealed record (the organ is
  entitled to the answer; the letter then states "no criminal record" unless open convictions exist).
- A `legal_basis` given by anyone but a `unit` is ignored.
- Nothing the person may not learn is told by a difference: a certificate decision is the same whether
  the person never had a record or has only sealed convictions or related records, and so is a
  refusal; the trace names a sealed record only when it is disclosed.
- Q-DEADLINE by `answering_agency`: police 3 working days, procuratorate 7 calendar days moved to the
  next working day, court 3 working days (DeadlinePolicy); the clock is never read.
"""
from sealing.rules import InputError, TraceStep, json_ready, zh

from .deadlines import (
    MAX_DAYS_SCANNED,
    SRC_DEADLINE,
    add_calendar_days_to_working_day,
    add_working_days,
    calendar_warning,
    answer_deadline,
    deadline_source,
    is_overdue,
    q_deadline,
    weekday_calendar,
    working_day_on_or_after,
)
from .docs import (
    NOT_A_DECISION,
    ORGAN_CERTIFICATE,
    ORGAN_DECISIONS,
    PERSON_DECISIONS,
    PERSON_PERMIT,
    REFUSAL_REVEALS_SEAL,
    SRC_DOCS,
    SRC_SCOPE,
    STATEMENTS,
    document_for,
    document_of_decision,
    lawful_decisions,
    q_docs,
    q_scope,
    unlawful_decision,
)
from .engine import recommend
from .facts import (
    AGENCY_ZH,
    ANSWERING_AGENCIES,
    CPL_286,
    DOCUMENT_ZH,
    DOCUMENTS,
    JUDICIAL_PERMITTED,
    MEASURES,
    MPS_RULES,
    PERSONS,
    PURPOSE_ZH,
    PURPOSES,
    RECOMMENDATIONS,
    RECORD_KINDS,
    RECORD_STATUSES,
    REQUESTER_ZH,
    REQUESTERS,
    SEALED_STATUSES,
    SPP_RULES,
    BasisInfo,
    Calendar,
    ChargeCategories,
    QueryDecision,
    QueryFacts,
    RecordInfo,
)
from .jsonio import (
    MAX_RECORDS,
    MAX_YEAR,
    MIN_YEAR,
    RECORD_KEYS,
    REQUEST_KEYS,
    BasisLookup,
    evaluate_payload,
    parse_queries,
    parse_query,
)
from .judicial import SRC_JUD, SRC_JUD_GENERAL, q_jud, q_jud_general
from .override import discloses_more
from .person import SRC_CERT, SRC_CERT_OPEN, SRC_SELF_PURPOSE, q_cert, q_cert_open, q_self_purpose
from .policy import DEFAULT_DEADLINE_POLICY, DEFAULT_WORKING_DAYS, DeadlinePolicy
from .unit import (
    CATEGORY_ZH,
    SRC_NONPROS_SCOPE,
    SRC_UNIT,
    SRC_UNIT_OPEN,
    j_nonpros_scope,
    q_unit_nobasis,
    q_unit_open,
    q_unit_relevant,
    relevant_records,
)

__all__ = [
    "AGENCY_ZH",
    "ANSWERING_AGENCIES",
    "CATEGORY_ZH",
    "CPL_286",
    "DEFAULT_DEADLINE_POLICY",
    "DEFAULT_WORKING_DAYS",
    "DOCUMENTS",
    "DOCUMENT_ZH",
    "JUDICIAL_PERMITTED",
    "MAX_DAYS_SCANNED",
    "MAX_RECORDS",
    "MAX_YEAR",
    "MEASURES",
    "MIN_YEAR",
    "MPS_RULES",
    "NOT_A_DECISION",
    "ORGAN_CERTIFICATE",
    "ORGAN_DECISIONS",
    "PERSON_DECISIONS",
    "PERSON_PERMIT",
    "PERSONS",
    "PURPOSES",
    "PURPOSE_ZH",
    "RECOMMENDATIONS",
    "RECORD_KEYS",
    "RECORD_KINDS",
    "RECORD_STATUSES",
    "REFUSAL_REVEALS_SEAL",
    "REQUESTERS",
    "REQUESTER_ZH",
    "REQUEST_KEYS",
    "SEALED_STATUSES",
    "SPP_RULES",
    "SRC_CERT",
    "SRC_CERT_OPEN",
    "SRC_DEADLINE",
    "SRC_DOCS",
    "SRC_JUD",
    "SRC_JUD_GENERAL",
    "SRC_NONPROS_SCOPE",
    "SRC_SCOPE",
    "SRC_SELF_PURPOSE",
    "SRC_UNIT",
    "SRC_UNIT_OPEN",
    "STATEMENTS",
    "BasisInfo",
    "BasisLookup",
    "Calendar",
    "ChargeCategories",
    "DeadlinePolicy",
    "InputError",
    "QueryDecision",
    "QueryFacts",
    "RecordInfo",
    "TraceStep",
    "add_calendar_days_to_working_day",
    "add_working_days",
    "calendar_warning",
    "answer_deadline",
    "deadline_source",
    "discloses_more",
    "document_for",
    "document_of_decision",
    "evaluate_payload",
    "is_overdue",
    "j_nonpros_scope",
    "lawful_decisions",
    "json_ready",
    "parse_queries",
    "parse_query",
    "q_cert",
    "q_cert_open",
    "q_deadline",
    "q_docs",
    "q_jud",
    "q_jud_general",
    "q_scope",
    "q_self_purpose",
    "q_unit_nobasis",
    "q_unit_open",
    "q_unit_relevant",
    "recommend",
    "relevant_records",
    "unlawful_decision",
    "weekday_calendar",
    "working_day_on_or_after",
    "zh",
]
