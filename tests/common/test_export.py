"""Exported tables: a cell that a spreadsheet would run as a formula is written as text."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from common.export import csv_bytes, neutralise, xlsx_bytes

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_formula_start_is_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value,expected", [("越秀区公安分局", "越秀区公安分局"), ("a=b", "a=b"), (None, ""),
                                            (3, 3), (-2, -2), (1.5, 1.5), (dt.date(2026, 6, 1), dt.date(2026, 6, 1))])
def test_other_values_are_kept(value, expected):
    assert neutralise(value) == expected


def test_csv_cells_are_neutralised_and_numbers_kept():
    data = csv_bytes(["机关", "=cmd"], [[DANGEROUS[0], 4], ["越秀区", -1], [dt.date(2026, 6, 1), None]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["机关", "'=cmd"], ["'" + DANGEROUS[0], "4"], ["越秀区", "-1"], ["2026-06-01", ""]]


def test_xlsx_cells_are_text_not_formulas():
    data = xlsx_bytes([("月度", ["机关", "数"], [["=1+1", 2], ["@x", -3], ["正常", 0]])])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "月度"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values == [["机关", "数"], ["'=1+1", 2], ["'@x", -3], ["正常", 0]]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
