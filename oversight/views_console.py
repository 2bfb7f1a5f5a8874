"""The supervisor's console and the readable access log.

The console (procuratorate supervisors only; 403 for everyone else, auditors included: the console is the
supervisor's view of its own region) counts what the agencies of the region and below did, month by month,
from oversight.console; the filters (agency, months) stay in the URL so a view can be bookmarked, shared and
exported as it is shown; its figures are read from the read replica when there is one (common/replica.py). The
access log is read-only: supervisors read the reads by users of their region and below, auditors every read.
Only these edges read the clock.
"""
from __future__ import annotations

import datetime as dt
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Region
from audit import services as audit
from common import listing
from common.export import csv_response, xlsx_response
from common.replica import reading_from_replica
from common import validation as common_validation
from common.validation import BIGINT_MAX
from sealing.forms import DateField as BoundedDateField
from sealing.models import AccessAction, AccessLog

from . import console, presentation, rules
from .models import Rule
from .selectors import findings_for
from .views import supervisor_required

MAX_MONTHS = 60
DRILL_DOWN_ROWS = 100
ACCESS_LOG_PAGE = 50
ACCESS_LOG_COUNT_CAP = 1000
MONTH_FORMATS = ["%Y-%m"]


class ConsoleFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=gettext_lazy("region"), required=False, queryset=None,
                                    empty_label=gettext_lazy("your whole region"))
    agency = forms.ModelChoiceField(label=gettext_lazy("agency"), required=False, queryset=None,
                                    empty_label=gettext_lazy("every agency supervised"))
    first = BoundedDateField(label=gettext_lazy("from month"), required=False, input_formats=MONTH_FORMATS,
                             widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    last = BoundedDateField(label=gettext_lazy("to month"), required=False, input_formats=MONTH_FORMATS,
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def __init__(self, *args, agencies, regions, tree, own_region_id=None, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["agency"].queryset = agencies
        self.today, self.tree = today, tree
        self._offer_agencies(agencies, own_region_id)

    def _offer_agencies(self, agencies, own_region_id) -> None:
        """The agency list offers the agencies of the region chosen (all of the supervised ones are valid): a
        province's five hundred agencies are chosen city by city, as the tables are summed."""
        listed = list(agencies)
        region_id = common_validation.pk_or_none(self.data.get("region")) if self.is_bound else None
        if region_id is not None and region_id in self.tree.regions:
            allowed = set(self.tree.below(region_id))
        elif own_region_id is not None:
            allowed = {own_region_id}
        else:
            allowed = None
        chosen = common_validation.pk_or_none(self.data.get("agency")) if self.is_bound else None
        offered = [a for a in listed if allowed is None or a.region_id in allowed or a.pk == chosen]
        field = self.fields["agency"]
        field.widget.choices = [("", field.empty_label)] + [(a.pk, str(a)) for a in offered]
        if len(offered) < len(listed):
            field.help_text = gettext_lazy("Choose a region to list its agencies.")

    def clean(self):
        data = super().clean()
        default = console.Period.ending(self.today)
        first = data.get("first") or default.first
        last = data.get("last") or console.month_start(self.today)
        if first > last:
            raise forms.ValidationError(_("The first month must not come after the last."))
        if len(console.Period(first, last).months()) > MAX_MONTHS:
            raise forms.ValidationError(_("Choose at most %(n)d months.") % {"n": MAX_MONTHS})
        data["period"] = console.Period(first, last)
        return data

    def period(self) -> console.Period:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period"]
        return console.Period.ending(self.today)

    def _chosen(self, name: str):
        return self.cleaned_data.get(name) if self.is_bound and self.is_valid() else None

    def agencies(self, scope):
        if self._chosen("agency") is not None:
            return scope.filter(pk=self._chosen("agency").pk)
        if self._chosen("region") is not None:
            return scope.filter(region_id__in=self.tree.below(self._chosen("region").pk))
        return scope

    def rolled_up_below(self, own_region):
        """The region whose sub-regions the page's agency tables are summed by (the chosen region, else the
        supervisor's own); None when one agency is chosen."""
        if self._chosen("agency") is not None:
            return None
        return self._chosen("region") or own_region


def _findings_url(rule: str = "", agency=None) -> str:
    params = {"state": "open"}
    if rule:
        params["rule"] = rule
    if agency is not None:
        params["agency"] = agency.pk
    return reverse("oversight:finding_list") + "?" + urlencode(params)


def _instruments_url(agency=None, month: dt.date | None = None) -> str:
    """The instrument list filtered to the agency addressed and the month of issue."""
    params = {}
    if agency is not None:
        params["agency"] = agency.pk
    if month is not None:
        params["issued"] = month.strftime("%Y-%m")
    return reverse("oversight:instrument_list") + (f"?{urlencode(params)}" if params else "")


def _access_log_url(agency=None, period: console.Period | None = None) -> str:
    params = {}
    if agency is not None:
        params["agency"] = agency.pk
    if period is not None:
        params["since"] = period.first.isoformat()
        params["until"] = (period.end - dt.timedelta(days=1)).isoformat()
    return reverse("oversight:access_log") + ("?" + urlencode(params) if params else "")


def _console_data(request):
    """Everything the console shows (and exports) for the request's filters, as of today."""
    user = request.user
    today = timezone.localdate()
    scope = console.scope_agencies(user).select_related("region")
    tree = console.RegionTree()
    own_region_id = user.agency.region_id if user.agency_id else None
    regions = Region.objects.filter(pk__in=tree.below(own_region_id) if own_region_id else []).order_by("code")
    form = ConsoleFilterForm(request.GET or None, agencies=scope, regions=regions, tree=tree, today=today,
                             own_region_id=own_region_id)
    period = form.period()
    agencies = form.agencies(scope)
    monthly = console.monthly(agencies, period, as_of=today)
    totals = console.month_totals(monthly, period)
    ids = list(agencies.values_list("pk", flat=True))
    return {
        "form": form, "today": today, "period": period, "agencies": agencies, "tree": tree,
        "monthly": monthly, "totals": totals, "chart": console.stacked_bars(totals),
        "now_rows": console.as_of_state(agencies, as_of=today),
        "overdue": list(console.overdue_notices(ids, as_of=today)[:DRILL_DOWN_ROWS]),
        "undelivered": list(console.undelivered_notices(ids, as_of=today)[:DRILL_DOWN_ROWS]),
        "burndown": console.retro_burndown(ids, period, as_of=today),
        "findings": console.open_findings_by_rule(ids),
        "notice_rows": console.notices_by_agency(agencies, period, as_of=today),
    }


GROUP_URLS = ("reads_url", "late_url", "queries_late_url", "overrides_url", "instruments_url", "unsealed_url",
              "undelivered_url", "obs_url", "overdue_url")


def _roll_up(data, user, query) -> None:
    """On the page (the export keeps every agency), the agencies of each region below the one shown are summed
    into one row per region, each linking to the console filtered to that region."""
    top = data["form"].rolled_up_below(user.agency.region if user.agency_id else None)
    if top is None or not data["tree"].children.get(top.pk):
        return  # one agency chosen, or a region with none below it: the agencies' own rows
    groups = console.region_groups(data["agencies"], top, data["tree"])
    if not groups:
        return
    for key in ("monthly", "now_rows", "notice_rows"):
        data[key] = console.roll_up(data[key], groups)
        for row in data[key]:
            if getattr(row.agency, "is_group", False):
                drill = query.copy()
                drill.pop("agency", None)
                drill["region"] = row.agency.pk
                url = reverse("oversight:console") + "?" + drill.urlencode()
                row.agency.url = url
                for name in GROUP_URLS:
                    setattr(row, name, url)
    data["rolled_up"] = top


def _agency_rows(rows):
    return [row for row in rows if not getattr(row.agency, "is_group", False)]


def _rule_label(rule: str) -> str:
    return str(dict(Rule.choices).get(rule, rule))


@supervisor_required
@require_GET
@reading_from_replica()  # figures only, no write: the read replica when there is one (docs/deploy.md)
def console_page(request):
    data = _console_data(request)
    today = data["today"]
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    _roll_up(data, request.user, query)
    for row in _agency_rows(data["monthly"]):
        row.reads_url = _access_log_url(row.agency, console.Period(row.month, row.month))
        row.late_url = _findings_url(rules.S_UNSEALED, row.agency)
        row.queries_late_url = _findings_url(rules.S_QUERY_LATE, row.agency)
        row.overrides_url = _findings_url(rules.S_OVERRIDE, row.agency)
        row.instruments_url = _instruments_url(row.agency, row.month)
    for row in _agency_rows(data["now_rows"]):
        row.unsealed_url = _findings_url(rules.S_UNSEALED, row.agency)
        row.undelivered_url = _findings_url(rules.S_UNDELIVERED, row.agency)
        row.obs_url = _findings_url(rules.S_OBS_OPEN, row.agency)
    for row in _agency_rows(data["notice_rows"]):
        row.overdue_url = _findings_url(rules.S_UNSEALED, row.agency)
        row.undelivered_url = _findings_url(rules.S_UNDELIVERED, row.agency)
    for notice in data["overdue"]:
        notice.days_over = (today - notice.deadline).days
    for item in data["findings"]:
        item["label"] = _rule_label(item["rule"])
        agency = data["form"].cleaned_data.get("agency") if data["form"].is_bound and data["form"].is_valid() else None
        item["url"] = _findings_url(item["rule"], agency)
    data.update({
        "query": query.urlencode(),
        "csv_urls": _csv_urls(query),
        "all_findings_url": _findings_url(),
        "access_log_url": _access_log_url(period=data["period"]),
        "burndown_chart": console.stacked_bars(
            [{"month": r["month"], "left": r["left"]} for r in data["burndown"]], series=("left",), height=160),
    })
    return render(request, "oversight/console.html", data)


# The CSV export's ``table`` numbers, in order: new tables go at the end so bookmarked links keep their table.
TABLES = ("monthly", "now", "overdue", "burndown", "findings", "notices")


def _csv_urls(query) -> dict[str, str]:
    """{table: the CSV export's URL with the page's filters}, numbered after TABLES."""
    base = reverse("oversight:console_export") + "?" + (query.urlencode() + "&" if query else "")
    return {key: f"{base}format=csv&table={i}" for i, key in enumerate(TABLES, start=1)}


def _tables(data) -> list[tuple[str, list, list]]:
    """The console's tables as (title, header, rows) for export, in the order of TABLES; agencies and serial
    numbers, never a name."""
    monthly = (_("By agency and month"), [
        _("agency"), _("region"), _("month"), _("copies sealed on time"), _("copies sealed late"),
        _("queries received"), _("queries answered late"), _("departures from the recommendation"),
        _("records disclosed"), _("reads of sealed content"), _("instruments issued"), _("instruments replied"),
        _("replied on time"), _("adopted"), _("partly adopted")],
        [[r.agency.name, r.agency.region.name, r.month.strftime("%Y-%m"), r.on_time, r.late, r.queries,
          r.queries_late, r.overrides, r.disclosures, r.reads, r.issued, r.replied, r.replied_on_time, r.adopted,
          r.partly] for r in data["monthly"]])
    now = (_("As of today"), [
        _("agency"), _("region"), _("notices overdue"), _("notices not received"), _("J-RETRO copies open"),
        _("observation running"), _("observation ended, file not final")],
        [[r.agency.name, r.agency.region.name, r.overdue, r.undelivered, r.retro_open, r.observing,
          r.observation_ended] for r in data["now_rows"]])
    overdue = (_("Notices overdue"), [
        _("serial number"), _("case number"), _("sent by"), _("sent to"), _("received on"), _("seal the copy by")],
        [[n.serial, n.sealing_file.defendant.case.case_number, n.from_agency.name, n.to_agency.name,
          n.received_on, n.deadline] for n in data["overdue"]])
    burndown = (_("J-RETRO backlog"), [_("month"), _("copies sealed"), _("copies still open at month end")],
                [[r["month"].strftime("%Y-%m"), r["sealed"], r["left"]] for r in data["burndown"]])
    findings = (_("Open findings"), [_("rule"), _("open findings")],
                [[r["rule"], r["n"]] for r in data["findings"]])
    notices = (_("Sealing notices by holding agency"), [
        _("agency"), _("region"), _("notices sent"), _("notices received"), _("received late"),
        _("not received in time"), _("notices answered by the seal"), _("record copies sealed"),
        _("overdue now")],
        [[r.agency.name, r.agency.region.name, r.sent, r.received, r.received_late, r.not_received, r.sealed,
          r.copies_sealed, r.overdue] for r in data["notice_rows"]])
    tables = {"monthly": monthly, "now": now, "overdue": overdue, "burndown": burndown, "findings": findings,
              "notices": notices}
    return [tables[key] for key in TABLES]


@supervisor_required
@require_GET
def console_export(request):
    """The console's tables as they are filtered: CSV (one table, ``table`` 1..6 in the order of TABLES) or XLSX
    (every table, one sheet each in the same order)."""
    with reading_from_replica():  # the figures; the export's audit entry below is chained on the primary
        data = _console_data(request)
        tables = _tables(data)
    stem = f"console-{data['period'].first:%Y%m}-{data['period'].last:%Y%m}"
    if request.GET.get("format") == "xlsx":
        audit.record_export(request.user, "console", fmt="xlsx", rows=sum(len(t[2]) for t in tables))
        return xlsx_response(f"{stem}.xlsx", tables)
    try:
        index = min(max(int(request.GET.get("table", "1")), 1), len(tables)) - 1
    except ValueError:
        index = 0
    _title, header, rows = tables[index]
    audit.record_export(request.user, "console", fmt="csv", rows=len(rows), table=index + 1)
    return csv_response(f"{stem}-{index + 1}.csv", header, rows)


# --- the access log ------------------------------------------------------------------------------------------

def access_log_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        ok, reason = console.can_read_access_log(request.user)
        if not ok:
            return render(request, "403.html", {"reason": _(reason)}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("user name"), required=False, max_length=150)
    agency = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=BIGINT_MAX)
    # records and permits by what people call them (a case number, a permit's reference), never a database id
    case = forms.CharField(label=gettext_lazy("case number"), required=False, max_length=60)
    permit = forms.CharField(label=gettext_lazy("permit reference"), required=False, max_length=40)
    action = forms.ChoiceField(label=gettext_lazy("action"), required=False,
                               choices=[("", gettext_lazy("every action")), *AccessAction.choices])
    since = BoundedDateField(label=gettext_lazy("from"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    until = BoundedDateField(label=gettext_lazy("until"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The first day must not come after the last."))
        return data

    def apply(self, reads):
        if not self.is_bound or not self.is_valid():
            return reads
        data = self.cleaned_data
        if data["user"]:
            reads = reads.filter(user__username=data["user"].strip())
        if data["agency"]:
            reads = reads.filter(user__agency_id=data["agency"])
        if data["case"]:  # CharField strips
            # a read of one record copy names its case through the copy, a reviewer's read of a person's records
            # (no single copy) through the defendant
            reads = reads.filter(Q(record__case__case_number=data["case"]) | Q(defendant__case__case_number=data["case"]))
        if data["permit"]:
            reads = reads.filter(permit__reference=data["permit"])
        if data["action"]:
            reads = reads.filter(action=data["action"])
        # bounds as moments (Beijing midnight), so the index on ``at`` serves the range
        if data["since"]:
            reads = reads.filter(at__gte=console.day_start(data["since"]))
        if data["until"]:
            reads = reads.filter(at__lt=console.day_start(data["until"] + dt.timedelta(days=1)))
        return reads


# "when" only: the index on ``at`` serves both ways; the keyset pages follow the order chosen.
ACCESS_LOG_SORTS = (listing.SortKey("at", gettext_lazy("when"), ("at", "pk")),)
# the agency filter is a hidden field (set by the console's links): named by the agency of the reader
EXPORT_WORDS = listing.ExportWords(filters={**listing.labels_of(AccessLogFilterForm),
                                            "agency": gettext_lazy("agency of the reader")}, sorts=ACCESS_LOG_SORTS)


def _cursor(value: str):
    """``<id>`` of the last row shown: the next page starts after it (keyset on (at, id), in the order shown)."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return AccessLog.objects.filter(pk=pk).values_list("at", "pk").first()


def _with_volume_findings(user, rows) -> list:
    """Each read with the supervisor's own open finding of unusual volume about its reader, if any."""
    rows = list(rows)
    volume = {}
    for finding in findings_for(user).open().filter(rule=rules.S_READ_VOLUME,
                                                     official_id__in={r.user_id for r in rows}):
        volume.setdefault(finding.official_id, finding)
    for row in rows:
        row.volume_finding = volume.get(row.user_id)
        row.reference_shown = presentation.access_reference(row.reference)
        row.reason_shown = presentation.access_reason(row.reason)
        row.record_shown = _record_cell(row)
    return rows


def _record_cell(read) -> str:
    """A record copy as people name it: the case number and the agency holding the copy; a read of a person's
    records as a whole (a reviewer's), the case number."""
    if read.record_id:
        return f"{read.record.case.case_number} · {read.record.holding_agency.name}"
    if read.defendant_id:
        return read.defendant.case.case_number
    return "—"


ACCESS_LOG_COLUMNS = (
    listing.Column(gettext_lazy("when"), lambda r: timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S")),
    listing.Column(gettext_lazy("user"), lambda r: r.user.username + (
        f" ({r.volume_finding.serial})" if r.volume_finding else "")),
    listing.Column(gettext_lazy("agency"), lambda r: r.user.agency.name if r.user.agency_id else "—"),
    listing.Column(gettext_lazy("action"), lambda r: r.get_action_display()),
    listing.Column(gettext_lazy("record"), _record_cell),
    listing.Column(gettext_lazy("permit"), lambda r: r.permit.reference if r.permit_id else _("none")),
    listing.Column(gettext_lazy("reference"), lambda r: presentation.access_reference(r.reference)),
    listing.Column(gettext_lazy("reason given"), lambda r: presentation.access_reason(r.reason)),
)


@access_log_required
@require_GET
def access_log(request):
    user = request.user
    form = AccessLogFilterForm(request.GET or None)
    sorting = listing.Sorting(request.GET, ACCESS_LOG_SORTS, default="-at")
    filtered = form.apply(console.access_log_for(user))
    reads = sorting.apply(filtered).select_related("user__agency", "record__case", "record__holding_agency", "defendant__case", "permit")
    if listing.export_format(request):
        return listing.export_response(request, what="access-log", title=_("Access log"),
                                       columns=ACCESS_LOG_COLUMNS, queryset=reads,
                                       build=lambda batch: _with_volume_findings(user, batch),
                                       today=timezone.localdate(), sorting=sorting)
    capped = filtered[:ACCESS_LOG_COUNT_CAP + 1].count()
    cursor = _cursor(request.GET.get("after"))
    page_reads = reads
    if cursor is not None:
        at, pk = cursor
        if sorting.descending:
            page_reads = reads.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
        else:
            page_reads = reads.filter(Q(at__gt=at) | Q(at=at, pk__gt=pk))
    rows = list(page_reads[:ACCESS_LOG_PAGE + 1])
    has_next = len(rows) > ACCESS_LOG_PAGE
    rows = _with_volume_findings(user, rows[:ACCESS_LOG_PAGE])
    query = request.GET.copy()
    query.pop("after", None)
    next_query = query.copy()
    if has_next:
        next_query["after"] = rows[-1].pk
    return render(request, "oversight/access_log.html", {
        "form": form, "rows": rows, "count": min(capped, ACCESS_LOG_COUNT_CAP), "more": capped > ACCESS_LOG_COUNT_CAP,
        "cap": ACCESS_LOG_COUNT_CAP, "has_next": has_next, "next_query": next_query.urlencode(),
        "first_query": query.urlencode(), "paged": cursor is not None, "sorting": sorting,
        "everywhere": console.is_auditor(user),
        "volume_url": (reverse("oversight:finding_list") + "?" + urlencode({"rule": rules.S_READ_VOLUME, "state": "open"})
                       if console.scope_agencies(user).exists() else ""),
    })
