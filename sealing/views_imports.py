"""Importing cases from a spreadsheet, and exporting the clerk's filtered case list (issue 17).

Upload → the dry run's preview (rows to create, rows that change field by field, rows with errors) → the clerk
chooses the whole file or only its valid rows → a confirmation saying what will happen → the import and its
report by sealing status. Small files are checked and imported while the clerk waits; large ones by the task
queue, the page polling a progress bar (as the sweep's). The job's writes are sealing/imports_jobs.py's."""
from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from common import listing

from . import imports_jobs, permissions, selectors, spreadsheet
from .filters import CaseFilter
from .models import FileStatus, ImportJob

PAGE_SIZE = 20
State = ImportJob.State
# the order of the report's counts by sealing status
REPORT_STATUSES = [FileStatus.SEALED, FileStatus.PROVISIONALLY_SEALED, FileStatus.OBSERVING, FileStatus.PENDING,
                   FileStatus.UNDETERMINED, FileStatus.NOT_ELIGIBLE]


def _today():
    """The date the import evaluates the cases as of: the edge reads the clock (tests replace this)."""
    return timezone.localdate()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g}"


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheet.max_bytes():
            raise forms.ValidationError(_("The file is larger than %(limit)s MB.")
                                        % {"limit": _megabytes(spreadsheet.max_bytes())})
        return upload


def _refused(request):
    ok, reason = permissions.can_import_cases(request.user)
    if ok:
        return None
    return render(request, "403.html", {"reason": _(reason)}, status=403)


