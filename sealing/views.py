from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from common import listing
from common.crypto import blind_index
from common.pagination import slim_page

from . import disclosure, permissions, selectors, services
from .filters import CaseFilter, RecordFilter
from .forms import CaseForm, DefendantForm, DefendantFormSet, RecordForm, SearchForm
from .history import history_entries
from .models import Defendant
from .presentation import STATUS_STYLES
from .rules.files import j_cover

PAGE_SIZE = 25


def _page(request, queryset):
    return slim_page(queryset, request.GET.get("page"), PAGE_SIZE)


# Never a defendant's name or ID number: a masked value's place in the order would tell it.
CASE_SORTS = (
    listing.SortKey("case_number", gettext_lazy("case number"), ("case_number", "pk")),
    listing.SortKey("created_at", gettext_lazy("entered at"), ("created_at", "pk")),  # case_agency_created
)
CASE_EXPORT_WORDS = listing.ExportWords(filters=listing.labels_of(CaseFilter), sorts=CASE_SORTS)


def sorted_cases(request, filterset):
    """The case list's rows as filtered and sorted (the page, its export and the import-format export)."""
    sorting = listing.Sorting(request.GET, CASE_SORTS)
    return sorting, sorting.apply(filterset.qs)


@login_required
@permission_required("sealing.view_case", raise_exception=True)
def case_list(request):
    filterset = CaseFilter(request.GET, queryset=selectors.listed_cases(request.user))
    sorting, cases = sorted_cases(request, filterset)
    cases = cases.prefetch_related("defendants__person", "defendants__sealing_file")
    gate = disclosure.Gate(request.user)
    if listing.export_format(request):
        return listing.export_response(request, what="cases-shown", title=_("Cases"), columns=CASE_COLUMNS,
                                       queryset=cases, build=lambda batch: _case_rows(gate, batch),
                                       today=timezone.localdate(), sorting=sorting)
    page = _page(request, cases)
    rows = _case_rows(gate, page)
    template = "sealing/_case_rows.html" if request.htmx else "sealing/case_list.html"
    return render(request, template, {"filter": filterset, "page": page, "rows": rows, "sorting": sorting})


def _case_rows(gate, cases) -> list[dict]:
    cases = list(cases)
    gate.prefetch(d for case in cases for d in case.defendants.all())  # a hidden co-defendant's permits, at once
    return [{"case": case, "defendants": [_listed_defendant(gate, d) for d in case.defendants.all()]}
            for case in cases]


def _defendants_cell(row) -> str:
    return pgettext("a list's separator", ", ").join(
        f"{d['name']} ({d['status']})" if d["status"] else str(d["name"]) for d in row["defendants"])


CASE_COLUMNS = (
    listing.Column(gettext_lazy("case number"), lambda row: row["case"].case_number),
    listing.Column(gettext_lazy("handling agency"), lambda row: str(row["case"].agency)),
    listing.Column(gettext_lazy("defendants and sealing status"), _defendants_cell),
    listing.Column(gettext_lazy("date of the last act"), lambda row: row["case"].offense_date),
    listing.Column(gettext_lazy("entered at"), lambda row: timezone.localtime(row["case"].created_at)
                   .strftime("%Y-%m-%d %H:%M")),
)


def _listed_defendant(gate, defendant) -> dict:
    """A defendant on the case list: the name as the gate shows it and, unless masked, the file's sealing status
    (a masked defendant's status would tell that the file is hidden)."""
    view = gate.person(defendant)
    file = getattr(defendant, "sealing_file", None)
    if view.masked or file is None:
        return {"name": view.name, "status": "", "style": ""}
    return {"name": view.name, "status": file.get_status_display(),
            "style": STATUS_STYLES.get(file.status, "secondary")}


POSTED_CHARGES = re.compile(r"defendants-\d{1,2}-charges")


def _defendant_formset(request, case_form):
    kwargs = {}
    if request.method == "POST":
        # each date the case form accepts is checked against the defendants' dates in the same round, even when
        # another of its fields is wrong (one round shows every wrong date)
        case_form.is_valid()
        kwargs = {k: case_form.cleaned_data.get(k) for k in ("offense_date", "offense_start_date")}
        # every block's chosen charges read at once, not a query per block
        kwargs["charges"] = selectors.charges_by_pk(
            value for key in request.POST if POSTED_CHARGES.fullmatch(key) for value in request.POST.getlist(key))
    return DefendantFormSet(request.POST or None, prefix="defendants", form_kwargs=kwargs)


