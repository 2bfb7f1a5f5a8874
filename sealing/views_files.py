"""The clerk's sealing workflow: the work queue, the decision page and its actions."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from common import listing
from common.pagination import capped_count, slim_page

from . import disclosure, observation, permissions, selectors, services
from .forms import BreakGlassForm, EventForm, UnsealForm
from .history import history_entries
from .presentation import STATUS_STYLES, trace_rows
from .rules.files import unseal_grounds
from .views_observation import observation_context, warn_refused
from .views_notices import seal_matrix_context


QUEUE_PAGE = 50
QUEUE_TABS = ("seal", "facts", "retro", "hidden")
TAB_LABELS = {
    "seal": gettext_lazy("Copies to seal"),
    "facts": gettext_lazy("Missing facts"),
    "retro": gettext_lazy("Retroactive sweep (closed before 2013)"),
    "hidden": gettext_lazy("Sealed files of my agency"),
}
# Case numbers and dates, never the masked name; the queues are one agency's files (narrow), seal_date is indexed.
_CASE_NUMBER = listing.SortKey("case_number", gettext_lazy("case number"), ("defendant__case__case_number", "pk"))
QUEUE_SORTS = {
    "seal": (_CASE_NUMBER, listing.SortKey("seal_date", gettext_lazy("seal date"), ("seal_date", "pk"))),
    "facts": (_CASE_NUMBER, listing.SortKey("facts_due", gettext_lazy("due"), ("facts_due", "pk"))),
    "retro": (_CASE_NUMBER, listing.SortKey("seal_date", gettext_lazy("seal date"), ("seal_date", "pk"))),
    "hidden": (_CASE_NUMBER, listing.SortKey("seal_date", gettext_lazy("seal date"), ("seal_date", "pk"))),
}
EXPORT_WORDS = listing.ExportWords(sorts=tuple({k.key: k for keys in QUEUE_SORTS.values() for k in keys}.values()),
                                   tabs=TAB_LABELS)


@login_required
@permission_required("sealing.view_sealingfile", raise_exception=True)
def work_queue(request):
    """The clerk's queues. Each row shows the file's legal status and, apart from it, the state of this agency's
    copy (open, sealed, overdue against the deadline of the agency's notice, or the seal date when the agency
    decided the case): a file whose status says "sealed" may still leave a copy here to seal."""
    today = timezone.localdate()
    user = request.user
    tab = request.GET.get("tab", "seal")
    queues = {
        "seal": selectors.seal_queue(user, today),
        "facts": selectors.exception_queue(user),
        "retro": selectors.retroactive_sweep(user),
        "hidden": selectors.hidden_files(user),
    }
    tab = tab if tab in queues else "seal"
    sorting = listing.Sorting(request.GET, QUEUE_SORTS[tab])
    files = sorting.apply(queues[tab])
    gate = disclosure.Gate(user)

    def build(batch):
        return _queue_rows(user, gate, tab, batch, today, overdue_first=not sorting.value)

    if listing.export_format(request):
        return listing.export_response(request, what=f"work-queue-{tab}", title=_("Sealing work queue"),
                                       columns=QUEUE_COLUMNS["facts" if tab == "facts" else "copies"],
                                       queryset=files, build=build, today=today, sorting=sorting)
    page = slim_page(files, request.GET.get("page"), QUEUE_PAGE)
    counts = {name: capped_count(queue) for name, queue in queues.items()}
    return render(request, "sealing/work_queue.html",
                  {"rows": build(page), "page": page, "tab": tab, "counts": counts, "sorting": sorting,
                   "tab_labels": TAB_LABELS})


def _queue_rows(user, gate, tab, files, today, *, overdue_first: bool) -> list[dict]:
    files = list(files)
    gate.prefetch(file.defendant for file in files)  # the permits of every row at once, not three queries a row
    copies = selectors.copy_states(user.agency_id, files, today) if tab != "facts" else {}
    rows = []
    for file in files:
        copy = copies.get(file.pk)
        rows.append({"file": file, "name": gate.person(file.defendant).name,
                     "style": STATUS_STYLES.get(file.status, "secondary"), "copy": copy,
                     "overdue": copy.state == "overdue" if copy else file.is_overdue(today)})
    if tab == "seal" and overdue_first:
        rows.sort(key=lambda row: not row["overdue"])  # overdue copies first, then by seal date
    return rows


def _regime(row) -> str:
    return row["file"].regime_short


def _copy_state(row) -> str:
    copy = row["copy"]
    if copy is None:
        return ""
    if copy.state == "sealed":
        return _("copy sealed")
    if copy.state == "none":
        return _("no copy registered")
    if copy.state == "overdue":
        return _("overdue") if copy.deciding else _("%(days)s days overdue") % {"days": copy.deadline.days_overdue}
    return _("copy open")


def _seal_by(row):
    copy, file = row["copy"], row["file"]
    if copy is None:
        return ""
    if copy.deciding:
        return _("deciding agency — seal date") + " " + (file.seal_date.isoformat() if file.seal_date else "—")
    if copy.notice is None:
        return _("no sealing notice received")
    if copy.notice.deadline:
        return copy.notice.deadline
    return _("after full execution") if copy.notice.basis == "execution" else _("notice not yet acknowledged")


def _missing(row) -> str:
    from .templatetags.sealing_labels import missing_facts

    return missing_facts(row["file"].missing)


_QUEUE_COMMON = (
    listing.Column(gettext_lazy("case number"), lambda row: row["file"].defendant.case.case_number),
    listing.Column(gettext_lazy("defendant"), lambda row: str(row["name"])),
    listing.Column(gettext_lazy("regime"), _regime),
    listing.Column(gettext_lazy("legal status"), lambda row: row["file"].get_status_display()),
    listing.Column(gettext_lazy("seal date"), lambda row: row["file"].seal_date),
)
QUEUE_COLUMNS = {
    "facts": _QUEUE_COMMON + (
        listing.Column(gettext_lazy("missing facts"), _missing),
        listing.Column(gettext_lazy("due"), lambda row: row["file"].facts_due),
        listing.Column(gettext_lazy("overdue"), lambda row: _("overdue") if row["overdue"] else ""),
    ),
    "copies": _QUEUE_COMMON + (
        listing.Column(gettext_lazy("my agency's copy"), _copy_state),
        listing.Column(gettext_lazy("seal the copy by"), _seal_by),
        listing.Column(gettext_lazy("serial number"),
                       lambda row: row["copy"].notice.serial if row["copy"] and row["copy"].notice else ""),
    ),
}


def _file(request, pk):
    return get_object_or_404(selectors.files_for(request.user), pk=pk)


def _file_page(request, file, *, glass_reason: str = "", glass_form=None):
    """The decision page. A hidden file shows its facts and reasons only after a break-the-glass read
    (``glass_reason``, already logged) or under a permit; otherwise only the rule ids and outcomes."""
    today = timezone.localdate()
    user = request.user
    gate = disclosure.Gate(user)
    person = gate.person(file.defendant)
    unmasked = not person.masked or bool(glass_reason)
    if glass_reason:
        person = disclosure.clear_person(file.defendant)
    copies = list(selectors.copies_of(file))
    open_own = services.open_copies_to_seal(file, user.agency_id)
    context = {
        "file": file,
        "defendant": file.defendant,
        "person": person,
        "unmasked": unmasked,
        "glass_reason": glass_reason,
        "case": file.defendant.case,
        "trace": trace_rows(file.decision, masked=not unmasked),
        "copies": copies,
        "style": STATUS_STYLES.get(file.status, "secondary"),
        "can_seal": permissions.can_seal(user, file, today, open_own_copies=len(open_own))[0],
        "can_unseal": permissions.can_unseal(user, file)[0],
        "can_change": permissions.can_reevaluate(user, file)[0],
        "can_correct": permissions.can_change_facts(user, file.defendant)[0],
        "can_record_event": permissions.can_record_event(user, file)[0],
        "can_break_glass": not unmasked and permissions.can_break_glass(user, file)[0],
        "glass_form": glass_form or BreakGlassForm(),
        "cover": selectors.has_sealed_juvenile_codefendant(file),
        "history": history_entries(file),
    }
    context.update(observation_context(request, file, unmasked=unmasked, today=today))  # timeline, service, events
    context.update(seal_matrix_context(user, file, today))  # each holding agency's notice and seal
    return render(request, "sealing/file_detail.html", context)


@login_required
@permission_required("sealing.view_sealingfile", raise_exception=True)
def file_detail(request, pk):
    return _file_page(request, _file(request, pk))


@login_required
@permission_required("sealing.view_sealingfile", raise_exception=True)
@require_http_methods(["GET", "POST"])
def file_open(request, pk):
    """Break the glass: the handling agency's clerk or the supervising procuratorate reads a hidden
    file's facts, giving a reason; the reason and the read go to the access log."""
    file = _file(request, pk)
    allowed, reason = permissions.can_break_glass(request.user, file)
    if not allowed:
        return render(request, "403.html", {"reason": _(reason)}, status=403)
    if request.method != "POST":
        return redirect("sealing:file_detail", pk=file.pk)
    form = BreakGlassForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was opened: please correct the fields marked below."))
        return _file_page(request, file, glass_form=form)
    services.break_glass(file, user=request.user, reason=form.cleaned_data["reason"])
    return _file_page(request, file, glass_reason=form.cleaned_data["reason"])


