"""Q-OBJECTION: the person (or the requesting unit) objects in writing to a decided request; another
reviewer — neither the taker nor the decider — re-examines it within 15 working days, extendable once to
30 with a recorded reason; the answer (upheld / changed, with reasons) is a 复查意见书 with a serial number."""
import datetime as dt

import pytest
from django.urls import reverse

from queries import permissions, services
from queries.models import DownloadLog, ObjectionStatus, WorkingDay
from tests.queries.test_query_desk import (
    NOW,
    SUBJECT_ID,
    decide,
    detail,
    pdf_text,
    second_reviewer,
    sealed_juvenile_case,
    take,
)

RECEIVED = dt.date(2026, 11, 4)
GROUNDS = "申请人认为其未被起诉，不应被认定有犯罪记录，请求复查。"


def decided_request(cast, case=True, **overrides):
    if case:
        sealed_juvenile_case(cast)
    data = dict(requester_kind="self", requester_name="少年戊", requester_id_number=SUBJECT_ID,
                requester_organisation="", purpose="employment_screening", legal_basis=None, occupation="")
    data.update(overrides)
    return decide(take(cast, **data), cast.reviewer_a, "refuse")


def object_to(query, clerk, today=RECEIVED, **overrides):
    data = dict(objector_kind="person", objector_name="少年戊", received=RECEIVED, grounds=GROUNDS)
    data.update(overrides)
    return services.take_objection(query, user=clerk, today=today, **data)


def test_an_objection_is_answered_within_15_working_days(cast):
    objection = object_to(decided_request(cast), cast.clerk_a)
    assert objection.serial == "YY-2026-000001" and objection.status == ObjectionStatus.OPEN
    assert objection.deadline == dt.date(2026, 11, 25)  # 15 working days after Wednesday 11-04
    assert objection.due == objection.deadline
    assert not objection.is_overdue(dt.date(2026, 11, 25)) and objection.is_overdue(dt.date(2026, 11, 26))
    assert objection.history.first().history_change_reason == "objection taken"


def test_holidays_and_make_up_days_count_as_the_calendar_says(cast):
    WorkingDay.objects.update_or_create(date=dt.date(2026, 11, 5), defaults={"is_working": False, "note": "假"})
    WorkingDay.objects.update_or_create(date=dt.date(2026, 11, 7), defaults={"is_working": True, "note": "班"})
    objection = object_to(decided_request(cast), cast.clerk_a)
    assert objection.deadline == dt.date(2026, 11, 25)  # one weekday lost, one Saturday gained


def test_only_a_decided_request_is_objected_to_and_one_objection_at_a_time(cast):
    sealed_juvenile_case(cast)
    pending = take(cast)
    with pytest.raises(services.QueryError, match="decided"):
        object_to(pending, cast.clerk_a)
    query = decided_request(cast, case=False)
    object_to(query, cast.clerk_a)
    with pytest.raises(services.QueryError, match="already"):
        object_to(query, cast.clerk_a)


def test_a_unit_objects_only_to_its_own_request(cast):
    query = decided_request(cast)
    with pytest.raises(services.QueryError):
        object_to(query, cast.clerk_a, objector_kind="unit", objector_name="越秀区某小学")


def test_grounds_in_writing_of_substance(cast):
    with pytest.raises(services.QueryError):
        object_to(decided_request(cast), cast.clerk_a, grounds="不服")


def test_another_reviewer_re_examines(cast):
    objection = object_to(decided_request(cast), cast.clerk_a)
    assert not permissions.can_reexamine(cast.reviewer_a, objection, RECEIVED)[0]  # decided it
    cast.clerk_a.groups.add(*cast.reviewer_a.groups.all())
    taker = type(cast.clerk_a).objects.get(pk=cast.clerk_a.pk)
    assert not permissions.can_reexamine(taker, objection, RECEIVED)[0]  # took it
    with pytest.raises(services.QueryError):
        services.answer_objection(objection, user=cast.reviewer_a, outcome="upheld", answer="原答复正确，予以维持。理由充分",
                                  today=RECEIVED, now=NOW)
    assert permissions.can_reexamine(second_reviewer(cast), objection, RECEIVED) == (True, "")


def test_the_time_limit_is_extended_once_with_a_reason_before_it_runs_out(cast):
    objection = object_to(decided_request(cast), cast.clerk_a)
    examiner = second_reviewer(cast)
    with pytest.raises(services.QueryError):
        services.extend_objection(objection, user=examiner, reason="忙", today=RECEIVED, now=NOW)
    extended = services.extend_objection(objection, user=examiner, reason="需调取外地法院的案卷核实不起诉决定",
                                         today=dt.date(2026, 11, 20), now=NOW)
    assert extended.extended_deadline == dt.date(2026, 12, 16)  # 30 working days after 11-04
    assert extended.due == dt.date(2026, 12, 16) and extended.deadline == dt.date(2026, 11, 25)
    assert extended.extended_by == examiner and extended.extension_reason.startswith("需调取")
    with pytest.raises(services.QueryError, match="once"):
        services.extend_objection(extended, user=examiner, reason="仍需更多时间核实有关材料", today=RECEIVED, now=NOW)


