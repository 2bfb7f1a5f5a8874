"""In the browser, each role's working day starts from the home page's work list (issue 18): the court clerk finds
a copy overdue, follows the item to the work queue, seals it after the confirmation and sees the list emptied; the
police clerk finds the notice to acknowledge; the clerk at the window takes a request, and the reviewer finds it
on the work list with its deadline, decides it after the confirmation and sees the list emptied; the provincial
policy administrator publishes a version with its reason and effective date. The clerk's walk is also done in
English.

The data is prepared through the services around tests.cast.TODAY and the pages' clock is fixed a few days after
it, so the figures do not depend on the day the test runs."""
from __future__ import annotations

import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD, AgencyFactory, RegionFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, POLICY_ADMIN
from sealing import services
from sealing.identity import make_id_number
from sealing.models import RecordKind, SealingPolicy
from tests.cast import TODAY, defendant_data, enter_case

pytestmark = pytest.mark.browser
DAY = TODAY + dt.timedelta(days=5)  # the pages' today: past J-WHEN's three days for the court's own copy
NAME = "少年庚"
BIRTH = dt.date(2008, 2, 2)


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: DAY)
    return DAY


@pytest.fixture
def juvenile(cast):
    """A juvenile's theft, judgment effective on TODAY: sealed at once; the court's copy and a police copy open."""
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    UserFactory(username="police_x", agency=police, roles=[CLERK])
    data = defendant_data(name=NAME, birth=BIRTH, charge="盗窃罪", sentence_months=10, serial=61,
                          id_number=make_id_number("440104", BIRTH, 61), judgment_effective_date=TODAY,
                          sentence_completed_date=None)
    case, _record = enter_case(cast.clerk_a, number="（2026）粤0104刑初61号", defendants=[data],
                               offense_date=dt.date(2025, 10, 1), today=TODAY)
    from accounts.models import User

    services.create_record(user=User.objects.get(username="police_x"), case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "越公刑〔2025〕61号", "defendant": None,
        "content": "侦查卷宗正文"})
    file = case.defendants.get().sealing_file
    assert file.status == "sealed"
    return case


def _row(page, key) -> dict:
    row = f"[data-testid=work-{key}]"
    return {name: page.inner_text(f"{row} [data-testid={name}]").strip() for name in ("count", "overdue", "due-today")}


def _log_out(page):
    page.click("form[action='/logout/'] button")
    page.wait_for_url("**/login/**")


def _clerk_seals_from_the_work_list(page, log_in, case, *, english: bool):
    from tests.e2e.conftest import log_in_on

    log_in_on(page, "clerk_a", DEMO_PASSWORD, language="en" if english else None)
    main = page.inner_text("main")
    assert ("Copies to seal" if english else "待封存副本") in main
    assert _row(page, "seal") == {"count": "1", "overdue": "1", "due-today": "0"}
    assert page.is_visible("[data-testid=urgent-count]")
    assert NAME not in page.content()  # a count, never whose
    page.click("[data-testid=work-seal] a")
    page.wait_for_selector("[data-testid=queue]")
    assert case.case_number in page.inner_text("[data-testid=queue]")
    page.click("[data-testid=queue] a.btn")
    page.click("[data-testid=seal-button]")
    confirmation = page.inner_text("main")
    assert ("越秀区人民法院" in confirmation) and case.case_number in confirmation
    page.click("[data-testid=confirm-seal]")
    page.wait_for_selector(".alert-success")
    page.goto("/")
    assert _row(page, "seal") == {"count": "0", "overdue": "0", "due-today": "0"}
    _log_out(page)


def test_the_court_clerk_seals_from_the_work_list_and_the_police_find_their_notice(page, log_in, cast, juvenile,
                                                                                 clock, transactional_db):
    _clerk_seals_from_the_work_list(page, log_in, juvenile, english=False)
    log_in("police_x", DEMO_PASSWORD)
    assert "待签收或执行的封存通知书" in page.inner_text("main")
    assert _row(page, "notices")["count"] == "1"
    assert "尚未签收" in page.inner_text("[data-testid=work-notices]")
    page.click("[data-testid=work-notices] a")
    page.wait_for_url("**/cases/notices/**")
    assert juvenile.case_number in page.inner_text("main")


def test_the_clerks_day_in_english(page, log_in, cast, juvenile, clock, transactional_db):
    _clerk_seals_from_the_work_list(page, log_in, juvenile, english=True)


def test_the_window_takes_a_request_and_the_reviewer_answers_it_from_the_work_list(page, log_in, cast, clock,
                                                                                   transactional_db):
    person = make_id_number("440104", dt.date(1991, 4, 5), 62)
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/queries/new/")
    page.select_option("#id_requester_kind", "self")
    page.fill("#id_requester_name", "路人丙")
    page.fill("#id_requester_id_number", person)
    page.fill("#id_subject_name", "路人丙")
    page.fill("#id_subject_id_number", person)
    page.select_option("#id_purpose", "certificate")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=query-status]")
    _log_out(page)

    log_in("reviewer_a", DEMO_PASSWORD)
    assert "待答复的查询申请" in page.inner_text("main")
    row = _row(page, "requests")
    assert row["count"] == "1" and row["overdue"] == "0"
    assert page.inner_text("[data-testid=work-requests] [data-testid=next-due]").strip() >= DAY.isoformat()
    page.click("[data-testid=work-requests] a")
    page.click("[data-testid=requests] tbody a")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.click("[data-testid=confirm-decide]")
    page.wait_for_selector("[data-testid=decision]")
    page.goto("/")
    assert _row(page, "requests")["count"] == "0"


def test_the_provincial_administrator_publishes_a_version(page, log_in, cast, clock, transactional_db):
    province = RegionFactory(code="440000", name="广东省")
    agency = AgencyFactory(name="广东省高级人民法院", kind=Agency.Kind.COURT, region=province)
    UserFactory(username="policy_gd", agency=agency, roles=[POLICY_ADMIN], is_staff=True)
    log_in("policy_gd", DEMO_PASSWORD)
    assert page.is_visible("[data-testid=work-sweep]")  # the sweep's work, for an administrator
    from sealing.policy import current_policy_version

    current_policy_version()  # the installation's first version (a transactional test flushed the migration's)
    before = SealingPolicy.objects.count()
    page.goto("/admin/sealing/sealingpolicy/add/")
    page.fill("#id_observation_micro_months", "9")
    page.fill("#id_note", "试点：微罪考察期调整为九个月")
    page.fill("#id_effective_from", "2031-01-01")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success, .messagelist li")
    assert SealingPolicy.objects.count() == before + 1
    newest = SealingPolicy.objects.order_by("-version").first()
    assert newest.observation_micro_months == 9 and newest.effective_from == dt.date(2031, 1, 1)
