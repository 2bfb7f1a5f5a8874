"""The query desk's pages: request in, one service call, template out. Every button is drawn from the
same queries.permissions function the service asks as its guard; only these edges read the clock."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import listing
from common.pagination import slim_page
from sealing.history import history_entries
from sealing.presentation import trace_rows

from . import permissions, selectors, services
from .forms import (
    AnswerObjectionForm,
    ApprovalForm,
    DecisionForm,
    ExtendObjectionForm,
    IntakeForm,
    ObjectionForm,
    UndertakingForm,
)
from .models import DocumentKind, ObjectionOutcome, Outcome, QueryStatus, RequesterKind

VIEW = "queries.view_queryrequest"


def _pdf(data: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(bytes(data), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _error(request, exc: services.QueryError) -> None:
    messages.error(request, _(str(exc)))


LIST_PAGE = 50
# Serial numbers and dates (Q-INTAKE: nothing about the person's records). The open tab is narrow; the decided
# one is read on (agency, status, deadline) or the unique serial.
REQUEST_SORTS = (
    listing.SortKey("serial", gettext_lazy("serial number"), ("serial",)),
    listing.SortKey("deadline", gettext_lazy("answer due"), ("deadline", "pk")),
)
OBJECTION_SORTS = (  # one agency's objections: a narrow set
    listing.SortKey("serial", gettext_lazy("serial number"), ("serial",)),
    listing.SortKey("received", gettext_lazy("received"), ("received", "pk")),
)
TAB_LABELS = {"open": gettext_lazy("Awaiting review"), "decided": gettext_lazy("Decided"),
              "objections": gettext_lazy("Objections")}
EXPORT_WORDS = listing.ExportWords(sorts=(*REQUEST_SORTS, OBJECTION_SORTS[1]), tabs=TAB_LABELS)


def _overdue(today):
    return lambda items: [(item, item.is_overdue(today)) for item in items]


def _overdue_cell(row) -> str:
    return _("overdue") if row[1] else ""


REQUEST_COLUMNS = (
    listing.Column(gettext_lazy("serial number"), lambda row: row[0].serial),
    listing.Column(gettext_lazy("requester"), lambda row: " · ".join(
        str(part) for part in (row[0].get_requester_kind_display(), row[0].requester_organisation) if part)),
    listing.Column(gettext_lazy("purpose"), lambda row: row[0].get_purpose_display()),
    listing.Column(gettext_lazy("received"), lambda row: row[0].received),
    listing.Column(gettext_lazy("answer due"), lambda row: row[0].deadline),
    listing.Column(gettext_lazy("overdue"), _overdue_cell),
    listing.Column(gettext_lazy("status"), lambda row: row[0].get_status_display()),
    listing.Column(gettext_lazy("decision"),
                   lambda row: row[0].get_decision_display() if row[0].status == QueryStatus.DECIDED else "—"),
)
OBJECTION_COLUMNS = (
    listing.Column(gettext_lazy("serial number"), lambda row: row[0].serial),
    listing.Column(gettext_lazy("query request"), lambda row: row[0].request.serial),
    listing.Column(gettext_lazy("received"), lambda row: row[0].received),
    listing.Column(gettext_lazy("answer due"), lambda row: row[0].due),
    listing.Column(gettext_lazy("overdue"), _overdue_cell),
    listing.Column(gettext_lazy("status"), lambda row: row[0].get_status_display()),
    listing.Column(gettext_lazy("outcome"), lambda row: row[0].get_outcome_display() or "—"),
)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_list(request):
    today = timezone.localdate()
    tab = request.GET.get("tab", "open")
    tab = tab if tab in ("open", "decided", "objections") else "open"
    if tab == "objections":
        sorting = listing.Sorting(request.GET, OBJECTION_SORTS)
        items = sorting.apply(selectors.objections_for(request.user).order_by("status", "deadline", "pk"))
        columns, key = OBJECTION_COLUMNS, "objection_rows"
    else:
        sorting = listing.Sorting(request.GET, REQUEST_SORTS)
        qs = selectors.review_queue(request.user) if tab == "open" else selectors.decided_requests(request.user)
        items, columns, key = sorting.apply(qs), REQUEST_COLUMNS, "rows"
    if listing.export_format(request):
        return listing.export_response(request, what=f"query-requests-{tab}", title=_("Query requests"),
                                       columns=columns, queryset=items, build=_overdue(today), today=today,
                                       sorting=sorting)
    page = slim_page(items, request.GET.get("page"), LIST_PAGE)
    return render(request, "queries/request_list.html",
                  {key: _overdue(today)(page), "page": page, "tab": tab, "sorting": sorting,
                   "tab_labels": TAB_LABELS})


@login_required
@permission_required("queries.add_queryrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_create(request):
    today = timezone.localdate()
    ok, reason = permissions.can_take_request(request.user, request.user.agency, today)
    if not ok:
        messages.error(request, _(reason))
        return redirect("home")
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            query = services.take_request(user=request.user, data=form.cleaned_data, today=today)
        except services.QueryError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Request %(serial)s taken; answer due %(due)s.") % {
                "serial": query.serial, "due": query.deadline.isoformat()})
            return redirect("queries:request_detail", pk=query.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "queries/request_form.html", {"form": form})


def _decision_form(query, view, data=None):
    recommendation = view.recommendation
    decisions = services.lawful_choices(query, recommendation)  # Q-DOCS: only the lawful decisions are offered
    suggested = recommendation.get("recommendation")
    initial = {"decision": suggested if suggested in decisions else None,
               "disclosed": recommendation.get("disclosed", [])}
    return DecisionForm(data, candidates=view.candidates, judicial=query.requester_kind == RequesterKind.JUDICIAL,
                        requester=query.requester_kind, decisions=decisions, initial=initial)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_detail(request, pk):
    today = timezone.localdate()
    user = request.user
    query = get_object_or_404(selectors.requests_for(user), pk=pk)
    view = services.review(query, user=user, today=today)  # None for the clerk: no recommendation, no records
    recommendation = view.recommendation if view else None
    can_decide = view is not None and permissions.can_decide(user, query, today)[0]
    can_approve = view is not None and permissions.can_approve(user, query, today)[0]
    named = []
    if view is not None and query.status == QueryStatus.AWAITING_APPROVAL:
        labels = dict(view.candidates)
        named = [labels.get(i, str(i)) for i in query.named_records]
    undertaking = getattr(query, "undertaking", None) if query.requester_kind == RequesterKind.UNIT else None
    can_undertake = permissions.can_record_undertaking(user, query, today)[0]
    can_object = permissions.can_object(user, query, today)[0]
    context = {
        "query": query,
        "overdue": query.is_overdue(today),
        "view": view,
        "recommendation": recommendation,
        "trace": trace_rows(recommendation) if recommendation else [],
        "recommendation_label": dict(Outcome.choices).get((recommendation or {}).get("recommendation"), ""),
        "form": _decision_form(query, view) if can_decide else None,
        "can_decide": can_decide,
        "approval_form": ApprovalForm() if can_approve else None,
        "named_records": named,
        "waiting_for_other": query.status == QueryStatus.AWAITING_APPROVAL and not can_approve,
        "four_eyes": query.status != QueryStatus.DECIDED and user.pk == query.taken_by_id,
        "undertaking": undertaking,
        "undertaking_form": UndertakingForm(today=today) if can_undertake else None,
        "attachments": query.attachments.filter(objection__isnull=True),
        "objections": query.objections.order_by("received", "pk"),
        "objection_form": ObjectionForm(query=query, today=today) if can_object else None,
        "can_download": permissions.can_download_document(user, query, today)[0],
    }
    return render(request, "queries/request_detail.html", context)


@login_required
@permission_required("queries.decide_queryrequest", raise_exception=True)
@require_POST
def request_decide(request, pk):
    today, now = timezone.localdate(), timezone.now()
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    view = services.review(query, user=request.user, today=today, log=False)  # the form's choices; nothing shown
    if view is None:
        messages.error(request, _("Only a reviewer of the receiving agency decides this request."))
        return redirect("queries:request_detail", pk=query.pk)
    form = _decision_form(query, view, request.POST)
    if not form.is_valid():
        if "decision" in form.errors and request.POST.get("decision") in Outcome.values:
            # a decision Q-DOCS does not allow this requester (a forged choice): the service's own words
            refusal = services.lawful_decision(query, request.POST["decision"],
                                               open_conviction=services.open_conviction(query, view.recommendation))[1]
            messages.error(request, _(refusal or "Choose a decision."))
        else:
            messages.error(request, _("Choose a decision."))
        return redirect("queries:request_detail", pk=query.pk)
    if request.POST.get("confirm") != "1":  # the first POST only shows what the decision will do
        return _confirm_decision(request, query, form)
    try:
        decided = services.decide_query(
            query, reviewer=request.user, decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"], disclosed_ids=form.cleaned_data.get("disclosed") or (),
            access_days=form.cleaned_data.get("access_days"), today=today, now=now,
        )
    except services.QueryError as exc:
        query.refresh_from_db()
        if query.status == QueryStatus.DECIDED and query.decided_by_id not in (None, request.user.pk):
            messages.error(request, _("%(who)s decided this request first, at %(when)s: your decision was not saved.")
                           % {"who": query.decided_by.display_name,
                              "when": timezone.localtime(query.decided_at).strftime("%H:%M:%S")})
        else:
            _error(request, exc)
    else:
        if decided.status == QueryStatus.AWAITING_APPROVAL:
            messages.warning(request, _("Your decision discloses more than recommended: it takes effect when a second "
                                        "reviewer approves it."))
        else:
            messages.success(request, _("Decision recorded: %(decision)s.") % {
                "decision": dict(Outcome.choices)[form.cleaned_data["decision"]]})
    return redirect("queries:request_detail", pk=query.pk)


def _confirm_decision(request, query, form):
    """The confirmation of a decision: the decision, the document it issues, to whom, and the records it names.
    The records listed are the reviewer's own choice among those the review page showed (Q-INTAKE); this page
    is another view of them and is logged like that page (services.review)."""
    today = timezone.localdate()
    data = form.cleaned_data
    decision = data["decision"]
    view = services.review(query, user=request.user, today=today) if data.get("disclosed") else None
    labels = dict(view.candidates) if view else {}
    chosen = [labels[int(i)] for i in data.get("disclosed") or () if int(i) in labels]
    preview = services.preview_decision(query, decision, data.get("disclosed") or ())
    context = {
        "query": query,
        "decision_label": dict(Outcome.choices)[decision],
        "decision": decision,
        "document_label": dict(DocumentKind.choices)[preview.document],
        "recipient": query.requester_organisation or query.requester_name,
        "chosen": chosen,
        "preview": preview,
        "reason": data.get("reason") or "",
        "access_days": data.get("access_days"),
        "action_url": reverse("queries:request_decide", args=[query.pk]),
        "posted": [(name, value) for name in ("decision", "reason", "access_days")
                   if (value := request.POST.get(name)) not in (None, "")]
        + [("disclosed", value) for value in request.POST.getlist("disclosed")],
    }
    return render(request, "queries/request_decide_confirm.html", context)


def _confirm_approval(request, query, today):
    """The second reviewer's approval lets a departure take effect: the same confirmation as a decision's."""
    ok, reason = permissions.can_approve(request.user, query, today)
    view = services.review(query, user=request.user, today=today) if ok else None
    if view is None:
        messages.error(request, _(reason or "Only a reviewer of the receiving agency decides this request."))
        return redirect("queries:request_detail", pk=query.pk)
    labels = dict(view.candidates)
    preview = services.preview_decision(query, query.decision, query.named_records)
    return render(request, "queries/request_decide_confirm.html", {
        "query": query,
        "decision_label": query.get_decision_display(),
        "decision": query.decision,
        "document_label": dict(DocumentKind.choices)[preview.document],
        "recipient": query.requester_organisation or query.requester_name,
        "chosen": [labels.get(i, str(i)) for i in query.named_records],
        "preview": preview,
        "reason": query.decision_reason,
        "access_days": query.access_days,
        "approving": True,
        "action_url": reverse("queries:request_approve", args=[query.pk]),
        "posted": [("action", ApprovalForm.APPROVE)],
    })


@login_required
@permission_required("queries.decide_queryrequest", raise_exception=True)
@require_POST
def request_approve(request, pk):
    today, now = timezone.localdate(), timezone.now()
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    form = ApprovalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject the decision."))
        return redirect("queries:request_detail", pk=query.pk)
    if form.cleaned_data["action"] == ApprovalForm.APPROVE and request.POST.get("confirm") != "1":
        return _confirm_approval(request, query, today)
    try:
        if form.cleaned_data["action"] == ApprovalForm.APPROVE:
            services.approve_decision(query, approver=request.user, today=today, now=now)
            messages.success(request, _("Approved: the decision has taken effect."))
        else:
            services.reject_decision(query, approver=request.user, reason=form.cleaned_data["reason"], today=today,
                                     now=now)
            messages.success(request, _("Rejected: the request awaits a new decision."))
    except services.QueryError as exc:
        _error(request, exc)
    return redirect("queries:request_detail", pk=query.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def request_undertaking(request, pk):
    today = timezone.localdate()
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    form = UndertakingForm(request.POST, request.FILES, today=today)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("queries:request_detail", pk=query.pk)
    data = form.cleaned_data
    try:
        services.record_undertaking(query, user=request.user, signer_name=data["signer_name"],
                                    signer_position=data.get("signer_position") or "", signed_on=data["signed_on"],
                                    text=data.get("text") or "", upload=data.get("file"), today=today)
    except services.QueryError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Confidentiality undertaking recorded."))
    return redirect("queries:request_detail", pk=query.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def request_document(request, pk):
    today = timezone.localdate()
    query = get_object_or_404(selectors.requests_for(request.user).filter(status=QueryStatus.DECIDED), pk=pk)
    try:
        document = services.download_document(query, user=request.user, today=today)
    except services.QueryError as exc:
        _error(request, exc)
        return redirect("queries:request_detail", pk=query.pk)
    return _pdf(document.pdf, f"{document.serial}.pdf")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def attachment_download(request, pk):
    today = timezone.localdate()
    attachment = get_object_or_404(selectors.attachments_for(request.user), pk=pk)
    try:
        services.download_attachment(attachment, user=request.user, today=today)
    except services.QueryError as exc:
        _error(request, exc)
        return redirect("queries:request_detail", pk=attachment.request_id)
    return _pdf(attachment.data, attachment.filename, attachment.content_type)


# --- objections -------------------------------------------------------------------------------------------

@login_required
@permission_required("queries.add_queryrequest", raise_exception=True)
@require_POST
def objection_create(request, pk):
    today = timezone.localdate()
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    form = ObjectionForm(request.POST, request.FILES, query=query, today=today)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("queries:request_detail", pk=query.pk)
    data = form.cleaned_data
    try:
        objection = services.take_objection(query, user=request.user, objector_kind=data["objector_kind"],
                                            objector_name=data["objector_name"], received=data["received"],
                                            grounds=data["grounds"], upload=data.get("file"), today=today)
    except services.QueryError as exc:
        _error(request, exc)
        return redirect("queries:request_detail", pk=query.pk)
    messages.success(request, _("Objection %(serial)s taken; answer due %(due)s.") % {
        "serial": objection.serial, "due": objection.deadline.isoformat()})
    return redirect("queries:objection_detail", pk=objection.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
def objection_detail(request, pk):
    today = timezone.localdate()
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    can_answer = permissions.can_reexamine(request.user, objection, today)[0]
    can_extend = permissions.can_extend_objection(request.user, objection, today)[0]
    return render(request, "queries/objection_detail.html", {
        "objection": objection, "query": objection.request, "overdue": objection.is_overdue(today),
        "answer_form": AnswerObjectionForm() if can_answer else None,
        "extend_form": ExtendObjectionForm() if can_extend else None,
        "attachments": objection.attachments.all(),
        "can_download": permissions.can_download_review_opinion(request.user, objection, today)[0],
        "history": history_entries(objection),
    })


@login_required
@permission_required("queries.decide_queryrequest", raise_exception=True)
@require_POST
def objection_extend(request, pk):
    today, now = timezone.localdate(), timezone.now()
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    form = ExtendObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.extend_objection(objection, user=request.user, reason=form.cleaned_data["reason"], today=today,
                                      now=now)
        except services.QueryError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Time limit extended to 30 working days."))
    else:
        messages.error(request, _("Say why the re-examination needs more time, in at least ten characters."))
    return redirect("queries:objection_detail", pk=objection.pk)


@login_required
@permission_required("queries.decide_queryrequest", raise_exception=True)
@require_POST
def objection_answer(request, pk):
    today, now = timezone.localdate(), timezone.now()
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    form = AnswerObjectionForm(request.POST)
    if form.is_valid() and request.POST.get("confirm") != "1":  # the first POST only shows what the answer will do
        ok, reason = permissions.can_reexamine(request.user, objection, today)
        if not ok:
            messages.error(request, _(reason))
        elif not permissions.reason_has_substance(form.cleaned_data["answer"]):
            messages.error(request, _("Give the reasons of the re-examination, in at least ten characters."))
        else:
            return render(request, "queries/objection_answer_confirm.html", {
                "objection": objection, "outcome_label": dict(ObjectionOutcome.choices)[form.cleaned_data["outcome"]],
                "answer": form.cleaned_data["answer"], "posted": [("outcome", form.cleaned_data["outcome"]),
                                                                 ("answer", form.cleaned_data["answer"])]})
        return redirect("queries:objection_detail", pk=objection.pk)
    if form.is_valid():
        try:
            services.answer_objection(objection, user=request.user, outcome=form.cleaned_data["outcome"],
                                      answer=form.cleaned_data["answer"], today=today, now=now)
        except services.QueryError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Re-examination answered; the opinion is issued."))
    else:
        messages.error(request, _("Choose the outcome of the re-examination."))
    return redirect("queries:objection_detail", pk=objection.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def objection_document(request, pk):
    today = timezone.localdate()
    objection = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    try:
        services.download_review_opinion(objection, user=request.user, today=today)
    except services.QueryError as exc:
        _error(request, exc)
        return redirect("queries:objection_detail", pk=objection.pk)
    return _pdf(objection.document_pdf, f"{objection.document_serial}.pdf")


# --- the judicial officer's side ---------------------------------------------------------------------------

@login_required
@require_GET
def disclosed_to_me(request):
    """The sealed records disclosed to me under permits still in force, with links to read them (each read
    is logged by the sealing app's gate)."""
    permits = list(selectors.active_permits_of(request.user, now=timezone.now()))
    return render(request, "queries/disclosed.html", {"permits": permits})
