"""Permission-scoped reads shared by the views.

Ordinary access is scoped by the agency foreign key (indexed); guardian's direct foreign-key
object permissions carry the exceptions (another agency's user on a joint case, permits).
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Region
from accounts.roles import SUPERVISOR

from .models import Case, CaseUserObjectPermission, Charge, Defendant, Record, RecordUserObjectPermission


def _supervised_agency_filter(user, field: str) -> Q | None:
    """A supervisor at a procuratorate reads the cases of every agency of its region and those below."""
    if not user.has_role(SUPERVISOR) or user.agency is None:
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


def case_for_change(user, pk) -> QuerySet[Case]:
    """Cases this user may edit: those its own agency handles."""
    if not user.has_perm("sealing.change_case") or user.agency_id is None:
        return Case.objects.none()
    return Case.objects.filter(pk=pk, agency_id=user.agency_id)


def records_for(user) -> QuerySet[Record]:
    qs = Record.objects.select_related("case", "holding_agency", "defendant__person")
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


def records_for_change(user) -> QuerySet[Record]:
    if not user.has_perm("sealing.change_record") or user.agency_id is None:
        return Record.objects.none()
    return Record.objects.filter(holding_agency_id=user.agency_id)


def defendants_of(case: Case) -> QuerySet[Defendant]:
    return case.defendants.select_related("person").prefetch_related("charges").order_by("position", "id")


def charge_catalogue() -> QuerySet[Charge]:
    return Charge.objects.all()
