"""Every write of the query desk: intake, the reviewer's view and decision (with the second reviewer's
approval of a departure that discloses more), the document, access after a permit, undertakings,
uploads, downloads and objections. Each function is one business action in one transaction; the clock
is an argument (``today``, ``now``); every permission question is asked of queries.permissions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from accounts.models import Agency
from common.crypto import blind_index
from common.serials import next_serial
from sealing import disclosure
from sealing import services as sealing_services
from sealing.catalogue import charge_categories
from sealing.identity import parse_id_number
from sealing.models import HIDDEN_STATES, AccessAction, Defendant, Disposition

from . import permissions, rules, selectors, uploads, workdays
from .models import (
    UNANSWERED,
    Attachment,
    AttachmentKind,
    DownloadKind,
    DownloadLog,
    Objection,
    ObjectionOutcome,
    ObjectionStatus,
    ObjectorKind,
    Outcome,
    QueryDocument,
    QueryRequest,
    QueryStatus,
    RequesterKind,
    Undertaking,
)

# RULES.md §1: only a conviction is a criminal record; the other dispositions make related records.
CONVICTIONS = (Disposition.SENTENCED, Disposition.EXEMPTED)
DEFAULT_ACCESS_DAYS = 30
OBJECTION_WORKING_DAYS = 15  # Q-OBJECTION
OBJECTION_EXTENDED_WORKING_DAYS = 30
# Q-DEADLINE: which time limit applies, from the receiving agency's kind (police is the default).
ANSWERING_AGENCY = {Agency.Kind.POLICE: "police", Agency.Kind.PROCURATORATE: "procuratorate",
                    Agency.Kind.COURT: "court"}
DOCUMENT_SERIAL_PREFIX = {"certificate": "ZM", "refusal_notice": "BY", "notification_letter": "GZ"}


class QueryError(Exception):
    """An action the request's state, a permission or the input does not allow; the message (an untranslated
    message id) says why."""


def _guard(check: tuple[bool, str]) -> None:
    ok, reason = check
    if not ok:
        raise QueryError(reason)


def _save(obj, reason: str, user) -> None:
    obj._change_reason = reason
    obj._history_user = user
    obj.save()


# --- the person's records, as the rules see them -----------------------------------------------------

def records_of(subject_index: str):
    """Every record of the person across every agency — convictions and related records (non-prosecution,
    no punishment …) — with their sealing files, in the order of the offences."""
    return (
        Defendant.objects.filter(person__id_number_index=subject_index)
        .select_related("case", "sealing_file", "person")
        .prefetch_related("charges")
        .order_by("case__offense_date", "pk")
    )


def record_kind(defendant: Defendant) -> str:
    return "conviction" if defendant.disposition in CONVICTIONS else "related"


def record_status(defendant: Defendant) -> str:
    file = getattr(defendant, "sealing_file", None)
    return file.status if file is not None and file.status in HIDDEN_STATES else "open"


def record_info(defendant: Defendant) -> rules.RecordInfo:
    return rules.RecordInfo(id=defendant.pk, status=record_status(defendant),
                            charges=tuple(c.name for c in defendant.charges.all()), kind=record_kind(defendant),
                            label=defendant.case.case_number)  # the reasons name the case, never the internal id


def answering_agency(agency) -> str:
    return ANSWERING_AGENCY.get(agency.kind, "police")


def facts_for(request: QueryRequest, records=None) -> rules.QueryFacts:
    records = list(records_of(request.subject_index)) if records is None else records
    return rules.QueryFacts(
        id=request.serial,
        requester=request.requester_kind,
        purpose=request.purpose,
        received=request.received,
        legal_basis_code=request.legal_basis.code if request.legal_basis else None,
        basis=selectors.basis_info(request.legal_basis),
        records=tuple(record_info(d) for d in records),
        answering_agency=answering_agency(request.agency),
    )


def recommend_for(request: QueryRequest, records=None) -> rules.QueryDecision:
    """The rules' recommendation for the request as the records stand now (the engine evaluate_query uses)."""
    return rules.recommend(facts_for(request, records), charge_categories(), workdays.database_calendar(),
                           policy=selectors.deadline_policy(request.received))


