"""Sweeps from the browser: an administrator lists the runs, starts one (J-RETRO optional) after a
confirmation, and follows its progress to 100 %; failures are listed per file with the reason."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import permissions, sweep_admin
from .forms import DateField
from .models import SweepRun

PAGE_SIZE = 25


class SweepForm(forms.Form):
    as_of = DateField(label=gettext_lazy("as of"),
                      help_text=gettext_lazy("The date the rules are applied as of: today, or an earlier day "
                                             "the scheduler missed."))
    retro = forms.BooleanField(label=gettext_lazy("include J-RETRO re-examination of cases decided before 2013"),
                               required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > self.today:
            raise forms.ValidationError(_("A sweep cannot run as of a future date: files would be sealed before "
                                          "their date."))
        return as_of


def _refused(request):
    """403 unless the user may run sweeps (permissions.can_run_sweep); None when allowed."""
    ok, reason = permissions.can_run_sweep(request.user)
    if ok:
        return None
    return render(request, "403.html", {"reason": _(reason)}, status=403)


def _run_rows(runs, now):
    return [{"run": run, "duration": sweep_admin.duration(run, now=now)} for run in runs]


def _list_page(request, form, status=200):
    page = Paginator(sweep_admin.runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": _run_rows(page, timezone.now()),
               "running": sweep_admin.running_runs().count()}
    return render(request, "sealing/sweep_list.html", context, status=status)


@login_required
@require_GET
def sweep_list(request):
    refused = _refused(request)
    if refused:
        return refused
    form = SweepForm(initial={"as_of": timezone.localdate()}, today=timezone.localdate())
    return _list_page(request, form)


@login_required
@require_POST
def sweep_start(request):
    """Two steps: the form posts here and gets the confirmation naming what the run will take up; the
    confirmation posts again with ``confirm`` and the run starts."""
    refused = _refused(request)
    if refused:
        return refused
    today = timezone.localdate()
    form = SweepForm(request.POST, today=today)
    if not form.is_valid():
        messages.error(request, _("No sweep was started: please correct the fields marked below."))
        return _list_page(request, form, status=400)
    as_of, retro = form.cleaned_data["as_of"], form.cleaned_data["retro"]
    if request.POST.get("confirm") != "1":
        preview = sweep_admin.preview(as_of=as_of, retro=retro)
        return render(request, "sealing/sweep_confirm.html", {"form": form, "preview": preview, "today": today})
    try:
        run = sweep_admin.start_admin_sweep(user=request.user, as_of=as_of, retro=retro, now=timezone.now())
    except sweep_admin.SweepError as exc:
        return render(request, "403.html", {"reason": _(str(exc))}, status=403)
    if getattr(run, "dispatched", None) is False:
        messages.warning(request, _("Sweep as of %(date)s saved, but the task queue cannot be reached: it starts "
                                    "by itself within minutes of the queue being back.") % {"date": as_of.isoformat()})
    else:
        messages.success(request, _("Sweep as of %(date)s started.") % {"date": as_of.isoformat()})
    return redirect("sealing:sweep_detail", pk=run.pk)


def _progress_context(request, run):
    now = timezone.now()
    return {
        "run": run,
        "duration": sweep_admin.duration(run, now=now),
        "failures": sweep_admin.failure_rows(run, request.user),
        "stalled": sweep_admin.stalled(run, now=now),
        "polling": run.state == SweepRun.State.RUNNING,
    }


@login_required
@require_GET
def sweep_detail(request, pk):
    refused = _refused(request)
    if refused:
        return refused
    run = get_object_or_404(sweep_admin.runs(), pk=pk)
    return render(request, "sealing/sweep_detail.html", _progress_context(request, run))


@login_required
@require_GET
def sweep_progress(request, pk):
    """The htmx partial the detail page polls every second while the run is running."""
    refused = _refused(request)
    if refused:
        return refused
    run = get_object_or_404(sweep_admin.runs(), pk=pk)
    return render(request, "sealing/sweep_progress.html", _progress_context(request, run))
