"""Observation over time (RULES.md §3: A-OBS, A-CS, A-REVOKE, A-EXTEND).

Community-service hours are entered by one clerk and count only once a second clerk of the handling agency
has verified them; events (a new crime, an administrative detention) are corrected or withdrawn by the
handling agency with a reason. Every change re-evaluates the file through the engine
(``services.evaluate_file``) and reports a move the file may not make (a revoked file stays revoked, a
final seal stands) instead of swallowing it.

One function per business action, atomic, with a history reason (gettext_noop, translated when shown);
the guards are the ``can_<action>`` of permissions.py; the clock is an argument.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import NamedTuple

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_noop

from . import permissions, services
from .models import CommunityServiceEntry, Defendant, EventKind, ObservationEvent, SealingFile
from .rules import Event, evaluate

# A reason of substance: the same bound as a break-the-glass reason; at most what a history row keeps.
MIN_REASON = 10
MAX_REASON = 100
HOURS_PER_DAY = 24

# Each problem code: the form field that shows it and the message (translated when shown).
PROBLEMS = {
    "hours_not_positive": ("hours", gettext_noop("Enter the hours served: more than zero.")),
    "hours_exceed_days": ("hours", gettext_noop("More hours than the days of service allow (at most 24 a day).")),
    "dates_out_of_order": ("served_to", gettext_noop("The service cannot end before it began.")),
    "served_in_future": ("served_to", gettext_noop("The service cannot end after today.")),
    "description_missing": ("description", gettext_noop("Say what service was done and where.")),
    "event_in_future": ("date", gettext_noop("The date cannot be in the future.")),
    "event_kind_unknown": ("kind", gettext_noop("Choose the kind of event.")),
    "document_missing": ("document_number", gettext_noop("Enter the number of the judgment or decision.")),
    "reason_too_short": ("reason", gettext_noop("Give the reason for this change (at least ten characters).")),
    "reason_too_long": ("reason", gettext_noop("Keep the reason to 100 characters.")),
    "event_unchanged": (None, gettext_noop("Nothing was changed: the event already reads so.")),
}


class ObservationError(services.SealingError):
    """A refused observation action; ``field`` names the form field the message belongs to (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Reevaluation(NamedTuple):
    """What ``services.evaluate_file`` returned, and the status the rules gave when the file may not take it."""

    file: SealingFile
    applied: bool
    refused: str | None = None


class Preview(NamedTuple):
    """What the rules would decide after a change, before it is made (shown on the confirmation page)."""

    status: str
    observation_end: dt.date | None
    allowed: bool


# --- validation: one set of checks for the forms and the services --------------------------------------

def service_entry_problems(*, hours, served_from, served_to, description: str, as_of: dt.date) -> list[str]:
    problems = []
    if hours is None or hours <= 0:
        problems.append("hours_not_positive")
    if served_from and served_to:
        if served_to < served_from:
            problems.append("dates_out_of_order")
        elif hours and hours > ((served_to - served_from).days + 1) * HOURS_PER_DAY:
            problems.append("hours_exceed_days")
    if served_to and served_to > as_of:
        problems.append("served_in_future")
    if not (description or "").strip():
        problems.append("description_missing")
    return problems


def event_problems(*, kind: str, date, document_number: str, as_of: dt.date) -> list[str]:
    problems = []
    if kind not in EventKind.values:
        problems.append("event_kind_unknown")
    if date and date > as_of:
        problems.append("event_in_future")
    if not (document_number or "").strip():
        problems.append("document_missing")
    return problems


def reason_problems(reason: str) -> list[str]:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        return ["reason_too_short"]
    if len(text) > MAX_REASON:
        return ["reason_too_long"]
    return []


def correction_problems(event, *, kind: str, date, document_number: str) -> list[str]:
    if (event.kind, event.date, event.document_number) == (kind, date, (document_number or "").strip()):
        return ["event_unchanged"]
    return []


def _check(problems: list[str]) -> None:
    if problems:
        field, message = PROBLEMS[problems[0]]
        raise ObservationError(message, field)


def _guard(check: tuple[bool, str]) -> None:
    ok, reason = check
    if not ok:
        raise ObservationError(reason)


def _save(obj, reason: str, user, when: dt.datetime | None = None) -> None:
    obj._change_reason = reason
    obj._history_user = user
    if when is not None:
        obj._history_date = when
    obj.save()


# --- the rules' answer --------------------------------------------------------------------------------

def _decide(defendant: Defendant, file: SealingFile, as_of: dt.date, **changes):
    facts = services.facts_for(defendant)
    if changes:
        facts = dataclasses.replace(facts, **changes)
    return evaluate(facts, file.policy.to_policy(), as_of)


def refused_status(file: SealingFile, *, as_of: dt.date) -> str | None:
    """The status the rules give today when the file could not take it (``evaluate_file`` returned
    applied=False); None when the file stands where the rules put it."""
    if file.policy_id is None:
        return None
    status = _decide(file.defendant, file, as_of).status
    return None if status == file.status else status


def _reevaluate(defendant: Defendant, *, user, as_of: dt.date, reason: str) -> Reevaluation:
    outcome = services.evaluate_file(defendant, as_of=as_of, user=user, reason=reason)
    file, applied = outcome
    # the refused answer comes with the evaluation: the rules are not run a second time
    return Reevaluation(file, applied, None if applied else outcome.refused)


def _events(defendant: Defendant, *, without=None, corrected: Event | None = None) -> tuple[Event, ...]:
    events = [Event(date=e.date, kind=e.kind)
              for e in defendant.events.filter(withdrawn_at__isnull=True).exclude(pk=getattr(without, "pk", None))]
    if corrected is not None:
        events.append(corrected)
    return tuple(sorted(events, key=lambda e: e.date))


def _preview(defendant: Defendant, as_of: dt.date, **changes) -> Preview:
    file = defendant.sealing_file
    decision = _decide(defendant, file, as_of, **changes)
    return Preview(decision.status, decision.observation_end, file.can_move_to(decision.status))


def verified_hours(defendant: Defendant) -> int:
    """A-CS counts only verified hours that were not rejected."""
    total = defendant.service_entries.filter(verified_at__isnull=False, rejected_reason="").aggregate(n=Sum("hours"))
    return total["n"] or 0


def preview_verification(entry: CommunityServiceEntry, *, as_of: dt.date) -> Preview:
    defendant = entry.defendant
    return _preview(defendant, as_of, community_service_hours=verified_hours(defendant) + entry.hours)


def preview_correction(event: ObservationEvent, *, kind: str, date: dt.date, as_of: dt.date) -> Preview:
    defendant = event.defendant
    return _preview(defendant, as_of, events=_events(defendant, without=event, corrected=Event(date=date, kind=kind)))


def preview_withdrawal(event: ObservationEvent, *, as_of: dt.date) -> Preview:
    defendant = event.defendant
    return _preview(defendant, as_of, events=_events(defendant, without=event))


# --- community service (A-CS) ---------------------------------------------------------------------------

def _locked_defendant(pk) -> Defendant:
    return Defendant.objects.select_for_update().get(pk=pk)


@transaction.atomic
def enter_service_hours(defendant: Defendant, *, user, hours: int, served_from: dt.date, served_to: dt.date,
                        description: str, document_number: str = "", as_of: dt.date) -> CommunityServiceEntry:
    """Enter hours served; they do not count until a second clerk verifies them."""
    defendant = _locked_defendant(defendant.pk)
    _guard(permissions.can_enter_service_hours(user, defendant))
    _check(service_entry_problems(hours=hours, served_from=served_from, served_to=served_to,
                                  description=description, as_of=as_of))
    entry = CommunityServiceEntry(
        defendant=defendant, hours=hours, served_from=served_from, served_to=served_to,
        description=description.strip(), document_number=(document_number or "").strip(), entered_by=user,
    )
    _save(entry, gettext_noop("community service hours entered"), user)
    return entry


def _count_verified(defendant: Defendant, *, user) -> None:
    total = verified_hours(defendant)
    if defendant.community_service_hours != total:
        defendant.community_service_hours = total
        _save(defendant, gettext_noop("verified community service hours counted"), user)


@transaction.atomic
def verify_service_hours(entry: CommunityServiceEntry, *, user, as_of: dt.date, now: dt.datetime) -> Reevaluation:
    """A second clerk of the handling agency verifies the hours: the defendant's verified hours become the
    sum of the verified entries and the file is re-evaluated (A-CS)."""
    defendant = _locked_defendant(entry.defendant_id)
    entry = CommunityServiceEntry.objects.select_for_update().get(pk=entry.pk)
    entry.defendant = defendant
    _guard(permissions.can_verify_service_hours(user, entry))
    entry.verified_by = user
    entry.verified_at = now
    _save(entry, gettext_noop("community service hours verified"), user, when=now)
    _count_verified(defendant, user=user)
    return _reevaluate(defendant, user=user, as_of=as_of,
                       reason=gettext_noop("re-evaluated after verified community service"))


@transaction.atomic
def reject_service_hours(entry: CommunityServiceEntry, *, user, reason: str, now: dt.datetime) -> CommunityServiceEntry:
    """A second clerk rejects the hours with a reason: they never count."""
    defendant = _locked_defendant(entry.defendant_id)
    entry = CommunityServiceEntry.objects.select_for_update().get(pk=entry.pk)
    entry.defendant = defendant
    _guard(permissions.can_verify_service_hours(user, entry))
    _check(reason_problems(reason))
    entry.rejected_reason = reason.strip()
    _save(entry, gettext_noop("community service hours rejected"), user, when=now)
    return entry


# --- events (A-REVOKE / A-EXTEND) -------------------------------------------------------------------------

def _locked_event(event: ObservationEvent) -> tuple[Defendant, ObservationEvent]:
    defendant = _locked_defendant(event.defendant_id)
    event = ObservationEvent.objects.select_for_update().get(pk=event.pk)
    event.defendant = defendant
    return defendant, event


@transaction.atomic
def correct_event(event: ObservationEvent, *, user, kind: str, date: dt.date, document_number: str, reason: str,
                  as_of: dt.date) -> Reevaluation:
    """The handling agency corrects an event's kind, date or document number, giving why; the rules then
    revoke, extend or undo an extension as the corrected facts say."""
    defendant, event = _locked_event(event)
    _guard(permissions.can_correct_event(user, event))
    _check(event_problems(kind=kind, date=date, document_number=document_number, as_of=as_of)
           + reason_problems(reason))
    document_number = document_number.strip()
    _check(correction_problems(event, kind=kind, date=date, document_number=document_number))
    event.kind, event.date, event.document_number = kind, date, document_number
    _save(event, reason.strip(), user)  # the clerk's own words are the history reason
    return _reevaluate(defendant, user=user, as_of=as_of, reason=gettext_noop("re-evaluated after a corrected event"))


@transaction.atomic
def withdraw_event(event: ObservationEvent, *, user, reason: str, as_of: dt.date, now: dt.datetime) -> Reevaluation:
    """Withdraw an event entered in error (never deleted): the rules no longer count it."""
    defendant, event = _locked_event(event)
    _guard(permissions.can_correct_event(user, event))
    _check(reason_problems(reason))
    event.withdrawn_at = now
    event.withdrawn_reason = reason.strip()
    _save(event, gettext_noop("event withdrawn"), user, when=now)
    return _reevaluate(defendant, user=user, as_of=as_of, reason=gettext_noop("re-evaluated after a withdrawn event"))
