"""Every permission question of the sealing app, asked once.

Each ``can_<action>(user, obj, ...) -> (ok, reason)``: the view calls it to draw the button, the service
calls it as its guard, so the two never disagree. ``reason`` is an untranslated message id (gettext_noop)
that the caller translates when it shows it.
"""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_noop

from accounts.models import Agency, Region
from accounts.roles import SUPERVISOR

from .rules.files import is_hidden, may_unseal

OK = (True, "")


def _no(reason: str) -> tuple[bool, str]:
    return False, reason


def is_procuratorate_supervisor(user) -> bool:
    """RULES.md §5: only supervisors at a procuratorate supervise."""
    agency = getattr(user, "agency", None)
    return bool(user.is_authenticated and user.has_role(SUPERVISOR) and agency is not None
                and agency.kind == Agency.Kind.PROCURATORATE)


def supervises(user, agency) -> bool:
    """A procuratorate supervisor supervises every agency of its region and the regions below it."""
    if not is_procuratorate_supervisor(user) or agency is None:
        return False
    return agency.region_id in Region.objects.get(pk=user.agency.region_id).descendant_ids()


def handles(user, case) -> bool:
    return user.agency_id is not None and user.agency_id == case.agency_id


def can_import_cases(user) -> tuple[bool, str]:
    """The clerks who enter cases import them (sealing/imports.py): the same permission, and an agency to import
    them for."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("sealing.add_case"):
        return _no(gettext_noop("Only the clerks who enter cases may import them."))
    if user.agency_id is None:
        return _no(gettext_noop("Your account belongs to no agency: ask an administrator."))
    return OK


def can_change_facts(user, defendant) -> tuple[bool, str]:
    """Correct a defendant's facts (or the case's): the handling agency, and never while the file is hidden."""
    if not user.has_perm("sealing.change_defendant") or not handles(user, defendant.case):
        return _no(gettext_noop("Only the handling agency corrects the facts of a case."))
    file = getattr(defendant, "sealing_file", None)
    if file is not None and is_hidden(file.status):
        return _no(gettext_noop("The facts of a sealed file cannot be changed; a correction needs unsealing first."))
    return OK


def can_change_case(user, case) -> tuple[bool, str]:
    if not user.has_perm("sealing.change_case") or not handles(user, case):
        return _no(gettext_noop("Only the handling agency corrects the facts of a case."))
    statuses = case.defendants.values_list("sealing_file__status", flat=True)
    if any(is_hidden(s) for s in statuses):
        return _no(gettext_noop("The facts of a sealed file cannot be changed; a correction needs unsealing first."))
    return OK


def can_change_record(user, record) -> tuple[bool, str]:
    if not user.has_perm("sealing.change_record") or user.agency_id != record.holding_agency_id:
        return _no(gettext_noop("Only the holding agency corrects its copy of a record."))
    if record.content_hidden:
        return _no(gettext_noop("A sealed record cannot be edited."))
    return OK


def can_seal(user, file, today: dt.date, *, open_own_copies: int) -> tuple[bool, str]:
    """Seal the user's agency's copies: the file hides the records, the seal date has come, and the
    agency still holds an open copy the file covers."""
    if not user.has_perm("sealing.seal_record"):
        return _no(gettext_noop("Your role does not seal records."))
    if user.agency_id is None:
        return _no(gettext_noop("Your account belongs to no agency."))
    if not is_hidden(file.status):
        return _no(gettext_noop("This file is not to be sealed: its decision does not hide the records."))
    if file.seal_date and file.seal_date > today:
        return _no(gettext_noop("The seal date has not come yet."))
    if open_own_copies == 0:
        return _no(gettext_noop("Your agency holds no unsealed copy of this file's records."))
    return OK


def can_unseal(user, file, ground: str | None = None) -> tuple[bool, str]:
    if not user.has_perm("sealing.unseal_file") or not handles(user, file.defendant.case):
        return _no(gettext_noop("Only the handling agency decides an unsealing."))
    if file.status != "sealed":
        return _no(gettext_noop("Only a sealed file can be unsealed."))
    if ground is not None and not may_unseal(regime=file.regime, status=file.status, ground=ground):
        return _no(gettext_noop("This ground does not allow unsealing this file."))
    return OK


def can_reevaluate(user, file) -> tuple[bool, str]:
    if not user.has_perm("sealing.change_defendant") or not handles(user, file.defendant.case):
        return _no(gettext_noop("Only the handling agency re-evaluates a file."))
    return OK


def can_record_event(user, file) -> tuple[bool, str]:
    if not user.has_perm("sealing.add_defendant") or not handles(user, file.defendant.case):
        return _no(gettext_noop("Only the handling agency records events."))
    return OK


def can_break_glass(user, file) -> tuple[bool, str]:
    """Open a hidden file's facts with a reason: the handling agency's clerk (to establish an unsealing
    ground) and the supervising procuratorate's supervisor. Every such read is logged with its reason."""
    if not is_hidden(file.status):
        return _no(gettext_noop("This file is not sealed."))
    case = file.defendant.case
    if handles(user, case) and user.has_perm("sealing.unseal_file"):
        return OK
    if supervises(user, case.agency):
        return OK
    return _no(gettext_noop("Only the handling agency or the supervising procuratorate may open a sealed file."))


