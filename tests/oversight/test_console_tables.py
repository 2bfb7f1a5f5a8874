"""The console's instruments per agency and month and its seal matrix per holding agency, as pages and exports:
the numbers (asserted by data attributes, not by translated words), the drill-down links, the scope, the CSV
table numbers and the XLSX sheets, and a query count that does not grow with the agencies."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.factories import AgencyFactory
from accounts.models import Agency
from oversight.views_console import TABLES
from sealing.models import SealingNotice
from tests.cast import TODAY

from .conftest import at
from .test_console import _issue, instrument_world, world  # noqa: F401  (the fixtures)

SPRING = {"first": "2026-03", "last": "2026-06"}


@pytest.fixture
def clock(monkeypatch):
    """The page's clock (timezone.localdate() reads timezone.now()), set once the data is built."""
    def _set(day: dt.date):
        moment = at(day)
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return _set


def _row(html: str, testid: str, agency, month: str | None = None) -> str:
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    marker = f'data-agency="{agency.pk}"' + (f' data-month="{month}"' if month else "")
    assert marker in table, marker
    return table.split(marker)[1].split("</tr>")[0]


def _cells(row: str) -> dict[str, str]:
    """{data-col: the number shown} for the row's counted cells."""
    return {col: re.sub(r"<[^>]+>", "", body).strip()
            for col, body in re.findall(r'data-col="([a-z_]+)"[^>]*>(.*?)</td>', row)}


def _links(row: str) -> dict[str, str]:
    return {col: unescape(href) for col, href in re.findall(r'data-col="([a-z_]+)"[^>]*><a href="([^"]+)"', row)}


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(unescape(url))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- instruments ----------------------------------------------------------------------------------------------

def test_the_console_counts_instruments_per_agency_and_month(cast, others, client, instrument_world, clock):
    clock(TODAY)
    client.force_login(cast.supervisor_x)
    html = client.get(reverse("oversight:console"), SPRING).content.decode()
    expected = {"2026-03": ("1", "0", "0", "0", "0"), "2026-05": ("3", "3", "2", "2", "0"),
                "2026-06": ("1", "1", "1", "0", "1")}
    for month, numbers in expected.items():
        row = _row(html, "monthly", others.justice_x, month)
        cells = _cells(row)
        assert tuple(cells[c] for c in ("issued", "replied", "replied_on_time", "adopted", "partly")) == numbers
        # the drill-down: the instrument list filtered to the agency and the month of issue
        [link] = set(_links(row).values())
        assert link == reverse("oversight:instrument_list") + f"?agency={others.justice_x.pk}&issued={month}"
        listing = client.get(link).content.decode()
        serials = set(re.findall(r'data-state="[a-z_]+">\s*<td><a href="[^"]+">([A-Z]+-[0-9-]+)</a>', listing))
        assert len(serials) == int(numbers[0])
    assert others.police_y.name not in html and instrument_world["elsewhere"].serial not in html


def test_supervisor_y_sees_only_ys_instruments(cast, others, client, instrument_world, clock):
    clock(TODAY)
    client.force_login(cast.supervisor_y)
    html = client.get(reverse("oversight:console"), SPRING).content.decode()
    assert others.justice_x.name not in html
    cells = _cells(_row(html, "monthly", others.police_y, "2026-05"))
    assert [cells[c] for c in ("issued", "replied", "replied_on_time", "adopted", "partly")] == ["1", "1", "1", "1", "0"]
    rows = _csv(client, reverse("oversight:console_export") + "?first=2026-03&last=2026-06&format=csv&table=1")
    assert [r[0] for r in rows[1:]] == [others.police_y.name]


def test_the_monthly_export_holds_the_instrument_columns(cast, others, client, instrument_world, clock):
    clock(TODAY)
    client.force_login(cast.supervisor_x)
    rows = _csv(client, reverse("oversight:console_export") + "?first=2026-03&last=2026-06&format=csv&table=1")
    header, body = rows[0], rows[1:]
    assert len(header) == 15
    may = [r for r in body if r[0] == others.justice_x.name and r[2] == "2026-05"]
    assert may and may[0][10:] == ["3", "3", "2", "2", "0"]


# --- the seal matrix per holding agency -------------------------------------------------------------------------

@pytest.fixture
def matrix_world(cast, others, world):
    """world, and one of the procuratorate's notices received five days after sending (late)."""
    from accounts.factories import UserFactory
    from accounts.roles import CLERK
    from sealing import notices

    proc_clerk = UserFactory(username="proc_clerk_x", agency=cast.procuratorate_x, roles=[CLERK])
    first = world[0].sealing_file.notices.get(to_agency=cast.procuratorate_x)
    notices.acknowledge_notice(first, user=proc_clerk, now=at(TODAY + dt.timedelta(days=5)))
    return world


