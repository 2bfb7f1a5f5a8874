"""The case import/export table (issue 17): its columns, reading an uploaded XLSX or CSV file, writing the
template and a table in the template's columns. No ORM writes here; the import service is sealing/imports.py.

The Chinese column headers are data (fixed whatever the UI language); the English labels and the keys are
accepted as headers too. Reading streams the rows (openpyxl read-only for XLSX), so memory stays flat.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from common.export import FORMULA_STARTS, XLSX_TYPE, csv_bytes, neutralise

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CSV_TYPE = "text/csv; charset=utf-8"
ERROR_HEADER = "错误"
DATA_SHEET = "案件"
CATALOGUE_SHEET = "罪名目录"
CHOICES_SHEET = "选项"
CHARGE_SEPARATORS = ("、", "；", ";", ",", "，")
YES, NO = "是", "否"


def __getattr__(name):
    # MAX_BYTES is read from the settings at each use, so that override_settings (and a changed setting) apply
    if name == "MAX_BYTES":
        return max_bytes()
    raise AttributeError(name)


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class Column:
    key: str
    header: str          # the fixed Chinese header
    english: str         # accepted as a header too
    kind: str = "text"   # text, date, int, bool, nullbool, choice, charges
    required: bool = False


COLUMNS: list[Column] = [
    Column("case_number", "案号", "case number", required=True),
    Column("offense_start_date", "首次行为日期", "date of the first act", "date"),
    Column("offense_date", "末次行为日期", "date of the last act", "date", required=True),
    Column("summary", "案情摘要", "notes"),
    Column("name", "姓名", "name", required=True),
    Column("id_number", "公民身份号码", "resident ID number"),
    Column("birth_date", "出生日期", "date of birth", "date"),
    Column("charges", "罪名", "charges", "charges", required=True),
    Column("disposition", "处理结果", "disposition", "choice", required=True),
    Column("sentence_kind", "主刑", "principal sentence", "choice"),
    Column("sentence_months", "刑期（月）", "months", "int"),
    Column("suspended", "缓刑", "suspended", "bool"),
    Column("probation_months", "缓刑考验期（月）", "probation months", "int"),
    Column("judgment_effective_date", "裁判生效日期", "judgment or decision effective", "date"),
    Column("sentence_completed_date", "刑罚执行完毕日期", "sentence completed", "date"),
    Column("plea", "认罪认罚", "plea of guilt and acceptance of punishment", "bool"),
    Column("surrender", "自首", "voluntary surrender", "bool"),
    Column("good_conduct", "服刑期间表现良好", "good conduct while serving", "bool"),
    Column("prior_convictions", "前科次数", "prior convictions", "int"),
    Column("main_conduct_before_18", "主要行为在18周岁前", "main criminal conduct before the 18th birthday", "nullbool"),
    Column("record_kind", "文书种类", "record kind", "choice"),
    Column("record_title", "文书名称", "record title"),
    Column("record_number", "文书编号", "document number"),
]
BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = [c.header for c in COLUMNS]


def header_of(key: str) -> str:
    return BY_KEY[key].header if key in BY_KEY else ""


def _header_key(text: str) -> str | None:
    cleaned = text.strip().rstrip("*＊").strip()
    for column in COLUMNS:
        if cleaned in (column.header, column.key) or cleaned.lower() == column.english:
            return column.key
    return None


def _format(message, params) -> str:
    return str(message) % params


_format_lazy = lazy(_format, str)


class FileProblem(Exception):
    """The whole file is refused (nothing is read from it, nothing written): ``code`` for programs, ``message``
    (lazily translated) for the user."""

    def __init__(self, code: str, message, **params):
        self.code, self.params = code, params
        # still lazy: translated, with its parameters, in the language active where it is shown
        self.message = _format_lazy(message, params) if params else message
        super().__init__(code)

    def __str__(self):
        return str(self.message)


# --- choices shown in the template and read back ----------------------------------------------------------

def choice_labels(key: str) -> list[tuple[str, str]]:
    """(value, Chinese label) of an enumerated column, in the Chinese of the template whatever the UI language."""
    from .models import Disposition, RecordKind, SentenceKind

    enum = {"disposition": Disposition, "sentence_kind": SentenceKind, "record_kind": RecordKind}[key]
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in enum.choices]


def choice_lookup(key: str) -> dict[str, str]:
    """Every accepted spelling (Chinese label, English label, value) -> value."""
    from .models import Disposition, RecordKind, SentenceKind

    enum = {"disposition": Disposition, "sentence_kind": SentenceKind, "record_kind": RecordKind}[key]
    lookup = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in enum.choices:
                lookup[str(label).strip().lower()] = value
    for value in enum.values:
        lookup[value] = value
    return lookup


# --- reading ------------------------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell's value as the text the import reads: dates as YYYY-MM-DD, whole numbers without ".0", booleans as
    是/否; the apostrophe common.export.neutralise put before a formula-like text is taken off again."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _formula(row_number: int, index: int):
    return FileProblem("formula", _("Cell %(cell)s holds a formula: enter the value itself, not a formula."),
                       cell=f"{_column_letter(index)}{row_number}")


class Table:
    """An uploaded table: ``headers`` as found, ``kind`` "xlsx" or "csv"; iterating gives (row number in the
    spreadsheet, {column key: cell text}) for every non-empty row, streamed."""

    def __init__(self, data: bytes, kind: str, *, encoding: str = "utf-8"):
        self.data, self.kind, self.encoding = data, kind, encoding
        self.headers: list[str] = []
        self.keys: list[str | None] = []
        self.total_rows: int | None = None  # an estimate for progress bars, None when unknown
        rows = self.raw_rows()
        first = next(rows, None)
        if first is None:
            raise FileProblem("empty", _("The file is empty."))
        _number, self.headers = first
        self._read_headers()
        if next(rows, None) is None:
            raise FileProblem("empty", _("The file has a header row but no data rows."))

    def _read_headers(self) -> None:
        seen = {}
        for index, header in enumerate(self.headers):
            key = _header_key(header) if header != ERROR_HEADER else None
            if key is not None and key in seen:
                raise FileProblem("duplicate_column", _("The column “%(column)s” appears twice."), column=header)
            if key is not None:
                seen[key] = index
            self.keys.append(key)
        missing = [c.header for c in COLUMNS if c.required and c.key not in seen]
        if missing:
            raise FileProblem("missing_column", _("Required columns are missing: %(columns)s."),
                              columns="、".join(missing))

    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, the row's cell texts) for every row, the header row first; blank rows are skipped.
        A formula anywhere is a FileProblem naming its cell."""
        if self.kind == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _xlsx_rows(self):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(self.data), read_only=True, data_only=False)
        except Exception as exc:  # a damaged package: openpyxl raises many kinds
            raise FileProblem("not_xlsx", _("This file cannot be read as an Excel workbook (.xlsx).")) from exc
        try:
            if not book.worksheets:
                raise FileProblem("empty", _("The file is empty."))
            sheet = book.worksheets[0]
            if sheet.max_row:
                self.total_rows = max(sheet.max_row - 1, 0)
            rows = enumerate(sheet.iter_rows(), start=1)
            while True:
                try:
                    number, row = next(rows)
                except StopIteration:
                    break
                except Exception as exc:  # a damaged sheet (its XML, a cell) found while reading it
                    raise FileProblem("not_xlsx", _("This file cannot be read as an Excel workbook (.xlsx).")) from exc
                texts = []
                for index, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")):
                        raise _formula(number, index)
                    texts.append(cell_text(value))
                while texts and texts[-1] == "":
                    texts.pop()
                if texts:
                    yield number, texts
        finally:
            book.close()

    def _csv_rows(self):
        text = self.data.decode(self.encoding)
        self.total_rows = max(text.count("\n") - 1, 0)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                texts = []
                for index, value in enumerate(row):
                    if value.startswith("="):
                        raise _formula(number, index)
                    texts.append(cell_text(value))
                while texts and texts[-1] == "":
                    texts.pop()
                if texts:
                    yield number, texts
        except csv.Error as exc:
            raise FileProblem("csv", _("This file cannot be read as CSV: %(reason)s"), reason=str(exc)) from exc

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        rows = self.raw_rows()
        next(rows)  # the header row
        for number, texts in rows:
            values = {}
            for key, text in zip(self.keys, texts):
                if key is not None:
                    values[key] = text
            if any(values.values()):
                yield number, values


