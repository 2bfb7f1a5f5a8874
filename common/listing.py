"""What every list shares: sorting by a whitelisted column, its header links, and the export of what is shown.

Sorting: ``?sort=key`` ascending, ``?sort=-key`` descending, ``key`` one of the list's ``SortKey``s; anything
else is ignored and the list keeps its own default order (a bad value never becomes an error). A list offers
only columns that are never masked (case and serial numbers, dates, agencies: never a name or an ID number, whose
order would tell a masked value) and that an index serves, or that sort an already narrow set.

Headers: ``Sorting.headers`` gives each sortable column its label, its arrow and the value of ``sort`` its link
sets; templates/_sort_th.html draws it, keeping every other parameter of the query string (the filters, the tab)
and dropping the page.

Export: ``?format=csv`` or ``?format=xlsx`` on the list's own URL returns the rows of the list as filtered and
sorted (every page, up to ``EXPORT_MAX_ROWS``), built by the same function that builds the page's rows: the gate
masks them as on the page, and the file holds the page's columns only. Each export is written to the audit trail
as the case export is (common/export.py neutralises formulas)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .export import csv_response, xlsx_response
from .pagination import _hydrate

SORT = "sort"
FORMAT = "format"
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_MAX_ROWS = 10_000
EXPORT_CHUNK = 500
# parameters that say how the list is shown, not which rows: not named as filters in the audit trail (the tab is
# named by the export's ``what``)
NOT_FILTERS = {"page", FORMAT, SORT, "after", "tab"}


@dataclass(frozen=True)
class SortKey:
    """A sortable column: ``key`` in the URL, its header ``label``, and the ascending order (ending in a unique
    field, so that pages never overlap)."""
    key: str
    label: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    active: bool
    descending: bool
    next: str  # the value of ``sort`` the header's link sets: ascending first, then the other way


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


class Sorting:
    """The list's ``sort`` parameter read against its whitelist."""

    def __init__(self, params, keys: Sequence[SortKey], default: str = ""):
        """``default``: the value meant when none is given, for a list whose own order is one of its keys (its
        header then shows the arrow); by default the list's own order, which no header names."""
        self.keys = {k.key: k for k in keys}
        raw = params.get(SORT, "") if params is not None else ""
        raw = raw if isinstance(raw, str) else ""
        if self.keys.get(raw.removeprefix("-")) is None:
            raw = default
        descending = raw.startswith("-")
        chosen = self.keys.get(raw[1:] if descending else raw)
        self.chosen: SortKey | None = chosen
        self.descending = descending and chosen is not None

    @property
    def value(self) -> str:
        """The parameter as the list understood it ("" for the default order)."""
        if self.chosen is None:
            return ""
        return f"-{self.chosen.key}" if self.descending else self.chosen.key

    def fields(self) -> list[str]:
        if self.chosen is None:
            return []
        return [_reverse(f) for f in self.chosen.fields] if self.descending else list(self.chosen.fields)

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset in the chosen order; in its own default order when none (or an unknown one) is chosen."""
        fields = self.fields()
        return queryset.order_by(*fields) if fields else queryset

    @property
    def headers(self) -> dict[str, Header]:
        headers = {}
        for key, sort_key in self.keys.items():
            active = self.chosen is not None and self.chosen.key == key
            descending = active and self.descending
            headers[key] = Header(key=key, label=str(sort_key.label), active=active, descending=descending,
                                  next=key if not active or descending else f"-{key}")
        return headers


# --- export of what is shown ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One column of the export: its header and the cell of a row (the row as the page's builder made it)."""
    label: str
    value: Callable[[object], object]


def export_format(request) -> str | None:
    fmt = request.GET.get(FORMAT)
    return fmt if fmt in EXPORT_FORMATS else None


