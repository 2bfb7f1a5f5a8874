"""The console and the access log as pages: who reaches them, what they show, what they export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.factories import UserFactory
from accounts.roles import AUDITOR, SUPERVISOR
from audit.services import append_only_lifted
from oversight import services
from oversight.models import Finding
from sealing.models import AccessAction, AccessLog
from tests.cast import TODAY

from .conftest import at
from .test_console import world  # noqa: F401  (the fixture)

CONSOLE_URLS = ("oversight:console", "oversight:console_export")


@pytest.fixture
def auditor(cast):
    return UserFactory(username="auditor_1", agency=None, roles=[AUDITOR])


def _reads(cast, others, world):  # noqa: F811
    record = world[0].sealing_file.defendant.case.records.first()
    x = [AccessLog.objects.create(user=others.police_clerk_x, record=record, action=AccessAction.READ)
         for _ in range(3)]
    y = AccessLog.objects.create(user=others.police_clerk_y, record=record, action=AccessAction.BREAK_GLASS,
                                 reason="=HYPERLINK(\"http://evil\")核实漏罪")
    return record, x, y


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "police_clerk_x", "justice_clerk_x", "court_supervisor",
                                 "auditor"])
def test_only_a_procuratorate_supervisor_reaches_the_console(cast, others, auditor, client, who):
    users = {"clerk_a": cast.clerk_a, "reviewer_a": cast.reviewer_a, "police_clerk_x": others.police_clerk_x,
             "justice_clerk_x": others.justice_clerk_x, "auditor": auditor,
             "court_supervisor": UserFactory(username="court_sup", agency=cast.agency_a, roles=[SUPERVISOR])}
    client.force_login(users[who])
    for name in CONSOLE_URLS:
        assert client.get(reverse(name)).status_code == 403, name
        assert client.get(reverse(name), {"format": "xlsx"}).status_code == 403, name
    expected = 200 if who == "auditor" else 403
    assert client.get(reverse("oversight:access_log")).status_code == expected


def test_the_index_is_the_console(cast, client):
    client.force_login(cast.supervisor_x)
    assert client.get(reverse("oversight:index"))["Location"] == reverse("oversight:console")


def test_the_console_shows_x_its_numbers_and_links(cast, others, client, world):  # noqa: F811
    on_time, late, still_open = world
    client.force_login(cast.supervisor_x)
    page = client.get(reverse("oversight:console"), {"first": "2026-05", "last": "2026-07"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-agency="{others.police_x.pk}" data-month="2026-06"' in html
    row = html.split(f'data-agency="{others.police_x.pk}" data-month="2026-06"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].split(">")[-1] if "<a" not in c.split("</td>")[0] else
             c.split("</a>")[0].split(">")[-1] for c in row.split("<td")[3:]]
    assert cells[:2] == ["1", "1"]  # on time (the deadline day), late
    # the chart: June has a green bar of 1 and a red bar of 1 on top of it, May and July none
    assert 'data-series="on_time" data-value="1" data-month="2026-06"' in html
    assert 'data-series="late" data-value="1" data-month="2026-06"' in html
    assert 'data-month="2026-05"' not in html.split('data-testid="sealed-chart"')[1].split("</svg>")[0].replace(
        '2026-05</text>', '')
    for name in ("少年0", "少年1", "少年2"):  # cases by number only, never a person's name
        assert name not in html
    export = html.split('data-testid="export-xlsx"')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    assert export == reverse("oversight:console_export") + "?first=2026-05&last=2026-07&format=xlsx\" "


def test_the_console_filters_stay_in_the_url_and_bad_months_are_refused(cast, others, client):
    client.force_login(cast.supervisor_x)
    page = client.get(reverse("oversight:console"), {"first": "2026-07", "last": "2026-05"})
    assert page.status_code == 200
    assert 'class="alert alert-danger' in page.content.decode()
    page = client.get(reverse("oversight:console"), {"first": "2026-05", "last": "2026-06",
                                                     "agency": others.police_x.pk})
    assert f"agency={others.police_x.pk}" in page.content.decode()  # the export keeps the filters
    # an agency of region Y is no choice for X
    page = client.get(reverse("oversight:console"), {"agency": others.police_y.pk})
    assert page.status_code == 200 and "police_y" not in page.content.decode()


def test_supervisor_y_sees_nothing_of_x_on_the_console(cast, others, client, world):  # noqa: F811
    client.force_login(cast.supervisor_y)
    html = client.get(reverse("oversight:console"), {"first": "2026-05", "last": "2026-07"}).content.decode()
    assert others.police_x.name not in html and cast.agency_a.name not in html
    assert world[0].serial not in html
    data = client.get(reverse("oversight:console_export"),
                      {"first": "2026-05", "last": "2026-07", "format": "csv", "table": "1"}).content.decode("utf-8-sig")
    assert others.police_x.name not in data


def test_the_export_holds_the_numbers_and_neutralises_formulas(cast, others, client, world):  # noqa: F811
    client.force_login(cast.supervisor_x)
    response = client.get(reverse("oversight:console_export"),
                          {"first": "2026-06", "last": "2026-06", "format": "csv", "table": "1"})
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    police = [r for r in rows if r[0] == others.police_x.name]
    assert police and police[0][2:5] == ["2026-06", "1", "1"]
    response = client.get(reverse("oversight:console_export"), {"first": "2026-06", "last": "2026-06",
                                                                "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6  # the five tables, then the notices by holding agency
    sheet = book.worksheets[0]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert [others.police_x.name, others.police_x.region.name, "2026-06", 1, 1] == values[1][:5]
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


def test_the_access_log_is_scoped_filtered_and_links_to_unusual_volume(cast, others, client, world):  # noqa: F811
    record, x_reads, y_read = _reads(cast, others, world)
    finding = Finding.objects.create(serial="S-TEST-1", rule="S-READ-VOLUME", key="volume:x", agency=others.police_x,
                                     region=others.police_x.region, official=others.police_clerk_x,
                                     detected_on=TODAY)
    client.force_login(cast.supervisor_x)
    html = client.get(reverse("oversight:access_log")).content.decode()
    assert all(f'data-read="{r.pk}"' in html for r in x_reads) and f'data-read="{y_read.pk}"' not in html
    assert reverse("oversight:finding_detail", args=[finding.pk]) in html
    assert html.count('data-read="') == 3
    filtered = client.get(reverse("oversight:access_log"), {"action": "break_glass"}).content.decode()
    assert 'data-read="' not in filtered
    client.force_login(cast.supervisor_y)
    html = client.get(reverse("oversight:access_log")).content.decode()
    assert f'data-read="{y_read.pk}"' in html and all(f'data-read="{r.pk}"' not in html for r in x_reads)
    assert reverse("oversight:finding_detail", args=[finding.pk]) not in html


def test_the_auditor_reads_every_read_and_pages_by_keyset(cast, others, auditor, client, world, monkeypatch):  # noqa: F811
    from oversight import views_console

    record, x_reads, y_read = _reads(cast, others, world)
    monkeypatch.setattr(views_console, "ACCESS_LOG_PAGE", 2)
    monkeypatch.setattr(views_console, "ACCESS_LOG_COUNT_CAP", 3)
    client.force_login(auditor)
    first = client.get(reverse("oversight:access_log")).content.decode()
    everything = [y_read, *reversed(x_reads)]  # newest first
    assert [f'data-read="{r.pk}"' in first for r in everything] == [True, True, False, False]
    count = first.split('data-testid="access-log-count">')[1].split("</p>")[0]
    assert "3" in count and "4" not in count  # the count stops at the cap
    older = first.split('data-testid="older"')[0].rsplit('href="?', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(reverse("oversight:access_log") + "?" + older).content.decode()
    assert [f'data-read="{r.pk}"' in second for r in everything] == [False, False, True, True]
    assert 'data-testid="older"' not in second
    by_user = client.get(reverse("oversight:access_log"), {"user": "police_clerk_y"}).content.decode()
    assert f'data-read="{y_read.pk}"' in by_user and f'data-read="{x_reads[0].pk}"' not in by_user
    by_record = client.get(reverse("oversight:access_log"),
                           {"case": record.case.case_number, "action": "read"}).content.decode()
    assert by_record.count('data-read="') == 2  # page of 2
    # a copy is named by its case number and holding agency, never by a database id
    assert f"{record.case.case_number} · {record.holding_agency.name}" in by_record
    assert f"No. {record.pk}" not in by_record and f"第 {record.pk} 号" not in by_record
    assert client.get(reverse("oversight:access_log"), {"since": "2026-06-02", "until": "2026-06-01"}).status_code == 200


def test_a_reviewers_read_of_a_persons_records_is_found_by_its_case_number(cast, others, auditor, client, world):  # noqa: F811
    """A reviewer's read names no single copy, only the defendant: the case-number filter finds it through the
    defendant, and the record column names the case."""
    record, _x_reads, _y_read = _reads(cast, others, world)
    defendant = world[0].sealing_file.defendant
    reviewed = AccessLog.objects.create(user=others.police_clerk_x, defendant=defendant,
                                        action=AccessAction.REVIEWED, reference="CX-2026-000009")
    client.force_login(auditor)
    page = client.get(reverse("oversight:access_log"), {"case": defendant.case.case_number}).content.decode()
    assert f'data-read="{reviewed.pk}"' in page
    row = page.split(f'data-read="{reviewed.pk}"')[1].split("</tr>")[0]
    assert defendant.case.case_number in row
    other = client.get(reverse("oversight:access_log"), {"case": "（2099）粤0104刑初1号"}).content.decode()
    assert 'data-read="' not in other


def test_the_access_log_period_runs_from_beijing_midnight_to_midnight(cast, others, client, world):  # noqa: F811
    record, x_reads, _y_read = _reads(cast, others, world)
    before, first, last = x_reads
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk=before.pk).update(at=at(dt.date(2026, 5, 31), dt.time(23, 59)))
        AccessLog.objects.filter(pk=first.pk).update(at=at(TODAY, dt.time(0, 0)))
        AccessLog.objects.filter(pk=last.pk).update(at=at(TODAY, dt.time(23, 59)))
    client.force_login(cast.supervisor_x)
    html = client.get(reverse("oversight:access_log"), {"since": "2026-06-01", "until": "2026-06-01"}).content.decode()
    assert [f'data-read="{r.pk}"' in html for r in (before, first, last)] == [False, True, True]
    refused = client.get(reverse("oversight:access_log"), {"since": "2026-06-02", "until": "2026-06-01"})
    assert 'class="alert alert-danger' in refused.content.decode()


def test_the_auditor_finds_the_access_log_in_the_navigation(cast, auditor, client):
    from django.urls import reverse

    client.force_login(auditor)
    items = client.get(reverse("oversight:access_log")).context["nav_items"]
    assert [item["url"] for item in items if item["url"] == reverse("oversight:access_log")] == [
        reverse("oversight:access_log")]
    client.force_login(cast.clerk_a)
    urls = [item["url"] for item in client.get(reverse("sealing:case_list")).context["nav_items"]]
    assert reverse("oversight:access_log") not in urls


def _cells(row: str) -> list[str]:
    """The figures of a console row (after the name and month cells), link text or plain."""
    return [c.split("</td>")[0].split(">")[-1] if "<a" not in c.split("</td>")[0] else
            c.split("</a>")[0].split(">")[-1] for c in row.split("<td")[3:]]


def test_a_city_supervisor_reads_its_districts_summed_and_drills_down(cast, others, client, world):  # noqa: F811
    """广州市's supervisor: the agencies of 越秀区 and 天河区 are one row per district (the police station's two
    copies sealed in June under 越秀区), each linking to the console of that district, where the agencies are
    listed again; the export still lists every agency."""
    from accounts.factories import AgencyFactory
    from accounts.models import Agency

    city = cast.agency_a.region.parent
    city_procuratorate = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE, region=city)
    supervisor = UserFactory(username="city_supervisor", agency=city_procuratorate, roles=[SUPERVISOR])
    client.force_login(supervisor)
    params = {"first": "2026-05", "last": "2026-07"}
    html = client.get(reverse("oversight:console"), params).content.decode()
    region_x = cast.agency_a.region
    assert 'data-testid="rolled-up"' in html
    assert f'data-region="{region_x.pk}" data-month="2026-06"' in html
    assert f'data-agency="{others.police_x.pk}"' not in html  # summed into its district
    row = html.split(f'data-region="{region_x.pk}" data-month="2026-06"')[1].split("</tr>")[0]
    name_cell = row.split("</td>")[0]
    assert ">越秀区</a>" in name_cell and '<div class="small text-muted">4 ' in name_cell  # 4 agencies in 越秀区
    assert _cells(row)[:2] == ["1", "1"]  # the police station's copies: on time, late
    drill = reverse("oversight:console") + f"?first=2026-05&amp;last=2026-07&amp;region={region_x.pk}"
    assert f'href="{drill}"' in row
    # the agency list offers the city's own agencies until a district is chosen
    options = html.split('name="agency"')[1].split("</select>")[0]
    assert city_procuratorate.name in options and others.police_x.name not in options
    # drilled down: 越秀区's agencies, each a row of its own, and the list offers them
    html = client.get(reverse("oversight:console"), {**params, "region": region_x.pk}).content.decode()
    assert 'data-testid="rolled-up"' not in html
    row = html.split(f'data-agency="{others.police_x.pk}" data-month="2026-06"')[1].split("</tr>")[0]
    assert _cells(row)[:2] == ["1", "1"]
    assert others.police_x.name in html.split('name="agency"')[1].split("</select>")[0]
    assert f'data-agency="{cast.agency_b.pk}"' not in html  # 天河区 is outside the region chosen
    # the export keeps one row per agency
    book = load_workbook(io.BytesIO(client.get(reverse("oversight:console_export"),
                                               {**params, "format": "xlsx"}).content))
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert others.police_x.name in names
