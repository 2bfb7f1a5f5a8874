"""No list page runs a query per row: each page is read with a small data set (K rows visible to the user) and
with one three times larger (3K), and both cost the same number of queries, which is also pinned exactly (a
new query on a list page should be a decision, not an accident).

The clock is fixed (timezone.now), and the data are built around tests.cast.TODAY, never today's date."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.roles import POLICY_ADMIN, ensure_role_groups
from tests.cast import TODAY, defendant_data, enter_case
from tests.oversight.conftest import at, others  # noqa: F401  (the fixture)

K = 2
# The queries of each page, the same on SQLite and PostgreSQL. The layout's part (the session's user, its
# agency and permissions, the navigation's badges) is in each; a page's own reads are the rest.
COUNTS = {
    "case_list": 22,  # the page's ids, then its rows (common.pagination.slim_page)
    "record_list": 18,  # and the user's grants, read first (sealing.selectors.records_for)
    # the queues start from the agency's own reach (selectors._agency_files); paged by slim_page since the lists'
    # issue (18, part 4): the capped count of the page, its ids, then its rows, where they showed the first 200
    "work_queue:seal": 28,
    "work_queue:hidden": 28,
    "work_queue:facts": 21,
    "work_queue:retro": 28,
    "sweep_list": 12,
    "notice_inbox:inbox": 28,
    "notice_inbox:sent": 27,
    "notice_inbox:waiting": 27,
    "notice_inbox:sealed": 27,
    "request_list:open": 13,  # paged as the work queue: the capped count, the page's ids, its rows
    "request_list:decided": 13,
    "request_list:objections": 13,
    "disclosed_to_me": 14,
    "finding_list": 26,  # slim_page: the ids of the page, then its rows (the count is capped)
    "instrument_list": 32,
    "inbox": 16,
    "console": 45,  # + the region tree and the region list of the filters (roll-up by region)
    "access_log": 32,
}
NOW = at(TODAY + dt.timedelta(days=10))
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Every page reads the clock at its edge (timezone.localdate() reads timezone.now()): fixed here."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def queries(client, url, params=None, testid=None, rows=None, marker=None) -> int:
    client.get(url, params or {})  # a first read warms the per-process caches (policy, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    if testid:
        table = response.content.decode().split(f'data-testid="{testid}"')[1].split("</table>")[0]
        shown = table.split("<tbody>")[-1].count("<tr")
        assert shown >= rows, f"{url} {params}: {shown} rows shown, {rows} built: the builder missed the page"
    if marker:
        shown = response.content.decode().count(marker)
        assert shown >= rows, f"{url} {params}: {marker!r} shown {shown} times for {rows} rows built"
    return len(captured)


def same_for_k_and_3k(client, url, params, add, expected, testid=None, marker=None) -> None:
    """``add(start, n)`` makes n more rows visible on the page; the count must not move from K to 3K rows."""
    add(0, K)
    few = queries(client, url, params, testid, K, marker)
    add(K, 2 * K)
    many = queries(client, url, params, testid, 3 * K, marker)
    assert many == few, f"{url} {params}: {few} queries for {K} rows, {many} for {3 * K}: a query per row"
    assert few == expected, f"{url} {params}: {few} queries (pinned {expected})"


# --- builders: each makes n rows numbered from start --------------------------------------------------------

def open_cases(cast, start, n):
    """Cases of agency A with an open adult robbery, each with a juvenile co-defendant whose file is hidden (his
    name passes the gate, masked, on the case list)."""
    for i in range(start, start + n):
        enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{500 + i}号", offense_date=dt.date(2023, 5, 6),
                   defendants=[defendant_data(name=f"张{i}", serial=500 + i),
                               defendant_data(name=f"少年{i}", serial=600 + i, **JUVENILE)])


def hidden_cases(cast, start, n):
    """Juveniles' sealed files of agency A, whose court copy is still open (the seal queue, hidden files)."""
    cases = []
    for i in range(start, start + n):
        case, _record = enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{700 + i}号",
                                   defendants=[defendant_data(name=f"少年{i}", serial=700 + i, **JUVENILE)],
                                   offense_date=dt.date(2023, 5, 6))
        cases.append(case)
    return cases