def disclosable(request: QueryRequest, recommendation: dict, records) -> list[Defendant]:
    """The sealed records a permit on this request may name: none unless the request can lawfully disclose
    (Q-JUD, Q-UNIT-RELEVANT); to a unit, sealed convictions only (J-NONPROS-SCOPE)."""
    if not permissions.lawfully_discloses(recommendation):
        return []
    sealed = [d for d in records if record_status(d) != "open"]
    if request.requester_kind == RequesterKind.UNIT:
        sealed = [d for d in sealed if record_kind(d) == "conviction"]
    return sealed


# --- intake --------------------------------------------------------------------------------------------

def _checked(upload) -> uploads.CheckedUpload | None:
    if not upload:
        return None
    if isinstance(upload, uploads.CheckedUpload):
        return upload
    try:
        return uploads.check(upload)
    except uploads.UploadRejected as exc:
        raise QueryError(str(exc)) from exc


def _attach(request: QueryRequest, upload: uploads.CheckedUpload, *, kind: str, user, objection=None) -> Attachment:
    attachment = Attachment(request=request, objection=objection, kind=kind, filename=upload.filename,
                            content_type=upload.content_type, size=upload.size, sha256=upload.sha256,
                            data=upload.data, uploaded_by=user)
    _save(attachment, gettext_noop("file uploaded"), user)
    return attachment


def _name(value: str) -> str:
    from . import documents

    return documents.normalize_name((value or "").strip())


@transaction.atomic
def take_request(*, user, data: dict, today: dt.date) -> QueryRequest:
    """The service window takes a request: serial number, deadline, the first recommendation, the
    application document (checked, stored encrypted)."""
    _guard(permissions.can_take_request(user, user.agency, today))
    if data["received"] > today:
        raise QueryError(gettext_noop("The date of receipt cannot be in the future."))
    subject = parse_id_number(data["subject_id_number"])
    kind = data["requester_kind"]
    judicial = kind == RequesterKind.JUDICIAL
    request = QueryRequest(
        agency=user.agency, taken_by=user, received=data["received"], requester_kind=kind,
        requester_name=_name(data["requester_name"]), requester_id_number=data.get("requester_id_number") or "",
        requester_organisation=(data.get("requester_organisation") or "").strip(),
        requester_agency=data.get("requester_agency") if judicial else None,
        requester_user=data.get("requester_user") if judicial else None,
        subject_name=_name(data["subject_name"]), subject_id_number=subject.number,
        subject_index=blind_index(subject.number),
        purpose=data["purpose"], legal_basis=data.get("legal_basis"), occupation=data.get("occupation") or "",
    )
    if judicial:  # Q-RECIPIENT: the requesting organ is recorded; a named recipient must belong to it
        organ = request.requester_agency
        if organ is None or organ.kind not in permissions.JUDICIAL_KINDS or organ.pk == request.agency_id:
            raise QueryError(gettext_noop("Choose the requesting judicial organ."))
        if not request.requester_organisation:
            request.requester_organisation = organ.name
        if request.requester_user is not None:
            _guard(permissions.can_receive_access(request.requester_user, request, today))
    application = _checked(data.get("application"))
    request.serial = next_serial("CX", data["received"].year)
    decision = recommend_for(request)
    request.recommendation = decision.to_dict()
    request.deadline = decision.deadline
    request.calendar_warning = decision.calendar_warning or ""
    _save(request, gettext_noop("request taken"), user)
    if application:
        _attach(request, application, kind=AttachmentKind.APPLICATION, user=user)
    return request


# --- the reviewer's view (Q-INTAKE) ---------------------------------------------------------------------

@dataclass
class ReviewerView:
    """What the reviewer's page shows: the fresh recommendation, and the person's records only as far as
    Q-INTAKE allows (each sealed one shown is logged)."""

    recommendation: dict
    sealed: list = field(default_factory=list)  # sealed records shown (logged)
    open_convictions: list = field(default_factory=list)  # shown with the sealed ones: not protected
    open_conviction_exists: bool | None = None  # a certificate request shows only this

    @property
    def candidates(self) -> list[tuple[int, str]]:
        return [(d.pk, candidate_label(d)) for d in self.sealed]


def candidate_label(defendant: Defendant) -> str:
    charges = "、".join(c.name for c in defendant.charges.all())
    kind = "" if record_kind(defendant) == "conviction" else f"（{defendant.get_disposition_display()}）"
    return f"{defendant.case.case_number} · {charges}{kind}"