def _kind_of(data: bytes, filename: str) -> tuple[str, str]:
    """("xlsx"|"csv", encoding) from the content, checked against the file name's extension."""
    name = (filename or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    is_zip = data[:4] == b"PK\x03\x04"
    is_xlsx = False
    if is_zip:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                is_xlsx = "[Content_Types].xml" in package.namelist()
        except zipfile.BadZipFile:
            is_xlsx = False
    if extension == "xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem("xls", _("Old Excel files (.xls) are not read: save the file as .xlsx or CSV."))
    if extension not in ("xlsx", "csv", "txt", ""):
        raise FileProblem("type", _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if is_xlsx:
        if extension != "xlsx":
            raise FileProblem("type", _("This file is an Excel workbook: name it .xlsx."))
        return "xlsx", ""
    if extension == "xlsx":
        raise FileProblem("not_xlsx", _("This file cannot be read as an Excel workbook (.xlsx)."))
    if is_zip or b"\x00" in data[:4096]:
        raise FileProblem("type", _("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "csv", encoding
    raise FileProblem("encoding", _("The text of this CSV file is neither UTF-8 nor GB18030."))


def read_table(data: bytes, filename: str) -> Table:
    """The uploaded file's table, or FileProblem: too large, empty, not a workbook or CSV, a required column
    missing, a formula in a cell (the whole file is checked for formulas before anything is imported)."""
    if len(data) > max_bytes():
        raise FileProblem("too_large", _("The file is larger than %(limit)s MB."),
                          limit=f"{max_bytes() / 1024 / 1024:g}")
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem("empty", _("The file is empty."))
    kind, encoding = _kind_of(data, filename)
    table = Table(data, kind, encoding=encoding)
    if _may_hold_formulas(data, kind):
        for _row in table.raw_rows():  # formulas anywhere refuse the file at once; streamed, nothing kept
            pass
    return table


# what a formula, or a text starting with "=", looks like in a worksheet's or the shared strings' XML (with or
# without a namespace prefix): ``<f>``, ``<t>=…``, ``<v>=…``
_FORMULA_XML = re.compile(rb"<(?:\w+:)?f[\s>/]|<(?:\w+:)?t(?:\s[^>]*)?>=|<(?:\w+:)?v>=")


def _may_hold_formulas(data: bytes, kind: str) -> bool:
    """False when the file surely holds no formula: no "=" in a CSV (neither UTF-8 nor GB18030 uses its byte
    inside a character), nothing like one in the XML of a workbook's sheets and strings, read as a stream. Only
    a file that may hold one is read cell by cell, to name the cell."""
    if kind == "csv":
        return b"=" in data
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")) and name != "xl/sharedStrings.xml":
                continue
            tail = b""
            with package.open(name) as member:
                while chunk := member.read(1 << 20):
                    if _FORMULA_XML.search(tail + chunk):
                        return True
                    tail = chunk[-256:]
    return False


# --- writing ------------------------------------------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"
TEXT_KEYS = {"case_number", "id_number", "name", "summary", "charges", "record_title", "record_number"}


def table_bytes(rows: Iterable[list], fmt: str, *, extra_headers=(), headers=None) -> bytes:
    """Rows in the template's columns (plus ``extra_headers``), every text cell neutralised (common.export)."""
    header = list(headers if headers is not None else HEADERS) + list(extra_headers)
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt != "xlsx":
        raise ValueError(fmt)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    _widths(sheet, len(header))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, neutralise(h), font=bold) for h in header])
    count = 1
    for row in rows:
        sheet.append([_cell(sheet, neutralise(v)) for v in row])
        count += 1
    out = io.BytesIO()
    book.save(out)
    return _with_dimension(out.getvalue(), f"A1:{_column_letter(len(header) - 1)}{count}")


_SHEET = "xl/worksheets/sheet1.xml"
_AFTER_DIMENSION = re.compile(rb"<(?:sheetViews|sheetFormatPr|cols|sheetData)[\s>/]")


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with its sheet's ``<dimension ref=…>``, which openpyxl's streaming writer leaves out: without
    it a reader (openpyxl's read-only mode, the import's) reads the whole sheet once more to learn its size
    before reading it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == _SHEET and b"<dimension" not in content:
                match = _AFTER_DIMENSION.search(content)
                if match is not None:
                    at = match.start()
                    content = content[:at] + f'<dimension ref="{ref}"/>'.encode() + content[at:]
            target.writestr(item, content)
    return out.getvalue()


def _cell(sheet, value, font=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, never a formula
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _widths(sheet, count: int) -> None:
    for index in range(count):
        sheet.column_dimensions[_column_letter(index)].width = 16


EXAMPLE = {
    "case_number": "（2024）粤0104刑初123号", "offense_start_date": None, "offense_date": dt.date(2024, 1, 10),
    "summary": "盗窃手机一部", "name": "张三", "id_number": "440104199903150103", "birth_date": None,
    "charges": "盗窃罪", "disposition": "sentenced", "sentence_kind": "fixed_term", "sentence_months": 10,
    "suspended": NO, "probation_months": None, "judgment_effective_date": dt.date(2024, 6, 1),
    "sentence_completed_date": dt.date(2025, 4, 1), "plea": YES, "surrender": NO, "good_conduct": NO,
    "prior_convictions": 0, "main_conduct_before_18": None, "record_kind": "judgment",
    "record_title": "刑事判决书", "record_number": "（2024）粤0104刑初123号",
}


def template_xlsx() -> bytes:
    """The import template: the header row, one example row, drop-down lists for the enumerated columns
    (from a hidden sheet), every text column formatted as text (an ID number stays 18 digits), and a sheet
    listing the catalogue's charges."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from .identity import make_id_number
    from .models import Charge

    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    choices = book.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    catalogue = book.create_sheet(CATALOGUE_SHEET)

    labels = {key: dict(choice_labels(key)) for key in ("disposition", "sentence_kind", "record_kind")}
    example = dict(EXAMPLE, id_number=make_id_number("440104", dt.date(1999, 3, 15), 10))
    for key in labels:
        example[key] = labels[key][example[key]]
    sheet.append(HEADERS)
    sheet.append([example[c.key] for c in COLUMNS])
    for index, column in enumerate(COLUMNS):
        letter = _column_letter(index)
        head = sheet[f"{letter}1"]
        head.font = Font(bold=True, color="C00000" if column.required else None)
        sheet.column_dimensions[letter].width = 18
        if column.key in TEXT_KEYS:
            for row in range(2, 1001):
                sheet[f"{letter}{row}"].number_format = "@"
        elif column.kind == "date":
            for row in range(2, 1001):
                sheet[f"{letter}{row}"].number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"

    lists = {"disposition": list(labels["disposition"].values()),
             "sentence_kind": list(labels["sentence_kind"].values()),
             "record_kind": list(labels["record_kind"].values()),
             "yes_no": [YES, NO]}
    ranges = {}
    for index, (name, values) in enumerate(lists.items()):
        letter = _column_letter(index)
        choices[f"{letter}1"] = name
        for row, value in enumerate(values, start=2):
            choices[f"{letter}{row}"] = value
        ranges[name] = f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    for index, column in enumerate(COLUMNS):
        source = None
        if column.kind == "choice":
            source = ranges[column.key]
        elif column.kind in ("bool", "nullbool"):
            source = ranges["yes_no"]
        if source is None:
            continue
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False)
        validation.error = "请从下拉列表中选择"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        letter = _column_letter(index)
        validation.add(f"{letter}2:{letter}1000")

    catalogue.append(["罪名", "条文", "章"])
    for cell in catalogue[1]:
        cell.font = Font(bold=True)
    for name, article_zh, chapter_title in Charge.objects.order_by("chapter", "article", "name").values_list(
            "name", "article_zh", "chapter_title"):
        catalogue.append([name, article_zh, chapter_title])
    catalogue.column_dimensions["A"].width = 30
    catalogue.column_dimensions["B"].width = 24
    catalogue.column_dimensions["C"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def content_type(fmt: str) -> str:
    return XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