# --- sealing -----------------------------------------------------------------------------------------------

def test_case_list(cast, client):
    client.force_login(cast.clerk_a)
    same_for_k_and_3k(client, reverse("sealing:case_list"), {}, lambda s, n: open_cases(cast, s, n),
                      COUNTS["case_list"], marker="粤0104刑初50")


def test_record_list(cast, client):
    client.force_login(cast.clerk_a)
    same_for_k_and_3k(client, reverse("sealing:record_list"), {}, lambda s, n: open_cases(cast, s, n),
                      COUNTS["record_list"], marker="粤0104刑初50")


@pytest.mark.parametrize("tab", ["seal", "hidden"])
def test_work_queue(cast, client, tab):
    client.force_login(cast.clerk_a)
    same_for_k_and_3k(client, reverse("sealing:work_queue"), {"tab": tab}, lambda s, n: hidden_cases(cast, s, n),
                      COUNTS[f"work_queue:{tab}"], "queue")


def undetermined_cases(cast, start, n):
    """Adults' detention served, the completion date not entered: a fact for the clerk to supply."""
    for i in range(start, start + n):
        data = defendant_data(name=f"李{i}", serial=800 + i, charge="危险驾驶罪", sentence_kind="detention",
                              sentence_months=3, judgment_effective_date=dt.date(2024, 6, 1),
                              sentence_completed_date=None)
        enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{800 + i}号", defendants=[data])


def retro_cases(cast, start, n):
    """J-RETRO: juveniles judged before 2013 whose court copy is still open."""
    for i in range(start, start + n):
        data = defendant_data(name=f"少年{i}", serial=900 + i, birth=dt.date(1994, 3, 1), charge="盗窃罪",
                              sentence_months=10, judgment_effective_date=dt.date(2011, 6, 1),
                              sentence_completed_date=dt.date(2012, 4, 1))
        enter_case(cast.clerk_a, number=f"（2011）粤0104刑初{900 + i}号", defendants=[data],
                   offense_date=dt.date(2010, 5, 6))


@pytest.mark.parametrize("tab,build", [("facts", undetermined_cases), ("retro", retro_cases)])
def test_work_queue_other_tabs(cast, client, tab, build):
    client.force_login(cast.clerk_a)
    same_for_k_and_3k(client, reverse("sealing:work_queue"), {"tab": tab}, lambda s, n: build(cast, s, n),
                      COUNTS[f"work_queue:{tab}"], "queue")


@pytest.fixture
def admin_user(db):
    ensure_role_groups()
    return UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)


def test_sweep_list(client, admin_user):
    from sealing.models import SweepRun

    def add(s, n):
        for i in range(s, s + n):
            SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.ADMIN, started_by=admin_user,
                                    started_at=at(TODAY) + dt.timedelta(minutes=i),
                                    finished_at=at(TODAY) + dt.timedelta(minutes=i, seconds=30),
                                    state=SweepRun.State.FINISHED)

    client.force_login(admin_user)
    same_for_k_and_3k(client, reverse("sealing:sweep_list"), {}, add, COUNTS["sweep_list"], "sweep-runs")


# --- sealing notices: the receiving agency's inbox, the deciding agency's "sent" -----------------------------

from tests.sealing.test_notices import judgment, region  # noqa: E402,F401  (a builder and its fixture)


def notified(r, start, n):
    for i in range(start, start + n):
        judgment(r, number=f"（2024）粤0104刑初{300 + i}号", serial=300 + i, name=f"欧阳{i}")


@pytest.mark.parametrize("who,tab", [("police_clerk", "inbox"), ("clerk_a", "sent")])
def test_notice_inbox(region, client, who, tab):  # noqa: F811
    user = region.police_clerk if who == "police_clerk" else region.cast.clerk_a
    client.force_login(user)
    same_for_k_and_3k(client, reverse("sealing:notice_inbox"), {"tab": tab}, lambda s, n: notified(region, s, n),
                      COUNTS[f"notice_inbox:{tab}"], "notices")


