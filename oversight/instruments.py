"""Every write of an instrument of supervision (RULES.md §5 "Instruments"): draft, approval of a correction
notice by a second supervisor, issue, the agency's reply and review request, the procuratorate's decision and
review answer, reminders (督促) and reports up.

Each action is atomic, guarded by oversight.permissions, with a history reason (gettext_noop); the clock is
an argument (``today``, ``now``, ``as_of``).
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.models import Agency
from common.serials import next_serial
from queries import uploads
from queries.permissions import reason_has_substance

from . import permissions
from .models import (AWAITING_REPLY, Instrument, InstrumentKind, InstrumentReply, InstrumentState, ReplyAttachment,
                     ReplyDecision, ReplyOutcome, ReviewOutcome)
from .policy import current_oversight_policy
from .rules import oral_repeats as _oral_repeats
from .services import OversightError, _guard, _save, settle_findings

SERIAL_PREFIXES = {InstrumentKind.ORAL: "KT", InstrumentKind.NOTICE: "JZ", InstrumentKind.RECOMMENDATION: "JJ"}
MAX_TEXT = 8000
MAX_ATTACHMENT = 10 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}

REASON_FOREWARNED = gettext_noop("reminder sent: the reply is due soon")
REASON_REMINDED = gettext_noop("reminder sent: no reply by the deadline")
REASON_REVIEW_OVERDUE = gettext_noop("review not answered by its due date: flagged to the procuratorate one level up")
REASON_SETTLED = gettext_noop("settled: an instrument resting on it was closed")
REASON_ESCALATED = gettext_noop("reported to the procuratorate one level up: no reply after the reminder")


def reply_deadline(kind: str, issued_on: dt.date, policy=None) -> dt.date | None:
    """The date a reply is due for an instrument of ``kind`` issued on ``issued_on`` (None: an oral
    correction, which has a follow-up date instead)."""
    policy = policy or current_oversight_policy()
    if kind == InstrumentKind.NOTICE:
        return issued_on + dt.timedelta(days=policy.notice_reply_days)
    if kind == InstrumentKind.RECOMMENDATION:
        return issued_on + relativedelta(months=policy.recommendation_reply_months)
    return None


def upper_procuratorate(instrument: Instrument) -> Agency | None:
    """The procuratorate of the region one level above the issuing one (None at the top)."""
    parent_id = instrument.procuratorate.region.parent_id
    if parent_id is None:
        return None
    return Agency.objects.filter(kind=Agency.Kind.PROCURATORATE, region_id=parent_id).order_by("pk").first()


def _text(value: str, message: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not reason_has_substance(value):
        raise OversightError(message)
    if len(value) > MAX_TEXT:
        raise OversightError(gettext_noop("The text is too long."))
    return value


def _locked(instrument: Instrument) -> Instrument:
    return Instrument.objects.select_for_update(of=("self",)).select_related(
        "agency", "procuratorate", "procuratorate__region").get(pk=instrument.pk)


@transaction.atomic
def draft_instrument(*, user, kind: str, agency, facts: str, legal_basis: str, correction_required: str,
                     findings=(), copy_to: str = "", now: dt.datetime) -> Instrument:
    """A draft instrument to ``agency``, resting on ``findings`` (which must concern that agency) or freely."""
    _guard(permissions.can_draft_instrument(user, agency))
    if kind not in InstrumentKind.values:
        raise OversightError(gettext_noop("Choose the kind of instrument."))
    findings = list(findings)
    for finding in findings:
        if not permissions.can_see_finding(user, finding)[0] or finding.agency_id != agency.pk:
            raise OversightError(gettext_noop("Every finding an instrument rests on must concern the agency "
                                              "it is addressed to."))
    instrument = Instrument(
        serial=next_serial(SERIAL_PREFIXES[kind], now.year), kind=kind, agency=agency, region_id=agency.region_id,
        procuratorate=user.agency,
        facts=_text(facts, gettext_noop("State the facts in at least ten characters.")),
        legal_basis=_text(legal_basis, gettext_noop("State the legal basis in at least ten characters.")),
        correction_required=_text(correction_required,
                                  gettext_noop("State the correction required in at least ten characters.")),
        copy_to=(copy_to or "").strip()[:200], drafted_by=user, drafted_at=now,
    )
    _save(instrument, gettext_noop("drafted"), user)
    if findings:
        instrument.findings.set(findings)
    return instrument


@transaction.atomic
def edit_draft(instrument: Instrument, *, user, facts: str, legal_basis: str, correction_required: str,
               copy_to: str = "") -> Instrument:
    instrument = _locked(instrument)
    _guard(permissions.can_edit_instrument(user, instrument))
    instrument.facts = _text(facts, gettext_noop("State the facts in at least ten characters."))
    instrument.legal_basis = _text(legal_basis, gettext_noop("State the legal basis in at least ten characters."))
    instrument.correction_required = _text(correction_required,
                                           gettext_noop("State the correction required in at least ten characters."))
    instrument.copy_to = (copy_to or "").strip()[:200]
    _save(instrument, gettext_noop("draft edited"), user)
    return instrument


@transaction.atomic
def submit_for_approval(instrument: Instrument, *, user) -> Instrument:
    instrument = _locked(instrument)
    _guard(permissions.can_submit_instrument(user, instrument))
    instrument.state = InstrumentState.AWAITING_APPROVAL
    _save(instrument, gettext_noop("submitted for approval"), user)
    return instrument


@transaction.atomic
def approve_instrument(instrument: Instrument, *, user, now: dt.datetime) -> Instrument:
    """A second supervisor with the approver right approves a correction notice (never its drafter)."""
    instrument = _locked(instrument)
    _guard(permissions.can_approve_instrument(user, instrument))
    instrument.state = InstrumentState.APPROVED
    instrument.approved_by = user
    instrument.approved_at = now
    _save(instrument, gettext_noop("approved"), user)
    return instrument


@transaction.atomic
def issue_instrument(instrument: Instrument, *, user, today: dt.date, deadline: dt.date | None = None) -> Instrument:
    """Issue: the reply deadline (policy, or the date set in a correction notice) or, for an oral correction,
    the follow-up date."""
    instrument = _locked(instrument)
    _guard(permissions.can_issue_instrument(user, instrument))
    policy = current_oversight_policy()
    instrument.state = InstrumentState.ISSUED
    instrument.issued_by = user
    instrument.issued_on = today
    if instrument.kind == InstrumentKind.ORAL:
        instrument.follow_up_on = today + dt.timedelta(days=policy.oral_follow_up_days)
    else:
        if deadline is not None and instrument.kind == InstrumentKind.NOTICE:
            if deadline <= today:
                raise OversightError(gettext_noop("The reply deadline must be after the date of issue."))
            instrument.deadline = deadline
        else:
            instrument.deadline = reply_deadline(instrument.kind, today, policy)
    _save(instrument, gettext_noop("issued"), user)
    return instrument


@transaction.atomic
def reply_to_instrument(instrument: Instrument, *, user, outcome: str, actions: str = "", reasons: str = "",
                        attachments=(), today: dt.date) -> InstrumentReply:
    """The agency's written reply: adopted, partly or not adopted (then with reasons), with what it did and
    attachments (``(name, content_type, bytes)``)."""
    instrument = _locked(instrument)
    _guard(permissions.can_reply_instrument(user, instrument))
    if outcome not in ReplyOutcome.values:
        raise OversightError(gettext_noop("Choose whether the instrument was adopted."))
    actions = _text(actions, gettext_noop("Say what was done, in at least ten characters."),
                    required=outcome != ReplyOutcome.NOT_ADOPTED)
    reasons = _text(reasons, gettext_noop("Say why it was not (fully) adopted, in at least ten characters."),
                    required=outcome != ReplyOutcome.ADOPTED)
    reply = InstrumentReply(instrument=instrument, outcome=outcome, actions=actions, reasons=reasons,
                            replied_by=user, replied_on=today,
                            on_time=instrument.deadline is None or today <= instrument.deadline)
    _save(reply, gettext_noop("replied"), user)
    for name, content_type, data in attachments:
        if content_type not in ATTACHMENT_TYPES or uploads.sniff(data) != content_type:
            raise OversightError(gettext_noop("Attach PDF, JPEG or PNG files only."))
        if len(data) > MAX_ATTACHMENT:
            raise OversightError(gettext_noop("An attachment is larger than 10 MB."))
        ReplyAttachment.objects.create(reply=reply, name=name[:200], content_type=content_type, size=len(data),
                                       data=data)
    instrument.state = InstrumentState.REPLIED
    _save(instrument, gettext_noop("replied by the agency"), user)
    return reply


def _pending_reply(instrument: Instrument) -> InstrumentReply:
    return instrument.replies.select_for_update().filter(decision=ReplyDecision.PENDING).latest("pk")


@transaction.atomic
def accept_reply(instrument: Instrument, *, user, today: dt.date, note: str = "") -> Instrument:
    """The procuratorate accepts the reply: the instrument is closed."""
    instrument = _locked(instrument)
    _guard(permissions.can_decide_reply(user, instrument))
    reply = _pending_reply(instrument)
    reply.decision = ReplyDecision.ACCEPTED
    reply.decision_reason = (note or "").strip()[:MAX_TEXT]
    reply.decided_by = user
    reply.decided_on = today
    _save(reply, gettext_noop("reply accepted"), user)
    instrument.state = InstrumentState.CLOSED
    instrument.closed_on = today
    _save(instrument, gettext_noop("reply accepted: closed"), user)
    settle_findings(instrument.findings.all(), today=today, reason=REASON_SETTLED, user=user)
    return instrument


@transaction.atomic
def reject_reply(instrument: Instrument, *, user, reason: str, deadline: dt.date, today: dt.date) -> Instrument:
    """The procuratorate rejects the reply with reasons: back to the agency with a new deadline (the
    reminder and report-up start again from it)."""
    instrument = _locked(instrument)
    _guard(permissions.can_decide_reply(user, instrument))
    reason = _text(reason, gettext_noop("Say why the reply is rejected, in at least ten characters."))
    if deadline is None or deadline <= today:
        raise OversightError(gettext_noop("The new deadline must be after today."))
    reply = _pending_reply(instrument)
    reply.decision = ReplyDecision.REJECTED
    reply.decision_reason = reason
    reply.decided_by = user
    reply.decided_on = today
    _save(reply, gettext_noop("reply rejected"), user)
    instrument.state = InstrumentState.REJECTED
    instrument.rejection_reason = reason
    instrument.deadline = deadline
    instrument.forewarned_on = None
    instrument.reminded_on = None
    _save(instrument, gettext_noop("reply rejected: back to the agency with a new deadline"), user)
    return instrument


@transaction.atomic
def close_oral(instrument: Instrument, *, user, today: dt.date) -> Instrument:
    instrument = _locked(instrument)
    _guard(permissions.can_close_oral(user, instrument))
    instrument.state = InstrumentState.CLOSED
    instrument.closed_on = today
    _save(instrument, gettext_noop("oral correction followed up: closed"), user)
    settle_findings(instrument.findings.all(), today=today, reason=REASON_SETTLED, user=user)
    return instrument


@transaction.atomic
def request_review(instrument: Instrument, *, user, reason: str, today: dt.date) -> Instrument:
    """The agency asks for review (复查) of a correction notice; the procuratorate answers within 7 days."""
    instrument = _locked(instrument)
    _guard(permissions.can_request_review(user, instrument))
    instrument.review_reason = _text(reason, gettext_noop("Give the grounds for review in at least ten characters."))
    instrument.review_requested_by = user
    instrument.review_requested_on = today
    instrument.review_due = today + dt.timedelta(days=current_oversight_policy().review_answer_days)
    instrument.state = InstrumentState.REVIEW
    _save(instrument, gettext_noop("review requested by the agency"), user)
    return instrument


@transaction.atomic
def answer_review(instrument: Instrument, *, user, outcome: str, answer: str, today: dt.date) -> Instrument:
    """Upheld: the notice stands and a reply is owed again by its deadline (past it, the agency's failure to
    comply is reported up by remind_and_escalate). Withdrawn: the notice is withdrawn."""
    instrument = _locked(instrument)
    _guard(permissions.can_answer_review(user, instrument))
    if outcome not in ReviewOutcome.values:
        raise OversightError(gettext_noop("Choose whether the notice is upheld or withdrawn."))
    instrument.review_answer = _text(answer, gettext_noop("Give the answer to the review in at least ten characters."))
    instrument.review_outcome = outcome
    instrument.review_answered_by = user
    instrument.review_answered_on = today
    if outcome == ReviewOutcome.UPHELD:
        instrument.state = InstrumentState.REJECTED if instrument.replies.exists() else InstrumentState.ISSUED
        reason = gettext_noop("review answered: upheld")
    else:
        instrument.state = InstrumentState.WITHDRAWN
        instrument.closed_on = today
        reason = gettext_noop("review answered: withdrawn")
    _save(instrument, reason, user)
    return instrument


def remind_and_escalate(*, as_of: dt.date) -> dict:
    """The schedule of RULES.md §5 "Instruments" as of ``as_of``: a reminder ``reminder_days_before`` days
    before a reply is due (policy), a reminder (督促) for every instrument still owing a reply at its deadline,
    a report up for every one still without a reply ``escalation_days`` after that reminder (an upheld notice
    past its deadline too), and a flag on every review (复查) left unanswered past its due date, which the
    procuratorate one level up then sees. Each instrument in its own transaction; safe to run twice. Returns
    ``{"forewarned", "reminded", "escalated", "review_overdue"}``."""
    policy = current_oversight_policy()
    written = Instrument.objects.exclude(kind=InstrumentKind.ORAL)
    counts = {"forewarned": 0, "reminded": 0, "escalated": 0, "review_overdue": 0}

    def each(queryset, key, still_due, change, reason):
        for pk in queryset.values_list("pk", flat=True):
            with transaction.atomic():
                instrument = Instrument.objects.select_for_update(of=("self",)).select_related(
                    "procuratorate__region").get(pk=pk)
                if still_due(instrument):
                    change(instrument)
                    _save(instrument, reason)
                    counts[key] += 1

    if policy.reminder_days_before:
        soon = written.filter(state__in=AWAITING_REPLY, deadline__gt=as_of,
                              deadline__lte=as_of + dt.timedelta(days=policy.reminder_days_before),
                              forewarned_on__isnull=True, reminded_on__isnull=True, escalated_on__isnull=True)
        each(soon, "forewarned",
             lambda i: i.state in AWAITING_REPLY and i.forewarned_on is None and i.deadline > as_of,
             lambda i: setattr(i, "forewarned_on", as_of), REASON_FOREWARNED)
    due = written.filter(state__in=AWAITING_REPLY, deadline__lte=as_of, reminded_on__isnull=True,
                         escalated_on__isnull=True)
    each(due, "reminded", lambda i: i.state in AWAITING_REPLY and i.reminded_on is None,
         lambda i: setattr(i, "reminded_on", as_of), REASON_REMINDED)
    late = written.filter(state__in=AWAITING_REPLY, escalated_on__isnull=True,
                          reminded_on__lte=as_of - dt.timedelta(days=policy.escalation_days))

    def escalate(instrument):
        instrument.escalated_on = as_of
        instrument.escalated_to = upper_procuratorate(instrument)

    each(late, "escalated", lambda i: i.state in AWAITING_REPLY and i.escalated_on is None, escalate,
         REASON_ESCALATED)
    reviews = Instrument.objects.filter(state=InstrumentState.REVIEW, review_due__lt=as_of,
                                        review_overdue_on__isnull=True)
    each(reviews, "review_overdue",
         lambda i: i.state == InstrumentState.REVIEW and i.review_overdue_on is None and i.review_due < as_of,
         lambda i: setattr(i, "review_overdue_on", as_of), REASON_REVIEW_OVERDUE)
    return counts


# --- reads ----------------------------------------------------------------------------------------------

def instruments_for(user):
    """What a supervisor reads: instruments to agencies of its regions, and those reported up to its
    procuratorate."""
    from django.db.models import Q

    if not permissions.can_supervise(user)[0] or not user.has_perm(permissions.VIEW_INSTRUMENT):
        return Instrument.objects.none()
    return Instrument.objects.filter(
        Q(region_id__in=permissions.supervised_region_ids(user)) | Q(escalated_to_id=user.agency_id)
    ).select_related("agency", "procuratorate", "escalated_to", "drafted_by")


def reported_up_to(user, items):
    """Of ``items``, what was reported up to the user's procuratorate: instruments escalated to it, and reviews
    a procuratorate one level below left unanswered past their due date."""
    from django.db.models import Q

    region_id = user.agency.region_id if user.agency_id else None
    return items.filter(Q(escalated_to_id=user.agency_id) | Q(
        state=InstrumentState.REVIEW, review_overdue_on__isnull=False, procuratorate__region__parent_id=region_id))


def inbox_for(user):
    """What an agency reads: the instruments issued to it."""
    if not user.is_authenticated or user.agency_id is None or not user.has_perm(permissions.VIEW_INSTRUMENT):
        return Instrument.objects.none()
    return Instrument.objects.filter(agency_id=user.agency_id, issued_on__isnull=False).exclude(
        state=InstrumentState.DRAFT).select_related("agency", "procuratorate")


def awaiting_reply_count(user) -> int:
    return inbox_for(user).filter(state__in=AWAITING_REPLY).exclude(kind=InstrumentKind.ORAL).count()


# --- the document ---------------------------------------------------------------------------------------

PDF_TITLES = {InstrumentKind.ORAL: "口头纠正意见", InstrumentKind.NOTICE: "纠正违法通知书",
              InstrumentKind.RECOMMENDATION: "检察建议书"}


def render_pdf(instrument: Instrument) -> bytes:
    """The issued instrument as an A4 document (common/documents.py): the agency, the facts, the legal basis,
    the correction required, the reply deadline (or the follow-up date), the issuing procuratorate and date.
    Only the text the supervisor wrote is printed; no finding's objects are."""
    from common.documents import _start, cn_date, printable

    if instrument.issued_on is None:
        raise OversightError(gettext_noop("Only an issued instrument has a document."))
    agency = printable(instrument.procuratorate.name)
    pdf = _start(PDF_TITLES[instrument.kind], serial=instrument.serial, agency=agency, issued=instrument.issued_on)
    pdf.salutation(printable(instrument.agency.name))
    pdf.paragraph(printable(instrument.facts))
    if instrument.kind == InstrumentKind.RECOMMENDATION:
        pdf.paragraph(printable(f"根据{instrument.legal_basis}，本院提出如下检察建议："))
    else:
        pdf.paragraph(printable(f"根据{instrument.legal_basis}，本院要求你单位予以纠正："))
    pdf.paragraph(printable(instrument.correction_required))
    if instrument.kind == InstrumentKind.ORAL:
        closing = f"本院将于{cn_date(instrument.follow_up_on)}前跟踪纠正情况。"
    else:
        closing = f"请于{cn_date(instrument.deadline)}前将纠正（落实）情况书面回复本院。"
        if instrument.kind == InstrumentKind.NOTICE:
            closing += "你单位对本通知书有异议的，可以在收到后要求本院复查。"
    pdf.closing(closing, agency=agency, issued=instrument.issued_on)
    if instrument.copy_to:
        pdf.notes([printable(f"抄送：{instrument.copy_to}")])
    return pdf.finish()