@transaction.atomic
def review(request: QueryRequest, *, user, today: dt.date, log: bool = True) -> ReviewerView | None:
    """The reviewer's view of an unanswered request, or None for anyone who may not see the recommendation
    (the clerk). Sealed records appear only on a request that can lawfully disclose them, and each one
    shown is logged (AccessAction.REVIEWED, one row per record per view). ``log=False`` only to check a
    submitted decision form against the same choices: nothing is shown then."""
    if not permissions.can_see_recommendation(user, request, today)[0]:
        return None
    if request.status not in UNANSWERED and log:
        # the stored trace names the sealed records it recommended disclosing: reading it is logged too
        if permissions.lawfully_discloses(request.recommendation):
            for defendant in Defendant.objects.filter(pk__in=request.recommendation.get("disclosed") or ()):
                disclosure.log_read(user, action=AccessAction.REVIEWED, defendant=defendant,
                                    reference=request.serial, reason="trace")
        return ReviewerView(recommendation=request.recommendation)
    if request.status not in UNANSWERED:
        return ReviewerView(recommendation=request.recommendation)
    records = list(records_of(request.subject_index))
    fresh = recommend_for(request, records).to_dict()
    request.recommendation = fresh  # in memory: the permission below reads the fresh recommendation
    view = ReviewerView(recommendation=fresh)
    if request.requester_kind in rules.PERSONS:
        if request.purpose == "certificate":
            view.open_conviction_exists = bool(fresh.get("open_records"))
        return view
    if not permissions.can_review_sealed(user, request, today)[0]:
        return view
    view.sealed = disclosable(request, fresh, records)
    view.open_convictions = [d for d in records if record_status(d) == "open" and record_kind(d) == "conviction"]
    rule = "Q-JUD" if request.requester_kind == RequesterKind.JUDICIAL else "Q-UNIT-RELEVANT"
    for defendant in view.sealed if log else ():
        disclosure.log_read(user, action=AccessAction.REVIEWED, defendant=defendant, reference=request.serial,
                            reason=rule)
    return view


# --- the decision (Q-OVERRIDE, Q-RECIPIENT, Q-SCOPE, Q-DOCS) ----------------------------------------------

# Q-DOCS error codes (queries.rules.unlawful_decision) -> the message ids the reviewer reads.
UNLAWFUL_DECISION_MESSAGES = {
    rules.NOT_A_DECISION: gettext_noop("Choose a decision."),
    rules.PERSON_PERMIT: gettext_noop("A person is answered with a certificate or a refusal notice."),
    rules.ORGAN_CERTIFICATE: gettext_noop("A unit or a judicial organ is answered with a notification letter, "
                                          "never a certificate: this decision is not open to this request."),
    # The refusal notice states that the person has a criminal record: with no open conviction it would state
    # one that sealing hides (Q-DOCS: a refusal never reveals a sealed record).
    rules.REFUSAL_REVEALS_SEAL: gettext_noop("The person has no open conviction: a certificate cannot be refused."),
}


def lawful_decision(request: QueryRequest, decision: str, *, open_conviction: bool | None = None) -> tuple[bool, str]:
    """Q-DOCS as a guard: (ok, message id) for ``decision`` on this request — the question the decision form
    asks to offer its choices and decide_query asks before it decides."""
    code = rules.unlawful_decision(request.requester_kind, request.purpose, decision, open_conviction)
    return (True, "") if code is None else (False, UNLAWFUL_DECISION_MESSAGES[code])


def open_conviction(request: QueryRequest, recommendation: dict) -> bool | None:
    """Whether the person has an open conviction, as Q-DOCS needs it: only for a person's own request."""
    return bool(recommendation.get("open_records")) if request.requester_kind in rules.PERSONS else None


def lawful_choices(request: QueryRequest, recommendation: dict) -> list[str]:
    """The decisions the form offers on this request (Q-DOCS), given the fresh recommendation."""
    return list(rules.lawful_decisions(request.requester_kind, request.purpose,
                                       open_conviction(request, recommendation)))


@dataclass(frozen=True)
class DecisionPreview:
    """What a decision will do, for its confirmation page: the document it issues, whether it departs from
    the recommendation, and whether it waits for a second reviewer (Q-OVERRIDE)."""

    document: str
    departs: bool
    discloses_more: bool


