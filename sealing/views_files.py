"""The clerk's sealing workflow: the work queue, the decision page and its actions."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import EventForm, UnsealForm
from .history import history_entries
from .models import FileStatus
from .presentation import STATUS_STYLES, trace_rows


@login_required
@permission_required("sealing.view_sealingfile", raise_exception=True)
def work_queue(request):
    today = timezone.localdate()
    tab = request.GET.get("tab", "seal")
    queues = {
        "seal": selectors.seal_queue(request.user, today),
        "facts": selectors.exception_queue(request.user),
        "retro": selectors.retroactive_sweep(request.user),
    }
    tab = tab if tab in queues else "seal"
    files = list(queues[tab][:200])
    for file in files:
        file.style = STATUS_STYLES.get(file.status, "secondary")
        file.overdue = file.is_overdue(today)
    counts = {name: queue.count() for name, queue in queues.items()}
    return render(request, "sealing/work_queue.html", {"files": files, "tab": tab, "counts": counts})


def _file(request, pk):
    return get_object_or_404(selectors.files_for(request.user), pk=pk)


@login_required
@permission_required("sealing.view_sealingfile", raise_exception=True)
def file_detail(request, pk):
    file = _file(request, pk)
    copies = list(selectors.copies_of(file))
    today = timezone.localdate()
    own_open = [c for c in copies if c.holding_agency_id == request.user.agency_id and not hasattr_seal(c)]
    context = {
        "file": file,
        "defendant": file.defendant,
        "case": file.defendant.case,
        "trace": trace_rows(file.decision),
        "copies": copies,
        "style": STATUS_STYLES.get(file.status, "secondary"),
        "can_seal": (request.user.has_perm("sealing.seal_record") and file.hidden and own_open
                     and (file.seal_date is None or file.seal_date <= today)),
        "can_unseal": (request.user.has_perm("sealing.unseal_file") and file.status == FileStatus.SEALED
                       and request.user.agency_id == file.defendant.case.agency_id),
        "can_change": request.user.has_perm("sealing.change_defendant")
        and request.user.agency_id == file.defendant.case.agency_id,
        "events": file.defendant.events.all(),
        "cover": file.regime != "juvenile" and selectors.has_sealed_juvenile_codefendant(file),
        "history": history_entries(file),
    }
    return render(request, "sealing/file_detail.html", context)


def hasattr_seal(record) -> bool:
    try:
        return record.seal is not None
    except record.__class__.seal.RelatedObjectDoesNotExist:
        return False


@login_required
@permission_required("sealing.seal_record", raise_exception=True)
def file_seal(request, pk):
    file = _file(request, pk)  # another agency's file is a 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        count = services.seal_file(file, user=request.user)
    except services.SealingError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("%(count)s record copies of your agency sealed.") % {"count": count})
    return redirect("sealing:file_detail", pk=file.pk)


@login_required
def file_evaluate(request, pk):
    file = _file(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.user.agency_id != file.defendant.case.agency_id or not request.user.has_perm("sealing.change_defendant"):
        return render(request, "403.html", status=403)
    adopt = request.POST.get("policy") == "current"
    reason = gettext_noop("re-evaluated under the current policy") if adopt else gettext_noop("re-evaluated")
    file, applied = services.evaluate_file(file.defendant, user=request.user, adopt_current_policy=adopt, reason=reason)
    if applied:
        messages.success(request, _("Decision re-evaluated: %(status)s.") % {"status": file.get_status_display()})
    else:
        messages.warning(request, _("The rules now give another answer, but this file's status cannot change that way: "
                                    "a final seal stands until it is unsealed on a legal ground."))
    return redirect("sealing:file_detail", pk=file.pk)


@login_required
@permission_required("sealing.unseal_file", raise_exception=True)
@require_http_methods(["GET", "POST"])
def file_unseal(request, pk):
    file = _file(request, pk)
    grounds_ids = services.JUVENILE_GROUNDS if file.regime == "juvenile" else services.ADULT_GROUNDS
    grounds = [(g, f"{g} · {_(services.UNSEAL_GROUNDS[g])}") for g in grounds_ids]
    form = UnsealForm(request.POST or None, grounds=grounds)
    if request.method == "POST" and form.is_valid():
        try:
            services.unseal_file(file, user=request.user, **form.cleaned_data)
        except services.SealingError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("The file is unsealed; every agency's copies are open again."))
            return redirect("sealing:file_detail", pk=file.pk)
    return render(request, "sealing/file_unseal.html", {"file": file, "form": form})


@login_required
@permission_required("sealing.add_defendant", raise_exception=True)
@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    file = _file(request, pk)
    if request.user.agency_id != file.defendant.case.agency_id:
        return render(request, "403.html", status=403)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _event, file = services.record_event(file.defendant, user=request.user, **form.cleaned_data)
        messages.success(request, _("Event recorded; decision now: %(status)s.") % {"status": file.get_status_display()})
        return redirect("sealing:file_detail", pk=file.pk)
    return render(request, "sealing/event_form.html", {"file": file, "form": form})
