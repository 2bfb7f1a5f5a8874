"""Observation over time on the decision page: community-service hours (entered by one clerk, verified or
rejected by a second), events corrected or withdrawn with a reason, and the file's timeline.

Every change goes through sealing/observation.py, which re-evaluates the file; when the rules' answer is a
move the file may not make, the clerk is told which status was refused and why the file stays where it is.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from . import disclosure, observation, permissions, selectors, timeline
from .forms import EventCorrectionForm, ReasonForm, ServiceEntryForm
from .history import history_entries
from .models import CommunityServiceEntry, EventKind, FileStatus, ObservationEvent

# Why a file stays where it is (models.ALLOWED_TRANSITIONS), by its current status.
STAYS = {
    FileStatus.REVOKED: gettext_lazy("a revoked file cannot move back: the provisional seal was lifted for good."),
    FileStatus.SEALED: gettext_lazy("a final seal stands until it is unsealed on a legal ground."),
    FileStatus.UNSEALED: gettext_lazy("an unsealed file stays unsealed."),
    FileStatus.PROVISIONALLY_SEALED: gettext_lazy("a provisional seal ends only as a final seal or a revocation."),
    FileStatus.OBSERVING: gettext_lazy("an observation period ends only as a seal or a revocation."),
}


def status_label(status: str) -> str:
    return FileStatus(status).label if status in FileStatus.values else status


def refusal_message(file, refused: str) -> str:
    return _("The rules now give “%(refused)s”, but this file may not move from “%(current)s” to it: "
             "%(why)s The status stays “%(current)s”.") % {
        "refused": status_label(refused), "current": file.get_status_display(),
        "why": STAYS.get(file.status, gettext_lazy("this move is not allowed.")),
    }


def warn_refused(request, file, refused: str) -> None:
    messages.warning(request, refusal_message(file, refused))


def report(request, outcome: observation.Reevaluation, done: str) -> None:
    """Tell the clerk what the re-evaluation did, and never swallow a refused move."""
    if outcome.applied:
        messages.success(request, done + " " + _("Decision now: %(status)s.") % {
            "status": outcome.file.get_status_display()})
    else:
        messages.info(request, done)
        warn_refused(request, outcome.file, outcome.refused or outcome.file.status)


def _refuse(request, reason: str):
    messages.error(request, _(reason))
    return render(request, "403.html", status=403)


def _file(request, pk):
    return get_object_or_404(selectors.files_for(request.user), pk=pk)


def _entry(request, pk) -> CommunityServiceEntry:
    entries = CommunityServiceEntry.objects.filter(defendant__sealing_file__in=selectors.files_for(request.user))
    return get_object_or_404(entries.select_related("defendant__case", "defendant__sealing_file__policy",
                                                    "entered_by"), pk=pk)


def _event(request, pk) -> ObservationEvent:
    events = ObservationEvent.objects.filter(defendant__sealing_file__in=selectors.files_for(request.user))
    return get_object_or_404(events.select_related("defendant__case", "defendant__sealing_file"), pk=pk)


def _unmasked(request, defendant) -> bool:
    """Outside the decision page (which may be opened with a reason) the gate alone decides."""
    return not disclosure.Gate(request.user).person(defendant).masked


def _log_hidden_facts(request, file, event) -> None:
    """The correction pages show a hidden file's event (kind, date, document number) to its handling clerk:
    a read of sealed facts, logged like every other."""
    if file.hidden:
        disclosure.log_read(request.user, defendant=file.defendant, reference=f"event {event.pk}",
                            reason=gettext_noop("observation event shown for correction"))


def _file_url(file) -> str:
    return reverse("sealing:file_detail", args=[file.pk])


def observation_context(request, file, *, unmasked: bool, today) -> dict:
    """What the decision page shows of observation over time (``unmasked`` as the page decided it)."""
    user = request.user
    defendant = file.defendant
    entries = []
    for entry in defendant.service_entries.select_related("entered_by", "verified_by").order_by("served_from", "pk"):
        entry.defendant = defendant
        entries.append({"entry": entry, "state": timeline.service_state(entry),
                        "can_verify": permissions.can_verify_service_hours(user, entry)[0]})
    events = []
    for event in defendant.events.select_related("created_by").order_by("date", "pk"):
        event.defendant = defendant
        events.append({"event": event, "can_correct": permissions.can_correct_event(user, event)[0]})
    can_enter, why_not = permissions.can_enter_service_hours(user, defendant)
    # the handling agency's clerk is told why there is no "enter hours" button (A-CS does not apply)
    acts_here = user.has_perm("sealing.add_communityserviceentry") and permissions.handles(user, defendant.case)
    return {
        "timeline": timeline.for_file(file, masked=not unmasked, today=today),
        "service_rows": entries,
        "show_service": file.regime == "adult" or bool(entries),
        "can_enter_service": can_enter,
        "service_refusal": _(why_not) if not can_enter and acts_here else "",
        "event_rows": events,
        "observation_unmasked": unmasked,
    }


# --- community service --------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def service_create(request, pk):
    file = _file(request, pk)
    allowed, reason = permissions.can_enter_service_hours(request.user, file.defendant)
    if not allowed:
        return _refuse(request, reason)
    form = ServiceEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = observation.enter_service_hours(file.defendant, user=request.user, as_of=timezone.localdate(),
                                                    **form.cleaned_data)
        except observation.ObservationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, _(str(exc)))
        else:
            messages.success(request, _("%(hours)s hours entered. They count only once a second clerk of your agency "
                                        "verifies them.") % {"hours": entry.hours})
            return redirect(_file_url(file) + "#service")
    return render(request, "sealing/service_form.html", {"file": file, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def service_verify(request, pk):
    entry = _entry(request, pk)
    file = entry.defendant.sealing_file
    allowed, reason = permissions.can_verify_service_hours(request.user, entry)
    if not allowed:
        return _refuse(request, reason)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            outcome = observation.verify_service_hours(entry, user=request.user, as_of=today, now=timezone.now())
        except observation.ObservationError as exc:
            messages.error(request, _(str(exc)))
        else:
            report(request, outcome, _("%(hours)s hours verified: %(total)s verified hours now count.") % {
                "hours": entry.hours, "total": outcome.file.defendant.community_service_hours})
        return redirect(_file_url(file) + "#service")
    return render(request, "sealing/service_verify.html", {
        "file": file, "entry": entry, "unmasked": _unmasked(request, entry.defendant),
        **_preview_labels(observation.preview_verification(entry, as_of=today), file)})


def _preview_labels(preview: observation.Preview, file) -> dict:
    """The confirmation page's forecast: the status and end the rules will give, or the refused move."""
    return {"preview": preview, "preview_status": status_label(preview.status),
            "preview_changes": preview.status != file.status or preview.observation_end != file.observation_end,
            "preview_refusal": "" if preview.allowed else refusal_message(file, preview.status)}


