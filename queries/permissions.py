"""Every permission question of the query desk, asked once.

Each ``can_<action>(user, obj, today) -> (ok, reason)``: the view calls it to draw the button, the service
calls it as its guard, so the two never disagree. ``reason`` is an untranslated message id (gettext_noop)
that the caller translates when it shows it.

Who is who on a request (RULES.md §4, "How a decision is made"):
- the clerk who took it sees none of the person's records (Q-INTAKE) and never decides it;
- a reviewer of the receiving agency decides it; the person's sealed records are shown to the reviewer
  only on a request that can lawfully disclose them (Q-JUD, Q-UNIT-RELEVANT), and each view is logged;
- a departure that discloses more takes effect only with a second reviewer's approval (Q-OVERRIDE);
- access after a judicial permit goes only to a named account of the requesting judicial organ
  (Q-RECIPIENT);
- an objection is re-examined by a reviewer who neither took nor decided the request (Q-OBJECTION).
"""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

from accounts.models import Agency

from .models import UNANSWERED, ObjectionStatus, QueryStatus, RequesterKind

OK = (True, "")
DECIDE = "queries.decide_queryrequest"
VIEW = "queries.view_queryrequest"
TAKE = "queries.add_queryrequest"

# Q-RECIPIENT: the judicial organs whose officers may receive access after a judicial permit.
JUDICIAL_KINDS = (Agency.Kind.COURT, Agency.Kind.PROCURATORATE, Agency.Kind.POLICE)
# The rule steps under which sealed records may lawfully be disclosed, and so shown to the reviewer.
LAWFUL_DISCLOSURE_RULES = ("Q-JUD", "Q-UNIT-RELEVANT")
# Q-OVERRIDE: a departure needs a written reason of substance, not "ok".
MIN_REASON_CHARS = 10


def _no(reason: str) -> tuple[bool, str]:
    return False, reason


def reason_has_substance(text: str | None) -> bool:
    """At least MIN_REASON_CHARS characters once spaces are taken out."""
    return len("".join((text or "").split())) >= MIN_REASON_CHARS


def of_agency(user, agency_id) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.agency_id is not None
                and user.agency_id == agency_id)


def _reviewer_of(user, query) -> tuple[bool, str]:
    if not of_agency(user, query.agency_id) or not user.has_perm(DECIDE):
        return _no(gettext_noop("Only a reviewer of the receiving agency decides this request."))
    if user.pk == query.taken_by_id:
        return _no(gettext_noop("The clerk who took a request cannot decide it (four eyes)."))
    return OK


def lawfully_discloses(recommendation: dict | None) -> bool:
    """Q-INTAKE: the request is one under which sealed records may be disclosed — a judicial permit (Q-JUD)
    or a unit's catalogued basis (Q-UNIT-RELEVANT)."""
    if not recommendation:
        return False
    for step in recommendation.get("trace", ()):
        rule = step.get("rule", "")
        if rule == "Q-JUD" and step.get("outcome") == "permit":
            return True
        if rule == "Q-UNIT-RELEVANT":
            return True
    return False


# --- intake ------------------------------------------------------------------------------------------

def can_take_request(user, agency, today: dt.date) -> tuple[bool, str]:
    """Take a request at the service window of one's own agency."""
    if user.agency_id is None:
        return _no(gettext_noop("Your account belongs to no agency: ask an administrator."))
    if not user.has_perm(TAKE) or (agency is not None and user.agency_id != agency.pk):
        return _no(gettext_noop("Only the receiving agency's clerks take requests."))
    return OK


def can_receive_access(recipient, query, today: dt.date) -> tuple[bool, str]:
    """Q-RECIPIENT: may ``recipient`` receive access to the records a judicial permit on ``query`` discloses?

    Only an active account of the requesting judicial organ (a court, procuratorate or public security
    organ other than the deciding agency); never the clerk who took the request, a reviewer who decided
    or approved it, nor any account of the deciding agency. ``query`` may be unsaved (intake)."""
    if recipient is None:
        return _no(gettext_noop("Name the account of the requesting judicial organ that receives access."))
    if query.requester_kind != RequesterKind.JUDICIAL:
        return _no(gettext_noop("Only a judicial organ's officer receives access to sealed records."))
    organ = query.requester_agency
    if organ is None:
        return _no(gettext_noop("Choose the requesting judicial organ."))
    if organ.kind not in JUDICIAL_KINDS:
        return _no(gettext_noop("The requesting organ must be a court, a procuratorate or a public security organ."))
    if organ.pk == query.agency_id:
        return _no(gettext_noop("The deciding agency cannot be the requesting judicial organ."))
    if not recipient.is_active:
        return _no(gettext_noop("The account that receives access is not active."))
    if recipient.agency_id != organ.pk:
        return _no(gettext_noop("The account that receives access must belong to the requesting judicial organ."))
    if recipient.pk in {query.taken_by_id, query.decided_by_id, query.approved_by_id} - {None}:
        return _no(gettext_noop("The clerk who took the request or a reviewer of it never receives access."))
    return OK


# --- the reviewer's page and decision ----------------------------------------------------------------

def can_see_recommendation(user, query, today: dt.date) -> tuple[bool, str]:
    """The recommendation and its trace are the reviewer's: they name records (Q-INTAKE)."""
    return _reviewer_of(user, query)


