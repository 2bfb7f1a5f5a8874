"""The document issued for the final decision (Q-DOCS via rules.document_for), what it may say (a refusal
never reveals a sealed record; Q-CERT on convictions only; J-NONPROS-SCOPE; Q-UNIT-OPEN), its language
(Chinese whatever the reviewer's), and names the document font lacks (never a 500, never a blocked decision)."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from queries import services
from queries.models import DocumentKind, QueryRequest, QueryStatus
from tests.queries.test_query_desk import (
    SUBJECT_ID,
    TODAY,
    decide,
    open_conviction_case,
    pdf_text,
    related_case,
    sealed_juvenile_case,
    take,
    take_judicial,
    undertake,
)

HURT = "（2024）粤0104刑初1号"
ROBBERY = "（2025）粤0104刑初9号"
NONPROS = "（2023）粤0104刑不诉3号"


def person(cast, purpose="certificate", **overrides):
    data = dict(requester_kind="self", requester_name="少年戊", requester_id_number=SUBJECT_ID,
                requester_organisation="", purpose=purpose, legal_basis=None, occupation="")
    data.update(overrides)
    return take(cast, **data)


def test_a_refusal_for_the_purpose_says_nothing_of_any_record(cast):
    sealed_juvenile_case(cast)
    query = person(cast, purpose="employment_screening")
    decided = decide(query, cast.reviewer_a, "refuse")
    assert decided.document.kind == DocumentKind.REFUSAL
    text = pdf_text(decided.document.pdf)
    assert "不予出具" in text and "用途" in text
    for word in ("有犯罪记录", HURT, "故意伤害", "封存"):
        assert word not in text


def test_a_certificate_cannot_be_refused_when_only_sealed_records_exist(cast):
    sealed_juvenile_case(cast)
    query = person(cast)
    with pytest.raises(services.QueryError, match="no open conviction"):
        decide(query, cast.reviewer_a, "refuse", reason="申请人身份存疑，需进一步核实")
    assert QueryRequest.objects.get(pk=query.pk).status == QueryStatus.AWAITING_REVIEW


def test_an_open_conviction_refuses_the_certificate_naming_no_record(cast):
    sealed_juvenile_case(cast)
    open_conviction_case(cast)
    decided = decide(person(cast), cast.reviewer_a, "refuse")
    text = pdf_text(decided.document.pdf)
    assert "有犯罪记录" in text and HURT not in text and ROBBERY not in text


def test_a_related_record_does_not_refuse_a_certificate(cast):
    """Q-CERT on convictions only: an open non-prosecution is not a criminal record."""
    related_case(cast, sealed=False, number=NONPROS)
    query = person(cast)
    assert query.recommendation["recommendation"] == "issue_certificate"
    decided = decide(query, cast.reviewer_a, "issue_certificate")
    assert decided.document.kind == DocumentKind.CERTIFICATE and "未发现" in pdf_text(decided.document.pdf)


def test_a_refused_judicial_request_lists_no_sealed_record(cast):
    sealed_juvenile_case(cast)
    decided = decide(take_judicial(cast, purpose="general_recidivism"), cast.reviewer_a, "refuse")
    text = pdf_text(decided.document.pdf)
    assert decided.document.kind == DocumentKind.LETTER and "未发现" in text and HURT not in text


def test_a_sealed_non_prosecution_never_goes_to_a_unit(cast):
    """J-NONPROS-SCOPE: even when its charge is in the basis's categories."""
    case, _ = related_case(cast, number=NONPROS)  # 故意伤害罪, not prosecuted, sealed
    query = take(cast)
    assert query.recommendation["recommendation"] == "answer_no_record"
    undertake(query, cast.clerk_a)
    with pytest.raises(services.QueryError):
        decide(query, cast.reviewer_a, "permit", disclosed_ids=[case.defendants.get().pk],
               reason="不起诉记录与幼儿教师岗位高度相关")
    decided = decide(query, cast.reviewer_a, "answer_no_record")
    text = pdf_text(decided.document.pdf)
    assert NONPROS not in text and "未发现" in text


def test_a_judicial_permit_discloses_the_sealed_non_prosecution_too(cast):
    case, _ = related_case(cast, number=NONPROS)
    query = take_judicial(cast)
    assert query.recommendation["disclosed"] == [case.defendants.get().pk]
    decided = decide(query, cast.reviewer_a, "permit", disclosed_ids=query.recommendation["disclosed"])
    text = pdf_text(decided.document.pdf)
    assert NONPROS in text and "不起诉" in text