def batches(queryset: QuerySet, ids: Sequence, *, size: int = EXPORT_CHUNK) -> Iterator[list]:
    """The objects of ``ids`` (read from ``queryset``, in that order) ``size`` at a time, with their related rows."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        if queryset.query.annotations:
            found = queryset.filter(pk__in=chunk).order_by()
        else:
            found = _hydrate(queryset, chunk)
        by_pk = {obj.pk: obj for obj in found}
        yield [by_pk[pk] for pk in chunk if pk in by_pk]


@dataclass(frozen=True)
class ExportWords:
    """How the audit trail names an export of a list in words (audit.presentation): the entry keeps the codes (the
    filters' parameter names, the sort, the tab), the reader sees the page's own labels in their language."""
    filters: Mapping[str, object] = field(default_factory=dict)
    sorts: Sequence[SortKey] = ()
    tabs: Mapping[str, object] = field(default_factory=dict)

    def sort_label(self, value: str):
        key = next((k for k in self.sorts if k.key == value.removeprefix("-")), None)
        return None if key is None else key.label


def labels_of(form_class) -> dict[str, object]:
    """The fields of a form or a django-filter FilterSet class by their labels, as the page shows them."""
    fields = getattr(form_class, "base_filters", None) or form_class.base_fields
    return {name: f.label for name, f in fields.items() if f.label}


# The lists whose exports the trail names in words: the export's ``what`` (before its tab) → the ExportWords beside
# the list's view, where its filters, sorts and tabs are declared (read when an entry is shown).
EXPORT_WORDS = {
    "cases": "sealing.views.CASE_EXPORT_WORDS",  # the case list in the import's format (sealing.views_imports)
    "cases-shown": "sealing.views.CASE_EXPORT_WORDS",
    "records": "sealing.views.RECORD_EXPORT_WORDS",
    "work-queue": "sealing.views_files.EXPORT_WORDS",
    "notices": "sealing.views_notices.EXPORT_WORDS",
    "query-requests": "queries.views.EXPORT_WORDS",
    "findings": "oversight.views.EXPORT_WORDS",
    "instruments": "oversight.views_instruments.EXPORT_WORDS",
    "access-log": "oversight.views_console.EXPORT_WORDS",
}


def export_words(what: str) -> tuple[ExportWords | None, str]:
    """The words of the list an export ``what`` came from, and its tab ("" when none)."""
    from django.utils.module_loading import import_string

    if not isinstance(what, str):
        return None, ""
    for prefix in sorted(EXPORT_WORDS, key=len, reverse=True):
        if what == prefix or what.startswith(prefix + "-"):
            return import_string(EXPORT_WORDS[prefix]), what[len(prefix) + 1:]
    return None, ""


def filters_named(params) -> list[str]:
    """The names of the filters set (never their values: one may be an ID number)."""
    return sorted(k for k, v in params.items() if k not in NOT_FILTERS and v)


def sort_detail(sorting: Sorting | None) -> dict:
    """The audit entry's ``sort`` (only when the user chose one)."""
    return {"sort": sorting.value} if sorting is not None and sorting.value else {}


def export_response(request, *, what: str, title: str, columns: Sequence[Column], queryset: QuerySet,
                    build: Callable[[list], Iterable], today: dt.date, sorting: Sorting | None = None,
                    limit: int = EXPORT_MAX_ROWS) -> HttpResponse:
    """Every row of the list (``queryset``, filtered and sorted as the page; at most ``limit``), each built by
    the page's own builder ``build`` (objects -> rows, through the gate), as the file the request asks for
    (``format``); logged in the audit trail with the number of rows, the filters' names and the sort."""
    from audit import services as audit

    fmt = export_format(request) or "csv"
    ids = list(queryset.values_list("pk", flat=True)[:limit + 1])  # the page's slim query, one row further
    capped = len(ids) > limit
    cells = [[c.value(row) for c in columns] for objects in batches(queryset, ids[:limit]) for row in build(objects)]
    audit.record_export(request.user, what, fmt=fmt, rows=len(cells), filters=filters_named(request.GET),
                        **sort_detail(sorting), **({"capped": True} if capped else {}))
    if capped:
        cells.append([_("More than %(n)d rows: narrow the list with its filters.") % {"n": limit}])
    header = [str(c.label) for c in columns]
    filename = f"{what}-{today:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = xlsx_response(filename, [(title, header, cells)])
    else:
        response = csv_response(filename, header, cells)
    response["Cache-Control"] = "no-store"
    return response
