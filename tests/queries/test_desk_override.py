"""Q-OVERRIDE: a departure needs a written reason of substance; one that discloses more than recommended
takes effect only when a second reviewer, who neither took nor first decided the request, approves it."""
import pytest

from queries import services
from queries.models import QueryDocument, QueryStatus
from sealing.models import AccessAction, AccessLog
from tests.queries.test_query_desk import (
    NOW,
    TODAY,
    decide,
    detail,
    pdf_text,
    second_reviewer,
    sealed_juvenile_case,
    take,
    take_judicial,
    undertake,
)

THEFT = "（2024）粤0104刑初2号"
REASON = "用人单位为寄宿制学校，盗窃记录与岗位财物管理职责相关"


def theft_only_request(cast):
    """A unit under MPL-62 asks about a person whose only sealed record (theft) is irrelevant: answer_no_record."""
    case, _ = sealed_juvenile_case(cast, charge="盗窃罪", number=THEFT)
    query = take(cast)
    assert query.recommendation["recommendation"] == "answer_no_record"
    return query, case.defendants.get()


def disclosed_logs():
    return AccessLog.objects.filter(action=AccessAction.DISCLOSED)


def test_a_permit_where_no_record_was_recommended_waits_for_a_second_reviewer(cast):
    query, theft = theft_only_request(cast)
    undertake(query, cast.clerk_a)
    proposed = decide(query, cast.reviewer_a, "permit", disclosed_ids=[theft.pk], reason=REASON)
    assert proposed.status == QueryStatus.AWAITING_APPROVAL
    assert proposed.decided_by == cast.reviewer_a and proposed.named_records == [theft.pk]
    assert not QueryDocument.objects.exists() and not disclosed_logs().exists()
    assert not proposed.disclosed.exists()

    with pytest.raises(services.QueryError, match="second reviewer"):
        services.approve_decision(query, approver=cast.reviewer_a, today=TODAY, now=NOW)
    cast.clerk_a.groups.add(*cast.reviewer_a.groups.all())
    taker = type(cast.clerk_a).objects.get(pk=cast.clerk_a.pk)  # fresh permission cache
    with pytest.raises(services.QueryError, match="four eyes"):
        services.approve_decision(query, approver=taker, today=TODAY, now=NOW)
    assert not QueryDocument.objects.exists()

    approver = second_reviewer(cast)
    decided = services.approve_decision(query, approver=approver, today=TODAY, now=NOW)
    assert decided.status == QueryStatus.DECIDED and decided.approved_by == approver
    assert list(decided.disclosed.all()) == [theft]
    assert THEFT in pdf_text(decided.document.pdf)
    assert [(log.user, log.defendant) for log in disclosed_logs()] == [(cast.reviewer_a, theft)]
    assert decided.history.first().history_change_reason == "departure approved: request decided"


def test_the_second_reviewer_may_reject_with_a_reason_and_the_request_is_decided_again(cast):
    query, theft = theft_only_request(cast)
    decide(query, cast.reviewer_a, "permit", disclosed_ids=[theft.pk], reason=REASON)
    approver = second_reviewer(cast)
    with pytest.raises(services.QueryError):
        services.reject_decision(query, approver=approver, reason="不行", today=TODAY, now=NOW)
    rejected = services.reject_decision(query, approver=approver, reason="盗窃罪不属于第六十二条所列类别，不得提供",
                                        today=TODAY, now=NOW)
    assert rejected.status == QueryStatus.AWAITING_REVIEW
    assert rejected.rejection_reason.startswith("盗窃罪") and rejected.decision == "" and rejected.named_records == []
    assert rejected.history.first().history_change_reason == "departure rejected by the second reviewer"
    assert not QueryDocument.objects.exists() and not disclosed_logs().exists()
    decided = decide(query, cast.reviewer_a, "answer_no_record")
    assert decided.status == QueryStatus.DECIDED and not decided.disclosed.exists()
    assert "未发现" in pdf_text(decided.document.pdf) and THEFT not in pdf_text(decided.document.pdf)


