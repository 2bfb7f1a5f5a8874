"""Exporting the clerk's case list in the import template's columns (issue 17), through the gate.

One row per defendant the gate lets the user see unmasked: a defendant whose file is hidden is exported only
under an active permit (the gate logs that read); without one it is left out entirely, neither masked nor
counted. Importing the export again changes nothing (sealing/imports.py compares the same values).
"""
from __future__ import annotations

import datetime as dt
from itertools import islice

from django.db.models import Prefetch

from . import disclosure
from .imports import _Choices, table_row
from .models import Case, Defendant, Record
from .spreadsheet import table_bytes

CHUNK = 500


def export_cases(queryset, *, user, fmt: str, today: dt.date, stats: dict | None = None) -> bytes:
    """The cases of ``queryset`` (selectors.listed_cases ∩ CaseFilter) as XLSX or CSV bytes, read in chunks.
    ``stats``, when given, receives ``{"rows": n}``."""
    gate = disclosure.Gate(user)
    choices = _Choices()
    counted = {"rows": 0}

    def rows():
        ids = queryset.values_list("pk", flat=True).iterator(chunk_size=CHUNK)
        while True:
            chunk = list(islice(ids, CHUNK))
            if not chunk:
                return
            yield from _chunk_rows(chunk, user=user, gate=gate, choices=choices, counted=counted)

    content = table_bytes(rows(), fmt)
    if stats is not None:
        stats.update(counted)
    return content


def _chunk_rows(ids, *, user, gate, choices, counted):
    copies = (Record.objects.filter(holding_agency_id=user.agency_id).order_by("pk") if user.agency_id
              else Record.objects.none())
    cases = Case.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("defendants", queryset=Defendant.objects.select_related("person", "sealing_file")
                 .prefetch_related("charges").order_by("position", "pk")),
    ).in_bulk()
    own = {}
    for record in copies.filter(case_id__in=ids, defendant__isnull=False):
        own.setdefault(record.defendant_id, record)  # the agency's first copy of each defendant's records
    gate.prefetch(d for case in cases.values() for d in case.defendants.all())
    for pk in ids:
        case = cases.get(pk)
        if case is None:
            continue
        for defendant in case.defendants.all():
            if gate.person(defendant).masked:
                continue  # a hidden defendant without a permit is not exported at all
            counted["rows"] += 1
            yield table_row(case, defendant, own.get(defendant.pk), choices)
