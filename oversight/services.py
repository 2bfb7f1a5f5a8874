"""Every write of supervision: the scan that turns causes into findings, the supervisor's triage, complaints.

Each business action is atomic, guarded by oversight.permissions, with a history reason (gettext_noop,
translated when shown); the clock is an argument (``as_of``, ``today``, ``now``).
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.serials import next_serial
from queries.permissions import reason_has_substance

from . import permissions, rules, scans
from .models import COMPLAINT_SOURCES, Finding, Rule, ScanRun, Source, State, Triage

SERIAL_PREFIX = "XS"  # 线索
MAX_DESCRIPTION = 4000

REASON_DETECTED = gettext_noop("detected by the scan")
REASON_FACTS = gettext_noop("facts updated by the scan")
REASON_CLOSED = gettext_noop("closed by the scan: the cause is gone")
REASON_SETTLED = gettext_noop("closed by the scan: a past violation, settled")
SETTLED_KEYS_CHUNK = 500


class OversightError(Exception):
    """An action a permission, the finding's state or the input does not allow; the message (an untranslated
    message id) says why."""


def _guard(check: tuple[bool, str]) -> None:
    ok, reason = check
    if not ok:
        raise OversightError(reason)


def _save(obj, reason: str, user=None) -> None:
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()


# --- the scan -----------------------------------------------------------------------------------------

def scan(as_of: dt.date, *, trigger: str = ScanRun.Trigger.COMMAND, now: dt.datetime | None = None) -> dict:
    """Run every scan of RULES.md §5 as of ``as_of``: each cause present gets one open finding (created once),
    each open finding whose cause is gone is closed. Safe to run twice, or twice at once: the open key is
    unique, so a second run creates nothing. Returns ``{"created", "open", "closed", "by_rule"}``."""
    now = now or timezone.now()
    run = ScanRun.objects.create(as_of=as_of, trigger=trigger, started_at=now)
    by_rule = {}
    for rule, select in scans.SCANS:
        by_rule[rule] = sync(rule, select(as_of), as_of=as_of)
    summary = {
        "created": sum(r["created"] for r in by_rule.values()),
        "open": sum(r["open"] for r in by_rule.values()),
        "closed": sum(r["closed"] for r in by_rule.values()),
        "by_rule": by_rule,
    }
    ScanRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), created=summary["created"],
                                             open=summary["open"], closed=summary["closed"], by_rule=by_rule)
    return summary


def sync(rule: str, causes: list[scans.Cause], *, as_of: dt.date) -> dict:
    """Make the open scan findings of ``rule`` match ``causes``, in one transaction."""
    wanted = {cause.key: cause for cause in causes}
    created = closed = 0
    with transaction.atomic():
        existing = {f.key: f for f in Finding.objects.select_for_update().filter(
            rule=rule, source=Source.SCAN, state=State.OPEN)}
        for key in _settled_keys(rule, [k for k, c in wanted.items() if not c.ongoing and k not in existing]):
            del wanted[key]  # a past violation already dealt with is not raised again
        for key, finding in existing.items():
            cause = wanted.get(key)
            if cause is None or (not cause.ongoing and finding.settled_on is not None):
                finding.state = State.CLOSED
                finding.closed_on = max(as_of, finding.detected_on)
                _save(finding, REASON_CLOSED if cause is None else REASON_SETTLED)
                closed += 1
            elif any(finding.facts.get(name) != value for name, value in cause.facts.items()):
                finding.facts = {**finding.facts, **cause.facts}
                _save(finding, REASON_FACTS)
        for key, cause in wanted.items():
            if key not in existing and _create(rule, cause, as_of=as_of):
                created += 1
        still_open = Finding.objects.filter(rule=rule, source=Source.SCAN, state=State.OPEN).count()
    return {"created": created, "open": still_open, "closed": closed}


def _settled_keys(rule: str, keys: list[str]) -> set[str]:
    """Of ``keys``, those of a closed finding that was settled: its cause is a past event already dealt with."""
    found = set()
    for start in range(0, len(keys), SETTLED_KEYS_CHUNK):
        found.update(Finding.objects.filter(
            rule=rule, source=Source.SCAN, state=State.CLOSED, settled_on__isnull=False,
            key__in=keys[start:start + SETTLED_KEYS_CHUNK]).values_list("key", flat=True))
    return found


def settle_findings(findings, *, today: dt.date, reason: str, user=None) -> int:
    """Mark the open findings among ``findings`` as dealt with (an instrument resting on them was closed). A
    finding whose cause is a past event is then closed by the next scan; one whose cause lasts stays open
    until the cause is gone. Call inside the caller's transaction."""
    settled = 0
    for finding in findings.select_for_update(of=("self",)).filter(state=State.OPEN, settled_on__isnull=True):
        finding.settled_on = today
        _save(finding, reason, user)
        settled += 1
    return settled