def preview_decision(request: QueryRequest, decision: str, disclosed_ids=()) -> DecisionPreview:
    """Reads ``request.recommendation`` as the caller left it (review() makes it fresh); writes nothing."""
    recommendation = request.recommendation or {}
    recommended = recommendation.get("recommendation")
    recommended_ids = sorted(int(i) for i in recommendation.get("disclosed") or ())
    chosen = sorted(int(i) for i in disclosed_ids)
    more = bool(recommended) and rules.discloses_more(recommended, recommended_ids, decision, chosen)
    return DecisionPreview(document=rules.document_of_decision(request.requester_kind, decision),
                           departs=decision != recommended or chosen != recommended_ids, discloses_more=more)


def _locked(request: QueryRequest) -> QueryRequest:
    return (QueryRequest.objects.select_for_update(of=("self",))
            .select_related("agency", "legal_basis", "requester_agency", "requester_user").get(pk=request.pk))


@transaction.atomic
def decide_query(request: QueryRequest, *, reviewer, decision: str, reason: str = "", disclosed_ids=(),
                 access_days: int | None = None, today: dt.date, now: dt.datetime) -> QueryRequest:
    """The reviewer decides; one decision per request (the row is locked). A departure needs a reason of
    substance; one that discloses more than recommended waits for a second reviewer (awaiting approval)."""
    request = _locked(request)
    _guard(permissions.can_decide(reviewer, request, today))
    if decision not in Outcome.values:
        raise QueryError(gettext_noop("Choose a decision."))
    _guard(lawful_decision(request, decision))  # before the records are read: a forged choice stops here
    records = list(records_of(request.subject_index))
    recommendation = recommend_for(request, records)
    candidates = {d.pk: d for d in disclosable(request, recommendation.to_dict(), records)}
    try:
        chosen = sorted({int(i) for i in disclosed_ids})
    except (TypeError, ValueError):
        raise QueryError(gettext_noop("Only the person's sealed records can be disclosed.")) from None
    if decision != Outcome.PERMIT and chosen:
        raise QueryError(gettext_noop("Only a permit discloses records."))
    if decision == Outcome.PERMIT:
        if any(i not in candidates for i in chosen):
            raise QueryError(gettext_noop("Only the person's sealed records that this request may lawfully "
                                          "disclose can be named."))
        if not chosen and recommendation.recommendation != Outcome.PERMIT:
            raise QueryError(gettext_noop("A permit names the records it discloses."))
    _guard(lawful_decision(request, decision, open_conviction=bool(recommendation.open_records)))
    departs = decision != recommendation.recommendation or chosen != sorted(recommendation.disclosed)
    if departs and not permissions.reason_has_substance(reason):
        raise QueryError(gettext_noop("You depart from the recommendation: write why, in at least ten characters."))
    more = rules.discloses_more(recommendation.recommendation, recommendation.disclosed, decision, chosen)

    request.recommendation = recommendation.to_dict()
    request.decision = decision
    request.decision_reason = reason.strip()
    request.departs_from_recommendation = departs
    request.decided_by = reviewer
    request.proposed_at = now
    request.named_records = chosen
    request.access_days = (access_days or DEFAULT_ACCESS_DAYS) if request.requester_kind == RequesterKind.JUDICIAL \
        else None
    request.rejection_reason = ""
    if decision == Outcome.PERMIT and request.requester_kind == RequesterKind.JUDICIAL and chosen:
        _guard(permissions.can_receive_access(request.requester_user, request, today))
    if more:
        request.status = QueryStatus.AWAITING_APPROVAL
        _save(request, gettext_noop("decision discloses more than recommended: awaits a second reviewer"), reviewer)
        return request
    return _take_effect(request, by=reviewer, records=records, recommendation=recommendation, today=today, now=now)


@transaction.atomic
def approve_decision(request: QueryRequest, *, approver, today: dt.date, now: dt.datetime) -> QueryRequest:
    """Q-OVERRIDE: a second reviewer, who neither took nor first decided the request, lets the departure
    take effect."""
    request = _locked(request)
    _guard(permissions.can_approve(approver, request, today))
    records = list(records_of(request.subject_index))
    recommendation = recommend_for(request, records)
    candidates = {d.pk for d in disclosable(request, recommendation.to_dict(), records)}
    if any(i not in candidates for i in request.named_records):
        raise QueryError(gettext_noop("The person's records have changed since the decision: reject it so that "
                                      "the request is decided again."))
    request.approved_by = approver
    request.approved_at = now
    return _take_effect(request, by=approver, records=records, recommendation=recommendation, today=today, now=now)


