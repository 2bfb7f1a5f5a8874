"""Every permission question of supervision, asked once.

Each ``can_<action>(user, obj, ...) -> (ok, reason)``: the view calls it to draw the button, the service
calls it as its guard. ``reason`` is an untranslated message id (gettext_noop) the caller translates.

RULES.md §5: only supervisors at a procuratorate supervise, and each supervises the agencies of its region
and the regions below it. A finding that concerns every region (the working calendar) is seen by every
supervisor and triaged by the supervisors of a top-level region.
"""
from __future__ import annotations

from django.utils.translation import gettext_noop

from accounts.models import Region
from sealing.permissions import is_procuratorate_supervisor, supervises

from .models import Triage

OK = (True, "")
VIEW = "oversight.view_finding"
CHANGE = "oversight.change_finding"
ADD = "oversight.add_finding"


def _no(reason: str) -> tuple[bool, str]:
    return False, reason


def supervised_region_ids(user) -> list[int]:
    """The regions a procuratorate supervisor supervises: its own and every one below; none for anyone else."""
    if not is_procuratorate_supervisor(user):
        return []
    return Region.objects.get(pk=user.agency.region_id).descendant_ids()


def can_supervise(user) -> tuple[bool, str]:
    """Reach the supervision pages at all."""
    if not is_procuratorate_supervisor(user) or not user.has_perm(VIEW):
        return _no(gettext_noop("Only supervisors at a procuratorate supervise."))
    return OK


def can_see_finding(user, finding) -> tuple[bool, str]:
    ok = can_supervise(user)
    if not ok[0]:
        return ok
    if finding.region_id is not None and finding.region_id not in supervised_region_ids(user):
        return _no(gettext_noop("This finding concerns an agency your procuratorate does not supervise."))
    return OK


def _at_top_level(user) -> bool:
    return user.agency.region.parent_id is None


def _can_triage(user, finding) -> tuple[bool, str]:
    ok = can_see_finding(user, finding)
    if not ok[0]:
        return ok
    if not user.has_perm(CHANGE):
        return _no(gettext_noop("Your role does not triage findings."))
    if finding.region_id is None and not _at_top_level(user):
        return _no(gettext_noop("A finding that concerns every region is triaged by the top-level procuratorate."))
    if not finding.is_open:
        return _no(gettext_noop("This finding is closed: its cause is gone."))
    return OK


def can_accept_finding(user, finding) -> tuple[bool, str]:
    ok = _can_triage(user, finding)
    if not ok[0]:
        return ok
    if finding.triage == Triage.ACCEPTED:
        return _no(gettext_noop("This finding is already accepted as a lead."))
    return OK


def can_dismiss_finding(user, finding) -> tuple[bool, str]:
    ok = _can_triage(user, finding)
    if not ok[0]:
        return ok
    if finding.triage == Triage.DISMISSED:
        return _no(gettext_noop("This finding is already dismissed."))
    return OK


def can_enter_complaint(user, agency=None) -> tuple[bool, str]:
    """Enter a complaint as a finding: about an agency the supervisor supervises (``agency`` None: may the
    user enter complaints at all)."""
    ok = can_supervise(user)
    if not ok[0]:
        return ok
    if not user.has_perm(ADD):
        return _no(gettext_noop("Your role does not enter complaints."))
    if agency is not None and not supervises(user, agency):
        return _no(gettext_noop("Your procuratorate does not supervise this agency."))
    return OK


# --- instruments (RULES.md §5 "Instruments") ----------------------------------------------------------

VIEW_INSTRUMENT = "oversight.view_instrument"
ADD_INSTRUMENT = "oversight.add_instrument"
CHANGE_INSTRUMENT = "oversight.change_instrument"
APPROVE_INSTRUMENT = "oversight.approve_instrument"
REPLY_INSTRUMENT = "oversight.add_instrumentreply"


def _issuing(user, instrument) -> tuple[bool, str]:
    """A supervisor of the procuratorate that drafted or issued the instrument."""
    if not is_procuratorate_supervisor(user) or user.agency_id != instrument.procuratorate_id:
        return _no(gettext_noop("Only supervisors of the issuing procuratorate act on this instrument."))
    if not user.has_perm(CHANGE_INSTRUMENT):
        return _no(gettext_noop("Your role does not act on instruments."))
    return OK


def can_draft_instrument(user, agency=None) -> tuple[bool, str]:
    """Draft an instrument to an agency the supervisor supervises (``agency`` None: may the user draft)."""
    ok = can_supervise(user)
    if not ok[0]:
        return ok
    if not user.has_perm(ADD_INSTRUMENT):
        return _no(gettext_noop("Your role does not draft instruments."))
    if agency is not None and not supervises(user, agency):
        return _no(gettext_noop("Your procuratorate does not supervise this agency."))
    return OK


