"""The lists (issue 18, part 4): sortable by whitelisted, never-masked columns, both ways; a bad sort falls back
to the default order; the filters and the sort survive paging; the export is what the page shows (masked rows
masked), every page of it, through the gate, and written to the audit trail.

The clock is fixed (timezone.now) and the data are built around tests.cast.TODAY."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry, AuditKind
from sealing import disclosure, services
from sealing.models import AccessLog
from tests.cast import TODAY, defendant_data, enter_case
from tests.oversight.conftest import at, others  # noqa: F401  (the fixture)
from tests.perf.test_query_counts import JUVENILE, hidden_cases

NOW = at(TODAY + dt.timedelta(days=10))


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def last_export() -> dict:
    return AuditEntry.objects.filter(kind=AuditKind.EXPORT).latest("seq").detail


def links(body: str, testid: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'href="([^"]*)"[^>]*data-testid="{testid}"', body)]


def page_links(body: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<a class="page-link" href="([^"]*)"', body)]


# --- the case list ------------------------------------------------------------------------------------------

NUMBERS = [f"（2024）粤0104刑初{n}号" for n in (12, 10, 13, 11)]  # entered in this order


@pytest.fixture
def four_cases(cast):
    return [enter_case(cast.clerk_a, number=number, defendants=[defendant_data(name=f"张{i}", serial=30 + i)])[0]
            for i, number in enumerate(NUMBERS)]


def case_numbers(response) -> list[str]:
    return [row["case"].case_number for row in response.context["rows"]]


def test_the_case_list_sorts_by_case_number_both_ways_and_by_entry(cast, login, four_cases):
    client = login(cast.clerk_a)
    url = reverse("sealing:case_list")
    assert case_numbers(client.get(url, {"sort": "case_number"})) == sorted(NUMBERS)
    assert case_numbers(client.get(url, {"sort": "-case_number"})) == sorted(NUMBERS, reverse=True)
    assert case_numbers(client.get(url, {"sort": "created_at"})) == NUMBERS
    assert case_numbers(client.get(url, {"sort": "-created_at"})) == NUMBERS[::-1]


@pytest.mark.parametrize("bad", ["defendants__person__name", "name", "-id_number", "--case_number", "%00", "x" * 500])
def test_a_bad_sort_falls_back_to_the_default_order(cast, login, four_cases, bad):
    client = login(cast.clerk_a)
    default = case_numbers(client.get(reverse("sealing:case_list")))
    response = client.get(reverse("sealing:case_list"), {"sort": bad})
    assert response.status_code == 200 and case_numbers(response) == default == NUMBERS[::-1]


def test_the_header_shows_the_order_and_its_link_turns_it_round(cast, login, four_cases):
    body = login(cast.clerk_a).get(reverse("sealing:case_list"), {"sort": "case_number", "year": "2024"}).content.decode()
    [header] = links(body, "sort-case_number")
    assert "sort=-case_number" in header and "year=2024" in header and "page=" not in header
    assert 'aria-sort="ascending"' in body and "▲" in body
    body = login(cast.clerk_a).get(reverse("sealing:case_list"), {"sort": "-case_number"}).content.decode()
    assert 'aria-sort="descending"' in body and "▼" in body
    assert "sort=case_number" in links(body, "sort-case_number")[0]
    # a masked column is never offered
    assert 'data-testid="sort-name"' not in body and "sort-id_number" not in body


def test_paging_keeps_the_filters_and_the_sort(cast, login, four_cases, monkeypatch):
    from sealing import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = login(cast.clerk_a)
    url = reverse("sealing:case_list")
    first = client.get(url, {"sort": "-case_number", "year": "2024"})
    [following] = page_links(first.content.decode())
    assert "sort=-case_number" in following and "year=2024" in following and "page=2" in following
    second = client.get(url + following)
    assert case_numbers(first) + case_numbers(second) == sorted(NUMBERS, reverse=True)
    [back] = page_links(second.content.decode())
    assert "sort=-case_number" in back and "year=2024" in back and "page=1" in back
    # a search keeps the sort: the filter form carries it
    assert '<input type="hidden" name="sort" value="-case_number">' in first.content.decode()


SEALED_NAME = "慕容少年"


@pytest.fixture
def masked_case(cast):
    """An adult and a juvenile co-defendant whose file is sealed: the case is listed, the juvenile masked."""
    sealed = defendant_data(name=SEALED_NAME, serial=40, **JUVENILE)
    case, record = enter_case(cast.clerk_a, number="（2024）粤0104刑初40号",
                              defendants=[sealed, defendant_data(name="张三", serial=41)])
    file = case.defendants.get(position=1).sealing_file
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    return case


def test_the_case_list_export_is_the_page_with_its_masked_rows_masked(cast, login, four_cases, masked_case):
    client = login(cast.clerk_a)
    url = reverse("sealing:case_list")
    page = client.get(url, {"sort": "case_number"})
    masked = str(disclosure.Gate(cast.clerk_a).person(masked_case.defendants.get(position=1)).name)
    assert masked != SEALED_NAME and masked in page.content.decode()
    rows = csv_rows(client.get(url, {"sort": "case_number", "format": "csv"}))
    assert rows[0][:3] == ["case number", "handling agency", "defendants and sealing status"] or rows[0][0] == "案号"
    assert [r[0] for r in rows[1:]] == case_numbers(page)
    text = "\n".join(",".join(r) for r in rows)
    assert masked in text and SEALED_NAME not in text and "张三" in text
    assert not AccessLog.objects.exists()  # nothing unmasked was read
    assert last_export() == {"what": "cases-shown", "format": "csv", "rows": 5, "filters": [], "sort": "case_number"}


def test_the_export_follows_the_filters_the_sort_and_every_page(cast, login, four_cases, monkeypatch):
    from sealing import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = login(cast.clerk_a)
    rows = csv_rows(client.get(reverse("sealing:case_list"), {"sort": "-case_number", "format": "csv", "page": "2",
                                                              "case_number": "刑初1"}))
    assert [r[0] for r in rows[1:]] == sorted(NUMBERS, reverse=True)  # every page, not the second only
    assert last_export()["filters"] == ["case_number"] and last_export()["rows"] == 4
    xlsx = client.get(reverse("sealing:case_list"), {"sort": "case_number", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet["A"]][1:] == sorted(NUMBERS)


def test_the_export_is_capped_and_says_so(cast, login, four_cases, monkeypatch):
    from common import listing

    monkeypatch.setattr(listing, "EXPORT_MAX_ROWS", 3)
    monkeypatch.setattr(listing.export_response, "__kwdefaults__",
                        {**listing.export_response.__kwdefaults__, "limit": 3})
    rows = csv_rows(login(cast.clerk_a).get(reverse("sealing:case_list"), {"format": "csv"}))
    assert len(rows) == 1 + 3 + 1 and "3" in rows[-1][0]
    assert last_export()["capped"] is True and last_export()["rows"] == 3


def test_the_import_format_export_follows_the_sort_too(cast, login, four_cases):
    response = login(cast.clerk_a).get(reverse("sealing:case_export"), {"format": "csv", "sort": "-case_number"})
    text = response.content.decode("utf-8-sig")
    positions = [text.index(n) for n in sorted(NUMBERS, reverse=True)]
    assert positions == sorted(positions)
    assert last_export()["sort"] == "-case_number"


def test_the_record_list_sorts_by_entry_both_ways_and_exports_it(cast, login, four_cases):
    client = login(cast.clerk_a)
    url = reverse("sealing:record_list")
    ascending = [r.case.case_number for r in client.get(url, {"sort": "created_at"}).context["page"]]
    assert ascending == NUMBERS
    assert [r.case.case_number for r in client.get(url, {"sort": "-created_at"}).context["page"]] == NUMBERS[::-1]
    assert [r.case.case_number for r in client.get(url, {"sort": "title"}).context["page"]] == NUMBERS[::-1]
    rows = csv_rows(client.get(url, {"sort": "created_at", "format": "csv", "kind": "judgment"}))
    assert [r[0] for r in rows[1:]] == NUMBERS
    assert last_export() == {"what": "records", "format": "csv", "rows": 4, "filters": ["kind"], "sort": "created_at"}


# --- the work queue -----------------------------------------------------------------------------------------

def test_the_work_queue_sorts_pages_and_exports_its_masked_rows(cast, login, monkeypatch):
    from sealing import views_files

    cases = hidden_cases(cast, 0, 3)
    numbers = sorted(c.case_number for c in cases)
    client = login(cast.clerk_a)
    url = reverse("sealing:work_queue")
    for tab in ("seal", "hidden"):
        down = client.get(url, {"tab": tab, "sort": "-case_number"})
        assert [r["file"].defendant.case.case_number for r in down.context["rows"]] == numbers[::-1]
        up = client.get(url, {"tab": tab, "sort": "case_number"})
        assert [r["file"].defendant.case.case_number for r in up.context["rows"]] == numbers
    monkeypatch.setattr(views_files, "QUEUE_PAGE", 2)
    first = client.get(url, {"tab": "hidden", "sort": "-case_number"})
    [following] = page_links(first.content.decode())
    assert "tab=hidden" in following and "sort=-case_number" in following and "page=2" in following
    rows = csv_rows(client.get(url, {"tab": "hidden", "sort": "-case_number", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == numbers[::-1]
    masked = {str(r["name"]) for r in first.context["rows"]}
    assert masked and {r[1] for r in rows[1:]} >= masked
    assert not any(name.startswith("少年") and "*" not in name for name in (r[1] for r in rows[1:]))
    assert last_export() == {"what": "work-queue-hidden", "format": "csv", "rows": 3, "filters": [],
                             "sort": "-case_number"}


def test_the_work_queue_ignores_a_sort_of_another_tab(cast, login):
    hidden_cases(cast, 0, 2)
    response = login(cast.clerk_a).get(reverse("sealing:work_queue"), {"tab": "seal", "sort": "facts_due"})
    assert response.status_code == 200 and response.context["sorting"].value == ""


# --- the notices --------------------------------------------------------------------------------------------

from tests.sealing.test_notices import judgment, region  # noqa: E402,F401  (a builder and its fixture)


def test_the_notice_inbox_sorts_by_serial_both_ways_and_exports_masked(region, login):  # noqa: F811
    for i in range(3):
        judgment(region, number=f"（2024）粤0104刑初{300 + i}号", serial=300 + i, name=f"欧阳{i}")
    client = login(region.police_clerk)
    url = reverse("sealing:notice_inbox")
    up = [row.notice.serial for row in client.get(url, {"tab": "inbox", "sort": "serial"}).context["rows"]]
    down = [row.notice.serial for row in client.get(url, {"tab": "inbox", "sort": "-serial"}).context["rows"]]
    assert up == sorted(up) and down == up[::-1] and len(up) == 3
    by_case = client.get(url, {"tab": "inbox", "sort": "-case_number"}).context["rows"]
    assert [r.notice.sealing_file.defendant.case.case_number for r in by_case] == [
        f"（2024）粤0104刑初{n}号" for n in (302, 301, 300)]
    page = client.get(url, {"tab": "inbox", "sort": "serial"})
    rows = csv_rows(client.get(url, {"tab": "inbox", "sort": "serial", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == up
    assert [r[2] for r in rows[1:]] == [str(row.name) for row in page.context["rows"]]
    assert not any(f"欧阳{i}" in ",".join(r) for r in rows for i in range(3))  # the names stay masked


# --- the query desk -----------------------------------------------------------------------------------------

def test_the_request_list_sorts_by_serial_and_deadline_and_exports(cast, login):
    from tests.queries.test_query_desk import take

    made = [take(cast, requester_name=f"人事处{i}", received=dt.date(2026, 5, 20) + dt.timedelta(days=i))
            for i in range(3)]
    client = login(cast.reviewer_a)
    url = reverse("queries:request_list")
    serials = sorted(q.serial for q in made)
    assert [q.serial for q, _o in client.get(url, {"sort": "serial"}).context["rows"]] == serials
    assert [q.serial for q, _o in client.get(url, {"sort": "-serial"}).context["rows"]] == serials[::-1]
    down = [q.deadline for q, _o in client.get(url, {"sort": "-deadline"}).context["rows"]]
    assert down == sorted(down, reverse=True) and len(set(down)) > 1
    rows = csv_rows(client.get(url, {"tab": "open", "sort": "-serial", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == serials[::-1]
    assert last_export()["what"] == "query-requests-open" and last_export()["rows"] == 3


# --- supervision --------------------------------------------------------------------------------------------

def test_the_finding_list_sorts_by_serial_both_ways_and_exports(cast, others, login):  # noqa: F811
    from oversight import services as oversight_services

    hidden_cases(cast, 0, 3)
    oversight_services.scan(TODAY + dt.timedelta(days=10), now=NOW)
    client = login(cast.supervisor_x)
    url = reverse("oversight:finding_list")
    up = [r["finding"].serial for r in client.get(url, {"sort": "serial"}).context["rows"]]
    assert len(up) >= 3 and up == sorted(up)
    assert [r["finding"].serial for r in client.get(url, {"sort": "-serial"}).context["rows"]] == up[::-1]
    body = client.get(url, {"sort": "-serial", "state": "all"}).content.decode()
    assert "state=all" in links(body, "sort-serial")[0]
    rows = csv_rows(client.get(url, {"sort": "serial", "format": "csv"}))
    assert [r[0] for r in rows[1:]] == up
    assert not any(f"少年{i}" in ",".join(r) for r in rows for i in range(3))


def test_the_instrument_list_sorts_by_issue_date_both_ways_and_exports(cast, others, login):  # noqa: F811
    from tests.oversight.test_console import _issue

    days = [dt.date(2026, 5, 6), dt.date(2026, 5, 4), dt.date(2026, 5, 5)]
    for day in days:
        _issue(cast.supervisor_x, others.police_x, day)
    client = login(cast.supervisor_x)
    url = reverse("oversight:instrument_list")
    assert [r["instrument"].issued_on for r in client.get(url, {"sort": "issued_on"}).context["rows"]] == sorted(days)
    down = client.get(url, {"sort": "-issued_on", "kind": "recommendation"})
    assert [r["instrument"].issued_on for r in down.context["rows"]] == sorted(days, reverse=True)
    assert "kind=recommendation" in links(down.content.decode(), "sort-serial")[0]
    rows = csv_rows(client.get(url, {"sort": "-issued_on", "format": "csv"}))
    assert [r[3] for r in rows[1:]] == [d.isoformat() for d in sorted(days, reverse=True)]


def test_the_access_log_sorts_both_ways_pages_by_keyset_in_that_order_and_exports(cast, others, login,  # noqa: F811
                                                                                   monkeypatch):
    from oversight import views_console

    cases = hidden_cases(cast, 0, 3)
    for i, case in enumerate(cases):
        monkeypatch.setattr(timezone, "now", lambda i=i: NOW + dt.timedelta(minutes=i))
        disclosure.log_read(cast.clerk_a, record=case.records.get(), reason=f"核对封存范围{i}")
    monkeypatch.setattr(timezone, "now", lambda: NOW + dt.timedelta(hours=1))
    reads = list(AccessLog.objects.order_by("at", "pk").values_list("pk", flat=True))
    client = login(cast.supervisor_x)
    url = reverse("oversight:access_log")
    assert [r.pk for r in client.get(url).context["rows"]] == reads[::-1]  # the default: newest first
    assert [r.pk for r in client.get(url, {"sort": "at"}).context["rows"]] == reads
    monkeypatch.setattr(views_console, "ACCESS_LOG_PAGE", 2)
    first = client.get(url, {"sort": "at", "action": "read"})
    assert [r.pk for r in first.context["rows"]] == reads[:2]
    second = client.get(url, {"sort": "at", "action": "read", "after": reads[1]})
    assert [r.pk for r in second.context["rows"]] == reads[2:]
    rows = csv_rows(client.get(url, {"sort": "at", "format": "csv"}))
    assert [r[7] for r in rows[1:]] == [f"核对封存范围{i}" for i in range(3)]
    assert last_export() == {"what": "access-log", "format": "csv", "rows": 3, "filters": [], "sort": "at"}
