"""The import pages: upload → the dry run's preview → the choice → the confirmation → the report; the rows with
errors offered back as a file; large files by the task queue; who may import and see an import; the export of
the filtered case list."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry, AuditKind
from sealing import spreadsheet, views_imports
from sealing.identity import make_id_number
from sealing.models import Case, FileStatus, ImportJob
from tests.cast import TODAY, enter_case

UPLOAD = reverse("sealing:import_upload")


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch):
    monkeypatch.setattr(views_imports, "_today", lambda: TODAY)


def row(n: int, **overrides) -> list:
    """A valid row: an adult fined for drunk driving in 2024 (sealed as of TODAY, the observation over)."""
    labels = {key: dict(spreadsheet.choice_labels(key)) for key in ("disposition", "sentence_kind", "record_kind")}
    values = {
        "case_number": f"（2024）粤0104刑初{900 + n}号", "offense_date": dt.date(2024, 3, 1),
        "name": f"王{'一二三四五六七八九十'[n % 10]}{n}", "id_number": make_id_number("440104", dt.date(1990, 1, 1), n),
        "charges": "危险驾驶罪", "disposition": labels["disposition"]["sentenced"],
        "sentence_kind": labels["sentence_kind"]["fine_only"], "judgment_effective_date": dt.date(2024, 9, 1),
        "plea": "是", "record_kind": labels["record_kind"]["judgment"], "record_title": "刑事判决书",
        "record_number": f"（2024）粤0104刑初{900 + n}号",
    }
    values.update(overrides)
    return [values.get(c.key) for c in spreadsheet.COLUMNS]


def xlsx(rows) -> io.BytesIO:
    data = io.BytesIO(spreadsheet.table_bytes(rows, "xlsx"))
    data.name = "cases.xlsx"
    return data


def upload(client, rows, name="cases.xlsx"):
    data = xlsx(rows)
    data.name = name
    return client.post(UPLOAD, {"file": data})


def test_a_clerk_checks_a_file_confirms_it_and_reads_the_report(cast, login):
    client = login(cast.clerk_a)
    assert client.get(UPLOAD).status_code == 200

    response = upload(client, [row(1), row(2), row(3)])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sealing:import_detail", args=[job.pk])
    assert (job.state, job.counts["create"], job.counts["error"], job.total_rows) == ("planned", 3, 0, 3)
    assert not Case.objects.exists()  # the dry run writes no case
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-creates"' in page and "（2024）粤0104刑初901号" in page
    assert 'data-testid="import-whole"' in page and 'data-testid="import-valid"' not in page  # no errors

    confirm = reverse("sealing:import_confirm", args=[job.pk])
    step = client.post(confirm, {"mode": "whole"})
    assert step.status_code == 200 and 'data-testid="import-confirmation"' in step.content.decode()
    assert not Case.objects.exists()  # nothing before the second step
    done = client.post(confirm, {"mode": "whole", "confirm": "1"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.state == "done" and job.mode == "whole"
    assert Case.objects.filter(agency=cast.agency_a).count() == 3
    assert job.summary["created"] == 3
    assert job.summary["statuses"] == {FileStatus.SEALED: 3}
    report = client.get(done["Location"]).content.decode()
    hidden = reverse("sealing:work_queue") + "?tab=hidden"  # sealed cases are not in the case list
    assert f'data-status="{FileStatus.SEALED}"><a href="{hidden}">3</a>' in report
    assert "?tab=facts" in report  # the missing-facts queue

    again = client.post(confirm, {"mode": "whole", "confirm": "1"})  # a double click imports nothing twice
    assert again.status_code == 302 and Case.objects.count() == 3


def test_a_file_with_errors_names_them_and_imports_only_the_valid_rows_when_asked(cast, login):
    client = login(cast.clerk_a)
    rows = [row(1), row(2, charges="不存在的罪名"), row(3, offense_date="2024-13-45"), row(4)]
    upload(client, rows)
    job = ImportJob.objects.get()
    assert job.counts["error"] == 2 and job.counts["create"] == 2
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "罪名"), (4, "末次行为日期")}
    assert all(set(e) == {"row", "column", "message"} for e in job.errors)  # no cell value is kept
    page = client.get(reverse("sealing:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-errors"' in page and 'data-row="3"' in page and 'data-row="4"' in page
    assert 'data-testid="import-whole" disabled' in page

    confirm = reverse("sealing:import_confirm", args=[job.pk])
    refused = client.post(confirm, {"mode": "whole", "confirm": "1"})
    assert refused.status_code == 302 and not Case.objects.exists()
    job.refresh_from_db()
    assert job.state == "planned"

    errors = client.get(reverse("sealing:import_errors", args=[job.pk]))
    assert errors.status_code == 200 and errors["Content-Type"] == spreadsheet.content_type("xlsx")
    sheet = load_workbook(io.BytesIO(errors.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][-1] == spreadsheet.ERROR_HEADER and len(table) == 3  # the header and the two rows

    client.post(confirm, {"mode": "valid_only", "confirm": "1"})
    job.refresh_from_db()
    assert job.state == "done" and job.mode == "valid_only"
    assert sorted(Case.objects.values_list("case_number", flat=True)) == ["（2024）粤0104刑初901号", "（2024）粤0104刑初904号"]
    assert len(job.summary["errors"]) == 2
    after = client.get(reverse("sealing:import_errors", args=[job.pk]))  # still offered once imported
    assert len(list(load_workbook(io.BytesIO(after.content)).active.iter_rows())) == 3


@pytest.mark.parametrize("name, content", [
    ("cases.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel"),
    ("cases.csv", "姓名,案号\n张三,（2024）1号\n".encode()),  # required columns missing
    ("cases.csv", b""),
])
def test_a_file_that_cannot_be_read_shows_why_and_writes_nothing(cast, login, name, content):
    client = login(cast.clerk_a)
    data = io.BytesIO(content)
    data.name = name
    response = client.post(UPLOAD, {"file": data})
    assert response.status_code == 400
    assert 'class="invalid-feedback' in response.content.decode() or "invalid" in response.content.decode()
    assert not ImportJob.objects.exists() and not Case.objects.exists()


def test_the_problem_of_the_file_is_shown_in_the_clerks_language(cast, login):
    from django.utils import translation

    data = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel")
    data.name = "cases.xls"
    page = login(cast.clerk_a).post(UPLOAD, {"file": data}).content.decode()
    try:
        spreadsheet.read_table(data.getvalue(), "cases.xls")
    except spreadsheet.FileProblem as problem:
        with translation.override("zh-hans"):  # the default language of the application
            expected = str(problem.message)
    assert expected and expected in page


def test_a_file_over_the_limit_is_refused_before_it_is_read(cast, login, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(login(cast.clerk_a), [row(n) for n in range(1, 40)])
    assert response.status_code == 400 and not ImportJob.objects.exists()


def test_a_large_file_is_checked_and_imported_by_the_task_queue(cast, login, settings,
                                                                django_capture_on_commit_callbacks):
    settings.FENGCUN_IMPORT_INLINE_MAX_BYTES = 100  # every file is "large"
    client = login(cast.clerk_a)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = upload(client, [row(1), row(2)])
    assert len(sent) == 1
    job = ImportJob.objects.get()
    assert job.background and job.state == "planned" and job.counts["create"] == 2  # the eager task checked it
    progress = client.get(reverse("sealing:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"  # checked: the full page shows the preview
    confirm = reverse("sealing:import_confirm", args=[job.pk])
    assert "background" in client.post(confirm, {"mode": "whole"}).context
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"mode": "whole", "confirm": "1"})
    job.refresh_from_db()
    assert job.state == "done" and Case.objects.count() == 2 and job.progress_done == 2
    assert response["Location"].endswith(f"/import/{job.pk}/")


def test_the_progress_bar_polls_while_the_task_runs(cast, login, settings):
    settings.FENGCUN_IMPORT_INLINE_MAX_BYTES = 100
    client = login(cast.clerk_a)
    upload(client, [row(1)])  # the task is sent only once the request commits: in this test, never
    job = ImportJob.objects.get()
    assert job.state == "uploaded"
    page = client.get(reverse("sealing:import_detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("sealing:import_progress", args=[job.pk])}"' in page and 'hx-trigger="every 1s"' in page
    partial = client.get(reverse("sealing:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial and 'aria-valuenow="0"' in partial.content.decode()


def test_another_agency_cannot_see_an_import(cast, login):
    upload(login(cast.clerk_a), [row(1)])
    job = ImportJob.objects.get()
    other = login(cast.clerk_b)
    for name in ("import_detail", "import_progress", "import_errors", "import_confirm"):
        url = reverse(f"sealing:{name}", args=[job.pk])
        assert other.get(url).status_code == 404 and other.post(url, {"mode": "whole"}).status_code == 404
    assert job.file_name not in other.get(UPLOAD).content.decode()
    own = login(cast.clerk_a)
    assert own.get(reverse("sealing:import_confirm", args=[job.pk])).status_code == 405
    assert own.post(reverse("sealing:import_detail", args=[job.pk])).status_code == 405


@pytest.mark.parametrize("who", ["reviewer_a", "supervisor_x"])
def test_only_clerks_import(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": xlsx([row(1)])}).status_code == 403
    assert client.get(reverse("sealing:import_template")).status_code == 403
    assert not ImportJob.objects.exists()


def test_the_template_downloads_with_the_columns(cast, login):
    response = login(cast.clerk_a).get(reverse("sealing:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:len(spreadsheet.HEADERS)] == spreadsheet.HEADERS


def test_the_export_takes_the_whole_filtered_list_and_is_audited(cast, login):
    enter_case(cast.clerk_a, number="（2024）粤0104刑初1号")
    enter_case(cast.clerk_a, number="（2024）粤0104刑初2号", defendants=None)
    client = login(cast.clerk_a)
    response = client.get(reverse("sealing:case_export"), {"format": "csv", "case_number": "刑初2号"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "（2024）粤0104刑初2号" in text and "（2024）粤0104刑初1号" not in text
    entry = AuditEntry.objects.filter(kind=AuditKind.EXPORT).latest("seq")
    assert entry.actor_id == cast.clerk_a.pk
    assert entry.detail == {"what": "cases", "format": "csv", "rows": 1, "filters": ["case_number"]}
    xlsx_response = client.get(reverse("sealing:case_export"), {"format": "xlsx"})
    assert load_workbook(io.BytesIO(xlsx_response.content)).active.max_row == 3  # the header and both cases


def test_the_case_list_export_links_keep_the_filters(cast, login):
    page = login(cast.clerk_a).get(reverse("sealing:case_list"), {"year": "2024"}).content.decode()
    assert f'{reverse("sealing:case_export")}?format=xlsx&amp;year=2024' in page
    assert f'{reverse("sealing:case_export")}?format=csv&amp;year=2024' in page
    assert f'href="{UPLOAD}"' in page
