"""Q-DOCS once: `document_for(requester, purpose, outcome, disclosed_any) -> (document, statement)`, the
document the MPS 2021 query rules name, for the recommendation and for a reviewer's final decision alike."""
import datetime as dt
import itertools

import pytest

from queries.rules import (
    DOCUMENTS,
    PURPOSES,
    RECOMMENDATIONS,
    REQUESTERS,
    STATEMENTS,
    BasisInfo,
    QueryFacts,
    RecordInfo,
    document_for,
    recommend,
    weekday_calendar,
)

TABLE = [
    # to a person: the certificate, or the refusal notice (which names no record)
    pytest.param("self", "certificate", "issue_certificate", False, "certificate", "no_record", id="self_certificate"),
    pytest.param("guardian", "certificate", "issue_certificate", False, "certificate", "no_record",
                 id="guardian_certificate"),
    pytest.param("self", "certificate", "issue_certificate", True, "certificate", "no_record",
                 id="a_certificate_lists_nothing_whatever_disclosed_any_says"),
    pytest.param("self", "certificate", "answer_no_record", False, "certificate", "no_record",
                 id="no_record_to_a_person_is_the_certificate"),
    pytest.param("self", "certificate", "refuse", False, "refusal_notice", "open_record", id="self_refused_certificate"),
    pytest.param("guardian", "certificate", "refuse", True, "refusal_notice", "open_record",
                 id="guardian_refused_certificate"),
    pytest.param("self", "employment_screening", "refuse", False, "refusal_notice", "purpose", id="self_other_purpose"),
    pytest.param("guardian", "criminal_evaluation", "refuse", False, "refusal_notice", "purpose",
                 id="guardian_judicial_purpose"),
    # to a judicial organ or a unit: the notification letter
    pytest.param("judicial", "criminal_evaluation", "permit", True, "notification_letter", "listed_records",
                 id="judicial_permit_with_records"),
    pytest.param("judicial", "criminal_evaluation", "permit", False, "notification_letter", "no_record",
                 id="judicial_permit_nothing_to_list"),
    pytest.param("judicial", "general_recidivism", "refuse", False, "notification_letter", "no_record",
                 id="judicial_refused"),
    pytest.param("judicial", "general_recidivism", "refuse", True, "notification_letter", "listed_records",
                 id="judicial_refused_sealed_but_open_listed"),
    pytest.param("unit", "employment_screening", "permit", True, "notification_letter", "listed_records",
                 id="unit_permit"),
    pytest.param("unit", "employment_screening", "answer_no_record", False, "notification_letter", "no_record",
                 id="unit_no_record"),
    pytest.param("unit", "employment_screening", "answer_no_record", True, "notification_letter", "no_record",
                 id="unit_no_record_states_no_record_always"),
    pytest.param("unit", "employment_screening", "refuse", False, "notification_letter", "no_record",
                 id="unit_refused"),
    pytest.param("unit", "other", "permit", False, "notification_letter", "no_record", id="unit_permit_of_nothing"),
]


@pytest.mark.parametrize("requester, purpose, outcome, disclosed_any, document, statement", TABLE)
def test_document_for(requester, purpose, outcome, disclosed_any, document, statement):
    assert document_for(requester, purpose, outcome, disclosed_any) == (document, statement)


@pytest.mark.parametrize("requester, purpose, outcome", [
    pytest.param("self", "certificate", "permit", id="a_person_is_never_permitted_records"),
    pytest.param("guardian", "other", "permit", id="guardian_permit"),
    pytest.param("unit", "employment_screening", "issue_certificate", id="a_unit_gets_no_certificate"),
    pytest.param("judicial", "criminal_evaluation", "issue_certificate", id="a_judicial_organ_gets_no_certificate"),
    pytest.param("court", "certificate", "refuse", id="unknown_requester"),
    pytest.param("self", "curiosity", "refuse", id="unknown_purpose"),
    pytest.param("self", "certificate", "maybe", id="unknown_outcome"),
])
def test_document_for_refuses_what_has_no_document(requester, purpose, outcome):
    with pytest.raises(ValueError):
        document_for(requester, purpose, outcome, False)


def _every_answer():
    for requester, purpose, outcome, disclosed_any in itertools.product(
            REQUESTERS, PURPOSES, RECOMMENDATIONS, (False, True)):
        try:
            yield requester, outcome, document_for(requester, purpose, outcome, disclosed_any)
        except ValueError:
            continue


def test_every_answer_is_a_known_document_with_its_own_statements():
    answers = list(_every_answer())
    assert answers
    for requester, _outcome, (document, statement) in answers:
        assert document in DOCUMENTS
        assert statement in STATEMENTS[document]
        assert (document in ("certificate", "refusal_notice")) == (requester in ("self", "guardian"))


def test_a_refusal_notice_never_states_that_a_sealed_record_exists():
    for _requester, _outcome, (document, statement) in _every_answer():
        if document == "refusal_notice":
            assert statement in ("open_record", "purpose")
            assert "seal" not in statement


# --- the engine uses it ---------------------------------------------------------------------------------

MPL_62 = BasisInfo("MPL-62", frozenset({"sexual"}), "未成年人保护法第六十二条")
RECORDS = [
    (),
    (RecordInfo("S", "sealed", ("强奸罪",)),),
    (RecordInfo("O", "open", ("盗窃罪",)),),
    (RecordInfo("S", "sealed", ("盗窃罪",)), RecordInfo("N", "sealed", ("强奸罪",), kind="related")),
]


@pytest.mark.parametrize("requester", REQUESTERS)
@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("records", RECORDS, ids=["none", "sealed_rape", "open_theft", "sealed_and_related"])
def test_the_recommendations_document_is_document_for(requester, purpose, records):
    basis = MPL_62 if requester == "unit" else None
    facts = QueryFacts(id="Q", requester=requester, purpose=purpose, received=dt.date(2025, 3, 3),
                       legal_basis_code=basis.code if basis else None, basis=basis, records=records)
    decision = recommend(facts, lambda name: frozenset({"sexual"}) if name == "强奸罪" else frozenset(),
                         weekday_calendar)
    listed = bool(decision.disclosed) or bool(decision.open_listed)
    assert (decision.document, decision.statement) == \
        document_for(requester, purpose, decision.recommendation, listed)
    docs = next(step for step in decision.trace if step.rule == "Q-DOCS")
    assert (docs.outcome, docs.facts["document"], docs.facts["statement"]) == \
        (decision.document, decision.document, decision.statement)