@login_required
@permission_required("sealing.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_create(request):
    if request.user.agency is None:
        messages.error(request, _("Your account belongs to no agency: ask an administrator."))
        return redirect("home")
    case_form = CaseForm(request.POST or None)
    formset = _defendant_formset(request, case_form)
    # both validated, so that the defendants' errors show with the case's, in one round
    if request.method == "POST" and all([case_form.is_valid(), formset.is_valid()]):
        defendants = formset.defendants()
        case = services.create_case(user=request.user, case_data=case_form.cleaned_data, defendants=defendants,
                                    today=timezone.localdate())
        messages.success(request, _("Case %(number)s entered.") % {"number": case.case_number})
        return redirect("sealing:case_detail", pk=case.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "sealing/case_form.html", {"form": case_form, "formset": formset, "creating": True})


@login_required
def case_detail(request, pk):
    case = get_object_or_404(selectors.cases_for(request.user), pk=pk)
    defendants = list(selectors.defendants_of(case))
    records = selectors.records_for(request.user).filter(case=case)
    other_copies = case.records.exclude(pk__in=records.values("pk")).select_related("holding_agency")
    gate = disclosure.Gate(request.user)
    files = [(d, getattr(d, "sealing_file", None)) for d in defendants]
    statuses = [(f.regime, f.status) if f else (None, None) for _d, f in files]
    rows = []
    for n, (d, file) in enumerate(files):
        others = statuses[:n] + statuses[n + 1:]
        rows.append({
            "defendant": d, "file": file, "person": gate.person(d),
            "style": STATUS_STYLES.get(file.status, "secondary") if file else "",
            "cover": j_cover(file.regime if file else None, others),
            "can_edit": permissions.can_change_facts(request.user, d)[0],
        })
    record_rows = [gate.record(r) for r in records]
    context = {
        "case": case,
        # a case all of whose defendants are hidden shows none of its facts (dates, notes) either
        "case_masked": bool(rows) and all(row["person"].masked for row in rows),
        "rows": rows,
        # J-COVER on whole-case records: open while a juvenile co-defendant's record is hidden
        "cover_case": j_cover(None, statuses),
        "records": record_rows,
        "other_copies": other_copies,
        "can_change": permissions.can_change_case(request.user, case)[0],
        "can_add_defendant": permissions.handles(request.user, case) and request.user.has_perm("sealing.add_defendant"),
        "can_add_record": request.user.has_perm("sealing.add_record") and request.user.agency_id is not None,
        "history": history_entries(case, defendants, records),
    }
    return render(request, "sealing/case_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = get_object_or_404(selectors.case_for_change(request.user, pk))
    allowed, reason = permissions.can_change_case(request.user, case)
    if not allowed:
        messages.error(request, _(reason))
        return redirect("sealing:case_detail", pk=case.pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        conflicts = _date_conflicts(case, form.cleaned_data)
        if conflicts:
            form.add_error("offense_date", conflicts)
        else:
            services.update_case(user=request.user, case=case, case_data=form.cleaned_data,
                                 today=timezone.localdate())
            messages.success(request, _("Case details saved."))
            return redirect("sealing:case_detail", pk=case.pk)
    return render(request, "sealing/case_edit.html", {"form": form, "case": case})


def _date_conflicts(case, data) -> str | None:
    """The case's dates must stay consistent with its defendants' birth and judgment dates."""
    last, first = data["offense_date"], data.get("offense_start_date") or data["offense_date"]
    defendants = case.defendants.select_related("person")
    if defendants.filter(judgment_effective_date__lt=last).exists():
        return _("A defendant's judgment took effect before this date of the last act.")
    if defendants.filter(person__birth_date__gte=first).exists():
        return _("A defendant was born after this date.")
    return None


def _defendant_initial(defendant: Defendant) -> dict:
    person = defendant.person
    initial = {"name": person.name, "id_number": person.id_number, "birth_date": person.birth_date}
    for field in services.DEFENDANT_FIELDS:
        initial[field] = getattr(defendant, field)
    initial["charges"] = list(defendant.charges.all())
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def defendant_form(request, pk, defendant_pk=None):
    case = get_object_or_404(selectors.case_for_change(request.user, pk))
    defendant = get_object_or_404(case.defendants.select_related("sealing_file"), pk=defendant_pk) if defendant_pk else None
    if defendant is not None:
        allowed, reason = permissions.can_change_facts(request.user, defendant)
        if not allowed:  # the form would show a sealed person's name and ID number
            messages.error(request, _(reason))
            return redirect("sealing:case_detail", pk=case.pk)
    form = DefendantForm(
        request.POST or None,
        initial=_defendant_initial(defendant) if defendant else None,
        offense_date=case.offense_date,
        offense_start_date=case.offense_start_date,
    )
    if request.method == "POST" and form.is_valid():
        others = case.defendants.exclude(pk=getattr(defendant, "pk", None))
        number = form.cleaned_data["id_number"]
        if number and others.filter(person__id_number_index=blind_index(number)).exists():
            form.add_error("id_number", _("This person is already a defendant of this case."))
        else:
            if defendant:
                services.update_defendant(user=request.user, defendant=defendant, data=form.cleaned_data,
                                          today=timezone.localdate())
                messages.success(request, _("Defendant saved."))
            else:
                services.add_defendant(user=request.user, case=case, data=form.cleaned_data, today=timezone.localdate())
                messages.success(request, _("Defendant added."))
            return redirect("sealing:case_detail", pk=case.pk)
    return render(request, "sealing/defendant_form.html", {"form": form, "case": case, "defendant": defendant})


RECORD_SORTS = (
    listing.SortKey("created_at", gettext_lazy("entered at"), ("created_at", "pk")),  # record_agency_created
)
RECORD_EXPORT_WORDS = listing.ExportWords(filters=listing.labels_of(RecordFilter), sorts=RECORD_SORTS)
RECORD_COLUMNS = (
    listing.Column(gettext_lazy("case number"), lambda r: r.case.case_number),
    listing.Column(gettext_lazy("kind"), lambda r: r.get_kind_display()),
    listing.Column(gettext_lazy("title"), lambda r: r.title),
    listing.Column(gettext_lazy("document number"), lambda r: r.document_number or "—"),
    listing.Column(gettext_lazy("holding agency"), lambda r: str(r.holding_agency)),
    listing.Column(gettext_lazy("entered at"), lambda r: timezone.localtime(r.created_at).date()),
)


@login_required
@permission_required("sealing.view_record", raise_exception=True)
def record_list(request):
    filterset = RecordFilter(request.GET, queryset=selectors.listed_records(request.user))
    sorting = listing.Sorting(request.GET, RECORD_SORTS)
    records = sorting.apply(filterset.qs)
    if listing.export_format(request):  # hidden copies are absent from the list: nothing here to mask
        return listing.export_response(request, what="records", title=_("Records"), columns=RECORD_COLUMNS,
                                       queryset=records, build=list, today=timezone.localdate(), sorting=sorting)
    return render(request, "sealing/record_list.html",
                  {"filter": filterset, "page": _page(request, records), "sorting": sorting})


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request, pk):
    case = get_object_or_404(selectors.cases_for(request.user), pk=pk)
    if not request.user.has_perm("sealing.add_record") or request.user.agency_id is None:
        return render(request, "403.html", status=403)
    form = RecordForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        record = services.create_record(user=request.user, case=case, data=form.cleaned_data)
        messages.success(request, _("Record copy registered."))
        return redirect("sealing:record_detail", pk=record.pk)
    return render(request, "sealing/record_form.html", {"form": form, "case": case})


@login_required
def record_detail(request, pk):
    record = get_object_or_404(selectors.records_for(request.user), pk=pk)
    view = disclosure.Gate(request.user).record(record)
    context = {"record": record, "view": view, "can_change": permissions.can_change_record(request.user, record)[0],
               "history": history_entries(record)}
    return render(request, "sealing/record_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request, pk):
    record = get_object_or_404(selectors.records_for_change(request.user).select_related("case"), pk=pk)
    allowed, reason = permissions.can_change_record(request.user, record)
    if not allowed:
        messages.error(request, _(reason))
        return redirect("sealing:record_detail", pk=record.pk)
    form = RecordForm(request.POST or None, instance=record, case=record.case)
    if request.method == "POST" and form.is_valid():
        services.update_record(user=request.user, record=record, data=form.cleaned_data)
        messages.success(request, _("Record copy saved."))
        return redirect("sealing:record_detail", pk=record.pk)
    return render(request, "sealing/record_form.html", {"form": form, "case": record.case, "record": record})


@login_required
@permission_required("sealing.view_charge", raise_exception=True)
def charge_list(request):
    charges = selectors.charge_catalogue()
    search = SearchForm(request.GET)
    query = search.term()
    if query:
        charges = charges.filter(Q(name__icontains=query) | Q(article__icontains=query))
    return render(request, "sealing/charge_list.html", {"charges": charges, "query": query, "search": search})


@login_required
@permission_required("sealing.view_charge", raise_exception=True)
def charge_search(request):
    """The charge picker's matches for what was typed (an htmx partial): at most a short list, never the whole
    catalogue. The catalogue is the public law, no sealed data."""
    # the box is named after its defendant block (d-0-charges_typed): its value is what was typed
    typed = next((value for key, value in request.GET.items() if key == "q" or key.endswith("charges_typed")), "")
    term = SearchForm({"q": typed}).term()
    return render(request, "sealing/_charge_options.html", {"charges": selectors.matching_charges(term), "term": term})
