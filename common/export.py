"""Tables out of the application: CSV and XLSX with every cell that a spreadsheet would read as a formula
neutralised (CSV/formula injection, OWASP): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe. Numbers and dates stay numbers and dates."""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The cell as it may safely be written: text that would start a formula is prefixed with ``'``; None is
    empty; numbers, booleans and dates are kept as they are."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _cells(row: Iterable) -> list:
    return [neutralise(v) for v in row]


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so that a spreadsheet opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_cells(header))
    for row in rows:
        writer.writerow([v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in _cells(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """One worksheet per (title, header, rows); the header row is bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append(_cells(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            cells = []
            for value in _cells(row):
                if isinstance(value, dt.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                cells.append(value)
            sheet.append(cells)
            for cell in sheet[sheet.max_row]:
                # text stays text: openpyxl would otherwise store a string beginning with '=' as a formula
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    return _attachment(csv_bytes(header, rows), CSV_TYPE, filename)


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]]) -> HttpResponse:
    return _attachment(xlsx_bytes(sheets), XLSX_TYPE, filename)