def _create(rule: str, cause: scans.Cause, *, as_of: dt.date) -> bool:
    """One new finding; False when a concurrent run created it first (the open key is unique)."""
    try:
        with transaction.atomic():
            finding = Finding(
                serial=next_serial(SERIAL_PREFIX, as_of.year), rule=rule, source=Source.SCAN, key=cause.key,
                agency_id=cause.agency_id, region_id=cause.region_id, detected_on=as_of, cause_date=cause.cause_date,
                facts={**cause.snapshot, **cause.facts}, **cause.links)
            _save(finding, REASON_DETECTED)
    except IntegrityError:
        return False
    return True


# --- triage ---------------------------------------------------------------------------------------------

def _locked(finding: Finding) -> Finding:
    return Finding.objects.select_for_update(of=("self",)).select_related("region", "agency").get(pk=finding.pk)


@transaction.atomic
def accept_finding(finding: Finding, *, user, now: dt.datetime, note: str = "") -> Finding:
    """The supervisor takes the finding up as a lead (线索), optionally with a note."""
    finding = _locked(finding)
    _guard(permissions.can_accept_finding(user, finding))
    finding.triage = Triage.ACCEPTED
    finding.triage_reason = (note or "").strip()
    finding.triaged_by = user
    finding.triaged_at = now
    _save(finding, gettext_noop("accepted as a lead"), user)
    return finding


@transaction.atomic
def dismiss_finding(finding: Finding, *, user, reason: str, now: dt.datetime) -> Finding:
    """The supervisor dismisses the finding, saying why. A dismissed scan finding stays open while its cause
    lasts, so the scan does not raise it again; one about a past event is settled, and the next scan closes it."""
    finding = _locked(finding)
    _guard(permissions.can_dismiss_finding(user, finding))
    if not reason_has_substance(reason):
        raise OversightError(gettext_noop("Say why you dismiss this finding, in at least ten characters."))
    finding.triage = Triage.DISMISSED
    finding.triage_reason = reason.strip()
    finding.triaged_by = user
    finding.triaged_at = now
    if finding.state == State.OPEN and finding.settled_on is None:
        finding.settled_on = timezone.localdate(now)
    _save(finding, gettext_noop("dismissed"), user)
    return finding


# --- complaints -----------------------------------------------------------------------------------------

@transaction.atomic
def enter_complaint(*, user, source: str, agency, received_on: dt.date, description: str, rule: str = "",
                    complainant: str = "", today: dt.date) -> Finding:
    """A complaint (12309 hotline, petition, a person's own application) entered by hand as an open finding
    about an agency the supervisor supervises. It has no scan cause: the scan never closes it."""
    _guard(permissions.can_enter_complaint(user, agency))
    if source not in COMPLAINT_SOURCES:
        raise OversightError(gettext_noop("Choose where the complaint came from."))
    if rule and rule not in Rule.values:
        raise OversightError(gettext_noop("Choose the kind of violation, or leave it empty."))
    if received_on > today:
        raise OversightError(gettext_noop("The date of receipt cannot be in the future."))
    description = (description or "").strip()
    if not reason_has_substance(description):
        raise OversightError(gettext_noop("Describe the complaint in at least ten characters."))
    if len(description) > MAX_DESCRIPTION:
        raise OversightError(gettext_noop("The description is too long."))
    serial = next_serial(SERIAL_PREFIX, today.year)
    finding = Finding(
        serial=serial, rule=rule, source=source, key=f"complaint:{serial}", agency=agency, region_id=agency.region_id,
        detected_on=received_on, cause_date=received_on, complainant=(complainant or "").strip(),
        description=description, entered_by=user,
    )
    _save(finding, gettext_noop("complaint entered"), user)
    return finding


assert set(Rule.values) == set(rules.RULE_IDS)
