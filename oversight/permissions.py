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