def can_review_sealed(user, query, today: dt.date) -> tuple[bool, str]:
    """Q-INTAKE: see the person's sealed records — a reviewer (not the taker) of an unanswered request
    whose recommendation (``query.recommendation``, as fresh as the caller made it) can lawfully disclose."""
    ok, reason = _reviewer_of(user, query)
    if not ok:
        return ok, reason
    if query.status not in UNANSWERED:
        return _no(gettext_noop("This request has been answered."))
    if not lawfully_discloses(query.recommendation):
        return _no(gettext_noop("This request cannot lawfully disclose sealed records: they are not shown."))
    return OK


def can_decide(user, query, today: dt.date) -> tuple[bool, str]:
    if query.status == QueryStatus.AWAITING_APPROVAL:
        return _no(gettext_noop("A decision on this request awaits a second reviewer's approval."))
    if query.status != QueryStatus.AWAITING_REVIEW:
        return _no(gettext_noop("This request has already been decided."))
    return _reviewer_of(user, query)


def can_approve(user, query, today: dt.date) -> tuple[bool, str]:
    """Q-OVERRIDE: the second reviewer neither took nor first decided the request."""
    if query.status != QueryStatus.AWAITING_APPROVAL:
        return _no(gettext_noop("No decision on this request awaits approval."))
    ok, reason = _reviewer_of(user, query)
    if not ok:
        return ok, reason
    if user.pk == query.decided_by_id:
        return _no(gettext_noop("A second reviewer, not the one who decided, approves a departure that discloses more."))
    return OK


def can_record_undertaking(user, query, today: dt.date) -> tuple[bool, str]:
    """Q-SCOPE: the unit's signed confidentiality undertaking is recorded before its permit takes effect."""
    if query.requester_kind != RequesterKind.UNIT:
        return _no(gettext_noop("Only a unit signs a confidentiality undertaking."))
    if not of_agency(user, query.agency_id) or not user.has_perm(VIEW):
        return _no(gettext_noop("Only the receiving agency records the undertaking."))
    if query.status not in UNANSWERED:
        return _no(gettext_noop("This request has been answered."))
    if has_undertaking(query):
        return _no(gettext_noop("The undertaking has been recorded."))
    return OK


def has_undertaking(query) -> bool:
    from .models import Undertaking

    return Undertaking.objects.filter(request_id=query.pk).exists()


# --- files ---------------------------------------------------------------------------------------------

def can_download_document(user, query, today: dt.date) -> tuple[bool, str]:
    if not of_agency(user, query.agency_id) or not user.has_perm(VIEW):
        return _no(gettext_noop("Only the receiving agency hands out its documents."))
    if query.status != QueryStatus.DECIDED:
        return _no(gettext_noop("No document has been issued yet."))
    return OK


def can_download_attachment(user, attachment, today: dt.date) -> tuple[bool, str]:
    if not of_agency(user, attachment.request.agency_id) or not user.has_perm(VIEW):
        return _no(gettext_noop("Only the receiving agency reads the files of its requests."))
    return OK


# --- objections (Q-OBJECTION) ---------------------------------------------------------------------------

def can_object(user, query, today: dt.date) -> tuple[bool, str]:
    """The desk takes a written objection to a decided request; one at a time."""
    if not of_agency(user, query.agency_id) or not user.has_perm(TAKE):
        return _no(gettext_noop("Only the receiving agency's clerks take objections."))
    if query.status != QueryStatus.DECIDED:
        return _no(gettext_noop("Only a decided request can be objected to."))
    if query.objections.filter(status=ObjectionStatus.OPEN).exists():
        return _no(gettext_noop("An objection to this request is already under re-examination."))
    return OK


def _examiner(user, objection) -> tuple[bool, str]:
    query = objection.request
    if not of_agency(user, query.agency_id) or not user.has_perm(DECIDE):
        return _no(gettext_noop("Only a reviewer of the receiving agency re-examines an objection."))
    if user.pk in {query.taken_by_id, query.decided_by_id, query.approved_by_id, objection.taken_by_id} - {None}:
        return _no(gettext_noop("Another reviewer, who neither took nor decided the request, re-examines it."))
    return OK


def can_reexamine(user, objection, today: dt.date) -> tuple[bool, str]:
    if objection.status != ObjectionStatus.OPEN:
        return _no(gettext_noop("This objection has been answered."))
    return _examiner(user, objection)


def can_extend_objection(user, objection, today: dt.date) -> tuple[bool, str]:
    """Once, before the 15 working days have run out, with a recorded reason."""
    ok, reason = can_reexamine(user, objection, today)
    if not ok:
        return ok, reason
    if objection.extended_deadline is not None:
        return _no(gettext_noop("The time limit has already been extended once."))
    if today > objection.deadline:
        return _no(gettext_noop("The time limit has run out: it can no longer be extended."))
    return OK


def can_download_review_opinion(user, objection, today: dt.date) -> tuple[bool, str]:
    if not of_agency(user, objection.request.agency_id) or not user.has_perm(VIEW):
        return _no(gettext_noop("Only the receiving agency hands out its documents."))
    if objection.status != ObjectionStatus.ANSWERED:
        return _no(gettext_noop("No document has been issued yet."))
    return OK