@transaction.atomic
def reject_decision(request: QueryRequest, *, approver, reason: str, today: dt.date, now: dt.datetime) -> QueryRequest:
    """The second reviewer rejects the departure: the request goes back to awaiting review, with the reason."""
    request = _locked(request)
    _guard(permissions.can_approve(approver, request, today))
    if not permissions.reason_has_substance(reason):
        raise QueryError(gettext_noop("Say why you reject the decision, in at least ten characters."))
    request.status = QueryStatus.AWAITING_REVIEW
    request.rejection_reason = reason.strip()
    request.decision = ""
    request.decision_reason = ""
    request.departs_from_recommendation = False
    request.decided_by = None
    request.proposed_at = None
    request.named_records = []
    request.access_days = None
    _save(request, gettext_noop("departure rejected by the second reviewer"), approver)
    return request


def _take_effect(request: QueryRequest, *, by, records, recommendation: rules.QueryDecision, today: dt.date,
                 now: dt.datetime) -> QueryRequest:
    """The decision takes effect: the document, the disclosure log, and the permits of a judicial permit."""
    by_pk = {d.pk: d for d in records}
    disclosed = [by_pk[i] for i in request.named_records]
    decision = request.decision
    if decision == Outcome.PERMIT and request.requester_kind == RequesterKind.UNIT \
            and not permissions.has_undertaking(request):
        raise QueryError(gettext_noop("A unit's permit needs its signed confidentiality undertaking: record it first."))
    if decision == Outcome.PERMIT and request.requester_kind == RequesterKind.JUDICIAL and disclosed:
        _guard(permissions.can_receive_access(request.requester_user, request, today))
    if request.requester_kind == RequesterKind.UNIT and any(record_kind(d) == "related" for d in disclosed):
        raise QueryError(gettext_noop("A sealed non-prosecution or other related record is never disclosed to a unit."))
    # Open convictions the letter lists (Q-UNIT-OPEN; a judicial organ's letter too): never on a unit's refusal.
    open_listed = [by_pk[i] for i in recommendation.open_listed if i in by_pk]
    if decision == Outcome.REFUSE and request.requester_kind == RequesterKind.UNIT:
        open_listed = []

    request.status = QueryStatus.DECIDED
    request.decided_at = now
    _save(request, gettext_noop("request decided") if request.approved_by_id is None
          else gettext_noop("departure approved: request decided"), by)
    request.disclosed.set(disclosed)

    document, statement = rules.document_for(request.requester_kind, request.purpose, decision,
                                             bool(disclosed) or bool(open_listed))
    listed = sorted(disclosed + open_listed, key=lambda d: (d.case.offense_date, d.pk)) \
        if statement == "listed_records" else []
    serial = next_serial(DOCUMENT_SERIAL_PREFIX[document], today.year)
    QueryDocument.objects.create(request=request, kind=document, serial=serial, issued=today,
                                 pdf=render_document(request, document, statement, serial, today, listed))
    for defendant in disclosed:  # Q-SCOPE: every disclosure is logged
        disclosure.log_read(request.decided_by, action=AccessAction.DISCLOSED, defendant=defendant,
                            reference=request.serial, reason=decision)
    if decision == Outcome.PERMIT and request.requester_kind == RequesterKind.JUDICIAL and disclosed:
        expires = now + dt.timedelta(days=request.access_days or DEFAULT_ACCESS_DAYS)
        purpose = str(rules.PURPOSE_ZH.get(request.purpose, request.purpose))
        for defendant in disclosed:
            for record in disclosure.covered_records(defendant):  # own copies and whole-case records
                sealing_services.grant_permit(record=record, user=request.requester_user, expires_at=expires,
                                              reference=request.serial, purpose=purpose, granted_by=by)
    return request


# --- documents ------------------------------------------------------------------------------------------

def _disposition_text(defendant: Defendant) -> str:
    text = defendant.get_disposition_display()
    if defendant.sentence_kind and defendant.disposition == Disposition.SENTENCED:
        text = defendant.get_sentence_kind_display()
        if defendant.sentence_months:
            text += f" {defendant.sentence_months}个月"
        if defendant.suspended:
            text += f"，缓刑{defendant.probation_months}个月"
    return str(text)


