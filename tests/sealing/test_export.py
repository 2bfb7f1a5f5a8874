"""Export of the clerk's case list in the template's columns (sealing/exports.py): through the gate, neutralised,
and export → import is a no-op."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sealing import selectors, services
from sealing.exports import export_cases
from sealing.filters import CaseFilter
from sealing.imports import apply_import, plan_import
from sealing.models import AccessLog
from sealing.spreadsheet import HEADERS, read_table
from tests.cast import TODAY, defendant_data, enter_case
from tests.sealing.test_import import history_rows
from tests.sealing.test_import_files import csv_file, id_number, row

SEALED_NAME = "慕容少年"


def three_rows() -> bytes:
    """Two cases of three adults sentenced to four years for robbery: not eligible, so listed and exported."""
    robbery = {"罪名": "抢劫罪", "刑期（月）": "48", "刑罚执行完毕日期": ""}
    return csv_file([
        row(**robbery),
        row(姓名="赵六", 公民身份号码=id_number(22), 文书名称="", **robbery),
        row(案号="（2024）粤0104刑初200号", 姓名="钱七", 公民身份号码=id_number(23, dt.date(1985, 7, 1)),
            文书编号="（2024）粤0104刑初200号", **robbery),
    ])


def export(user, fmt="csv", **filters) -> bytes:
    queryset = CaseFilter(filters, queryset=selectors.listed_cases(user)).qs
    return export_cases(queryset, user=user, fmt=fmt, today=TODAY)


def names(data: bytes, name="x.csv") -> list[str]:
    return [values["name"] for _n, values in read_table(data, name)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing_and_writes_no_history(cast, fmt):
    apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    enter_case(cast.clerk_a, number="（2024）粤0104刑初9号")  # entered by hand, with a summary of its own
    data = export(cast.clerk_a, fmt)
    before = history_rows()
    plan = plan_import(data, f"export.{fmt}", user=cast.clerk_a, today=TODAY)
    assert plan.counts == {"create": 0, "update": 0, "unchanged": 4, "error": 0}, plan.errors
    result = apply_import(data, f"export.{fmt}", user=cast.clerk_a, today=TODAY)
    assert result["unchanged"] == 4 and history_rows() == before


def test_the_export_has_the_templates_columns_and_one_row_per_defendant(cast):
    apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    data = export(cast.clerk_a, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sorted(names(data, "x.xlsx")) == ["王五", "赵六", "钱七"]


def test_the_export_follows_the_filter_and_the_agency_scope(cast):
    apply_import(three_rows(), "cases.csv", user=cast.clerk_a, today=TODAY)
    assert names(export(cast.clerk_a, case_number="200")) == ["钱七"]
    stats = {}
    export_cases(selectors.listed_cases(cast.clerk_b), user=cast.clerk_b, fmt="csv", today=TODAY, stats=stats)
    assert stats == {"rows": 0}


def test_formula_like_text_is_neutralised_and_imports_back_unchanged(cast):
    case, _record = enter_case(cast.clerk_a)
    services.update_case(user=cast.clerk_a, case=case, today=TODAY,
                         case_data={"summary": "=HYPERLINK(\"http://evil\")"})
    data = export(cast.clerk_a)
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    assert plan_import(data, "x.csv", user=cast.clerk_a, today=TODAY).counts["unchanged"] == 1


@pytest.fixture
def sealed_with_open_codefendant(cast):
    sealed = defendant_data(name=SEALED_NAME, birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                            judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    adult = defendant_data(name="张三", serial=2)
    case, record = enter_case(cast.clerk_a, defendants=[sealed, adult])
    file = case.defendants.get(position=1).sealing_file
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    return case, record


def test_a_hidden_defendant_without_a_permit_is_left_out_entirely(cast, sealed_with_open_codefendant):
    stats = {}
    data = export_cases(selectors.listed_cases(cast.clerk_a), user=cast.clerk_a, fmt="csv", today=TODAY, stats=stats)
    text = data.decode("utf-8-sig")
    assert names(data) == ["张三"] and stats == {"rows": 1}
    assert SEALED_NAME not in text and SEALED_NAME[:1] + "*" not in text
    assert not AccessLog.objects.exists()
    # and importing that export again changes nothing
    assert plan_import(data, "x.csv", user=cast.clerk_a, today=TODAY).counts == {
        "create": 0, "update": 0, "unchanged": 1, "error": 0}


def test_a_hidden_defendant_under_a_permit_is_exported_and_the_read_logged(cast, sealed_with_open_codefendant):
    _case, record = sealed_with_open_codefendant
    services.grant_permit(record=record, user=cast.clerk_a, expires_at=timezone.now() + dt.timedelta(days=1),
                          reference="Q-1", purpose="test", granted_by=cast.supervisor_x)
    data = export(cast.clerk_a)
    assert sorted(names(data)) == sorted([SEALED_NAME, "张三"])
    assert AccessLog.objects.filter(user=cast.clerk_a, defendant__person__isnull=False).count() == 1
    assert plan_import(data, "x.csv", user=cast.clerk_a, today=TODAY).counts["unchanged"] == 2