@pytest.mark.parametrize("reason", ["", "同意", "ok", "   \n\t  ", "不 同 意"])
def test_a_departure_needs_a_reason_of_substance(cast, reason):
    sealed_juvenile_case(cast)  # relevant: permit recommended
    query = take(cast)
    with pytest.raises(services.QueryError, match="write why"):
        decide(query, cast.reviewer_a, "refuse", reason=reason)


def test_one_reviewer_cannot_disclose_to_an_employer_with_no_legal_basis(cast):
    case, _ = sealed_juvenile_case(cast)
    query = take(cast, legal_basis=None)
    assert query.recommendation["recommendation"] == "refuse"
    defendant = case.defendants.get()
    undertake(query, cast.clerk_a)
    with pytest.raises(services.QueryError, match="lawfully"):
        decide(query, cast.reviewer_a, "permit", disclosed_ids=[defendant.pk], reason="好")
    with pytest.raises(services.QueryError, match="lawfully"):
        decide(query, cast.reviewer_a, "permit", disclosed_ids=[defendant.pk], reason=REASON)
    with pytest.raises(services.QueryError):
        decide(query, cast.reviewer_a, "permit", reason=REASON)
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_REVIEW
    assert not AccessLog.objects.exists() and not QueryDocument.objects.exists()


def test_a_departure_that_discloses_less_takes_effect_at_once(cast):
    case, _ = sealed_juvenile_case(cast)
    query = take_judicial(cast)
    decided = decide(query, cast.reviewer_a, "refuse", reason="侦查机关未说明具体案件，暂不提供")
    assert decided.status == QueryStatus.DECIDED and decided.departs_from_recommendation
    assert decided.approved_by is None and not disclosed_logs().exists()


def test_records_beyond_those_recommended_need_approval_too(cast):
    relevant, _ = sealed_juvenile_case(cast)
    theft, _ = sealed_juvenile_case(cast, charge="盗窃罪", number=THEFT)
    query = take(cast)
    undertake(query, cast.clerk_a)
    ids = [relevant.defendants.get().pk, theft.defendants.get().pk]
    proposed = decide(query, cast.reviewer_a, "permit", disclosed_ids=ids, reason=REASON)
    assert proposed.status == QueryStatus.AWAITING_APPROVAL


def test_the_pages_offer_approval_only_to_a_second_reviewer(cast, login):
    query, theft = theft_only_request(cast)
    undertake(query, cast.clerk_a)
    response = login(cast.reviewer_a).post(reverse_decide(query), {"decision": "permit", "disclosed": [theft.pk],
                                                                    "reason": REASON, "confirm": "1"})
    assert response.status_code == 302
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_APPROVAL
    first = login(cast.reviewer_a).get(detail(query)).content.decode()
    assert 'data-testid="approval-form"' not in first and 'data-testid="awaiting-approval"' in first
    approver = second_reviewer(cast)
    page = login(approver).get(detail(query)).content.decode()
    assert 'data-testid="approval-form"' in page and THEFT in page
    confirmation = login(approver).post(reverse_approve(query), {"action": "approve", "reason": ""})
    assert confirmation.status_code == 200 and THEFT in confirmation.content.decode()
    query.refresh_from_db()
    assert query.status == QueryStatus.AWAITING_APPROVAL  # nothing happens before the confirmation
    login(approver).post(reverse_approve(query), {"action": "approve", "reason": "", "confirm": "1"})
    query.refresh_from_db()
    assert query.status == QueryStatus.DECIDED and query.approved_by == approver


def reverse_decide(query):
    from django.urls import reverse

    return reverse("queries:request_decide", args=[query.pk])


def reverse_approve(query):
    from django.urls import reverse

    return reverse("queries:request_approve", args=[query.pk])