def render_document(request: QueryRequest, document: str, statement: str, serial: str, issued: dt.date,
                    listed: list[Defendant]) -> bytes:
    """The PDF, in Chinese whatever the reviewer's language, every value printable by the document font
    (a character it lacks prints as 〓 rather than stopping the decision)."""
    from . import documents  # fpdf2 and the font load only when a document is issued

    p = documents.printable
    agency = p(request.agency.name)
    name, id_number = p(request.subject_name), p(request.subject_id_number)
    with translation.override("zh-hans"):
        if document == "certificate":
            return documents.render_certificate(name=name, id_number=id_number, serial=serial, issued=issued,
                                                agency=agency)
        if document == "refusal_notice":
            return documents.render_refusal(name=name, id_number=id_number, serial=serial, issued=issued,
                                            agency=agency, statement=statement)
        records = [
            {"case_number": p(d.case.case_number), "charges": [p(c.name) for c in d.charges.all()],
             "disposition": p(_disposition_text(d)), "effective": d.judgment_effective_date}
            for d in listed
        ]
        basis = f"{request.legal_basis.law}{request.legal_basis.article}" if request.legal_basis else None
        requester = p(request.requester_organisation or request.requester_name)
        return documents.render_notification_letter(
            requester=requester, subject_name=name, subject_id_number=id_number, purpose=request.purpose,
            legal_basis=p(basis) if basis else None, records=records, serial=serial, issued=issued, agency=agency,
        )


def _download(user, request, kind, filename, *, attachment=None, objection=None) -> None:
    DownloadLog.objects.create(user=user, request=request, kind=kind, filename=filename[:120],
                               attachment=attachment, objection=objection)


@transaction.atomic
def download_document(request: QueryRequest, *, user, today: dt.date) -> QueryDocument:
    """The stored document; a letter that lists sealed records logs the download as a disclosure read."""
    _guard(permissions.can_download_document(user, request, today))
    document = request.document
    _download(user, request, DownloadKind.DOCUMENT, f"{document.serial}.pdf")
    for defendant in request.disclosed.all():
        disclosure.log_read(user, action=AccessAction.DOCUMENT, defendant=defendant, reference=request.serial)
    return document


@transaction.atomic
def download_attachment(attachment: Attachment, *, user, today: dt.date) -> Attachment:
    _guard(permissions.can_download_attachment(user, attachment, today))
    _download(user, attachment.request, DownloadKind.ATTACHMENT, attachment.filename, attachment=attachment,
              objection=attachment.objection)
    return attachment


# --- the unit's confidentiality undertaking (Q-SCOPE) ------------------------------------------------------

@transaction.atomic
def record_undertaking(request: QueryRequest, *, user, signer_name: str, signed_on: dt.date,
                       signer_position: str = "", text: str = "", upload=None, today: dt.date) -> Undertaking:
    """Store the unit's signed 保密承诺书 with the request whose permit it conditions: the signed paper
    (uploaded, encrypted) or its text, with the signer."""
    request = _locked(request)
    _guard(permissions.can_record_undertaking(user, request, today))
    checked = _checked(upload)
    if not signer_name.strip():
        raise QueryError(gettext_noop("Name the person who signed the undertaking."))
    if checked is None and not text.strip():
        raise QueryError(gettext_noop("Upload the signed undertaking or record its text."))
    if signed_on > today:
        raise QueryError(gettext_noop("The date of signature cannot be in the future."))
    attachment = _attach(request, checked, kind=AttachmentKind.UNDERTAKING, user=user) if checked else None
    undertaking = Undertaking(request=request, signer_name=signer_name.strip(), signer_position=signer_position.strip(),
                              signed_on=signed_on, text=text.strip(), attachment=attachment, recorded_by=user)
    _save(undertaking, gettext_noop("confidentiality undertaking recorded"), user)
    return undertaking


# --- objections (Q-OBJECTION) ---------------------------------------------------------------------------