@login_required
@require_http_methods(["GET", "POST"])
def service_reject(request, pk):
    entry = _entry(request, pk)
    file = entry.defendant.sealing_file
    allowed, reason = permissions.can_verify_service_hours(request.user, entry)
    if not allowed:
        return _refuse(request, reason)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            observation.reject_service_hours(entry, user=request.user, reason=form.cleaned_data["reason"],
                                             now=timezone.now())
        except observation.ObservationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, _(str(exc)))
        else:
            messages.success(request, _("%(hours)s hours rejected: they will never count.") % {"hours": entry.hours})
            return redirect(_file_url(file) + "#service")
    return render(request, "sealing/service_reject.html", {
        "file": file, "entry": entry, "form": form, "unmasked": _unmasked(request, entry.defendant)})


# --- events ---------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    """Correct an event: the first POST shows what the rules will decide; the second, confirmed, saves it."""
    event = _event(request, pk)
    file = event.defendant.sealing_file
    allowed, reason = permissions.can_correct_event(request.user, event)
    if not allowed:
        return _refuse(request, reason)
    today = timezone.localdate()
    _log_hidden_facts(request, file, event)
    initial = {"kind": event.kind, "date": event.date, "document_number": event.document_number}
    form = EventCorrectionForm(request.POST or None, initial=initial)
    context = {"file": file, "event": event, "form": form, "history": history_entries(event)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unchanged = observation.correction_problems(event, kind=data["kind"], date=data["date"],
                                                    document_number=data["document_number"])
        if unchanged:
            form.add_error(None, _(observation.PROBLEMS[unchanged[0]][1]))
        elif request.POST.get("confirm") != "yes":
            preview = observation.preview_correction(event, kind=data["kind"], date=data["date"], as_of=today)
            context |= _preview_labels(preview, file) | {"confirming": True,
                                                         "kind_label": EventKind(data["kind"]).label}
        else:
            try:
                outcome = observation.correct_event(event, user=request.user, as_of=today, **data)
            except observation.ObservationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, _(str(exc)))
            else:
                report(request, outcome, _("Event corrected."))
                return redirect(_file_url(file) + "#events")
    return render(request, "sealing/event_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_withdraw(request, pk):
    event = _event(request, pk)
    file = event.defendant.sealing_file
    allowed, reason = permissions.can_correct_event(request.user, event)
    if not allowed:
        return _refuse(request, reason)
    today = timezone.localdate()
    _log_hidden_facts(request, file, event)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = observation.withdraw_event(event, user=request.user, reason=form.cleaned_data["reason"],
                                                 as_of=today, now=timezone.now())
        except observation.ObservationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, _(str(exc)))
        else:
            report(request, outcome, _("Event withdrawn: the rules no longer count it."))
            return redirect(_file_url(file) + "#events")
    return render(request, "sealing/event_withdraw.html", {
        "file": file, "event": event, "form": form,
        **_preview_labels(observation.preview_withdrawal(event, as_of=today), file)})