def test_the_console_shows_the_seal_matrix_per_holding_agency(cast, others, client, matrix_world, clock):
    _on_time, _late, still_open = matrix_world
    clock(still_open.deadline + dt.timedelta(days=1))
    client.force_login(cast.supervisor_x)
    html = client.get(reverse("oversight:console"), {"first": "2026-06", "last": "2026-06"}).content.decode()
    police = _row(html, "notice-matrix", others.police_x)
    assert _cells(police) == {"sent": "3", "received": "3", "received_late": "0", "not_received": "0",
                              "sealed": "2", "copies_sealed": "0", "overdue": "1"}
    overdue = urlsplit(_links(police)["overdue"])
    assert overdue.path == reverse("oversight:finding_list")
    assert parse_qs(overdue.query) == {"state": ["open"], "rule": ["S-UNSEALED"], "agency": [str(others.police_x.pk)]}
    proc = _row(html, "notice-matrix", cast.procuratorate_x)
    assert _cells(proc) == {"sent": "3", "received": "1", "received_late": "1", "not_received": "2",
                            "sealed": "0", "copies_sealed": "0", "overdue": "0"}
    assert parse_qs(urlsplit(_links(proc)["not_received"]).query)["rule"] == ["S-UNDELIVERED"]
    # the overdue notice links its case number to the file page, where the file's own matrix is
    overdue_list = html.split('data-testid="overdue"')[1].split("</table>")[0]
    assert reverse("sealing:file_detail", args=[still_open.sealing_file_id]) in overdue_list
    assert "少年2" not in html  # case numbers, never names
    assert '<html lang="zh-hans">' in html  # Chinese by default (the new words come with the lead's translations)


def test_y_sees_no_notice_of_x_in_the_matrix(cast, others, client, matrix_world, clock):
    clock(TODAY + dt.timedelta(days=10))
    client.force_login(cast.supervisor_y)
    html = client.get(reverse("oversight:console"), {"first": "2026-06", "last": "2026-06"}).content.decode()
    table = html.split('data-testid="notice-matrix"')[1].split("</table>")[0]
    assert "data-agency=" not in table
    assert others.police_x.name not in html


def test_every_csv_link_opens_its_own_table_and_the_xlsx_holds_them_all(cast, others, client, matrix_world, clock):
    _on_time, _late, still_open = matrix_world
    clock(still_open.deadline + dt.timedelta(days=1))
    client.force_login(cast.supervisor_x)
    params = {"first": "2026-06", "last": "2026-06", "agency": others.police_x.pk}
    html = client.get(reverse("oversight:console"), params).content.decode()
    book = load_workbook(io.BytesIO(client.get(reverse("oversight:console_export"),
                                               {**params, "format": "xlsx"}).content))
    assert len(book.worksheets) == len(TABLES) == 6
    for index, key in enumerate(TABLES):
        href = html.split(f'data-testid="csv-{key}"')[0].rsplit('href="', 1)[1].split('"')[0]
        query = parse_qs(urlsplit(unescape(href)).query)
        assert query["table"] == [str(index + 1)] and query["agency"] == [str(others.police_x.pk)], key
        rows = _csv(client, href)
        sheet = [[("" if c.value is None else str(c.value)) for c in r] for r in book.worksheets[index].iter_rows()]
        assert rows[0] == sheet[0], key  # the same header: the link and the sheet are the same table
    notices = _csv(client, reverse("oversight:console_export") + "?first=2026-06&last=2026-06&format=csv&table=6")
    assert len(notices[0]) == 9
    assert sorted(notices[1:]) == sorted([
        [others.police_x.name, others.police_x.region.name, "3", "3", "0", "0", "2", "0", "1"],
        [cast.procuratorate_x.name, cast.procuratorate_x.region.name, "3", "1", "1", "2", "0", "0", "0"]])
    sheet = [[c.value for c in r] for r in book.worksheets[5].iter_rows()]
    assert sheet[1] == [others.police_x.name, others.police_x.region.name, 3, 3, 0, 0, 2, 0, 1]


# --- the query count ---------------------------------------------------------------------------------------

def _more_agencies(cast, n: int, file, start: int):
    """n police stations in region X, each with an issued recommendation answered in May and a notice sent on
    TODAY (written directly: only the counts matter here)."""
    for i in range(start, start + n):
        agency = AgencyFactory(name=f"越秀区第{i}派出所", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
        _issue(cast.supervisor_x, agency, dt.date(2026, 5, 4))
        SealingNotice.objects.create(serial=f"TEST-{i}", sealing_file=file, from_agency=cast.agency_a,
                                     to_agency=agency, sent_on=TODAY, sent_at=at(TODAY))


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("oversight:console"), SPRING)
    assert response.status_code == 200
    return len(queries)


def test_the_console_page_queries_do_not_grow_with_the_agencies(cast, others, client, matrix_world, clock):
    clock(TODAY + dt.timedelta(days=10))
    client.force_login(cast.supervisor_x)
    file = matrix_world[0].sealing_file
    _more_agencies(cast, 1, file, start=1)
    few = _page_queries(client)
    _more_agencies(cast, 6, file, start=2)
    html = client.get(reverse("oversight:console"), SPRING).content.decode()
    assert html.split('data-testid="notice-matrix"')[1].split("</table>")[0].count("data-agency=") == 2 + 7
    assert _page_queries(client) == few, "a query per agency crept in"
