"""In the browser: a clerk downloads the import template, fills in 50 rows with three mistakes, uploads the file,
reads the three errors in the check (row, column, message), corrects them, uploads the file again, confirms the
import, reads the report by sealing status and finds the cases in the case list with their status."""
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from accounts.factories import DEMO_PASSWORD
from sealing import spreadsheet, views_imports
from sealing.identity import make_id_number
from sealing.models import Case, FileStatus, ImportJob
from tests.cast import TODAY

pytestmark = pytest.mark.browser

OPEN, SEALED = range(1, 31), range(31, 51)  # rows 1–30 robbery (not eligible), 31–50 drunk driving, fined
BAD_CHARGE, BAD_DATE, NO_NAME = 10, 20, 40  # the data rows with a mistake; in the sheet one row lower


def _number(n: int) -> str:
    return f"（2024）粤0104刑初{700 + n}号"


def _values(n: int) -> dict:
    labels = {key: dict(spreadsheet.choice_labels(key)) for key in ("disposition", "sentence_kind", "record_kind")}
    values = {
        "case_number": _number(n), "offense_date": "2024-03-01", "name": f"测试{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}",
        "id_number": make_id_number("440104", dt.date(1990, 1, 1) + dt.timedelta(days=n), n),
        "disposition": labels["disposition"]["sentenced"], "judgment_effective_date": "2024-09-01", "plea": "是",
        "record_kind": labels["record_kind"]["judgment"], "record_title": "刑事判决书", "record_number": _number(n),
    }
    if n in OPEN:  # four years for robbery, being served: not eligible, the case stays in the list
        values.update(charges="抢劫罪", sentence_kind=labels["sentence_kind"]["fixed_term"], sentence_months=48)
    else:  # fined for drunk driving in 2024: sealed by 2026-06-01, hidden from the list
        values.update(charges="危险驾驶罪", sentence_kind=labels["sentence_kind"]["fine_only"])
    return values


