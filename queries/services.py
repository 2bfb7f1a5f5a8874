"""Every write of the query desk: intake, the reviewer's decision with its document, access after a permit."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.crypto import blind_index
from common.serials import next_serial
from sealing import services as sealing_services
from sealing.identity import parse_id_number
from sealing.catalogue import charge_categories
from sealing.models import HIDDEN_STATES, AccessAction, AccessLog, Defendant, Disposition, Record

from . import rules, selectors, workdays
from .models import DocumentKind, Outcome, QueryDocument, QueryRequest, QueryStatus, RequesterKind

# Criminal records are convictions; non-prosecution, withdrawal and coercive measures are related records.
CONVICTIONS = (Disposition.SENTENCED, Disposition.EXEMPTED)
DEFAULT_ACCESS_DAYS = 30


class QueryError(Exception):
    """A decision the request's state, the four-eyes rule or the input does not allow; the message says why."""


def _save(obj, reason: str, user) -> None:
    obj._change_reason = reason
    obj._history_user = user
    obj.save()


def criminal_records_of(subject_index: str):
    """The person's convictions across every agency, with their sealing files."""
    return (
        Defendant.objects.filter(person__id_number_index=subject_index, disposition__in=CONVICTIONS)
        .select_related("case", "sealing_file")
        .prefetch_related("charges")
        .order_by("case__offense_date", "pk")
    )


def sealed_records_of(subject_index: str) -> list[Defendant]:
    """The person's convictions whose records are hidden: the only ones a permit can disclose."""
    return [d for d in criminal_records_of(subject_index)
            if getattr(d, "sealing_file", None) is not None and d.sealing_file.hidden]


def _record_info(defendant: Defendant) -> rules.RecordInfo:
    file = getattr(defendant, "sealing_file", None)
    status = file.status if file is not None and file.status in HIDDEN_STATES else "open"
    return rules.RecordInfo(id=defendant.pk, status=status, charges=tuple(c.name for c in defendant.charges.all()))


def recommend_for(request: QueryRequest) -> rules.QueryDecision:
    """The rules' recommendation for the request as the records stand now (the engine evaluate_query uses)."""
    facts = rules.QueryFacts(
        id=request.serial,
        requester=request.requester_kind,
        purpose=request.purpose,
        received=request.received,
        legal_basis_code=request.legal_basis.code if request.legal_basis else None,
        basis=selectors.basis_info(request.legal_basis),
        records=tuple(_record_info(d) for d in criminal_records_of(request.subject_index)),
    )
    calendar = workdays.database_calendar()
    return rules.recommend(facts, charge_categories(), calendar, working_days=selectors.response_working_days())


@transaction.atomic
def take_request(*, user, data: dict) -> QueryRequest:
    """The service window takes a request: serial number, deadline and the first recommendation."""
    subject = parse_id_number(data["subject_id_number"])
    request = QueryRequest(
        agency=user.agency, taken_by=user, received=data["received"], requester_kind=data["requester_kind"],
        requester_name=data["requester_name"], requester_id_number=data.get("requester_id_number") or "",
        requester_organisation=data.get("requester_organisation") or "", requester_user=data.get("requester_user"),
        subject_name=data["subject_name"], subject_id_number=subject.number, subject_index=blind_index(subject.number),
        purpose=data["purpose"], legal_basis=data.get("legal_basis"), occupation=data.get("occupation") or "",
    )
    if data.get("application"):
        request.application = data["application"]
    request.serial = next_serial("CX", data["received"].year)
    decision = recommend_for(request)
    request.recommendation = decision.to_dict()
    request.deadline = decision.deadline
    request.calendar_warning = decision.calendar_warning or ""
    _save(request, gettext_noop("request taken"), user)
    return request


def _document_kind(request: QueryRequest, outcome: str) -> str:
    if request.requester_kind in (RequesterKind.SELF, RequesterKind.GUARDIAN):
        return DocumentKind.CERTIFICATE if outcome in (Outcome.ISSUE_CERTIFICATE, Outcome.ANSWER_NO_RECORD) \
            else DocumentKind.REFUSAL
    return DocumentKind.LETTER


def _render(request: QueryRequest, kind: str, serial: str, issued: dt.date, disclosed: list[Defendant]) -> bytes:
    from . import documents  # fpdf2 and the font load only when a document is issued

    agency = request.agency.name
    if kind == DocumentKind.CERTIFICATE:
        return documents.render_certificate(name=request.subject_name, id_number=request.subject_id_number,
                                            serial=serial, issued=issued, agency=agency)
    if kind == DocumentKind.REFUSAL:
        return documents.render_refusal(name=request.subject_name, id_number=request.subject_id_number,
                                        serial=serial, issued=issued, agency=agency)
    records = [
        {
            "case_number": d.case.case_number,
            "charges": [c.name for c in d.charges.all()],
            "disposition": _disposition_text(d),
            "effective": d.judgment_effective_date,
        }
        for d in disclosed
    ]
    basis = f"{request.legal_basis.law}{request.legal_basis.article}" if request.legal_basis else None
    requester = request.requester_organisation or request.requester_name
    return documents.render_notification_letter(
        requester=requester, subject_name=request.subject_name, subject_id_number=request.subject_id_number,
        purpose=request.purpose, legal_basis=basis, records=records, serial=serial, issued=issued,
        agency=agency,
    )