def test_notice_inbox_waiting_tab(region, client):  # noqa: F811
    """The justice bureau's acknowledged notices of suspended sentences, waiting for the full execution."""
    from sealing import notices
    from sealing.models import SealingNotice

    def add(s, n):
        for i in range(s, s + n):
            judgment(region, number=f"（2024）粤0104刑初{400 + i}号", serial=400 + i, name=f"欧阳{i}", suspended=True,
                     probation_months=12)
        for notice in SealingNotice.objects.filter(to_agency=region.justice, received_at__isnull=True):
            notices.acknowledge_notice(notice, user=region.justice_clerk, now=NOW)

    client.force_login(region.justice_clerk)
    same_for_k_and_3k(client, reverse("sealing:notice_inbox"), {"tab": "waiting"}, add,
                      COUNTS["notice_inbox:waiting"], "notices")


def test_notice_inbox_sealed_tab(region, client):  # noqa: F811
    from sealing import notices
    from sealing.models import SealingNotice

    def add(s, n):
        notified(region, s, n)
        for notice in SealingNotice.objects.filter(to_agency=region.police, copy_sealed_at__isnull=True):
            notices.seal_notice_copy(notice, user=region.police_clerk, now=NOW)

    client.force_login(region.police_clerk)
    same_for_k_and_3k(client, reverse("sealing:notice_inbox"), {"tab": "sealed"}, add,
                      COUNTS["notice_inbox:sealed"], "notices")


# --- the query desk ----------------------------------------------------------------------------------------

def _requests(cast, start, n, *, decided=False, objected=False):
    from tests.queries.test_desk_objection import object_to
    from tests.queries.test_query_desk import decide, take

    for i in range(start, start + n):
        query = take(cast, requester_name=f"人事处{i}")
        if decided or objected:
            query = decide(query, cast.reviewer_a, query.recommendation["recommendation"])
        if objected:
            object_to(query, cast.clerk_a)


@pytest.mark.parametrize("tab,kwargs,testid", [
    ("open", {}, "requests"), ("decided", {"decided": True}, "requests"),
    ("objections", {"objected": True}, "objections"),
])
def test_request_list(cast, client, tab, kwargs, testid):
    client.force_login(cast.reviewer_a)
    same_for_k_and_3k(client, reverse("queries:request_list"), {"tab": tab},
                      lambda s, n: _requests(cast, s, n, **kwargs), COUNTS[f"request_list:{tab}"], testid)


def test_disclosed_to_me(cast, client):
    from sealing.models import SealedRecordPermit

    prosecutor = UserFactory(username="prosecutor_y", agency=cast.procuratorate_y, roles=["clerk"])

    def add(s, n):
        for case in hidden_cases(cast, s, n):
            SealedRecordPermit.objects.create(record=case.records.get(), user=prosecutor, reference=f"P-{s}-{case.pk}",
                                              purpose="审查起诉", expires_at=NOW + dt.timedelta(days=30))

    client.force_login(prosecutor)
    same_for_k_and_3k(client, reverse("queries:disclosed_to_me"), {}, add, COUNTS["disclosed_to_me"], "disclosed")


# --- supervision -------------------------------------------------------------------------------------------

def overdue_files(cast, start, n):
    """Juveniles' sealed files of region X whose court copy is still open ten days on: one S-UNSEALED finding each
    once scanned, and a row of the console's overdue list."""
    from oversight import services as oversight_services

    hidden_cases(cast, start, n)
    oversight_services.scan(TODAY + dt.timedelta(days=10), now=NOW)


def test_finding_list(cast, others, client):
    client.force_login(cast.supervisor_x)
    same_for_k_and_3k(client, reverse("oversight:finding_list"), {}, lambda s, n: overdue_files(cast, s, n),
                      COUNTS["finding_list"], "findings")