def _upload_page(request, form, status=200):
    page = Paginator(imports_jobs.jobs_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sealing/import_upload.html",
                  {"form": form, "page": page, "max_mb": _megabytes(spreadsheet.max_bytes()),
                   "inline_mb": _megabytes(imports_jobs.inline_max_bytes()),
                   "inline_rows": imports_jobs.inline_max_rows()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """The upload form and the agency's past imports; a posted file is checked (the dry run) and the preview shown."""
    refused = _refused(request)
    if refused:
        return refused
    if request.method == "GET":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    data, name, today = upload.read(), upload.name, _today()
    if len(data) > imports_jobs.inline_max_bytes():
        job = imports_jobs.create_job(user=request.user, file_name=name, data=data, as_of=today, background=True)
        imports_jobs.dispatch(job, today)
        return redirect("sealing:import_detail", pk=job.pk)
    from . import imports

    try:
        plan = imports.plan_import(data, name, user=request.user, today=today)
    except spreadsheet.FileProblem as problem:
        form.add_error("file", str(problem.message))
        return _upload_page(request, form, status=400)
    job = imports_jobs.create_checked_job(user=request.user, file_name=name, data=data, as_of=today, plan=plan,
                                          now=timezone.now())
    return redirect("sealing:import_detail", pk=job.pk)


def _job(request, pk) -> ImportJob:
    return get_object_or_404(imports_jobs.jobs_for(request.user), pk=pk)


def _job_view(*methods):
    """A page of one import: 403 unless the user imports, 404 for another agency's job (whatever the method, as
    every object page: the answer does not tell whether the number exists), then 405 for another method."""
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk):
            refused = _refused(request)
            if refused:
                return refused
            job = _job(request, pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, job)

        return wrapper

    return decorate


def _report(job: ImportJob) -> list[dict]:
    statuses = job.summary.get("statuses", {}) if job.summary else {}
    queue = reverse("sealing:work_queue")
    # hidden files are absent from the case list: the agency finds them in its work queue's "hidden" tab
    urls = {FileStatus.UNDETERMINED: queue + "?tab=facts", FileStatus.SEALED: queue + "?tab=hidden",
            FileStatus.PROVISIONALLY_SEALED: queue + "?tab=hidden"}
    cases = reverse("sealing:case_list")
    return [{"status": status.value, "label": status.label, "count": statuses.get(status.value, 0),
             "url": urls.get(status, cases)} for status in REPORT_STATUSES]


def _detail_context(job: ImportJob) -> dict:
    done, total = imports_jobs.progress_of(job)
    return {"job": job, "percent": imports_jobs.percent(job), "done": done, "total": total,
            "polling": job.state in {State.UPLOADED, State.PLANNING, State.IMPORTING},
            "preview": imports_jobs.preview_of(job) if job.state == State.PLANNED else None,
            "report": _report(job) if job.state == State.DONE else None,
            "errors_shown": job.errors[:500], "more_errors": max(0, len(job.errors) - 500)}


@_job_view("GET")
def import_detail(request, job):
    """One import: its progress, its preview (when checked) or its report (when imported)."""
    return render(request, "sealing/import_detail.html", _detail_context(job))


@_job_view("GET")
def import_progress(request, job):
    """The htmx partial the detail page polls every second while the job is checked or imported; once it is
    done, the client is sent to the full page (the preview or the report)."""
    context = _detail_context(job)
    response = render(request, "sealing/import_progress.html", context)
    if not context["polling"] and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@_job_view("POST")
def import_confirm(request, job):
    """Two steps: the preview's button posts the mode and gets the confirmation naming what will happen; the
    confirmation posts again with ``confirm`` and the import runs (inline, or by the task queue)."""
    valid_only = request.POST.get("mode") == ImportJob.Mode.VALID_ONLY
    if job.state != State.PLANNED:
        messages.warning(request, _("This import is no longer waiting for a confirmation."))
        return redirect("sealing:import_detail", pk=job.pk)
    if not valid_only and job.counts.get("error"):
        messages.error(request, _("The file has errors: import only the valid rows, or correct the file and "
                                  "upload it again."))
        return redirect("sealing:import_detail", pk=job.pk)
    if request.POST.get("confirm") != "1":
        return render(request, "sealing/import_confirm.html",
                      {"job": job, "valid_only": valid_only, "counts": job.counts,
                       "background": imports_jobs.runs_in_background(job)})
    imports_jobs.confirm(job, user=request.user, valid_only=valid_only, now=timezone.now())
    if imports_jobs.runs_in_background(job):
        imports_jobs.dispatch(job, job.as_of)
        messages.info(request, _("The import has started: this page follows it."))
    else:
        imports_jobs.process_job(job.pk)
    return redirect("sealing:import_detail", pk=job.pk)


@_job_view("GET")
def import_errors(request, job):
    """The rows with errors, as a file in the uploaded format with an error column, to correct and upload again."""
    errors = job.summary.get("errors", []) if job.state == State.DONE else job.errors
    if not errors:
        return redirect("sealing:import_detail", pk=job.pk)
    from . import imports

    data = bytes(ImportJob.objects.only("data").get(pk=job.pk).data)
    # the check's outcome as stored (row, column, message): the file is not checked a second time
    plan = imports.ImportPlan(source=job.file_name, errors=[imports.RowError(**e) for e in errors],
                              error_rows={e["row"] for e in errors})
    try:
        content, filename, content_type = imports.error_file(data, job.file_name, plan)
    except spreadsheet.FileProblem:
        return redirect("sealing:import_detail", pk=job.pk)
    return _attachment(content, filename, content_type)


@login_required
@require_GET
def import_template(request):
    refused = _refused(request)
    if refused:
        return refused
    return _attachment(spreadsheet.template_xlsx(), "case-import-template.xlsx", spreadsheet.content_type("xlsx"))


@login_required
@permission_required("sealing.view_case", raise_exception=True)
@require_GET
def case_export(request):
    """The case list as filtered (every matching case, not only the page shown), as XLSX or CSV; logged in the
    audit trail as every export is."""
    from . import exports

    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    from .views import sorted_cases

    sorting, queryset = sorted_cases(request, CaseFilter(request.GET, queryset=selectors.listed_cases(request.user)))
    today = _today()
    stats = {}
    content = exports.export_cases(queryset, user=request.user, fmt=fmt, today=today, stats=stats)
    # the rows the file holds (one a defendant shown); the filters' names only: a value may be an ID number
    audit.record_export(request.user, "cases", fmt=fmt, rows=stats.get("rows", 0),
                        filters=listing.filters_named(request.GET), **listing.sort_detail(sorting))
    return _attachment(content, f"cases-{today:%Y%m%d}.{fmt}", spreadsheet.content_type(fmt))


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
