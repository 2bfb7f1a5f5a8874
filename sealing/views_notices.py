"""The agencies' side of the sealing notices (J-WHEN, J-WHEN-RECEIPT): the inbox, a notice and its history,
its PDF, the receipt (签收) and the seal of the agency's copies, one by one or in bulk after a confirmation.

Every name of a person passes the gate (masked while the file is hidden): the case number and the deadline
are what a clerk works with. The services (sealing/notices.py) are the guards; the views ask the same
permission functions only to decide what to offer.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common import listing
from common.pagination import CappedPaginator, capped_count
from common.validation import pks

from . import disclosure, notices, permissions, selectors
from .history import history_entries
from .models import SealingNotice

PAGE_SIZE = 50
BULK_LIMIT = 200  # notices on one confirmation page; the rest stay in the inbox for the next round
TABS = ("inbox", "waiting", "sealed", "sent")
TAB_LABELS = {
    "inbox": gettext_lazy("To acknowledge and seal"),
    "waiting": gettext_lazy("Awaiting full execution"),
    "sealed": gettext_lazy("Sealed by my agency"),
    "sent": gettext_lazy("Sent by my agency"),
}


@dataclass
class NoticeRow:
    notice: SealingNotice
    name: str
    deadline: selectors.Deadline
    undelivered: bool
    can_acknowledge: bool
    can_seal: bool


def _rows(user, notices_, today, gate) -> list[NoticeRow]:
    notices_ = list(notices_)
    gate.prefetch(n.sealing_file.defendant for n in notices_)  # the permits of every row at once
    return [NoticeRow(notice=n, name=gate.person(n.sealing_file.defendant).name,
                      deadline=selectors.notice_deadline(n, today), undelivered=selectors.notice_undelivered(n, today),
                      can_acknowledge=permissions.can_acknowledge_notice(user, n)[0],
                      can_seal=permissions.can_seal_notice(user, n, today)[0])
            for n in notices_]


def _queues(user, today) -> dict:
    return {
        "inbox": selectors.notices_to_act_on(user, today),
        "waiting": selectors.notices_awaiting_execution(user, today),
        "sealed": selectors.notices_sealed_here(user),
        "sent": selectors.notices_sent(user),
    }


# Serial and case numbers, dates: never the person's name. The tabs are one agency's notices; sent_on and
# deadline are indexed.
NOTICE_SORTS = (
    listing.SortKey("serial", gettext_lazy("serial number"), ("serial",)),
    listing.SortKey("case_number", gettext_lazy("case number"), ("sealing_file__defendant__case__case_number", "pk")),
    listing.SortKey("sent_on", gettext_lazy("sent on"), ("sent_on", "pk")),
    listing.SortKey("deadline", gettext_lazy("seal the copy by"), ("deadline", "pk")),
)
EXPORT_WORDS = listing.ExportWords(sorts=NOTICE_SORTS, tabs=TAB_LABELS)


@login_required
@permission_required("sealing.view_sealingnotice", raise_exception=True)
def notice_inbox(request):
    today = timezone.localdate()
    user = request.user
    queues = _queues(user, today)
    tab = request.GET.get("tab", "")
    if tab not in TABS:  # the deciding agency, with nothing to act on itself, lands on what it sent
        tab = "sent" if not queues["inbox"].exists() and queues["sent"].exists() else "inbox"
    sorting = listing.Sorting(request.GET, NOTICE_SORTS)
    notices_ = sorting.apply(queues[tab])
    gate = disclosure.Gate(user)
    if listing.export_format(request):
        return listing.export_response(request, what=f"notices-{tab}", title=_("Sealing notices"),
                                       columns=_notice_columns(tab), queryset=notices_,
                                       build=lambda batch: _rows(user, batch, today, gate), today=today,
                                       sorting=sorting)
    page = CappedPaginator(notices_, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(user, page, today, gate)
    context = {
        "tab": tab,
        "tab_labels": TAB_LABELS,
        "page": page,
        "rows": rows,
        "today": today,
        "sorting": sorting,
        # the inbox exactly (its "seal all" button says how many); the histories up to a cap
        "counts": {name: queue.count() if name == "inbox" else capped_count(queue) for name, queue in queues.items()},
        "overdue_count": queues["inbox"].filter(deadline__lt=today).count(),
        "can_bulk_seal": tab == "inbox" and any(row.can_seal for row in rows),
        "agency": user.agency,
    }
    return render(request, "sealing/notice_inbox.html", context)


def _received(row) -> str:
    notice = row.notice
    if not notice.received_on:
        return _("not yet acknowledged")
    text = notice.received_on.isoformat()
    if row.undelivered:
        text += " · " + _("received late")
    return text


def _seal_by(row):
    notice = row.notice
    if notice.deadline:
        return notice.deadline
    return _("after full execution") if notice.basis == "execution" else _("counted from receipt")


def _state(row) -> str:
    """The state as templates/sealing/_notice_deadline.html says it."""
    notice, deadline = row.notice, row.deadline
    if notice.withdrawn_at:
        return _("withdrawn")
    if notice.copy_sealed_at:
        return _("copy sealed")
    if deadline.overdue:
        return _("%(days)s days overdue") % {"days": deadline.days_overdue}
    if deadline.date:
        return _("last day today") if deadline.days_left == 0 else _("%(days)s days left") % {"days": deadline.days_left}
    if notice.basis == "execution":
        return _("after the sentence is fully executed")
    return _("deadline starts on receipt")


def _notice_columns(tab) -> list:
    columns = [
        listing.Column(gettext_lazy("serial number"), lambda row: row.notice.serial),
        listing.Column(gettext_lazy("case number"), lambda row: row.notice.sealing_file.defendant.case.case_number),
        listing.Column(gettext_lazy("person"), lambda row: str(row.name)),
        listing.Column(gettext_lazy("sent to"), lambda row: str(row.notice.to_agency)) if tab == "sent" else
        listing.Column(gettext_lazy("sent by"), lambda row: str(row.notice.from_agency)),
        listing.Column(gettext_lazy("sent on"), lambda row: row.notice.sent_on),
        listing.Column(gettext_lazy("received"), _received),
    ]
    if tab == "waiting":
        columns.append(listing.Column(gettext_lazy("sentence fully executed"), lambda row: row.notice.execution_end))
    columns += [listing.Column(gettext_lazy("seal the copy by"), _seal_by),
                listing.Column(gettext_lazy("state"), _state)]
    return columns


def _notice(request, pk) -> SealingNotice:
    return get_object_or_404(selectors.notices_for(request.user), pk=pk)


@login_required
@permission_required("sealing.view_sealingnotice", raise_exception=True)
def notice_detail(request, pk):
    today = timezone.localdate()
    user = request.user
    notice = _notice(request, pk)
    file = notice.sealing_file
    copies = list(disclosure.covered_records(file.defendant).filter(holding_agency_id=notice.to_agency_id)
                  .select_related("seal__sealed_by").order_by("pk"))
    context = {
        "notice": notice,
        "file": file,
        "case": file.defendant.case,
        "name": disclosure.Gate(user).person(file.defendant).name,
        "deadline": selectors.notice_deadline(notice, today),
        "undelivered": selectors.notice_undelivered(notice, today),
        "copies": copies,
        "file_visible": selectors.files_for(user).filter(pk=file.pk).exists(),
        "can_acknowledge": permissions.can_acknowledge_notice(user, notice)[0],
        "can_seal": permissions.can_seal_notice(user, notice, today)[0],
        "can_download": permissions.can_download_notice(user, notice)[0],
        "seals": notice.seals.select_related("record", "sealed_by").order_by("sealed_at", "pk"),
        "withdrawn_reason": _(notice.withdrawn_reason) if notice.withdrawn_reason else "",
        "history": history_entries(notice),
    }
    return render(request, "sealing/notice_detail.html", context)


@login_required
@permission_required("sealing.view_sealingnotice", raise_exception=True)
def notice_acknowledge(request, pk):
    notice = _notice(request, pk)  # a notice of other agencies is a 404 whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        notice = notices.acknowledge_notice(notice, user=request.user, now=timezone.now())
    except notices.NoticeError as exc:
        messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Notice %(serial)s acknowledged: seal your agency's copies by %(deadline)s.")
                         % {"serial": notice.serial, "deadline": notice.deadline.isoformat()}
                         if notice.deadline else _("Notice %(serial)s acknowledged.") % {"serial": notice.serial})
    return redirect("sealing:notice_detail", pk=notice.pk)


@login_required
@permission_required("sealing.view_sealingnotice", raise_exception=True)
@require_http_methods(["GET", "POST"])
def notice_pdf(request, pk):
    """The notice names the person in clear: it is handed out on a POST (a logged read, like opening a sealed
    file with a reason), never on a GET that a link, a prefetch or a crawler could trigger."""
    from . import documents

    notice = _notice(request, pk)
    if request.method != "POST":
        return redirect("sealing:notice_detail", pk=notice.pk)
    try:
        pdf = documents.download_notice(notice, user=request.user)
    except notices.NoticeError as exc:
        messages.error(request, _(str(exc)))
        return redirect("sealing:notice_detail", pk=notice.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{notice.serial}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- sealing the agency's copies, after a confirmation ------------------------------------------------------

@dataclass
class SealItem:
    notice: SealingNotice
    name: str
    deadline: selectors.Deadline
    copies: list
    allowed: bool
    reason: str


def _chosen(request, data, today):
    """The notices the clerk chose: ticked ones (``notice``), or every overdue one, or every one to act on."""
    scope = data.get("scope", "")
    user = request.user
    if scope == "overdue":
        return scope, selectors.notices_to_act_on(user, today).filter(deadline__lt=today)
    if scope == "all":
        return scope, selectors.notices_to_act_on(user, today)
    ids = pks(data.getlist("notice"))
    return "selected", selectors.notices_for(user).filter(pk__in=ids).order_by("deadline", "sent_on", "pk")


def _days_text(days: list[int]) -> str:
    low, high = min(days), max(days)
    return str(low) if low == high else f"{low}–{high}"


@login_required
@permission_required("sealing.seal_record", raise_exception=True)
@require_http_methods(["GET", "POST"])
def notice_seal(request):
    """GET: what sealing the chosen notices' copies will do, exactly. POST: do it (the ids confirmed)."""
    today = timezone.localdate()
    user = request.user
    if request.method == "POST":
        return _seal(request)
    scope, chosen = _chosen(request, request.GET, today)
    total = chosen.count()
    gate = disclosure.Gate(user)
    items = []
    for notice in chosen[:BULK_LIMIT]:
        allowed, reason = permissions.can_seal_notice(user, notice, today)
        copies = list(notices.copies_for_notice(notice).order_by("pk")) if allowed else []
        items.append(SealItem(notice=notice, name=gate.person(notice.sealing_file.defendant).name,
                              deadline=selectors.notice_deadline(notice, today), copies=copies, allowed=allowed,
                              reason=_(reason) if reason else ""))
    offered = [item for item in items if item.allowed]
    late = [item for item in offered if item.deadline.overdue]
    copy_count = sum(len(item.copies) for item in offered)
    late_copies = sum(len(item.copies) for item in late)
    values = {"notices": len(offered), "copies": copy_count, "agency": user.agency,
              "late": late_copies or len(late), "days": _days_text([item.deadline.days_overdue for item in late])
              if late else ""}
    plain = _("On %(notices)s sealing notices, %(copies)s record copies held by %(agency)s will be sealed.") % values
    if late_copies:
        summary = _("On %(notices)s sealing notices, %(copies)s record copies held by %(agency)s will be sealed; "
                    "%(late)s of them are past their sealing deadline (%(days)s days overdue).") % values
    elif late:  # the overdue notices name no registered copy
        summary = " ".join([plain, _("%(late)s of the notices are past their sealing deadline (%(days)s days overdue).")
                            % values])
    else:
        summary = plain
    context = {
        "summary": summary,
        "scope": scope,
        "items": items,
        "offered": offered,
        "refused": [item for item in items if not item.allowed],
        "total": total,
        "truncated": total > len(items),
        "agency": user.agency,
        "copy_count": copy_count,
        "late_copies": late_copies,
        "late_notices": len(late),
        "unregistered": sum(1 for item in offered if not item.copies),
        "unacknowledged": sum(1 for item in offered if item.notice.received_at is None),
        "executing": sum(1 for item in offered if item.notice.basis == "execution"
                         and (item.notice.execution_end is None or item.notice.execution_end > today)),
    }
    return render(request, "sealing/notice_seal_confirm.html", context)


