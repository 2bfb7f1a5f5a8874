"""The pages of instruments (RULES.md §5 "Instruments").

Supervisors (procuratorate, region and below; and the upper procuratorate for what was reported to it): the
list, a draft from selected findings or free, approval, issue, the decision on a reply, the answer to a review.
The agency addressed (any kind: court, police, justice, procuratorate): an inbox of the instruments issued to
it, each with the reply form and the review request. Buttons are drawn from oversight.permissions, which the
services guard with; only these views read the clock."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N
from django.views.decorators.http import require_http_methods

from common import listing
from common.pagination import CappedPaginator
from common.validation import pk_or_none, pks
from sealing.history import history_entries

from . import instruments, permissions, presentation, selectors
from .forms import (DraftEditForm, InstrumentForm, IssueForm, NoteForm, RejectReplyForm, ReplyForm, ReviewAnswerForm,
                    ReviewRequestForm)
from .models import Instrument, InstrumentKind, InstrumentState, ReplyAttachment
from .services import OversightError
from .views import supervisor_required

PAGE_SIZE = 50
STATE_STYLES = {
    InstrumentState.DRAFT: "secondary", InstrumentState.AWAITING_APPROVAL: "warning",
    InstrumentState.APPROVED: "info", InstrumentState.ISSUED: "primary", InstrumentState.REPLIED: "info",
    InstrumentState.REJECTED: "danger", InstrumentState.REVIEW: "warning", InstrumentState.CLOSED: "success",
    InstrumentState.WITHDRAWN: "secondary",
}


def _forbidden(request, reason):
    return render(request, "403.html", {"reason": _(reason)}, status=403)


def _instrument(request, pk):
    return get_object_or_404(instruments.instruments_for(request.user), pk=pk)


def _inbox_instrument(request, pk):
    return get_object_or_404(instruments.inbox_for(request.user), pk=pk)


def _month(value: str) -> dt.date | None:
    """A filter's month ``YYYY-MM``, or None for anything else."""
    value = (value or "").strip()
    if len(value) != 7:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None


def _rows(page, today):
    return [{"instrument": i, "style": STATE_STYLES.get(i.state, "secondary"), "overdue": i.is_overdue(today)}
            for i in page]


# --- supervisors ----------------------------------------------------------------------------------------

INSTRUMENT_SORTS = (  # a region's instruments: a narrow set
    listing.SortKey("serial", gettext_lazy("serial number"), ("serial",)),
    listing.SortKey("issued_on", gettext_lazy("issued on"), ("issued_on", "pk")),
    listing.SortKey("deadline", gettext_lazy("reply due"), ("deadline", "pk")),
)
# the list's filters (plain parameters, drawn by its template with these labels)
FILTER_LABELS = {
    "state": gettext_lazy("state"),
    "kind": gettext_lazy("kind"),
    "agency": gettext_lazy("agency addressed"),
    "issued": gettext_lazy("issued in (month)"),
    "escalated": gettext_lazy("reported up to my procuratorate"),
}
EXPORT_WORDS = listing.ExportWords(filters=FILTER_LABELS, sorts=INSTRUMENT_SORTS)


def _addressed(row) -> str:
    i = row["instrument"]
    if i.escalated_on:
        return f"{i.agency.name} · " + _("reported up to %(to)s on %(day)s") % {
            "to": i.escalated_to.name if i.escalated_to_id else "—", "day": i.escalated_on.isoformat()}
    return i.agency.name


def _reply_due(row):
    i = row["instrument"]
    if i.deadline:
        return i.deadline
    if i.follow_up_on:
        return _("follow-up %(day)s") % {"day": i.follow_up_on.isoformat()}
    return "—"


INSTRUMENT_COLUMNS = (
    listing.Column(gettext_lazy("serial number"), lambda row: row["instrument"].serial),
    listing.Column(gettext_lazy("kind"), lambda row: row["instrument"].get_kind_display()),
    listing.Column(gettext_lazy("agency addressed"), _addressed),
    listing.Column(gettext_lazy("issued on"), lambda row: row["instrument"].issued_on),
    listing.Column(gettext_lazy("reply due"), _reply_due),
    listing.Column(gettext_lazy("overdue"), lambda row: _("overdue") if row["overdue"] else ""),
    listing.Column(gettext_lazy("state"), lambda row: row["instrument"].get_state_display()),
)