def is_addressee(user, instrument) -> bool:
    """A user of the agency the instrument is addressed to, once it is issued."""
    from .models import InstrumentState

    return bool(user.is_authenticated and user.agency_id is not None and user.agency_id == instrument.agency_id
                and user.has_perm(VIEW_INSTRUMENT) and instrument.issued_on is not None
                and instrument.state != InstrumentState.DRAFT)


def can_see_instrument(user, instrument) -> tuple[bool, str]:
    """The supervisors of the instrument's region (and above), the upper procuratorate it was reported to, and
    (once issued) the agency addressed."""
    if is_addressee(user, instrument):
        return OK
    if is_procuratorate_supervisor(user) and user.has_perm(VIEW_INSTRUMENT):
        if instrument.region_id in supervised_region_ids(user):
            return OK
        if instrument.escalated_to_id is not None and instrument.escalated_to_id == user.agency_id:
            return OK
    return _no(gettext_noop("This instrument is not addressed to your agency and not in your supervision."))


def can_submit_instrument(user, instrument) -> tuple[bool, str]:
    from .models import InstrumentKind, InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.kind != InstrumentKind.NOTICE:
        return _no(gettext_noop("Only a correction notice is approved before it is issued."))
    if instrument.state != InstrumentState.DRAFT:
        return _no(gettext_noop("Only a draft is submitted for approval."))
    return OK


def can_approve_instrument(user, instrument) -> tuple[bool, str]:
    from .models import InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.state != InstrumentState.AWAITING_APPROVAL:
        return _no(gettext_noop("This instrument is not awaiting approval."))
    if not user.has_perm(APPROVE_INSTRUMENT):
        return _no(gettext_noop("Only a supervisor with the approver right approves a correction notice."))
    if user.pk == instrument.drafted_by_id:
        return _no(gettext_noop("A second supervisor approves: the drafter cannot approve their own notice."))
    return OK


def can_issue_instrument(user, instrument) -> tuple[bool, str]:
    from .models import InstrumentKind, InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.kind == InstrumentKind.NOTICE:
        if instrument.state != InstrumentState.APPROVED:
            return _no(gettext_noop("A correction notice is issued once a second supervisor has approved it."))
    elif instrument.state != InstrumentState.DRAFT:
        return _no(gettext_noop("Only a draft is issued."))
    return OK


def can_edit_instrument(user, instrument) -> tuple[bool, str]:
    from .models import InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.state != InstrumentState.DRAFT:
        return _no(gettext_noop("Only a draft is edited."))
    return OK


def can_reply_instrument(user, instrument) -> tuple[bool, str]:
    """A clerk of the agency addressed replies while a reply is owed."""
    from .models import InstrumentKind

    if not (user.is_authenticated and user.agency_id == instrument.agency_id and user.has_perm(REPLY_INSTRUMENT)):
        return _no(gettext_noop("Only a clerk of the agency addressed replies to this instrument."))
    if instrument.kind == InstrumentKind.ORAL:
        return _no(gettext_noop("An oral correction needs no written reply."))
    if not instrument.awaits_reply:
        return _no(gettext_noop("This instrument is not awaiting a reply."))
    return OK


def can_request_review(user, instrument) -> tuple[bool, str]:
    """The agency may ask for review (复查) of a correction notice once, while a reply is owed."""
    from .models import InstrumentKind

    ok = can_reply_instrument(user, instrument)
    if not ok[0]:
        return ok
    if instrument.kind != InstrumentKind.NOTICE:
        return _no(gettext_noop("Review is requested of a correction notice."))
    if instrument.review_requested_on is not None:
        return _no(gettext_noop("Review of this notice was already requested."))
    return OK


def can_answer_review(user, instrument) -> tuple[bool, str]:
    from .models import InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.state != InstrumentState.REVIEW:
        return _no(gettext_noop("No review of this instrument is pending."))
    return OK


def can_decide_reply(user, instrument) -> tuple[bool, str]:
    """Accept or reject the agency's reply."""
    from .models import InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.state != InstrumentState.REPLIED:
        return _no(gettext_noop("No reply of this instrument awaits a decision."))
    return OK


def can_close_oral(user, instrument) -> tuple[bool, str]:
    """Close an oral correction at its follow-up: the agency corrected."""
    from .models import InstrumentKind, InstrumentState

    ok = _issuing(user, instrument)
    if not ok[0]:
        return ok
    if instrument.kind != InstrumentKind.ORAL or instrument.state != InstrumentState.ISSUED:
        return _no(gettext_noop("Only an issued oral correction is closed at its follow-up."))
    return OK
