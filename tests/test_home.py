"""The home page is a work list: for each role, what is due today and overdue, counted from the same queues as the
lists it links to (common.worklist and each app's ``work_items``)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from common.worklist import deadline_summary
from oversight import selectors as oversight_selectors
from queries import selectors as query_selectors
from sealing import selectors as sealing_selectors
from sealing import notices, services
from sealing.identity import make_id_number
from sealing.models import RecordKind, SealingNotice
from tests.cast import TODAY, defendant_data, enter_case

NAME = "慕容雪芙"
BIRTH = dt.date(2006, 11, 23)
SEAL_DATE = dt.date(2024, 6, 1)  # the judgment's effective date: a juvenile's ten months are sealed at once (J-SEAL)


def _items(items) -> dict:
    return {item.key: item for item in items}


@pytest.fixture
def sealed(cast):
    """A juvenile's theft sealed on SEAL_DATE: the court's own copy is still open, and a copy is held by the
    police, who get a sealing notice."""
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    police_clerk = UserFactory(username="police_x", agency=police, roles=[CLERK])
    data = defendant_data(name=NAME, birth=BIRTH, charge="盗窃罪", sentence_months=10,
                          id_number=make_id_number("440104", BIRTH, 77), judgment_effective_date=SEAL_DATE,
                          sentence_completed_date=dt.date(2025, 4, 1))
    case, _record = enter_case(cast.clerk_a, number="（2024）粤0104刑初77号", defendants=[data],
                               offense_date=dt.date(2023, 5, 6), today=SEAL_DATE)
    services.create_record(user=police_clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": None,
        "content": "侦查卷宗"})
    file = case.defendants.get().sealing_file
    assert file.status == "sealed" and file.seal_date == SEAL_DATE
    return file, police_clerk


def test_the_court_sees_its_own_copy_due_then_overdue(cast, sealed):
    file, _police = sealed
    within = file.policy.juvenile_seal_within_days
    last_day = SEAL_DATE + dt.timedelta(days=within)
    on_the_day = _items(sealing_selectors.work_items(cast.clerk_a, SEAL_DATE))["seal"]
    assert (on_the_day.count, on_the_day.overdue, on_the_day.due_today, on_the_day.next_due) == (1, 0, 0, last_day)
    last = _items(sealing_selectors.work_items(cast.clerk_a, last_day))["seal"]
    assert (last.count, last.overdue, last.due_today, last.next_due) == (1, 0, 1, last_day)  # the last day is in time
    late = _items(sealing_selectors.work_items(cast.clerk_a, last_day + dt.timedelta(days=1)))["seal"]
    assert (late.count, late.overdue, late.due_today, late.next_due) == (1, 1, 0, None)
    services.seal_file(file, user=cast.clerk_a, today=last_day)
    done = _items(sealing_selectors.work_items(cast.clerk_a, last_day))["seal"]
    assert (done.count, done.overdue) == (0, 0)


def test_past_the_queues_rows_the_overdue_copies_are_a_lower_bound(cast, sealed, monkeypatch):
    """The "to seal" figures come from the queue's first rows: when there are more, "1+" says "at least one"."""
    file, _police = sealed
    data = defendant_data(name="上官飞燕", birth=BIRTH, charge="盗窃罪", sentence_months=10,
                          id_number=make_id_number("440104", BIRTH, 78), judgment_effective_date=SEAL_DATE,
                          sentence_completed_date=dt.date(2025, 4, 1))
    enter_case(cast.clerk_a, number="（2024）粤0104刑初78号", defendants=[data], offense_date=dt.date(2023, 5, 6),
               today=SEAL_DATE)
    late = SEAL_DATE + dt.timedelta(days=file.policy.juvenile_seal_within_days + 1)
    exact = _items(sealing_selectors.work_items(cast.clerk_a, late))["seal"]
    assert (exact.count, exact.overdue) == (2, 2)
    monkeypatch.setattr(sealing_selectors, "WORK_QUEUE_ROWS", 1)
    bounded = _items(sealing_selectors.work_items(cast.clerk_a, late))["seal"]
    assert (bounded.count, bounded.overdue, bounded.due_today) == (2, "1+", 0)