@login_required
@permission_required("sealing.seal_record", raise_exception=True)
def file_seal(request, pk):
    """Two steps: the button posts here and gets the confirmation naming the copies, the agency and the deadline;
    the confirmation posts again with ``confirm`` and the copies are sealed."""
    file = _file(request, pk)  # another agency's file is a 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    today = timezone.localdate()
    if request.POST.get("confirm") != "1":
        return _confirm_seal(request, file, today)
    try:
        count = services.seal_file(file, user=request.user, today=today)
    except services.SealingError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("%(count)s record copies of your agency sealed.") % {"count": count})
    return redirect("sealing:file_detail", pk=file.pk)


def _confirm_seal(request, file, today):
    user = request.user
    copies = services.open_copies_to_seal(file, user.agency_id)
    ok, reason = permissions.can_seal(user, file, today, open_own_copies=len(copies))
    if not ok:
        messages.error(request, _(reason))
        return redirect("sealing:file_detail", pk=file.pk)
    deadline = selectors.seal_deadline(file, user.agency_id, today)
    values = {"count": len(copies), "agency": user.agency}
    summary = _("%(count)s record copies held by %(agency)s will be sealed.") % values
    if deadline is not None and deadline.overdue:
        summary = " ".join([summary, _("The sealing deadline (%(date)s) passed %(days)s days ago.") % {
            "date": deadline.date.isoformat(), "days": deadline.days_overdue}])
    elif deadline is not None and deadline.date is not None:
        summary = " ".join([summary, _("The sealing deadline is %(date)s (%(days)s days left).") % {
            "date": deadline.date.isoformat(), "days": deadline.days_left}])
    return render(request, "sealing/file_seal_confirm.html", {
        "file": file, "case": file.defendant.case, "person": disclosure.Gate(user).person(file.defendant),
        "copies": copies, "summary": summary, "overdue": bool(deadline and deadline.overdue),
    })


