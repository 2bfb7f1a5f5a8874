"""Reading an uploaded case table (sealing/spreadsheet.py): every bad file is refused with a clear message and
nothing read from it; a good file streams its rows as column key -> text."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from sealing import spreadsheet
from sealing.identity import make_id_number
from sealing.spreadsheet import COLUMNS, HEADERS, FileProblem, read_table, table_bytes, template_xlsx


def id_number(serial=21, birth=dt.date(1990, 3, 15)):
    return make_id_number("440104", birth, serial)


def row(**overrides) -> dict:
    """One defendant's row by Chinese header: an adult theft, 10 months, served (sealed once observed)."""
    values = {
        "案号": "（2024）粤0104刑初100号", "首次行为日期": "", "末次行为日期": "2024-01-10", "案情摘要": "盗窃手机一部",
        "姓名": "王五", "公民身份号码": id_number(), "出生日期": "", "罪名": "盗窃罪", "处理结果": "判处刑罚",
        "主刑": "有期徒刑", "刑期（月）": "10", "缓刑": "否", "缓刑考验期（月）": "",
        "裁判生效日期": "2024-06-01", "刑罚执行完毕日期": "2025-04-01", "认罪认罚": "是", "自首": "否",
        "服刑期间表现良好": "否", "前科次数": "0", "主要行为在18周岁前": "", "文书种类": "刑事判决书",
        "文书名称": "刑事判决书", "文书编号": "（2024）粤0104刑初100号",
    }
    values.update(overrides)
    return values


def csv_file(rows, headers=None, encoding="utf-8-sig") -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_file(rows, headers=None, raw=None) -> bytes:
    headers = headers or HEADERS
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    if raw:
        for address, value in raw.items():
            sheet[address] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problem(data, name="cases.csv") -> FileProblem:
    with pytest.raises(FileProblem) as info:
        read_table(data, name)
    return info.value


# --- good files -----------------------------------------------------------------------------------------

def test_a_utf8_csv_streams_its_rows_by_column_key():
    table = read_table(csv_file([row(), row(姓名="赵六", 公民身份号码=id_number(22))]), "cases.csv")
    rows = list(table)
    assert table.kind == "csv"
    assert [number for number, _values in rows] == [2, 3]
    assert rows[1][1]["name"] == "赵六" and rows[0][1]["case_number"] == "（2024）粤0104刑初100号"


