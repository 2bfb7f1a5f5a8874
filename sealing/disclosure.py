"""The one gate for sealed data (DESIGN.md "Sealed data passes one gate").

A defendant whose sealing file is hidden (provisionally sealed or sealed) is shown to pages, lists,
searches, counts, PDFs, the admin and log lines only through this module. Without an active permit
the gate returns the masked view; with one it returns the content and writes one access-log row per
thing read. Templates never decide masking: views hand them the views built here.

Usage in a view (one ``Gate`` per request, so a page that shows a record twice logs it once)::

    gate = disclosure.Gate(request.user, now=timezone.now())
    person = gate.person(defendant)     # PersonView: masked unless a permit covers it
    record = gate.record(record)        # RecordView: content None unless a permit covers it
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from audit.services import mirror_access

from .rules.files import covers_record, whole_case_records_hidden
from .models import (
    HIDDEN_STATES, AccessAction, AccessLog, Defendant, Record, RecordSeal, SealedRecordPermit, SealingFile,
)

MASKED_ID = "******************"


# --- what is hidden -----------------------------------------------------------------------------------

def defendant_hidden(defendant: Defendant) -> bool:
    file = getattr(defendant, "sealing_file", None)
    return bool(file is not None and file.status in HIDDEN_STATES)


def record_hidden(record: Record) -> bool:
    """A record copy is hidden when its own seal is active, its defendant's file is hidden, or (a
    whole-case record) every defendant of the case is hidden."""
    return record.content_hidden


def open_defendant_exists(outer: str = "pk") -> Exists:
    """Subquery: the case (``outer`` names its key) has a defendant whose file is not hidden."""
    return Exists(
        Defendant.objects.filter(case_id=OuterRef(outer)).exclude(sealing_file__status__in=HIDDEN_STATES)
    )


def without_hidden_only_cases(cases: QuerySet) -> QuerySet:
    """Cases minus those all of whose defendants are hidden: those look exactly like no case at all."""
    return cases.filter(open_defendant_exists("pk"))


def without_hidden_records(records: QuerySet) -> QuerySet:
    """Record copies minus the hidden ones (sealed copy, hidden defendant, or whole-case record of a
    case whose every defendant is hidden)."""
    # Each test is a probe of one row by a unique key (the copy's seal, the defendant's file), so a list can
    # walk its index in date order and stop at its page instead of joining whole tables first.
    sealed_copy = Exists(RecordSeal.objects.filter(record_id=OuterRef("pk"), lifted_at__isnull=True))
    hidden_own = Q(defendant__isnull=False) & Exists(
        SealingFile.objects.filter(defendant_id=OuterRef("defendant_id"), status__in=HIDDEN_STATES))
    whole_case_hidden = Q(defendant__isnull=True) & ~Q(open_defendant_exists("case_id"))
    return records.exclude(Q(sealed_copy) | hidden_own | whole_case_hidden)


# --- permits -------------------------------------------------------------------------------------------

def active_permits(user, records, now: dt.datetime) -> dict[int, SealedRecordPermit]:
    """record id -> the user's active permit on it (the latest-expiring one)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    ids = [r.pk for r in records]
    permits = {}
    for permit in SealedRecordPermit.objects.active(now).filter(record_id__in=ids, user=user).order_by("expires_at"):
        permits[permit.record_id] = permit
    return permits


def covered_records(defendant: Defendant) -> QuerySet[Record]:
    """The record copies a defendant's file covers (rules.files.covers_record): the defendant's own, and
    the case's whole-case records once every defendant of the case is hidden. What a seal hides, what a
    permit opens and what an agency must seal are these copies."""
    statuses = defendant.case.defendants.values_list("sealing_file__status", flat=True)
    records = Record.objects.filter(case_id=defendant.case_id)
    if whole_case_records_hidden(statuses):
        return records.filter(Q(defendant_id=defendant.pk) | Q(defendant__isnull=True))
    return records.filter(defendant_id=defendant.pk)


# --- views of hidden things ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonView:
    name: str
    id_number: str
    birth_date: dt.date | None
    masked: bool
    permit: SealedRecordPermit | None = None


@dataclass(frozen=True)
class RecordView:
    record: Record
    content: str | None
    masked: bool
    permit: SealedRecordPermit | None = None
    defendant_name: str = ""


def masked_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def masked_person(defendant: Defendant) -> PersonView:
    return PersonView(name=masked_name(defendant.person.name), id_number=MASKED_ID, birth_date=None, masked=True)


def clear_person(defendant: Defendant, permit=None) -> PersonView:
    person = defendant.person
    return PersonView(name=person.name, id_number=person.id_number, birth_date=person.birth_date, masked=False,
                      permit=permit)


def masked_label(defendant: Defendant) -> str:
    """A label for places with no user (admin lists, log lines): masked whenever the file is hidden."""
    return masked_person(defendant).name if defendant_hidden(defendant) else defendant.person.name