def _receiving_clerk(user, notice) -> tuple[bool, str]:
    if not user.has_perm("sealing.seal_record"):
        return _no(gettext_noop("Your role does not seal records."))
    if user.agency_id is None or user.agency_id != notice.to_agency_id:
        return _no(gettext_noop("Only the agency the notice is addressed to acts on it."))
    if notice.withdrawn_at is not None:
        return _no(gettext_noop("This notice was withdrawn."))
    return OK


def can_acknowledge_notice(user, notice) -> tuple[bool, str]:
    """签收: a clerk of the addressed agency, once."""
    ok = _receiving_clerk(user, notice)
    if not ok[0]:
        return ok
    if notice.received_at is not None:
        return _no(gettext_noop("This notice has already been acknowledged."))
    return OK


def can_seal_notice(user, notice, today: dt.date) -> tuple[bool, str]:
    """Seal the addressed agency's copy: the file still hides the records and the copy is not yet sealed."""
    ok = _receiving_clerk(user, notice)
    if not ok[0]:
        return ok
    if notice.copy_sealed_at is not None:
        return _no(gettext_noop("Your agency's copy is already sealed."))
    if not is_hidden(notice.sealing_file.status):
        return _no(gettext_noop("This file is not to be sealed: its decision does not hide the records."))
    return OK


def can_publish_policy(user) -> tuple[bool, str]:
    """Publish a version of the sealing policy, which governs every agency of the installation: only a policy
    administrator of an agency at the provincial level (GB/T 2260 region XX0000) — not a district's or a
    city's, and not an account of no agency."""
    if not getattr(user, "is_authenticated", False) or not user.is_active \
            or not user.has_perm("sealing.add_sealingpolicy"):
        return _no(gettext_noop("Only a policy administrator publishes a sealing policy version."))
    agency = getattr(user, "agency", None)
    if agency is None or agency.region.level != "province":
        return _no(gettext_noop("The sealing policy governs the whole installation: only a policy administrator at "
                                "the provincial level publishes a version."))
    return OK


def can_run_sweep(user) -> tuple[bool, str]:
    if not user.has_perm("sealing.add_sweeprun"):
        return _no(gettext_noop("Only an administrator starts a sweep."))
    return OK


# --- Observation over time: community service (A-CS) and events (A-REVOKE / A-EXTEND) ---------------

OBSERVED_STATUSES = ("observing", "provisionally_sealed")


def _service_hours_apply(file) -> tuple[bool, str]:
    """A-CS shortens an adult's observation period: not a juvenile's record (sealed at once), not a file
    sealed at once under the policy (seal_immediately: no observation period)."""
    if file is None or file.regime != "adult":
        return _no(gettext_noop("Community service shortens only an adult's observation period (A-CS); a juvenile "
                                "record is sealed at once, without observation."))
    if file.policy is not None and file.policy.mode == "seal_immediately":
        return _no(gettext_noop("This file was decided under a policy that seals at once (seal_immediately): there is "
                                "no observation period for community service to shorten (A-CS does not apply)."))
    return OK


def can_enter_service_hours(user, defendant) -> tuple[bool, str]:
    """Enter community-service hours: a clerk of the handling agency, on an adult file under observation."""
    if not user.has_perm("sealing.add_communityserviceentry") or not handles(user, defendant.case):
        return _no(gettext_noop("Only the handling agency enters community service hours."))
    file = getattr(defendant, "sealing_file", None)
    ok = _service_hours_apply(file)
    if not ok[0]:
        return ok
    if file.status not in OBSERVED_STATUSES:
        return _no(gettext_noop("Community service hours are entered only while the observation period runs."))
    return OK


def can_verify_service_hours(user, entry) -> tuple[bool, str]:
    """Verify (or reject) an entry: a second clerk of the handling agency, never the one who entered it."""
    defendant = entry.defendant
    if not user.has_perm("sealing.change_communityserviceentry") or not handles(user, defendant.case):
        return _no(gettext_noop("Only the handling agency verifies community service hours."))
    if entry.entered_by_id == user.pk:
        return _no(gettext_noop("You entered these hours: a second clerk must verify them."))
    if entry.verified_at is not None:
        return _no(gettext_noop("These hours have already been verified."))
    if entry.rejected_reason:
        return _no(gettext_noop("These hours were rejected."))
    return _service_hours_apply(getattr(defendant, "sealing_file", None))


def can_correct_event(user, event) -> tuple[bool, str]:
    """Correct or withdraw an event: the handling agency, while the event is in force."""
    if not user.has_perm("sealing.change_defendant") or not handles(user, event.defendant.case):
        return _no(gettext_noop("Only the handling agency corrects events."))
    if event.withdrawn_at is not None:
        return _no(gettext_noop("This event was withdrawn."))
    if getattr(event.defendant, "sealing_file", None) is None:
        return _no(gettext_noop("This defendant has no sealing file yet."))
    return OK


def can_download_notice(user, notice) -> tuple[bool, str]:
    """The notice names the person in clear: only the clerks of the sending and of the addressed agency, and
    the procuratorate that supervises either of them, download it."""
    if not getattr(user, "is_authenticated", False):
        return _no(gettext_noop("Only the clerks of the sending and the addressed agency and the supervising "
                                "procuratorate download a sealing notice."))
    if user.has_perm("sealing.seal_record") and user.agency_id in (notice.from_agency_id, notice.to_agency_id):
        return OK
    if supervises(user, notice.from_agency) or supervises(user, notice.to_agency):
        return OK
    return _no(gettext_noop("Only the clerks of the sending and the addressed agency and the supervising "
                            "procuratorate download a sealing notice."))
