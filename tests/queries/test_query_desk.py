"""The query desk: intake, the reviewer's decision (four eyes, one winner), documents, access after a permit.

The helpers here (take, sealed_juvenile_case, prosecutor_of, undertake, TODAY, NOW) serve the other
tests/queries/test_desk_*.py files too."""
import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, REVIEWER
from queries import services
from queries.models import LegalBasis, QueryRequest, QueryStatus, Undertaking
from sealing import services as sealing_services
from sealing.identity import make_id_number
from sealing.models import AccessLog, Record, SealedRecordPermit
from tests.cast import defendant_data, enter_case
from tests.services import require_postgres

SUBJECT_BIRTH = dt.date(2007, 3, 1)
SUBJECT_ID = make_id_number("440104", SUBJECT_BIRTH, 77)
SECRET = "被告人少年戊于2023年5月持刀伤人"
TODAY = dt.date(2026, 11, 3)  # the day after receipt (Monday 2026-11-02)
NOW = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def sealed_juvenile_case(cast, charge="故意伤害罪", number="（2024）粤0104刑初1号"):
    data = defendant_data(name="少年戊", birth=SUBJECT_BIRTH, serial=77, charge=charge, sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    data["id_number"] = SUBJECT_ID
    case, record = enter_case(cast.clerk_a, number=number, defendants=[data], content=SECRET)
    assert case.defendants.get().sealing_file.hidden
    return case, record


def open_conviction_case(cast, number="（2025）粤0104刑初9号", charge="抢劫罪"):
    """An adult robbery, four years: serious, not eligible — an open conviction."""
    data = defendant_data(name="少年戊", birth=SUBJECT_BIRTH, serial=77, charge=charge, sentence_months=48,
                          judgment_effective_date=dt.date(2025, 12, 1))
    data["id_number"] = SUBJECT_ID
    case, record = enter_case(cast.clerk_a, number=number, defendants=[data], offense_date=dt.date(2025, 6, 1),
                              content="被告人少年戊于2025年6月抢劫。")
    assert not case.defendants.get().sealing_file.hidden
    return case, record


def related_case(cast, *, sealed=True, charge="故意伤害罪", number="（2023）粤0104刑不诉3号"):
    """A non-prosecution: at 16 sealed at once (J-RELATED); as an adult for a drug crime, open (A-EXCL)."""
    from sealing.models import Disposition

    offense = dt.date(2023, 5, 1) if sealed else dt.date(2025, 6, 1)
    data = defendant_data(name="少年戊", birth=SUBJECT_BIRTH, serial=77, charge=charge if sealed else "非法持有毒品罪",
                          disposition=Disposition.NOT_PROSECUTED, sentence_kind="", sentence_months=None,
                          judgment_effective_date=offense + dt.timedelta(days=120))
    data["id_number"] = SUBJECT_ID
    case, record = enter_case(cast.clerk_a, number=number, defendants=[data], offense_date=offense,
                              content="不起诉决定书。")
    assert case.defendants.get().sealing_file.hidden == sealed
    return case, record


def second_reviewer(cast, username="reviewer_a2"):
    return UserFactory(username=username, agency=cast.agency_a, roles=[REVIEWER])


def detail(query):
    return reverse("queries:request_detail", args=[query.pk])


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(data))).pages).replace("\n", "")


def take(cast, **overrides):
    data = {
        "received": dt.date(2026, 11, 2), "requester_kind": "unit", "requester_name": "人事处张老师",
        "requester_id_number": "", "requester_organisation": "越秀区某小学", "requester_user": None,
        "subject_name": "少年戊", "subject_id_number": SUBJECT_ID, "purpose": "employment_screening",
        "legal_basis": LegalBasis.objects.get(code="MPL-62"), "occupation": "教师",
    }
    data.update(overrides)
    return services.take_request(user=cast.clerk_a, data=data, today=TODAY)


def prosecutor_of(cast, username="prosecutor_y"):
    """An officer of 天河区人民检察院: a judicial organ other than the deciding court."""
    return UserFactory(username=username, agency=cast.procuratorate_y, roles=[CLERK])


def take_judicial(cast, recipient=None, **overrides):
    recipient = recipient or prosecutor_of(cast)
    data = dict(requester_kind="judicial", requester_name="承办检察官", requester_organisation="天河区人民检察院",
                requester_agency=cast.procuratorate_y, requester_user=recipient, purpose="criminal_evaluation",
                legal_basis=None, occupation="")
    data.update(overrides)
    return take(cast, **data)


