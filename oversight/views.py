"""The supervisor's pages: findings of the region and below, a finding with its objects and history, triage,
complaints. Every page answers 403 to anyone but a procuratorate supervisor, and 404 for a finding outside
the supervisor's regions. Buttons are drawn from the same oversight.permissions the services guard with;
only these edges read the clock."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common import listing
from common.pagination import slim_page
from sealing.history import history_entries

from . import permissions, presentation, selectors, services
from .forms import AcceptForm, ComplaintForm, DismissForm, FindingFilterForm

PAGE_SIZE = 50


def supervisor_required(view):
    """Logged in, and a supervisor at a procuratorate: everyone else gets 403 on every supervision page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ok, reason = permissions.can_supervise(request.user)
        if not ok:
            return render(request, "403.html", {"reason": _(reason)}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _finding(request, pk):
    return get_object_or_404(selectors.findings_for(request.user), pk=pk)


@supervisor_required
def index(request):
    return redirect("oversight:console")


FINDING_SORTS = (  # the region's findings: by their unique serial, or the (region, state, detected_on) index
    listing.SortKey("serial", gettext_lazy("serial number"), ("serial",)),
    listing.SortKey("detected_on", gettext_lazy("detected on"), ("detected_on", "pk")),
)
EXPORT_WORDS = listing.ExportWords(filters=listing.labels_of(FindingFilterForm), sorts=FINDING_SORTS)


def _finding_rows(findings) -> list[dict]:
    return [{"finding": f, "summary": presentation.summary(f),
             "state_style": presentation.STATE_STYLES.get(f.state, "secondary"),
             "triage_style": presentation.TRIAGE_STYLES.get(f.triage, "secondary")} for f in findings]


def _rule_cell(row) -> str:
    f = row["finding"]
    return f"{f.rule or '—'}" + (f" ({f.get_source_display()})" if f.is_complaint else "")


FINDING_COLUMNS = (
    listing.Column(gettext_lazy("serial number"), lambda row: row["finding"].serial),
    listing.Column(gettext_lazy("rule"), _rule_cell),
    listing.Column(gettext_lazy("agency concerned"),
                   lambda row: row["finding"].agency.name if row["finding"].agency_id else _("every agency")),
    listing.Column(gettext_lazy("what"), lambda row: str(row["summary"])),
    listing.Column(gettext_lazy("cause date"), lambda row: row["finding"].cause_date),
    listing.Column(gettext_lazy("detected on"), lambda row: row["finding"].detected_on),
    listing.Column(gettext_lazy("state"), lambda row: row["finding"].get_state_display()),
    listing.Column(gettext_lazy("closed on"), lambda row: row["finding"].closed_on),
    listing.Column(gettext_lazy("triage"), lambda row: row["finding"].get_triage_display()),
)


@supervisor_required
def finding_list(request):
    user = request.user
    form = FindingFilterForm(request.GET or None, agencies=selectors.supervised_agencies(user))
    sorting = listing.Sorting(request.GET, FINDING_SORTS)
    findings = sorting.apply(selectors.filter_findings(selectors.findings_for(user), **form.filters()).order_by(
        "-detected_on", "-pk"))
    if listing.export_format(request):
        return listing.export_response(request, what="findings", title=_("Supervision findings"),
                                       columns=FINDING_COLUMNS, queryset=findings, build=_finding_rows,
                                       today=timezone.localdate(), sorting=sorting)
    page = slim_page(findings, request.GET.get("page"), PAGE_SIZE)
    return render(request, "oversight/finding_list.html", {
        "form": form, "page": page, "rows": _finding_rows(page), "last_scan": selectors.last_scan(),
        "can_enter_complaint": permissions.can_enter_complaint(user)[0], "sorting": sorting,
    })


def _detail_context(request, finding):
    user = request.user
    return {
        "finding": finding,
        "summary": presentation.summary(finding),
        "objects": selectors.finding_objects(finding, user, now=timezone.now()),
        "history": history_entries(finding),
        "state_style": presentation.STATE_STYLES.get(finding.state, "secondary"),
        "triage_style": presentation.TRIAGE_STYLES.get(finding.triage, "secondary"),
        "can_accept": permissions.can_accept_finding(user, finding)[0],
        "can_dismiss": permissions.can_dismiss_finding(user, finding)[0],
    }


@supervisor_required
def finding_detail(request, pk):
    return render(request, "oversight/finding_detail.html", _detail_context(request, _finding(request, pk)))


@supervisor_required
@require_http_methods(["GET", "POST"])
def finding_accept(request, pk):
    """Accept as a lead: GET shows what will happen, POST does it."""
    finding = _finding(request, pk)
    ok, reason = permissions.can_accept_finding(request.user, finding)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:finding_detail", pk=finding.pk)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_finding(finding, user=request.user, now=timezone.now(), note=form.cleaned_data["note"])
        except services.OversightError as exc:
            messages.error(request, _(str(exc)))
        else:
            messages.success(request, _("Finding %(serial)s accepted as a lead.") % {"serial": finding.serial})
        return redirect("oversight:finding_detail", pk=finding.pk)
    return render(request, "oversight/finding_triage.html", {
        "finding": finding, "summary": presentation.summary(finding), "form": form, "action": "accept"})


@supervisor_required
@require_http_methods(["GET", "POST"])
def finding_dismiss(request, pk):
    """Dismiss with a reason: GET shows the form, POST does it."""
    finding = _finding(request, pk)
    ok, reason = permissions.can_dismiss_finding(request.user, finding)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:finding_detail", pk=finding.pk)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dismiss_finding(finding, user=request.user, reason=form.cleaned_data["reason"],
                                     now=timezone.now())
        except services.OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Finding %(serial)s dismissed.") % {"serial": finding.serial})
            return redirect("oversight:finding_detail", pk=finding.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/finding_triage.html", {
        "finding": finding, "summary": presentation.summary(finding), "form": form, "action": "dismiss"})


@supervisor_required
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    user = request.user
    ok, reason = permissions.can_enter_complaint(user)
    if not ok:
        return render(request, "403.html", {"reason": _(reason)}, status=403)
    today = timezone.localdate()
    form = ComplaintForm(request.POST or None, agencies=selectors.supervised_agencies(user), today=today)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.enter_complaint(user=user, today=today, **form.cleaned_data)
        except services.OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Complaint entered as finding %(serial)s.") % {"serial": finding.serial})
            return redirect("oversight:finding_detail", pk=finding.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/complaint_form.html", {"form": form})