class Gate:
    """What one user sees of hidden data during one request; logs each unmasked read once."""

    def __init__(self, user, *, now: dt.datetime | None = None, reference: str = ""):
        self.user = user
        self.now = now or timezone.now()
        self.reference = reference
        self._logged: set[tuple] = set()
        self._permits: dict[int, dict] = {}

    # permits on the records a defendant's file covers
    def _permit_for_defendant(self, defendant: Defendant) -> SealedRecordPermit | None:
        if defendant.pk not in self._permits:
            self._permits[defendant.pk] = active_permits(self.user, list(covered_records(defendant)), self.now)
        permits = self._permits[defendant.pk]
        return next(iter(permits.values()), None)

    def prefetch(self, defendants) -> None:
        """Read the permits on what many hidden defendants' files cover in three queries, for a list page whose
        rows each pass ``person``: the same answer ``_permit_for_defendant`` gives one by one (covered_records,
        active_permits), without three queries a row."""
        hidden = {d.pk: d for d in defendants if defendant_hidden(d) and d.pk not in self._permits}
        if not hidden:
            return
        if not getattr(self.user, "is_authenticated", False):
            self._permits.update({pk: {} for pk in hidden})
            return
        case_ids = {d.case_id for d in hidden.values()}
        statuses: dict[int, list] = {}
        for case_id, status in Defendant.objects.filter(case_id__in=case_ids).values_list("case_id",
                                                                                          "sealing_file__status"):
            statuses.setdefault(case_id, []).append(status)
        copies: dict[int, list] = {}
        for pk, case_id, defendant_id in Record.objects.filter(case_id__in=case_ids).values_list(
                "pk", "case_id", "defendant_id"):
            copies.setdefault(case_id, []).append((pk, defendant_id))
        covered = {d.pk: {pk for pk, defendant_id in copies.get(d.case_id, [])
                          if covers_record(file_defendant_id=d.pk, record_defendant_id=defendant_id,
                                           case_statuses=statuses.get(d.case_id, []))}
                   for d in hidden.values()}
        wanted = set().union(*covered.values())
        permits = list(SealedRecordPermit.objects.active(self.now).filter(record_id__in=wanted, user=self.user)
                       .order_by("expires_at")) if wanted else []
        for pk, ids in covered.items():
            self._permits[pk] = {}
            for permit in permits:  # in expiry order, as active_permits: the latest-expiring one per record
                if permit.record_id in ids:
                    self._permits[pk][permit.record_id] = permit

    def person(self, defendant: Defendant) -> PersonView:
        if not defendant_hidden(defendant):
            return clear_person(defendant)
        permit = self._permit_for_defendant(defendant)
        if permit is None:
            return masked_person(defendant)
        self.log(defendant=defendant, record=permit.record, permit=permit, action=AccessAction.READ)
        return clear_person(defendant, permit)

    def record(self, record: Record) -> RecordView:
        defendant = record.defendant
        if not record_hidden(record):
            name = defendant.person.name if defendant and not defendant_hidden(defendant) else (
                masked_name(defendant.person.name) if defendant else "")
            return RecordView(record=record, content=record.content, masked=False, defendant_name=name)
        permit = active_permits(self.user, [record], self.now).get(record.pk)
        if permit is None:
            name = masked_name(defendant.person.name) if defendant else ""
            return RecordView(record=record, content=None, masked=True, defendant_name=name)
        self.log(record=record, defendant=defendant, permit=permit, action=AccessAction.READ)
        return RecordView(record=record, content=record.content, masked=False, permit=permit,
                          defendant_name=defendant.person.name if defendant else "")

    def log(self, *, action: str, defendant=None, record=None, permit=None, reason: str = "",
            reference: str = "") -> AccessLog | None:
        key = (action, getattr(defendant, "pk", None), getattr(record, "pk", None), reason)
        if key in self._logged:
            return None
        self._logged.add(key)
        return log_read(self.user, action=action, defendant=defendant, record=record, permit=permit,
                        reason=reason, reference=reference or self.reference or getattr(permit, "reference", ""))


def log_read(user, *, action: str = AccessAction.READ, defendant=None, record=None, permit=None,
             reason: str = "", reference: str = "") -> AccessLog:
    """Write one access-log row: every read of sealed content goes through here. The row is mirrored in the
    audit trail's hash chain in the same transaction (ids only: the reason a user typed stays in the row)."""
    with transaction.atomic():
        log = AccessLog.objects.create(user=user, defendant=defendant, record=record, permit=permit, action=action,
                                       reason=reason[:300], reference=reference[:40])
        mirror_access(log, break_glass=action == AccessAction.BREAK_GLASS)
    return log


BREAK_GLASS_MIN_REASON = 10
def log_break_glass(user, file: SealingFile, reason: str) -> AccessLog:
    return log_read(user, action=AccessAction.BREAK_GLASS, defendant=file.defendant, reason=reason.strip())