def undertake(query, user, **overrides):
    """The unit's signed confidentiality undertaking, recorded as text with its signer."""
    data = dict(signer_name="王校长", signer_position="校长", signed_on=dt.date(2026, 11, 2),
                text="本单位承诺对查询所得信息严格保密，仅用于教师入职审查。")
    data.update(overrides)
    return services.record_undertaking(query, user=user, today=TODAY, **data)


def decide(query, reviewer, decision, **kwargs):
    return services.decide_query(query, reviewer=reviewer, decision=decision, today=TODAY, now=NOW, **kwargs)


def test_intake_sets_serial_deadline_and_recommendation(cast):
    sealed_juvenile_case(cast)
    query = take(cast)
    assert query.serial == "CX-2026-000001" and query.status == QueryStatus.AWAITING_REVIEW
    assert query.deadline == dt.date(2026, 11, 5)  # Monday + 3 working days
    assert query.recommendation["recommendation"] == "permit"
    assert query.history.first().history_change_reason == "request taken"


def test_unit_with_basis_but_no_relevant_record_is_answered_no_record(cast):
    sealed_juvenile_case(cast, charge="盗窃罪")
    assert take(cast).recommendation["recommendation"] == "answer_no_record"


def test_clerk_who_took_it_cannot_decide(cast):
    sealed_juvenile_case(cast)
    query = take(cast)
    cast.clerk_a.groups.add(*cast.reviewer_a.groups.all())
    with pytest.raises(services.QueryError):
        decide(query, cast.clerk_a, "answer_no_record", reason="用人单位资质存疑，暂不答复")


def test_departing_from_the_recommendation_needs_a_reason(cast):
    sealed_juvenile_case(cast)
    query = take(cast)
    with pytest.raises(services.QueryError):
        decide(query, cast.reviewer_a, "refuse")
    decided = decide(query, cast.reviewer_a, "refuse", reason="用人单位资质存疑，需核实办学许可")
    assert decided.departs_from_recommendation and decided.status == QueryStatus.DECIDED


def test_a_request_is_decided_once(cast):
    case, _ = sealed_juvenile_case(cast)
    query = take(cast)
    undertake(query, cast.clerk_a)
    defendant = case.defendants.get()
    decide(query, cast.reviewer_a, "permit", disclosed_ids=[defendant.pk])
    other = UserFactory(username="reviewer_a2", agency=cast.agency_a, roles=[REVIEWER])
    with pytest.raises(services.QueryError):
        decide(query, other, "refuse", reason="晚了一步，但我认为应当拒绝")
    assert QueryRequest.objects.get(pk=query.pk).decided_by == cast.reviewer_a


def test_reviewer_of_another_agency_gets_404(cast, login):
    sealed_juvenile_case(cast)
    query = take(cast)
    other = UserFactory(username="reviewer_b", agency=cast.agency_b, roles=[REVIEWER])
    client = login(other)
    for name in ("request_detail", "request_document"):
        assert client.get(reverse(f"queries:{name}", args=[query.pk])).status_code == 404
    for name in ("request_decide", "request_approve", "request_undertaking"):
        assert client.post(reverse(f"queries:{name}", args=[query.pk]), {"decision": "refuse"}).status_code == 404
    assert login(cast.clerk_b).post(reverse("queries:objection_create", args=[query.pk])).status_code == 404


def test_judicial_permit_gives_time_limited_logged_access(cast, login):
    case, record = sealed_juvenile_case(cast)
    prosecutor = prosecutor_of(cast)
    query = take_judicial(cast, recipient=prosecutor)
    assert query.recommendation["recommendation"] == "permit"
    defendant = case.defendants.get()
    now = timezone.now()  # the sealing app's record page checks the permit against the clock
    services.decide_query(query, reviewer=cast.reviewer_a, decision="permit", disclosed_ids=[defendant.pk],
                          access_days=7, today=TODAY, now=now)
    permit = SealedRecordPermit.objects.get(record=record, user=prosecutor)
    assert permit.reference == query.serial
    client = login(prosecutor)
    url = reverse("sealing:record_detail", args=[record.pk])
    assert AccessLog.objects.filter(action="read").count() == 0
    page = client.get(url).content.decode()
    assert SECRET in page
    client.get(url)
    reads = AccessLog.objects.filter(action="read")
    assert reads.count() == 2 and {r.user for r in reads} == {prosecutor} and {r.permit for r in reads} == {permit}
    # the clerk who holds the copy still does not see it, and reading nothing logs nothing
    assert SECRET not in login(cast.clerk_a).get(url).content.decode()
    assert AccessLog.objects.filter(action="read").count() == 2
    # expiry takes the access back
    assert sealing_services.expire_permits(now=now + dt.timedelta(days=8)) == 1
    assert login(prosecutor).get(url).status_code == 404