def _disposition_text(defendant: Defendant) -> str:
    text = defendant.get_disposition_display()
    if defendant.sentence_kind:
        text = defendant.get_sentence_kind_display()
        if defendant.sentence_months:
            text += f" {defendant.sentence_months}个月"
        if defendant.suspended:
            text += f"，缓刑{defendant.probation_months}个月"
    return str(text)


@transaction.atomic
def decide_query(request: QueryRequest, *, reviewer, decision: str, reason: str = "", disclosed_ids=(),
                 access_days: int = DEFAULT_ACCESS_DAYS, today: dt.date | None = None) -> QueryRequest:
    """The reviewer decides; one decision per request (the row is locked), never by the clerk who took it."""
    request = QueryRequest.objects.select_for_update(of=("self",)).select_related("agency", "legal_basis").get(pk=request.pk)
    if request.status != QueryStatus.AWAITING_REVIEW:
        raise QueryError(gettext_noop("This request has already been decided."))
    if reviewer.pk == request.taken_by_id:
        raise QueryError(gettext_noop("The clerk who took a request cannot decide it (four eyes)."))
    if reviewer.agency_id != request.agency_id or not reviewer.has_perm("queries.decide_queryrequest"):
        raise QueryError(gettext_noop("Only a reviewer of the receiving agency decides this request."))
    if decision not in Outcome.values:
        raise QueryError(gettext_noop("Choose a decision."))
    recommendation = recommend_for(request)
    candidates = {d.pk: d for d in sealed_records_of(request.subject_index)}
    chosen = sorted(int(i) for i in disclosed_ids)
    if decision != Outcome.PERMIT and chosen:
        raise QueryError(gettext_noop("Only a permit discloses records."))
    if decision == Outcome.PERMIT:
        if not chosen:
            raise QueryError(gettext_noop("A permit names the records it discloses."))
        if any(i not in candidates for i in chosen):
            raise QueryError(gettext_noop("Only the person's sealed records can be disclosed."))
    departs = decision != recommendation.recommendation or chosen != sorted(recommendation.disclosed)
    if departs and not reason.strip():
        raise QueryError(gettext_noop("You depart from the recommendation: write why."))

    now = timezone.now()
    today = today or timezone.localdate()
    disclosed = [candidates[i] for i in chosen]
    request.recommendation = recommendation.to_dict()
    request.status = QueryStatus.DECIDED
    request.decision = decision
    request.decision_reason = reason.strip()
    request.departs_from_recommendation = departs
    request.decided_by = reviewer
    request.decided_at = now
    _save(request, gettext_noop("request decided"), reviewer)
    request.disclosed.set(disclosed)

    kind = _document_kind(request, decision)
    serial = next_serial({"certificate": "ZM", "refusal_notice": "BY", "notification_letter": "GZ"}[kind], today.year)
    QueryDocument.objects.create(request=request, kind=kind, serial=serial, issued=today,
                                 pdf=_render(request, kind, serial, today, disclosed))
    for defendant in disclosed:  # Q-SCOPE: every disclosure is logged
        AccessLog.objects.create(user=reviewer, defendant=defendant, action=AccessAction.DISCLOSED,
                                 reference=request.serial)
    if decision == Outcome.PERMIT and request.requester_kind == RequesterKind.JUDICIAL and request.requester_user:
        expires = now + dt.timedelta(days=access_days)
        for record in Record.objects.filter(defendant__in=disclosed):
            sealing_services.grant_permit(record=record, user=request.requester_user, expires_at=expires,
                                          reference=request.serial, purpose=request.get_purpose_display(),
                                          granted_by=reviewer)
    return request


def download_document(request: QueryRequest, *, user) -> QueryDocument:
    """The stored document; a letter that lists sealed records logs the download as a disclosure read."""
    document = request.document
    if document.kind == DocumentKind.LETTER:
        for defendant in request.disclosed.all():
            AccessLog.objects.create(user=user, defendant=defendant, action=AccessAction.DOCUMENT,
                                     reference=request.serial)
    return document


def flag_overdue(today: dt.date) -> int:
    """Flag each request past its deadline once, with history; safe to run twice."""
    count = 0
    due = QueryRequest.objects.filter(status=QueryStatus.AWAITING_REVIEW, deadline__lt=today,
                                      flagged_overdue_at__isnull=True)
    for request in due:
        with transaction.atomic():
            request.flagged_overdue_at = timezone.now()
            request._change_reason = gettext_noop("flagged overdue")
            request.save(update_fields=["flagged_overdue_at"])
            count += 1
    return count