def test_the_police_see_the_notice_by_its_deadline(cast, sealed):
    file, police = sealed
    services.seal_file(file, user=cast.clerk_a, today=SEAL_DATE)  # the court seals and sends its notices
    notice = SealingNotice.objects.get(sealing_file=file, to_agency=police.agency)
    waiting = _items(sealing_selectors.work_items(police, SEAL_DATE))["notices"]
    assert (waiting.count, waiting.overdue) == (1, 0) and waiting.notes  # "1 not yet acknowledged"
    notices.acknowledge_notice(notice, user=police, now=dt.datetime(2024, 6, 3, 2, 0, tzinfo=dt.timezone.utc))
    notice.refresh_from_db()
    before = _items(sealing_selectors.work_items(police, notice.deadline - dt.timedelta(days=1)))["notices"]
    assert (before.count, before.overdue, before.due_today, before.next_due) == (1, 0, 0, notice.deadline)
    assert not before.notes  # acknowledged: only the seal is left
    due = _items(sealing_selectors.work_items(police, notice.deadline))["notices"]
    assert (due.overdue, due.due_today) == (0, 1)
    late = _items(sealing_selectors.work_items(police, notice.deadline + dt.timedelta(days=2)))["notices"]
    assert (late.overdue, late.due_today, late.next_due) == (1, 0, None)
    # the court has nothing of the notice to do; the reviewer no sealing work at all
    assert _items(sealing_selectors.work_items(cast.clerk_a, SEAL_DATE))["notices"].count == 0
    assert sealing_selectors.work_items(cast.reviewer_a, SEAL_DATE) == []


def _request(cast, received):
    from queries import services as query_services
    from queries.models import Purpose, RequesterKind

    person = make_id_number("440104", dt.date(1990, 1, 2), 91)
    return query_services.take_request(user=cast.clerk_a, today=received, data={
        "received": received, "requester_kind": RequesterKind.SELF, "requester_name": "路人甲",
        "requester_id_number": person, "subject_name": "路人甲", "subject_id_number": person,
        "purpose": Purpose.CERTIFICATE,
        "legal_basis": None, "occupation": "", "application": None})


def test_the_reviewer_sees_requests_by_their_answer_deadline(cast):
    query = _request(cast, TODAY)
    early = _items(query_selectors.work_items(cast.reviewer_a, TODAY))["requests"]
    assert (early.count, early.overdue, early.due_today, early.next_due) == (1, 0, 0, query.deadline)
    assert _items(query_selectors.work_items(cast.reviewer_a, query.deadline))["requests"].due_today == 1
    late = _items(query_selectors.work_items(cast.reviewer_a, query.deadline + dt.timedelta(days=1)))["requests"]
    assert (late.overdue, late.due_today, late.next_due) == (1, 0, None)
    # another court's reviewer, and a supervisor, have no query desk of this court
    assert _items(query_selectors.work_items(cast.clerk_b, TODAY))["requests"].count == 0
    assert query_selectors.work_items(cast.supervisor_x, TODAY) == []


def test_the_supervisor_sees_findings_to_triage(cast, sealed):
    from oversight import services as oversight_services

    file, _police = sealed
    services.seal_file(file, user=cast.clerk_a, today=SEAL_DATE)
    assert "findings" not in _items(oversight_selectors.work_items(cast.clerk_a, TODAY))
    oversight_services.scan(SEAL_DATE + dt.timedelta(days=30))  # the police never acknowledged: S-UNDELIVERED
    findings = _items(oversight_selectors.work_items(cast.supervisor_x, TODAY))["findings"]
    assert findings.count >= 1 and "triage=pending" in findings.url
    assert _items(oversight_selectors.work_items(cast.supervisor_y, TODAY))["findings"].count == 0  # not its region


def test_deadline_summary_counts_within_the_cap(cast):
    for day in (1, 2, 3):
        _request(cast, TODAY + dt.timedelta(days=day))
    queue = query_selectors.review_queue(cast.reviewer_a)
    deadlines = sorted(queue.values_list("deadline", flat=True))
    summary = deadline_summary(queue, "deadline", deadlines[1], cap=2)
    assert summary.count == "2+"  # past the cap: "more than"
    assert (summary.overdue, summary.due_today, summary.next_due) == (1, 1, deadlines[1])


def test_the_home_page_lists_the_work_in_chinese(cast, sealed, client, monkeypatch):
    file, police = sealed
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: SEAL_DATE + dt.timedelta(days=30))
    client.force_login(cast.clerk_a)
    with translation.override("zh-hans"):
        page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-seal"' in page and "待封存副本" in page
    assert f'href="{reverse("sealing:work_queue")}?tab=seal"' in page
    assert 'data-testid="urgent-count"' in page  # the court's copy is overdue
    assert NAME not in page  # a count and a deadline, never whose
    client.force_login(police)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="work-notices"' in page and 'data-testid="work-facts"' in page


def test_an_account_without_work_says_so(db, client):
    user = UserFactory(username="nobody", agency=None, roles=[])
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="no-work"' in page and 'data-testid="work-group"' not in page