def _seal(request):
    user = request.user
    ids = pks(request.POST.getlist("notice"))
    chosen = list(selectors.notices_for(user).filter(pk__in=ids).order_by("deadline", "sent_on", "pk"))
    if not chosen:
        messages.error(request, _("No sealing notice was chosen: nothing was sealed."))
        return redirect("sealing:notice_inbox")
    try:
        done, copies = notices.seal_notice_copies(chosen, user=user, now=timezone.now())
    except notices.NoticeError as exc:  # every one refused: say why (a second submission ends here)
        messages.error(request, _("Nothing was sealed: %(reason)s") % {"reason": _(str(exc))})
    else:
        messages.success(request, _("%(copies)s record copies of your agency sealed on %(notices)s sealing notices.")
                         % {"copies": copies, "notices": done})
        if done < len(chosen):
            messages.warning(request, _("%(count)s of the chosen notices were not sealed: their copies were already "
                                        "sealed or the notice was withdrawn.") % {"count": len(chosen) - done})
    if len(chosen) == 1:
        return redirect("sealing:notice_detail", pk=chosen[0].pk)
    return redirect("sealing:notice_inbox")


# --- the file page's seal matrix ---------------------------------------------------------------------------

def seal_matrix_context(user, file, today) -> dict:
    """Per holding agency: notice serial, received, deadline, sealed, overdue. Shown once the file hides its
    records or has notices; the serials link to the notices this user may open."""
    if not (file.hidden or file.notices.exists()):
        return {"seal_matrix": []}
    visible = set(selectors.notices_for(user).filter(sealing_file=file).values_list("pk", flat=True))
    return {"seal_matrix": selectors.seal_matrix(file, today), "visible_notices": visible}
