"""Q-DOCS on the reviewer's form: only the decisions (and documents) the requester kind allows are offered,
a forged choice is refused by the service with a message, and a decision takes effect only on a confirmed
POST after a page that says what it will do, which document it issues and to whom."""
import pytest
from django.urls import reverse

from queries import rules, services
from queries.models import QueryDocument, QueryStatus
from sealing.models import AccessAction, AccessLog
from tests.queries.test_query_desk import SUBJECT_ID, TODAY, decide, detail, sealed_juvenile_case, take, undertake


def decide_url(query):
    return reverse("queries:request_decide", args=[query.pk])


@pytest.mark.parametrize("requester, purpose, open_conviction, expected", [
    ("unit", "employment_screening", None, ("permit", "answer_no_record", "refuse")),
    ("judicial", "criminal_evaluation", None, ("permit", "answer_no_record", "refuse")),
    ("self", "certificate", True, ("issue_certificate", "refuse")),
    ("self", "certificate", False, ("issue_certificate",)),  # a refusal would reveal a sealed record
    ("guardian", "other", None, ("issue_certificate", "refuse")),
])
def test_lawful_decisions_by_requester_kind(requester, purpose, open_conviction, expected):
    assert rules.lawful_decisions(requester, purpose, open_conviction) == expected


@pytest.mark.parametrize("requester, decision, code", [
    ("unit", "issue_certificate", rules.ORGAN_CERTIFICATE),
    ("judicial", "issue_certificate", rules.ORGAN_CERTIFICATE),
    ("self", "permit", rules.PERSON_PERMIT),
    ("self", "maybe", rules.NOT_A_DECISION),
])
def test_unlawful_decision_names_why(requester, decision, code):
    assert rules.unlawful_decision(requester, "certificate" if requester == "self" else "other", decision) == code


def test_every_lawful_decision_has_the_document_q_docs_names():
    for requester in rules.REQUESTERS:
        for purpose in rules.PURPOSES:
            for decision in rules.lawful_decisions(requester, purpose, True):
                document, _ = rules.document_for(requester, purpose, decision, False)
                assert document == rules.document_of_decision(requester, decision)


def test_the_unit_form_offers_no_certificate(cast, login):
    sealed_juvenile_case(cast)
    query = take(cast)  # a unit (employer) under MPL-62
    page = login(cast.reviewer_a).get(detail(query)).content.decode()
    assert 'name="decision" value="permit"' in page and 'name="decision" value="refuse"' in page
    assert 'value="issue_certificate"' not in page
    assert "查询告知函" in page or "query notification letter" in page


def test_a_forged_certificate_for_a_unit_is_refused_by_the_service(cast, login):
    sealed_juvenile_case(cast)
    query = take(cast)
    with pytest.raises(services.QueryError, match="never a certificate"):
        decide(query, cast.reviewer_a, "issue_certificate", reason="伪造的证明请求，应当被拒绝执行")
    response = login(cast.reviewer_a).post(decide_url(query), {"decision": "issue_certificate", "confirm": "1",
                                                               "reason": "伪造的证明请求，应当被拒绝执行"}, follow=True)
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW and not QueryDocument.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("certificate" in m or "证明" in m for m in messages)


def test_a_decision_needs_its_confirmation(cast, login):
    case, _ = sealed_juvenile_case(cast)
    query = take(cast)
    undertake(query, cast.clerk_a)
    hurt = case.defendants.get()
    client = login(cast.reviewer_a)
    data = {"decision": "permit", "disclosed": [hurt.pk], "reason": ""}
    reviewed = AccessLog.objects.filter(action=AccessAction.REVIEWED, defendant=hurt)
    response = client.post(decide_url(query), data)
    assert reviewed.count() == 1  # the confirmation names the sealed record: a view, logged like the review page
    assert response.status_code == 200
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW and not QueryDocument.objects.exists()
    page = response.content.decode()
    assert 'data-testid="decide-summary"' in page
    assert "越秀区某小学" in page  # to whom
    assert ("查询告知函" in page) or ("query notification letter" in page)  # which document
    assert "（2024）粤0104刑初1号" in page  # the record it discloses, as the review page showed it
    assert 'name="confirm" value="1"' in page

    response = client.post(decide_url(query), {**data, "confirm": "1"})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.status == QueryStatus.DECIDED and query.document.kind == "notification_letter"
    assert list(query.disclosed.all()) == [hurt]


def test_the_confirmation_of_a_certificate_names_no_record(cast, login):
    sealed_juvenile_case(cast)
    query = take(cast, requester_kind="self", requester_name="少年戊", requester_id_number=SUBJECT_ID,
                 requester_organisation="", purpose="certificate", legal_basis=None, occupation="")
    page = login(cast.reviewer_a).post(decide_url(query), {"decision": "issue_certificate"}).content.decode()
    assert "少年戊" in page  # the requester, who asked about himself
    assert "（2024）粤0104刑初1号" not in page and "故意伤害罪" not in page
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW
    assert TODAY  # the dates are the fixed ones of test_query_desk
