from django.db.models import QuerySet


from .models import UNANSWERED, LegalBasis, QueryRequest, QueryStatus
from .rules import DEFAULT_WORKING_DAYS, BasisInfo, DeadlinePolicy


def requests_for(user) -> QuerySet[QueryRequest]:
    """The requests of the user's agency (the query desk and its reviewers)."""
    if user.agency_id is None or not user.has_perm("queries.view_queryrequest"):
        return QueryRequest.objects.none()
    return QueryRequest.objects.filter(agency_id=user.agency_id).select_related(
        "legal_basis", "taken_by", "decided_by", "approved_by", "agency", "requester_agency", "requester_user"
    )


def review_queue(user) -> QuerySet[QueryRequest]:
    """Requests not answered yet: awaiting a decision or a second reviewer's approval."""
    return requests_for(user).filter(status__in=UNANSWERED).order_by("deadline", "pk")


def decided_requests(user) -> QuerySet[QueryRequest]:
    return requests_for(user).filter(status=QueryStatus.DECIDED).order_by("-decided_at", "-pk")


def objections_for(user):
    """The objections to the requests of the user's agency."""
    from .models import Objection

    if user.agency_id is None or not user.has_perm("queries.view_queryrequest"):
        return Objection.objects.none()
    return Objection.objects.filter(request__agency_id=user.agency_id).select_related(
        "request", "request__agency", "taken_by", "examined_by", "extended_by")


def attachments_for(user):
    from .models import Attachment

    if user.agency_id is None or not user.has_perm("queries.view_queryrequest"):
        return Attachment.objects.none()
    return Attachment.objects.filter(request__agency_id=user.agency_id).select_related("request")


def active_permits_of(user, *, now):
    """The sealed-record permits a user holds now (not ended, not expired), with what they cover."""
    from sealing.models import SealedRecordPermit

    if not getattr(user, "is_authenticated", False):
        return SealedRecordPermit.objects.none()
    return (SealedRecordPermit.objects.active(now).filter(user=user)
            .select_related("record", "record__case", "record__holding_agency", "record__defendant")
            .order_by("expires_at", "pk"))


def basis_info(basis: LegalBasis | None) -> BasisInfo | None:
    """The rules' view of a catalogue entry; None unless it is in force."""
    if basis is None or not basis.active:
        return None
    return BasisInfo(code=basis.code, categories=frozenset(basis.categories or ()), title=f"{basis.law}{basis.article}")


def basis_lookup():
    """code -> BasisInfo for the entries in force (None for an unknown or inactive code), read once."""
    table = {basis.code: basis_info(basis) for basis in LegalBasis.objects.filter(active=True)}
    return table.get


def response_working_days(as_of=None) -> int:
    """Q-DEADLINE's working days from the policy in force on ``as_of`` (the day the request was received; the
    newest version without a date), without creating one (readers never write)."""
    from sealing.policy import policy_in_force

    policy = policy_in_force(as_of)
    return (policy.query_response_working_days if policy else None) or DEFAULT_WORKING_DAYS


def deadline_policy(as_of=None) -> DeadlinePolicy:
    """Q-DEADLINE's numbers per answering agency, with the police's from the policy in force on ``as_of`` (as
    evaluate_query)."""
    return DeadlinePolicy(police_working_days=response_working_days(as_of))


def work_items(user, today) -> list:
    """The query desk's side of the home page: requests to answer and objections to re-examine, by their answer
    deadlines (Q-DEADLINE). Counts and deadlines only: nothing here tells of anyone's records (Q-INTAKE)."""
    from django.db.models.functions import Coalesce
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from common.pagination import capped_count
    from common.worklist import counted, deadline_summary, item

    from .models import ObjectionStatus

    if user.agency_id is None or not user.has_perm("queries.view_queryrequest"):
        return []
    queue = review_queue(user)
    approval = capped_count(queue.filter(status=QueryStatus.AWAITING_APPROVAL))
    objections = objections_for(user).filter(status=ObjectionStatus.OPEN)
    url = reverse("queries:request_list")
    return [
        item("requests", _("Query requests to answer"), f"{url}?tab=open", deadline_summary(queue, "deadline", today),
             counted("%(count)s awaiting a second reviewer's approval",
                     "%(count)s awaiting a second reviewer's approval", approval)),
        item("objections", _("Objections to re-examine"), f"{url}?tab=objections",
             deadline_summary(objections, Coalesce("extended_deadline", "deadline"), today)),
    ]