def test_refused_request_leaves_no_read_in_the_log(cast, login):
    case, record = sealed_juvenile_case(cast)
    prosecutor = prosecutor_of(cast)
    query = take_judicial(cast, recipient=prosecutor, purpose="general_recidivism")
    assert query.recommendation["recommendation"] == "refuse"
    decide(query, cast.reviewer_a, "refuse")
    assert login(prosecutor).get(reverse("sealing:record_detail", args=[record.pk])).status_code == 404
    assert not AccessLog.objects.exists() and not SealedRecordPermit.objects.exists()


def test_overdue_requests_are_flagged_once(cast):
    query = take(cast, received=dt.date(2026, 11, 2))
    assert services.flag_overdue(dt.date(2026, 11, 5), now=NOW) == 0
    assert services.flag_overdue(dt.date(2026, 11, 6), now=NOW) == 1
    assert services.flag_overdue(dt.date(2026, 11, 7), now=NOW) == 0
    flagged = QueryRequest.objects.get(pk=query.pk)
    assert flagged.flagged_overdue_at == NOW
    assert not flagged.is_overdue(dt.date(2026, 11, 5)) and flagged.is_overdue(dt.date(2026, 11, 6))


def test_intake_page_refuses_a_wrong_id_number(cast, login):
    response = login(cast.clerk_a).post(reverse("queries:request_create"), {
        "received": "2026-11-02", "requester_kind": "self", "requester_name": "少年戊",
        "requester_id_number": SUBJECT_ID, "subject_name": "少年戊", "subject_id_number": SUBJECT_ID[:-1] + "0",
        "purpose": "certificate"})
    assert response.status_code == 200 and "校验位" in response.content.decode()
    assert not QueryRequest.objects.exists()


@pytest.mark.postgres
def test_two_reviewers_at_once_one_wins(cast, transactional_db):
    require_postgres()
    case, _ = sealed_juvenile_case(cast)
    query = take(cast)
    undertake(query, cast.clerk_a)
    defendant = case.defendants.get()
    second = UserFactory(username="reviewer_a2", agency=cast.agency_a, roles=[REVIEWER])
    barrier = threading.Barrier(2)
    outcomes = {}

    def race(reviewer, decision, reason, ids):
        try:
            barrier.wait(timeout=10)
            decide(query, reviewer, decision, reason=reason, disclosed_ids=ids)
            outcomes[reviewer.username] = "won"
        except services.QueryError as exc:
            outcomes[reviewer.username] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(cast.reviewer_a, "permit", "", [defendant.pk])),
               threading.Thread(target=race, args=(second, "refuse", "不同意披露，用人单位资质存疑", []))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()).count("won") == 1, outcomes
    assert "already been decided" in [v for v in outcomes.values() if v != "won"][0]
    final = QueryRequest.objects.get(pk=query.pk)
    assert final.status == QueryStatus.DECIDED and final.decided_by.username == [k for k, v in outcomes.items() if v == "won"][0]


def test_supervisor_is_warned_when_next_years_calendar_is_missing(cast, login):
    from queries.models import WorkingDay

    page = login(cast.supervisor_x).get(reverse("home")).content.decode()
    next_year = timezone.localdate().year + 1
    assert not WorkingDay.objects.filter(date__year=next_year).exists()
    assert 'data-testid="calendar-warning"' in page and str(next_year) in page
    WorkingDay.objects.create(date=dt.date(next_year, 1, 1), is_working=False, note="元旦")
    WorkingDay.objects.get_or_create(date=dt.date(next_year - 1, 1, 1), defaults={"is_working": False})
    assert 'data-testid="calendar-warning"' not in login(cast.supervisor_x).get(reverse("home")).content.decode()