def oral_repeats(instruments_qs, *, as_of: dt.date) -> list[dict]:
    """The proposals of RULES.md §5 (rules.oral_repeats) among ``instruments_qs``, each with its agency: the
    oral corrections of one kind at one agency within the year up to ``as_of``, three or more, with no written
    instrument since the last of them. The scan raises the same proposals as S-ORAL-REPEAT findings."""
    from .rules import oral_repeat_since

    orals = (instruments_qs.filter(kind=InstrumentKind.ORAL, issued_on__gt=oral_repeat_since(as_of),
                                   issued_on__lte=as_of)
             .exclude(state=InstrumentState.WITHDRAWN).select_related("agency").prefetch_related("findings"))
    orals = list(orals)
    agencies = {o.agency_id: o.agency for o in orals}
    last_written = {}
    for agency_id, issued_on in instruments_qs.filter(agency_id__in=agencies, issued_on__isnull=False).exclude(
            kind=InstrumentKind.ORAL).values_list("agency_id", "issued_on"):
        last_written[agency_id] = max(issued_on, last_written.get(agency_id, issued_on))
    proposals = _oral_repeats(((o.agency_id, {f.rule for f in o.findings.all()}, o.issued_on, o.serial)
                               for o in orals), last_written=last_written, as_of=as_of)
    return [{**p, "agency": agencies[p["agency_id"]]} for p in proposals]