def test_a_gb18030_csv_is_read_as_such_with_its_chinese_names():
    data = csv_file([row(姓名="欧阳锋", 罪名="盗窃罪")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    (_number, values), = list(read_table(data, "导出.csv"))
    assert values["name"] == "欧阳锋" and values["charges"] == "盗窃罪" and values["disposition"] == "判处刑罚"


def test_an_xlsx_reads_real_date_cells_and_numbers_as_text():
    data = xlsx_file([row()], raw={"C2": dt.datetime(2024, 1, 10), "K2": 10, "F2": id_number()})
    table = read_table(data, "cases.xlsx")
    (_number, values), = list(table)
    assert table.kind == "xlsx"
    assert values["offense_date"] == "2024-01-10" and values["sentence_months"] == "10"
    assert values["id_number"] == id_number()


def test_english_labels_and_starred_headers_are_accepted():
    headers = [c.english if i % 2 else c.header + "*" for i, c in enumerate(COLUMNS)]
    values = row()
    data = csv_file([{h: values[c.header] for h, c in zip(headers, COLUMNS)}], headers=headers)
    (_number, read), = list(read_table(data, "cases.csv"))
    assert read["name"] == "王五" and read["case_number"] == "（2024）粤0104刑初100号"


def test_blank_rows_are_skipped():
    data = csv_file([row(), {}, row(姓名="赵六", 公民身份号码=id_number(22))])
    assert [n for n, _v in read_table(data, "cases.csv")] == [2, 4]


def test_the_apostrophe_of_a_neutralised_cell_is_taken_off_again():
    data = table_bytes([[("-减刑" if c.key == "summary" else "") for c in COLUMNS]], "csv")
    assert "'-减刑" in data.decode("utf-8-sig")
    data_xlsx = table_bytes([[("=1+1" if c.key == "summary" else "x") for c in COLUMNS]], "xlsx")
    (_n, values), = list(read_table(data_xlsx, "export.xlsx"))
    assert values["summary"] == "=1+1"


# --- bad files: each refused with its message ------------------------------------------------------------------

def test_a_wrong_file_type_is_refused():
    assert problem(b"%PDF-1.4 ...", "cases.pdf").code == "type"
    assert problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cases.xls").code == "xls"


def test_a_text_file_renamed_xlsx_is_refused():
    refused = problem(csv_file([row()]), "cases.xlsx")
    assert refused.code == "not_xlsx"
    assert "xlsx" in str(refused.message)


def test_a_workbook_named_csv_is_refused():
    assert problem(xlsx_file([row()]), "cases.csv").code == "type"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_an_empty_file_is_refused(data):
    assert problem(data).code == "empty"


def test_a_header_without_rows_is_refused():
    assert problem(csv_file([])).code == "empty"
    assert problem(xlsx_file([]), "cases.xlsx").code == "empty"


def test_a_missing_required_column_is_named():
    headers = [h for h in HEADERS if h != "罪名"]
    refused = problem(csv_file([row()], headers=headers))
    assert refused.code == "missing_column" and "罪名" in str(refused.message)


def test_a_column_given_twice_is_refused():
    refused = problem(csv_file([row()], headers=HEADERS + ["姓名"]))
    assert refused.code == "duplicate_column"


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused():
    assert spreadsheet.MAX_BYTES == 1000
    data = csv_file([row(姓名=f"王{i}") for i in range(20)])
    assert len(data) > 1000
    refused = problem(data)
    assert refused.code == "too_large"


def test_the_size_limit_defaults_to_20_megabytes():
    assert spreadsheet.MAX_BYTES == 20 * 1024 * 1024


def test_a_formula_in_an_xlsx_cell_is_refused_naming_the_cell():
    refused = problem(xlsx_file([row(), row()], raw={"E3": "=A2&B2"}), "cases.xlsx")
    assert refused.code == "formula" and "E3" in str(refused.message)


def test_a_formula_in_a_csv_cell_is_refused_naming_the_cell():
    refused = problem(csv_file([row(案情摘要="=HYPERLINK(\"http://x\")")]))
    assert refused.code == "formula" and "D2" in str(refused.message)


def test_a_csv_in_neither_utf8_nor_gb18030_is_refused():
    assert problem(b"\x81\x30\xff\xff,\xff\xfe\n1,2\n").code == "encoding"


# --- writing ------------------------------------------------------------------------------------------

def test_table_bytes_neutralises_formula_like_text_in_both_formats():
    cells = ["=cmd|' /C calc'!A0", "+1", "@SUM(1)", "-2"] + [""] * (len(COLUMNS) - 4)
    text = table_bytes([cells], "csv").decode("utf-8-sig")
    assert "'=cmd" in text and "'+1" in text and "'@SUM" in text and "'-2" in text
    sheet = load_workbook(io.BytesIO(table_bytes([cells], "xlsx"))).worksheets[0]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["A2"].data_type == "s"


def test_the_template_has_headers_an_example_drop_downs_and_the_catalogue(db):
    from sealing.catalogue import load_charges
    from sealing.models import Charge

    if not Charge.objects.exists():
        load_charges(Charge, Charge.history.model)
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    example = {h: c.value for h, c in zip(HEADERS, sheet[2])}
    assert example["处理结果"] == "判处刑罚" and example["罪名"] == "盗窃罪"
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    letters = {c.header: spreadsheet._column_letter(i) for i, c in enumerate(COLUMNS)}
    for header in ("处理结果", "主刑", "缓刑", "认罪认罚", "主要行为在18周岁前", "文书种类"):
        assert f"{letters[header]}2" in validated, header
    assert book["选项"].sheet_state == "hidden"
    names = [r[0] for r in book["罪名目录"].iter_rows(min_row=2, values_only=True)]
    assert "盗窃罪" in names and len(names) == Charge.objects.count()
    # the example row is a valid import row
    (_n, values), = list(read_table(template_xlsx(), "template.xlsx"))
    assert values["disposition"] == "判处刑罚" and values["offense_date"] == "2024-01-10"


def _renamed_sheet_tags(data: bytes, old: bytes, new: bytes) -> bytes:
    """The workbook with ``old`` replaced by ``new`` in its first sheet's XML (a writer that uses a namespace
    prefix, say)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(old, new)
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_is_read_cell_by_cell_only_when_it_may_hold_a_formula():
    from sealing.spreadsheet import _may_hold_formulas

    assert not _may_hold_formulas(xlsx_file([row(), row()]), "xlsx")
    assert _may_hold_formulas(xlsx_file([row()], raw={"E2": "=A2&B2"}), "xlsx")  # <f>
    assert not _may_hold_formulas(csv_file([row()]), "csv")
    assert _may_hold_formulas(csv_file([row(案情摘要="=1+1")]), "csv")
    # a namespace prefix on the formula's tag is still a formula, refused naming its cell
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    prefixed = xlsx_file([row()], raw={"E2": "=A2&B2"})
    for old, new in ((b"<f>", b"<x:f>"), (b"</f>", b"</x:f>"), (main, main + b" " + main.replace(b"xmlns", b"xmlns:x"))):
        prefixed = _renamed_sheet_tags(prefixed, old, new)
    assert _may_hold_formulas(prefixed, "xlsx")
    refused = problem(prefixed, "cases.xlsx")
    assert refused.code == "formula" and "E2" in str(refused.message)
    # a text starting with "=" kept as an inline string (not a formula to Excel) is read cell by cell too
    inline = _renamed_sheet_tags(xlsx_file([row()]), b'<c r="D2" t="inlineStr"><is><t>', b'<c r="D2" t="inlineStr"><is><t>=')
    assert _may_hold_formulas(inline, "xlsx")
    refused = problem(inline, "cases.xlsx")
    assert refused.code == "formula" and "D2" in str(refused.message)


def test_a_formula_in_a_later_row_of_an_xlsx_is_refused_naming_the_cell():
    data = xlsx_file([row(), row(案情摘要="=1+1")])
    from sealing.spreadsheet import _may_hold_formulas

    assert _may_hold_formulas(data, "xlsx")
    refused = problem(data, "cases.xlsx")
    assert refused.code == "formula" and "D3" in str(refused.message)


def test_a_workbook_whose_sheet_is_damaged_is_refused_not_a_server_error():
    damaged = _renamed_sheet_tags(xlsx_file([row()]), b"<sheetData>", b"<sheetData><x:f>")
    assert problem(damaged, "cases.xlsx").code == "not_xlsx"


def test_a_written_workbook_states_its_size_so_that_it_is_read_once():
    cells = [["（2024）粤0104刑初1号"] + [""] * (len(COLUMNS) - 1)] * 3
    data = table_bytes(cells, "xlsx", extra_headers=["错误"])
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    last = chr(ord("A") + len(COLUMNS))  # the template's columns and the error column
    assert f'<dimension ref="A1:{last}4"/>'.encode() in sheet_xml
    assert sheet_xml.index(b"<dimension") < sheet_xml.index(b"<sheetData")
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert (sheet.max_row, sheet.max_column) == (4, len(COLUMNS) + 1)
    assert read_table(data, "cases.xlsx").total_rows == 3