def test_a_units_letter_lists_open_convictions_too(cast):
    """Q-UNIT-OPEN: the open robbery is listed; the irrelevant sealed theft is not."""
    sealed_juvenile_case(cast, charge="盗窃罪", number=HURT)
    open_conviction_case(cast)
    query = take(cast)
    assert query.recommendation["recommendation"] == "permit" and query.recommendation["disclosed"] == []
    undertake(query, cast.clerk_a)
    decided = decide(query, cast.reviewer_a, "permit")
    text = pdf_text(decided.document.pdf)
    assert ROBBERY in text and "抢劫罪" in text and HURT not in text
    assert not decided.disclosed.exists()  # nothing sealed disclosed


def test_documents_are_in_chinese_whatever_the_reviewers_language(cast):
    case, _ = sealed_juvenile_case(cast)
    query = take_judicial(cast)
    with translation.override("en"):
        decided = decide(query, cast.reviewer_a, "permit", disclosed_ids=[case.defendants.get().pk])
    text = pdf_text(decided.document.pdf)
    assert "有期徒刑 10个月" in text
    assert "imprisonment" not in text and "sentenced" not in text


def test_the_answer_deadline_follows_the_receiving_agencys_kind(cast):
    """Q-DEADLINE: the court answers in 3 working days; a procuratorate in 7 days, moved to a working day."""
    from accounts.factories import UserFactory
    from accounts.roles import CLERK

    assert take(cast).deadline.isoformat() == "2026-11-05"
    clerk = UserFactory(username="clerk_px", agency=cast.procuratorate_x, roles=[CLERK])
    data = dict(received=TODAY.replace(day=2), requester_kind="unit", requester_name="人事处张老师",
                requester_id_number="", requester_organisation="越秀区某小学", requester_user=None,
                subject_name="少年戊", subject_id_number=SUBJECT_ID, purpose="employment_screening",
                legal_basis=None, occupation="")
    query = services.take_request(user=clerk, data=data, today=TODAY)
    assert query.deadline.isoformat() == "2026-11-09"  # 7 days: Monday 11-09
    assert query.recommendation["answering_agency"] == "procuratorate"


# --- names the document font lacks ----------------------------------------------------------------------

NAMES = ["阿依古丽・买买提", "张三😀", "ئابدۇللا"]


@pytest.mark.parametrize("name", NAMES)
def test_any_name_taken_by_the_service_can_be_decided(cast, name):
    query = take(cast, requester_kind="self", requester_name=name, requester_id_number=SUBJECT_ID,
                 requester_organisation="", subject_name=name, purpose="certificate", legal_basis=None)
    decided = decide(query, cast.reviewer_a, "issue_certificate")
    assert decided.status == QueryStatus.DECIDED
    text = pdf_text(decided.document.pdf)
    assert "无犯罪记录证明" in text and SUBJECT_ID in text
    if name == "阿依古丽・买买提":
        assert "阿依古丽·买买提" in text  # the middle dot as ID cards write it
    else:
        assert "〓" in text  # the typesetter's mark for a character the font lacks


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


@pytest.mark.parametrize("name, accepted", [(NAMES[0], True), (NAMES[1], False), (NAMES[2], False)])
def test_intake_refuses_unprintable_names_clearly_and_normalises_the_middle_dot(cast, login, clock, name, accepted):
    response = login(cast.clerk_a).post(reverse("queries:request_create"), {
        "received": "2026-11-02", "requester_kind": "self", "requester_name": name,
        "requester_id_number": SUBJECT_ID, "subject_name": name, "subject_id_number": SUBJECT_ID,
        "purpose": "certificate"})
    if accepted:
        assert response.status_code == 302
        assert QueryRequest.objects.get().subject_name == "阿依古丽·买买提"
    else:
        assert response.status_code == 200
        page = response.content.decode()
        offending = "😀" if "😀" in name else "ئ"
        errors = re.findall(r'class="invalid-feedback"[^>]*>(.*?)</', page, re.S)
        assert any(offending in e for e in errors), errors  # the error names the character
        assert not QueryRequest.objects.exists()