def test_no_extension_after_the_time_limit_has_run_out(cast):
    objection = object_to(decided_request(cast), cast.clerk_a)
    with pytest.raises(services.QueryError, match="run out"):
        services.extend_objection(objection, user=second_reviewer(cast), reason="需调取外地法院的案卷核实",
                                  today=dt.date(2026, 11, 26), now=NOW)


@pytest.mark.parametrize("outcome, wording", [("upheld", "予以维持"), ("changed", "应予变更")])
def test_the_answer_is_a_re_examination_opinion_with_a_serial_number(cast, outcome, wording):
    query = decided_request(cast)
    objection = object_to(query, cast.clerk_a)
    answered = services.answer_objection(objection, user=second_reviewer(cast), outcome=outcome,
                                         answer="经核查，申请用途不属于出具证明的范围，原答复依据正确。",
                                         today=dt.date(2026, 11, 10), now=NOW)
    assert answered.status == ObjectionStatus.ANSWERED and answered.outcome == outcome
    assert answered.document_serial == "FC-2026-000001" and answered.document_issued == dt.date(2026, 11, 10)
    text = pdf_text(answered.document_pdf)
    assert "复查意见书" in text and "FC-2026-000001" in text and query.serial in text and wording in text
    assert "经核查" in text and "（2024）粤0104刑初1号" not in text
    reasons = [h.history_change_reason for h in answered.history.order_by("history_date")]
    assert reasons == ["objection taken", "objection answered"]
    with pytest.raises(services.QueryError, match="answered"):
        services.answer_objection(answered, user=second_reviewer(cast), outcome="upheld",
                                  answer="再次答复，理由同前，不再赘述。", today=dt.date(2026, 11, 11), now=NOW)


def test_the_pages_take_extend_and_answer_an_objection(cast, login, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: RECEIVED)
    query = decided_request(cast)
    clerk = login(cast.clerk_a)
    assert 'data-testid="objection-form"' in clerk.get(detail(query)).content.decode()
    response = clerk.post(reverse("queries:objection_create", args=[query.pk]), {
        "objector_kind": "person", "objector_name": "少年戊", "received": "2026-11-04", "grounds": GROUNDS})
    objection = query.objections.get()
    assert response.status_code == 302 and response["Location"] == reverse("queries:objection_detail",
                                                                            args=[objection.pk])
    assert 'data-testid="answer-form"' not in login(cast.reviewer_a).get(response["Location"]).content.decode()
    examiner = login(second_reviewer(cast))
    page = examiner.get(response["Location"]).content.decode()
    assert 'data-testid="answer-form"' in page and 'data-testid="extend-form"' in page
    examiner.post(reverse("queries:objection_extend", args=[objection.pk]), {"reason": "需调取外地法院的案卷核实"})
    answer = {"outcome": "upheld", "answer": "经核查，原答复依据正确，予以维持。"}
    confirmation = examiner.post(reverse("queries:objection_answer", args=[objection.pk]), answer)
    page = confirmation.content.decode()  # the first post only says what the answer will do
    assert confirmation.status_code == 200 and 'data-testid="confirm-answer"' in page and "少年戊" in page
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
    examiner.post(reverse("queries:objection_answer", args=[objection.pk]), {**answer, "confirm": "1"})
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ANSWERED and objection.extended_deadline is not None
    download = clerk.get(reverse("queries:objection_document", args=[objection.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert DownloadLog.objects.get().objection == objection
    assert login(cast.clerk_b).get(reverse("queries:objection_detail", args=[objection.pk])).status_code == 404


def test_the_confirmation_is_shown_only_for_an_answer_that_could_be_issued(cast, login, monkeypatch):
    """Too short a reason, or a reviewer who may not re-examine, gets the error at once, not a confirmation."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: RECEIVED)
    query = decided_request(cast)
    objection = services.take_objection(query, user=cast.clerk_a, objector_kind="person", objector_name="少年戊",
                                        received=RECEIVED, grounds=GROUNDS, today=RECEIVED)
    url = reverse("queries:objection_answer", args=[objection.pk])
    short = login(second_reviewer(cast)).post(url, {"outcome": "upheld", "answer": "维持"})
    assert short.status_code == 302 and short["Location"] == reverse("queries:objection_detail", args=[objection.pk])
    decider = login(cast.reviewer_a).post(url, {"outcome": "upheld", "answer": "经核查，原答复依据正确，予以维持。"})
    assert decider.status_code == 302  # the reviewer who decided the request may not re-examine it
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