def _fill(template: bytes, *, mistakes: bool) -> bytes:
    """The template's data sheet with its example row replaced by the 50 rows (the template's own columns)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book[spreadsheet.DATA_SHEET]
    columns = {cell.value: cell.column for cell in sheet[1]}
    sheet.delete_rows(2)
    for n in range(1, 51):
        values = _values(n)
        if mistakes and n == BAD_CHARGE:
            values["charges"] = "偷懒罪"
        if mistakes and n == BAD_DATE:
            values["offense_date"] = "2024-02-30"
        if mistakes and n == NO_NAME:
            values["name"] = ""
        for column in spreadsheet.COLUMNS:
            sheet.cell(row=n + 1, column=columns[column.header], value=values.get(column.key))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page, name: str, content: bytes):
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": spreadsheet.content_type("xlsx"),
                                                     "buffer": content}])
    page.click("[data-testid=import-check]")
    page.wait_for_selector("[data-testid=import-counts]")


def test_a_clerk_imports_50_rows_after_correcting_three(page, log_in, cast, transactional_db, monkeypatch, tmp_path):
    monkeypatch.setattr(views_imports, "_today", lambda: TODAY)  # the server thread evaluates as of the fixed day
    log_in("clerk_a", DEMO_PASSWORD)
    page.click("nav >> text=案件")
    page.click("[data-testid=import-cases]")
    with page.expect_download() as download:
        page.click("[data-testid=import-template]")
    template = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename.endswith(".xlsx")

    _upload(page, "案件导入.xlsx", _fill(template, mistakes=True))
    counts = {cell.get_attribute("data-count"): cell.inner_text() for cell in page.query_selector_all("[data-count]")}
    assert counts == {"total": "50", "create": "47", "update": "0", "unchanged": "0", "error": "3"}
    errors = {}
    for line in page.query_selector_all("[data-testid=import-errors] tbody tr"):
        row, column, message = (cell.inner_text() for cell in line.query_selector_all("td"))
        errors[int(row)] = (column, message)
    assert set(errors) == {BAD_CHARGE + 1, BAD_DATE + 1, NO_NAME + 1}
    assert errors[BAD_CHARGE + 1][0] == "罪名" and "偷懒罪" in errors[BAD_CHARGE + 1][1]
    assert errors[BAD_DATE + 1][0] == "末次行为日期" and errors[BAD_DATE + 1][1]
    assert errors[NO_NAME + 1][0] == "姓名" and errors[NO_NAME + 1][1]
    assert page.is_disabled("[data-testid=import-whole]")  # a file with errors is not imported whole
    assert not Case.objects.exists()

    page.click("[data-testid=all-imports]")  # back to the upload form
    _upload(page, "案件导入-更正.xlsx", _fill(template, mistakes=False))
    assert page.inner_text("[data-count=create]") == "50" and page.inner_text("[data-count=error]") == "0"
    assert not page.query_selector("[data-testid=import-errors]")
    page.click("[data-testid=import-whole]")
    assert "50" in page.inner_text("[data-testid=import-confirmation]")
    assert not Case.objects.exists()  # nothing before the confirmation
    page.click("[data-testid=import-confirm]")

    page.wait_for_selector("[data-testid=import-summary]")
    assert page.inner_text("[data-count=created]") == "50"
    statuses = {cell.get_attribute("data-status"): cell.inner_text()
                for cell in page.query_selector_all("[data-testid=import-statuses] [data-status]")}
    assert statuses[FileStatus.NOT_ELIGIBLE] == "30" and statuses[FileStatus.SEALED] == "20"
    assert sum(int(v) for v in statuses.values()) == 50
    assert list(ImportJob.objects.order_by("pk").values_list("state", flat=True)) == ["planned", "done"]

    page.click("[data-testid=import-cases]")  # the case list
    page.fill("input[name=case_number]", "粤0104刑初70")  # cases 701–709
    page.click("main form button[type=submit]")
    # the list shows the newest first, 25 a page: case 701 appears once the search has been answered
    page.wait_for_function("() => document.querySelector('#case-rows').innerText.includes('刑初701号')")
    listing = page.inner_text("#case-rows")
    assert all(_number(n) in listing for n in range(1, 10)) and _number(10) not in listing
    assert _values(1)["name"] in listing
    with page.expect_download() as export:  # the export keeps the search just made (keep-query.js)
        page.click("[data-testid=export-csv]")
    exported = Path(export.value.path()).read_text(encoding="utf-8-sig")
    assert all(_number(n) in exported for n in range(1, 10)) and _number(10) not in exported
    page.click(f"text={_number(3)}")
    assert "不符合封存条件" in page.inner_text("[data-testid=file-status]")
    # the sealed ones are not listed (a sealed record is indistinguishable from none), the report counted them
    page.goto("/cases/?case_number=" + _number(31))
    assert _number(31) not in page.inner_text("#case-rows")
    assert Case.objects.count() == 50


def test_a_large_file_is_followed_by_its_progress_bar(page, log_in, cast, transactional_db, monkeypatch, settings):
    """A file over the inline limit goes to the task queue; the worker is played by this test (as in the sweep's
    browser test), and the page, polling every second, follows it: 0 %, the check, the import at 40 %, the report."""
    from sealing import imports_jobs

    settings.FENGCUN_IMPORT_INLINE_MAX_BYTES = 100  # every file is "large"
    monkeypatch.setattr(views_imports, "_today", lambda: TODAY)
    handed_over = []
    monkeypatch.setattr(imports_jobs, "dispatch", lambda job, as_of: handed_over.append(job.pk))
    template = spreadsheet.template_xlsx()
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/cases/import/")
    page.set_input_files("input[name=file]", files=[{"name": "大文件.xlsx", "mimeType": spreadsheet.content_type("xlsx"),
                                                     "buffer": _fill(template, mistakes=False)}])
    page.click("[data-testid=import-check]")
    page.wait_for_selector("[data-testid=progress]")
    job = ImportJob.objects.get()
    assert handed_over == [job.pk] and page.get_attribute("[data-testid=progress]", "aria-valuenow") == "0"

    imports_jobs.process_job(job.pk)  # the worker checks the file: the page reloads with the check
    page.wait_for_selector("[data-testid=import-counts]")
    assert page.inner_text("[data-count=create]") == "50"
    page.click("[data-testid=import-whole]")
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("[data-testid=progress]")
    assert handed_over == [job.pk, job.pk] and not Case.objects.exists()

    ImportJob.objects.filter(pk=job.pk).update(progress_done=20, progress_total=50)  # the worker, midway
    page.wait_for_function("() => document.querySelector('[data-testid=progress]')"
                           "?.getAttribute('aria-valuenow') === '40'")
    imports_jobs.process_job(job.pk)  # the worker imports the rest
    page.wait_for_selector("[data-testid=import-summary]")
    assert page.inner_text("[data-count=created]") == "50" and Case.objects.count() == 50
