from django.db.models import QuerySet

from sealing.models import SealingPolicy

from .models import LegalBasis, QueryRequest, QueryStatus
from .rules import DEFAULT_WORKING_DAYS, BasisInfo


def requests_for(user) -> QuerySet[QueryRequest]:
    """The requests of the user's agency (the query desk and its reviewers)."""
    if user.agency_id is None or not user.has_perm("queries.view_queryrequest"):
        return QueryRequest.objects.none()
    return QueryRequest.objects.filter(agency_id=user.agency_id).select_related(
        "legal_basis", "taken_by", "decided_by", "agency"
    )


def review_queue(user) -> QuerySet[QueryRequest]:
    return requests_for(user).filter(status=QueryStatus.AWAITING_REVIEW).order_by("deadline", "pk")


def basis_info(basis: LegalBasis | None) -> BasisInfo | None:
    """The rules' view of a catalogue entry; None unless it is in force."""
    if basis is None or not basis.active:
        return None
    return BasisInfo(code=basis.code, categories=frozenset(basis.categories or ()), title=f"{basis.law}{basis.article}")


def basis_lookup():
    """code -> BasisInfo for the entries in force (None for an unknown or inactive code), read once."""
    table = {basis.code: basis_info(basis) for basis in LegalBasis.objects.filter(active=True)}
    return table.get


def response_working_days() -> int:
    """Q-DEADLINE's working days from the policy in force, without creating one (readers never write)."""
    days = SealingPolicy.objects.order_by("-version").values_list("query_response_working_days", flat=True).first()
    return days or DEFAULT_WORKING_DAYS