@login_required
def file_evaluate(request, pk):
    file = _file(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not permissions.can_reevaluate(request.user, file)[0]:
        return render(request, "403.html", status=403)
    adopt = request.POST.get("policy") == "current"
    reason = gettext_noop("re-evaluated under the current policy") if adopt else gettext_noop("re-evaluated")
    file, applied = services.evaluate_file(file.defendant, as_of=timezone.localdate(), user=request.user,
                                           adopt_current_policy=adopt, reason=reason)
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
    ok, reason = permissions.can_unseal(request.user, file)
    if not ok:  # the form is not even shown to an agency that may not unseal (the service refuses it too)
        return render(request, "403.html", {"reason": _(reason)}, status=403)
    grounds = [(g, f"{g} · {_(services.UNSEAL_GROUNDS[g])}") for g in unseal_grounds(file.regime)]
    form = UnsealForm(request.POST or None, grounds=grounds)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") != "1":
        # the form's first POST shows what unsealing will do; only the confirmed POST unseals
        ground = form.cleaned_data["ground"]
        return render(request, "sealing/file_unseal_confirm.html", {
            "file": file, "case": file.defendant.case, "person": disclosure.Gate(request.user).person(file.defendant),
            "ground": ground, "ground_text": _(services.UNSEAL_GROUNDS[ground]),
            "document": form.cleaned_data["document"].strip(), "by_agency": selectors.active_seals_by_agency(file),
        })
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
    if not permissions.can_record_event(request.user, file)[0]:
        return render(request, "403.html", status=403)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        _event, file = services.record_event(file.defendant, user=request.user, as_of=today, **form.cleaned_data)
        refused = observation.refused_status(file, as_of=today)
        if refused:  # the rules' answer is a move this file may not make: say so, never swallow it
            messages.info(request, _("Event recorded."))
            warn_refused(request, file, refused)
        else:
            messages.success(request, _("Event recorded; decision now: %(status)s.") % {"status": file.get_status_display()})
        return redirect("sealing:file_detail", pk=file.pk)
    return render(request, "sealing/event_form.html", {"file": file, "form": form})
