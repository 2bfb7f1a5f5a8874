"""Permission-scoped reads shared by the views.

Ordinary access is scoped by the agency foreign key (indexed); guardian's direct foreign-key
object permissions carry the exceptions (another agency's user on a joint case, permits).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Region

from . import disclosure
from .permissions import is_procuratorate_supervisor
from .rules.files import j_cover
from .models import (
    HIDDEN_STATES, Case, CaseUserObjectPermission, Charge, Defendant, FileStatus, Record, RecordUserObjectPermission,
    SealingFile,
)


def _supervised_agency_filter(user, field: str) -> Q | None:
    """A supervisor at a procuratorate reads the cases of every agency of its region and those below;
    a "supervisor" of a court, police or justice bureau supervises nothing (RULES.md §5)."""
    if not is_procuratorate_supervisor(user):
        return None
    region_ids = Region.objects.get(pk=user.agency.region_id).descendant_ids()
    return Q(**{f"{field}__region_id__in": region_ids})


def cases_for(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("agency", "agency__region")
    if not user.is_authenticated or not user.has_perm("sealing.view_case"):
        return qs.none()
    if user.is_superuser:
        return qs
    granted = CaseUserObjectPermission.objects.filter(user=user, permission__codename="view_case").values(
        "content_object_id"
    )
    scope = Q(pk__in=granted)
    if user.agency_id is not None:
        held = Record.objects.filter(holding_agency_id=user.agency_id).values("case_id")
        scope |= Q(agency_id=user.agency_id) | Q(pk__in=held)
    supervised = _supervised_agency_filter(user, "agency")
    if supervised is not None:
        scope |= supervised
    return qs.filter(scope)


def listed_cases(user) -> QuerySet[Case]:
    """Cases for lists, searches and counts: a case all of whose defendants are hidden is absent, so a
    sealed-only person looks exactly like a person with no record. The handling agency reaches those
    files, masked, through its work queue (``hidden_files``)."""
    return disclosure.without_hidden_only_cases(cases_for(user))


def case_for_change(user, pk) -> QuerySet[Case]:
    """Cases this user may edit: those its own agency handles."""
    if not user.has_perm("sealing.change_case") or user.agency_id is None:
        return Case.objects.none()
    return Case.objects.filter(pk=pk, agency_id=user.agency_id)


def records_for(user) -> QuerySet[Record]:
    qs = Record.objects.select_related("case", "holding_agency", "defendant__person", "defendant__sealing_file", "seal")
    if not user.is_authenticated or not user.has_perm("sealing.view_record"):
        return qs.none()
    if user.is_superuser:
        return qs
    granted = RecordUserObjectPermission.objects.filter(user=user, permission__codename="view_record").values(
        "content_object_id"
    )
    scope = Q(pk__in=granted)
    if user.agency_id is not None:
        scope |= Q(holding_agency_id=user.agency_id)
    supervised = _supervised_agency_filter(user, "holding_agency")
    if supervised is not None:
        scope |= supervised
    return qs.filter(scope)


def listed_records(user) -> QuerySet[Record]:
    """Record copies for lists and counts: hidden copies are absent (a permit holder finds them under
    "disclosed to me")."""
    return disclosure.without_hidden_records(records_for(user))


def records_for_change(user) -> QuerySet[Record]:
    if not user.has_perm("sealing.change_record") or user.agency_id is None:
        return Record.objects.none()
    return Record.objects.filter(holding_agency_id=user.agency_id)


def defendants_of(case: Case) -> QuerySet[Defendant]:
    return case.defendants.select_related("person", "sealing_file").prefetch_related("charges").order_by(
        "position", "id"
    )


def charge_catalogue() -> QuerySet[Charge]:
    return Charge.objects.all()


def files_for(user) -> QuerySet[SealingFile]:
    return SealingFile.objects.filter(defendant__case__in=cases_for(user)).select_related(
        "defendant__person", "defendant__case__agency", "policy"
    )


def seal_queue(user, today) -> QuerySet[SealingFile]:
    """Files whose records must be hidden by now while this agency's copy is still open."""
    if user.agency_id is None:
        return SealingFile.objects.none()
    own_open = Record.objects.filter(holding_agency_id=user.agency_id, seal__isnull=True)
    open_copies = own_open.filter(defendant__isnull=False).values("defendant_id")
    # whole-case copies are covered once every defendant is hidden (rules.files.covers_record)
    whole_case = own_open.filter(defendant__isnull=True).exclude(disclosure.open_defendant_exists("case_id"))
    return (
        files_for(user)
        .filter(status__in=HIDDEN_STATES, seal_date__lte=today)
        .filter(Q(defendant_id__in=open_copies) | Q(defendant__case_id__in=whole_case.values("case_id")))
        .order_by("seal_date", "pk")
    )


def hidden_files(user) -> QuerySet[SealingFile]:
    """The handling agency's hidden files (masked on every page): where its clerks record events and
    unsealing grounds."""
    if user.agency_id is None:
        return SealingFile.objects.none()
    return files_for(user).filter(status__in=HIDDEN_STATES, defendant__case__agency_id=user.agency_id).order_by(
        "seal_date", "pk")


def exception_queue(user) -> QuerySet[SealingFile]:
    """Undetermined files of cases this agency handles: a clerk must supply the missing facts."""
    if user.agency_id is None:
        return SealingFile.objects.none()
    return files_for(user).filter(status=FileStatus.UNDETERMINED, defendant__case__agency_id=user.agency_id).order_by(
        "facts_due", "pk"
    )


RETRO_CUTOFF = dt.date(2013, 1, 1)


def retroactive_sweep(user) -> QuerySet[SealingFile]:
    """J-RETRO: juvenile cases closed before 2013 that meet the conditions, with a copy here still open."""
    if user.agency_id is None:
        return SealingFile.objects.none()
    open_copies = Record.objects.filter(holding_agency_id=user.agency_id, seal__isnull=True).values("defendant_id")
    return (
        files_for(user)
        .filter(regime="juvenile", eligible=True, defendant__judgment_effective_date__lt=RETRO_CUTOFF,
                defendant_id__in=open_copies)
        .exclude(status=FileStatus.UNSEALED)
        .order_by("defendant__judgment_effective_date")
    )


def copies_of(file: SealingFile) -> QuerySet[Record]:
    return Record.objects.filter(case_id=file.defendant.case_id).filter(
        Q(defendant_id=file.defendant_id) | Q(defendant__isnull=True)
    ).select_related("holding_agency", "seal__sealed_by").order_by("holding_agency__name", "pk")


def has_sealed_juvenile_codefendant(file: SealingFile) -> bool:
    """J-COVER (rules.files.j_cover): the case also holds a juvenile's hidden record."""
    others = SealingFile.objects.filter(defendant__case_id=file.defendant.case_id).exclude(pk=file.pk)
    return j_cover(file.regime, others.values_list("regime", "status"))