def _instruments(cast, others, start, n):
    from tests.oversight.test_console import _issue

    for i in range(start, start + n):
        _issue(cast.supervisor_x, others.police_x, dt.date(2026, 5, 4) + dt.timedelta(days=i))


def test_instrument_list(cast, others, client):
    client.force_login(cast.supervisor_x)
    same_for_k_and_3k(client, reverse("oversight:instrument_list"), {},
                      lambda s, n: _instruments(cast, others, s, n), COUNTS["instrument_list"],
                      marker='href="/oversight/instruments/')


def test_inbox(cast, others, client):
    client.force_login(others.police_clerk_x)
    same_for_k_and_3k(client, reverse("oversight:inbox"), {}, lambda s, n: _instruments(cast, others, s, n),
                      COUNTS["inbox"], marker='href="/oversight/inbox/')


def test_console(cast, others, client):
    def add(s, n):
        overdue_files(cast, s, n)
        _instruments(cast, others, s, n)

    client.force_login(cast.supervisor_x)
    same_for_k_and_3k(client, reverse("oversight:console"), {"first": "2026-03", "last": "2026-06"}, add,
                      COUNTS["console"], marker="粤0104刑初70")


def test_access_log(cast, others, client):
    from sealing import disclosure

    def add(s, n):
        for case in hidden_cases(cast, s, n):
            disclosure.log_read(cast.clerk_a, record=case.records.get(), reason="核对封存范围")

    client.force_login(cast.supervisor_x)
    same_for_k_and_3k(client, reverse("oversight:access_log"), {}, add, COUNTS["access_log"], "access-log")


# --- sorted and exported lists (issue 18, part 4): a sort costs nothing more; an export reads its rows in
# batches (the ids, then each batch with its related rows) plus one audit entry, however many rows --------------

SORTED_AND_EXPORTED = {
    # (list, params): the queries pinned
    ("case_list", "sort=-case_number"): 22,
    ("case_list", "format=csv&sort=case_number"): 20,
    ("record_list", "sort=created_at"): 18,
    ("record_list", "format=csv&sort=-created_at"): 16,
    ("work_queue", "tab=hidden&sort=-case_number"): 28,
    ("work_queue", "tab=hidden&format=csv&sort=seal_date"): 22,
}


@pytest.mark.parametrize("name,params", list(SORTED_AND_EXPORTED))
def test_sorted_and_exported_sealing_lists(cast, client, name, params):
    from django.http import QueryDict

    client.force_login(cast.clerk_a)
    build = hidden_cases if name == "work_queue" else open_cases
    marker = "粤0104刑初70" if name == "work_queue" else "粤0104刑初50"
    same_for_k_and_3k(client, reverse(f"sealing:{name}"), QueryDict(params).dict(), lambda s, n: build(cast, s, n),
                      SORTED_AND_EXPORTED[(name, params)], marker=marker)


SUPERVISION_SORTED_AND_EXPORTED = {
    ("finding_list", "sort=serial"): 26,
    ("finding_list", "format=csv&sort=-detected_on"): 23,
    ("access_log", "sort=at"): 32,
    ("access_log", "format=csv&sort=at"): 27,
}


@pytest.mark.parametrize("name,params", list(SUPERVISION_SORTED_AND_EXPORTED))
def test_sorted_and_exported_supervision_lists(cast, others, client, name, params):
    from django.http import QueryDict

    from sealing import disclosure

    def reads(s, n):
        for case in hidden_cases(cast, s, n):
            disclosure.log_read(cast.clerk_a, record=case.records.get(), reason="核对封存范围")

    client.force_login(cast.supervisor_x)
    add = (lambda s, n: overdue_files(cast, s, n)) if name == "finding_list" else reads
    same_for_k_and_3k(client, reverse(f"oversight:{name}"), QueryDict(params).dict(), add,
                      SUPERVISION_SORTED_AND_EXPORTED[(name, params)], marker="粤0104刑初70")