@supervisor_required
def instrument_list(request):
    user = request.user
    today = timezone.localdate()
    items = instruments.instruments_for(user)
    state = request.GET.get("state", "")
    if state == "open":
        items = items.exclude(state__in=[InstrumentState.CLOSED, InstrumentState.WITHDRAWN])
    elif state in InstrumentState.values:
        items = items.filter(state=state)
    if request.GET.get("escalated") == "1":
        items = instruments.reported_up_to(user, items)
    kind = request.GET.get("kind", "")
    if kind in InstrumentKind.values:
        items = items.filter(kind=kind)
    agencies = selectors.supervised_agencies(user)
    agency = pk_or_none(request.GET.get("agency"))
    if agency is not None:
        items = items.filter(agency_id=agency)
    month = _month(request.GET.get("issued", ""))
    if month is not None:
        items = items.filter(issued_on__year=month.year, issued_on__month=month.month)
    sorting = listing.Sorting(request.GET, INSTRUMENT_SORTS)
    items = sorting.apply(items.order_by("-drafted_at", "-pk"))
    if listing.export_format(request):
        return listing.export_response(request, what="instruments", title=_("Instruments of supervision"),
                                       columns=INSTRUMENT_COLUMNS, queryset=items,
                                       build=lambda batch: _rows(batch, today), today=today, sorting=sorting)
    page = CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))  # a narrow set: no slim query
    proposals = [p for p in instruments.oral_repeats(
        instruments.instruments_for(user).filter(region_id__in=permissions.supervised_region_ids(user)), as_of=today)
        if permissions.can_draft_instrument(user, p["agency"])[0]]
    return render(request, "oversight/instrument_list.html", {
        "page": page, "rows": _rows(page, today), "proposals": proposals, "states": InstrumentState.choices, "kinds": InstrumentKind.choices,
        "state": state, "kind": kind, "escalated": request.GET.get("escalated") == "1",
        "agencies": agencies, "agency": agency, "issued": month.strftime("%Y-%m") if month else "",
        "can_draft": permissions.can_draft_instrument(user)[0], "sorting": sorting, "labels": FILTER_LABELS,
    })


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_create(request):
    user = request.user
    ok, reason = permissions.can_draft_instrument(user)
    if not ok:
        return _forbidden(request, reason)
    agencies = selectors.supervised_agencies(user)
    findings = selectors.findings_for(user).filter(agency__isnull=False, state="open").order_by("-detected_on")
    initial = {}
    if request.GET.get("kind") in InstrumentKind.values:
        initial["kind"] = request.GET["kind"]
    agency_pk = pk_or_none(request.GET.get("agency"))
    if agency_pk:
        initial["agency"] = agencies.filter(pk=agency_pk).first()
    chosen = pks(request.GET.getlist("finding"))
    if chosen:
        picked = list(findings.filter(pk__in=chosen))
        initial["findings"] = picked
        if picked:
            initial["agency"] = picked[0].agency
    form = InstrumentForm(request.POST or None, initial=initial, agencies=agencies, findings=findings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instrument = instruments.draft_instrument(
                user=user, kind=data["kind"], agency=data["agency"], facts=data["facts"],
                legal_basis=data["legal_basis"], correction_required=data["correction_required"],
                findings=data["findings"], copy_to=data["copy_to"], now=timezone.now())
        except OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Instrument %(serial)s drafted.") % {"serial": instrument.serial})
            return redirect("oversight:instrument_detail", pk=instrument.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/instrument_form.html", {"form": form})


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_edit(request, pk):
    """Correct the texts of a draft (kind, agency and findings stay; a wrong one is drafted anew)."""
    instrument = _instrument(request, pk)
    ok, reason = permissions.can_edit_instrument(request.user, instrument)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:instrument_detail", pk=instrument.pk)
    initial = {name: getattr(instrument, name) for name in ("facts", "legal_basis", "correction_required", "copy_to")}
    form = DraftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            instruments.edit_draft(instrument, user=request.user, **form.cleaned_data)
        except OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Draft %(serial)s saved.") % {"serial": instrument.serial})
            return redirect("oversight:instrument_detail", pk=instrument.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/instrument_action.html", {
        "instrument": instrument, "form": form, "title": _("Edit the draft"),
        "explanation": _("Only the texts of a draft are edited; the kind, the agency and the findings stay."),
        "button": _("Save the draft"), "cancel": "oversight:instrument_detail",
    })


def _detail_context(request, instrument, *, as_agency: bool):
    user = request.user
    today = timezone.localdate()
    context = {
        "instrument": instrument, "as_agency": as_agency, "style": STATE_STYLES.get(instrument.state, "secondary"),
        "overdue": instrument.is_overdue(today),
        "replies": instrument.replies.select_related("replied_by", "decided_by").prefetch_related("attachments"),
        "history": history_entries(instrument),
        "can_reply": permissions.can_reply_instrument(user, instrument)[0],
        "can_request_review": permissions.can_request_review(user, instrument)[0],
    }
    if not as_agency:
        context.update({
            "findings": [{"finding": f, "summary": presentation.summary(f)} for f in instrument.findings.all()],
            "can_edit": permissions.can_edit_instrument(user, instrument)[0],
            "can_submit": permissions.can_submit_instrument(user, instrument)[0],
            "can_approve": permissions.can_approve_instrument(user, instrument)[0],
            "can_issue": permissions.can_issue_instrument(user, instrument)[0],
            "can_decide": permissions.can_decide_reply(user, instrument)[0],
            "can_answer_review": permissions.can_answer_review(user, instrument)[0],
            "can_close": permissions.can_close_oral(user, instrument)[0],
        })
    return context


@supervisor_required
def instrument_detail(request, pk):
    instrument = _instrument(request, pk)
    return render(request, "oversight/instrument_detail.html", _detail_context(request, instrument, as_agency=False))


ACTIONS = {
    # name: (permission, title, what happens, button)
    "submit": (permissions.can_submit_instrument, N("Submit for approval"),
               N("The notice goes to a second supervisor with the approver right; it cannot be edited meanwhile."),
               N("Submit for approval")),
    "approve": (permissions.can_approve_instrument, N("Approve the correction notice"),
                N("You approve the notice as drafted; a supervisor of your procuratorate then issues it."),
                N("Approve")),
    "issue": (permissions.can_issue_instrument, N("Issue"),
              N("The instrument is issued to the agency today and appears in its inbox; it can no longer be "
                "changed."),
              N("Issue")),
    "accept": (permissions.can_decide_reply, N("Accept the reply"),
               N("The agency's reply is accepted and the instrument is closed."), N("Accept and close")),
    "reject": (permissions.can_decide_reply, N("Reject the reply"),
               N("The reply goes back to the agency with your reasons and a new deadline; reminder and report up "
                 "run from the new deadline."), N("Reject")),
    "review": (permissions.can_answer_review, N("Answer the review"),
               N("Upheld: the notice stands and the agency owes its reply by the deadline (past it, it is reminded "
                 "and reported up). Withdrawn: the notice ends."), N("Answer")),
    "close": (permissions.can_close_oral, N("Close the oral correction"),
              N("The follow-up found the violation corrected; the oral correction is closed."), N("Close")),
}


def _action_form(action, request, today):
    data = request.POST if request.method == "POST" else None
    if action == "issue":
        return IssueForm(data, today=today)
    if action == "accept":
        return NoteForm(data)
    if action == "reject":
        return RejectReplyForm(data, today=today)
    if action == "review":
        return ReviewAnswerForm(data)
    return None


def _perform(action, instrument, user, form, today):
    data = form.cleaned_data if form is not None else {}
    if action == "submit":
        return instruments.submit_for_approval(instrument, user=user)
    if action == "approve":
        return instruments.approve_instrument(instrument, user=user, now=timezone.now())
    if action == "issue":
        return instruments.issue_instrument(instrument, user=user, today=today, deadline=data.get("deadline"))
    if action == "accept":
        return instruments.accept_reply(instrument, user=user, today=today, note=data.get("note", ""))
    if action == "reject":
        return instruments.reject_reply(instrument, user=user, reason=data["reason"], deadline=data["deadline"],
                                        today=today)
    if action == "review":
        return instruments.answer_review(instrument, user=user, outcome=data["outcome"], answer=data["answer"],
                                         today=today)
    return instruments.close_oral(instrument, user=user, today=today)


def _supervisor_action(request, pk, action):
    """GET shows what the action will do (and its form), POST does it."""
    instrument = _instrument(request, pk)
    check, title, explanation, button = ACTIONS[action]
    ok, reason = check(request.user, instrument)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:instrument_detail", pk=instrument.pk)
    today = timezone.localdate()
    form = _action_form(action, request, today)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            _perform(action, instrument, request.user, form, today)
        except OversightError as exc:
            if form is None:
                messages.error(request, _(str(exc)))
                return redirect("oversight:instrument_detail", pk=instrument.pk)
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("%(action)s: %(serial)s.") % {"action": _(title), "serial": instrument.serial})
            return redirect("oversight:instrument_detail", pk=instrument.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    deadline = None
    if action == "issue" and instrument.kind != InstrumentKind.ORAL:
        deadline = instruments.reply_deadline(instrument.kind, today)
    return render(request, "oversight/instrument_action.html", {
        "instrument": instrument, "form": form, "title": _(title), "explanation": _(explanation),
        "button": _(button), "deadline": deadline, "cancel": "oversight:instrument_detail",
        "reply": instrument.replies.filter(decision="pending").last() if action in ("accept", "reject") else None,
    })


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_submit(request, pk):
    return _supervisor_action(request, pk, "submit")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_approve(request, pk):
    return _supervisor_action(request, pk, "approve")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_issue(request, pk):
    return _supervisor_action(request, pk, "issue")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_accept(request, pk):
    return _supervisor_action(request, pk, "accept")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_reject(request, pk):
    return _supervisor_action(request, pk, "reject")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_review_answer(request, pk):
    return _supervisor_action(request, pk, "review")


@supervisor_required
@require_http_methods(["GET", "POST"])
def instrument_close(request, pk):
    return _supervisor_action(request, pk, "close")


# --- the agency addressed -------------------------------------------------------------------------------

def _inbox_allowed(user) -> bool:
    return user.agency_id is not None and user.has_perm(permissions.VIEW_INSTRUMENT)


@login_required
def inbox(request):
    if not _inbox_allowed(request.user):
        return _forbidden(request, N("Only the users of an agency read the instruments addressed to it."))
    today = timezone.localdate()
    items = instruments.inbox_for(request.user).order_by("-issued_on", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/instrument_inbox.html", {"page": page, "rows": _rows(page, today)})


@login_required
def inbox_detail(request, pk):
    instrument = _inbox_instrument(request, pk)
    return render(request, "oversight/instrument_detail.html", _detail_context(request, instrument, as_agency=True))


@login_required
@require_http_methods(["GET", "POST"])
def instrument_reply(request, pk):
    instrument = _inbox_instrument(request, pk)
    ok, reason = permissions.can_reply_instrument(request.user, instrument)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:inbox_detail", pk=instrument.pk)
    today = timezone.localdate()
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        files = [(f.filename, f.content_type, f.data) for f in data["attachments"]]
        try:
            instruments.reply_to_instrument(instrument, user=request.user, outcome=data["outcome"],
                                            actions=data["actions"], reasons=data["reasons"], attachments=files,
                                            today=today)
        except OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Reply to %(serial)s sent.") % {"serial": instrument.serial})
            return redirect("oversight:inbox_detail", pk=instrument.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/instrument_action.html", {
        "instrument": instrument, "form": form, "title": _("Reply"), "multipart": True,
        "explanation": _("Your written reply goes to the procuratorate, which accepts it (closed) or rejects it "
                         "with reasons and a new deadline."),
        "button": _("Send the reply"), "cancel": "oversight:inbox_detail",
    })


@login_required
@require_http_methods(["GET", "POST"])
def instrument_review_request(request, pk):
    instrument = _inbox_instrument(request, pk)
    ok, reason = permissions.can_request_review(request.user, instrument)
    if not ok:
        messages.error(request, _(reason))
        return redirect("oversight:inbox_detail", pk=instrument.pk)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instruments.request_review(instrument, user=request.user, reason=form.cleaned_data["reason"],
                                       today=timezone.localdate())
        except OversightError as exc:
            form.add_error(None, _(str(exc)))
        else:
            messages.success(request, _("Review of %(serial)s requested.") % {"serial": instrument.serial})
            return redirect("oversight:inbox_detail", pk=instrument.pk)
    elif request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "oversight/instrument_action.html", {
        "instrument": instrument, "form": form, "title": _("Request review"),
        "explanation": _("The procuratorate answers within seven days: the notice is upheld or withdrawn. A review "
                         "may be requested once."),
        "button": _("Request review"), "cancel": "oversight:inbox_detail",
    })


@login_required
def reply_attachment(request, pk):
    """An attachment of a reply, for the agency that sent it and the supervisors who see the instrument."""
    attachment = get_object_or_404(ReplyAttachment.objects.select_related("reply__instrument"), pk=pk)
    if not permissions.can_see_instrument(request.user, attachment.reply.instrument)[0]:
        raise Http404
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@login_required
def instrument_pdf(request, pk):
    """The issued instrument's document, for the agency addressed and the supervisors who see it."""
    from django.utils.http import content_disposition_header

    instrument = get_object_or_404(Instrument.objects.select_related("agency", "procuratorate"), pk=pk)
    if not permissions.can_see_instrument(request.user, instrument)[0]:
        raise Http404
    try:
        pdf = instruments.render_pdf(instrument)
    except OversightError as exc:
        messages.error(request, _(str(exc)))
        target = "oversight:inbox_detail" if permissions.is_addressee(request.user, instrument) else \
            "oversight:instrument_detail"
        return redirect(target, pk=instrument.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{instrument.serial}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