@transaction.atomic
def take_objection(request: QueryRequest, *, user, objector_kind: str, objector_name: str, received: dt.date,
                   grounds: str, upload=None, today: dt.date) -> Objection:
    """The desk takes a written objection to a decided request: serial number and the 15-working-day limit."""
    request = _locked(request)
    _guard(permissions.can_object(user, request, today))
    if objector_kind not in ObjectorKind.values or (
            objector_kind == ObjectorKind.UNIT and request.requester_kind != RequesterKind.UNIT):
        raise QueryError(gettext_noop("The person concerned, or the requesting unit, objects."))
    if received > today:
        raise QueryError(gettext_noop("The date of receipt cannot be in the future."))
    if not permissions.reason_has_substance(grounds):
        raise QueryError(gettext_noop("State the grounds of the objection (at least ten characters)."))
    checked = _checked(upload)
    calendar = workdays.database_calendar()
    deadline = rules.add_working_days(received, OBJECTION_WORKING_DAYS, calendar)
    objection = Objection(request=request, serial=next_serial("YY", received.year), objector_kind=objector_kind,
                          objector_name=_name(objector_name), received=received, grounds=grounds.strip(),
                          taken_by=user, deadline=deadline,
                          calendar_warning=calendar.warning_for(received, deadline) or "")
    _save(objection, gettext_noop("objection taken"), user)
    if checked:
        _attach(request, checked, kind=AttachmentKind.OBJECTION, user=user, objection=objection)
    return objection


def _locked_objection(objection: Objection) -> Objection:
    return Objection.objects.select_for_update(of=("self",)).select_related("request", "request__agency").get(
        pk=objection.pk)


@transaction.atomic
def extend_objection(objection: Objection, *, user, reason: str, today: dt.date, now: dt.datetime) -> Objection:
    """Once, with a recorded reason: the time limit becomes 30 working days from receipt."""
    objection = _locked_objection(objection)
    _guard(permissions.can_extend_objection(user, objection, today))
    if not permissions.reason_has_substance(reason):
        raise QueryError(gettext_noop("Say why the re-examination needs more time, in at least ten characters."))
    calendar = workdays.database_calendar()
    extended = rules.add_working_days(objection.received, OBJECTION_EXTENDED_WORKING_DAYS, calendar)
    objection.extended_deadline = extended
    objection.extension_reason = reason.strip()
    objection.extended_by = user
    objection.extended_at = now
    objection.calendar_warning = calendar.warning_for(objection.received, extended) or ""
    _save(objection, gettext_noop("re-examination time limit extended"), user)
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, user, outcome: str, answer: str, today: dt.date,
                     now: dt.datetime) -> Objection:
    """Another reviewer answers: upheld or changed, with reasons, in a 复查意见书 (PDF, serial number)."""
    objection = _locked_objection(objection)
    _guard(permissions.can_reexamine(user, objection, today))
    if outcome not in ObjectionOutcome.values:
        raise QueryError(gettext_noop("Choose the outcome of the re-examination."))
    if not permissions.reason_has_substance(answer):
        raise QueryError(gettext_noop("Give the reasons of the re-examination, in at least ten characters."))
    objection.status = ObjectionStatus.ANSWERED
    objection.outcome = outcome
    objection.answer = answer.strip()
    objection.examined_by = user
    objection.answered_at = now
    objection.document_serial = next_serial("FC", today.year)
    objection.document_issued = today
    objection.document_pdf = render_review_opinion(objection)
    _save(objection, gettext_noop("objection answered"), user)
    return objection


def render_review_opinion(objection: Objection) -> bytes:
    from . import documents

    p = documents.printable
    request = objection.request
    with translation.override("zh-hans"):
        return documents.render_review_opinion(
            addressee=p(objection.objector_name), subject_name=p(request.subject_name), request_serial=request.serial,
            received=objection.received, grounds_summary=p(objection.grounds), outcome=objection.outcome,
            reasons=p(objection.answer), serial=objection.document_serial, issued=objection.document_issued,
            agency=p(request.agency.name))


@transaction.atomic
def download_review_opinion(objection: Objection, *, user, today: dt.date) -> Objection:
    _guard(permissions.can_download_review_opinion(user, objection, today))
    _download(user, objection.request, DownloadKind.REVIEW_OPINION, f"{objection.document_serial}.pdf",
              objection=objection)
    return objection


# --- scheduled work ----------------------------------------------------------------------------------------

def flag_overdue(today: dt.date, *, now: dt.datetime) -> int:
    """Flag each unanswered request past its deadline once, with history; safe to run twice."""
    count = 0
    due = QueryRequest.objects.filter(status__in=UNANSWERED, deadline__lt=today, flagged_overdue_at__isnull=True)
    for request in due:
        with transaction.atomic():
            request.flagged_overdue_at = now
            request._change_reason = gettext_noop("flagged overdue")
            request.save(update_fields=["flagged_overdue_at"])
            count += 1
    return count
