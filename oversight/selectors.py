"""Permission-scoped reads of supervision: a procuratorate supervisor reads the findings of its region and the
regions below (and those that concern every region); nobody else reads any."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Agency
from sealing import disclosure
from sealing import selectors as sealing_selectors

from .models import Finding, ScanRun
from .permissions import can_supervise, supervised_region_ids


def findings_for(user) -> QuerySet[Finding]:
    if not can_supervise(user)[0]:
        return Finding.objects.none()
    regions = supervised_region_ids(user)
    return Finding.objects.filter(Q(region_id__in=regions) | Q(region__isnull=True)).select_related(
        "agency", "region", "triaged_by", "official", "official__agency")


def supervised_agencies(user) -> QuerySet[Agency]:
    if not can_supervise(user)[0]:
        return Agency.objects.none()
    return Agency.objects.filter(region_id__in=supervised_region_ids(user)).select_related("region")


def filter_findings(findings: QuerySet[Finding], *, rule: str = "", agency=None, state: str = "", triage: str = "",
                    source: str = "") -> QuerySet[Finding]:
    if rule == "none":
        findings = findings.filter(rule="")
    elif rule:
        findings = findings.filter(rule=rule)
    if agency is not None:
        findings = findings.filter(agency=agency)
    if state in ("open", "closed"):
        findings = findings.filter(state=state)
    if triage:
        findings = findings.filter(triage=triage)
    if source == "complaint":
        findings = findings.exclude(source="scan")
    elif source:
        findings = findings.filter(source=source)
    return findings


def last_scan() -> ScanRun | None:
    return ScanRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()


@dataclass
class ObjectRow:
    """One object a finding involves, as the supervisor's page shows it: a heading, label/value pairs, a
    link where the supervisor may open the object."""

    kind: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""


def _day(value) -> str:
    return value.isoformat() if value else "—"


def _when(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def finding_objects(finding: Finding, user, *, now: dt.datetime) -> list[ObjectRow]:
    """The objects of a finding that the supervisor may see, by case number and serial number; a person only
    through the gate (masked while the file is hidden)."""
    rows: list[ObjectRow] = []
    gate = disclosure.Gate(user, now=now)
    notice = finding.sealing_notice
    if notice is not None:
        rows.append(ObjectRow(_("sealing notice"), notice.serial, [
            (_("sent by"), notice.from_agency.name), (_("sent to"), notice.to_agency.name),
            (_("sent on"), _day(notice.sent_on)), (_("received on"), _day(notice.received_on)),
            (_("seal the copy by"), _day(notice.deadline)), (_("copy sealed at"), _when(notice.copy_sealed_at)),
            (_("withdrawn at"), _when(notice.withdrawn_at)),
        ]))
    file = finding.sealing_file
    if file is not None:
        defendant = file.defendant
        visible = sealing_selectors.files_for(user).filter(pk=file.pk).exists()
        rows.append(ObjectRow(_("sealing file"), defendant.case.case_number, [
            (_("defendant"), gate.person(defendant).name), (_("handling agency"), defendant.case.agency.name),
            (_("status"), file.get_status_display()), (_("seal date"), _day(file.seal_date)),
            (_("observation ends"), _day(file.observation_end)),
        ], reverse("sealing:file_detail", args=[file.pk]) if visible else ""))
    record = finding.record
    if record is not None:
        visible = sealing_selectors.records_for(user).filter(pk=record.pk).exists()
        seal = getattr(record, "seal", None)
        rows.append(ObjectRow(_("record copy"), f"{record.case.case_number} · {record.get_kind_display()}", [
            (_("holding agency"), record.holding_agency.name), (_("title"), record.title),
            (_("sealed at"), _when(seal.sealed_at) if seal is not None and seal.active else "—"),
        ], reverse("sealing:record_detail", args=[record.pk]) if visible else ""))
    query = finding.query_request
    if query is not None:
        facts = [(_("receiving agency"), query.agency.name), (_("requester"), query.get_requester_kind_display()),
                 (_("purpose"), query.get_purpose_display()), (_("received"), _day(query.received)),
                 (_("answer due"), _day(query.deadline)), (_("status"), query.get_status_display())]
        if query.decision:
            facts.append((_("decision"), query.get_decision_display()))
            facts.append((_("decided at"), _when(query.decided_at)))
        if query.legal_basis_id:
            facts.append((_("legal basis"), str(query.legal_basis)))
        rows.append(ObjectRow(_("query request"), query.serial, facts))
    objection = finding.objection
    if objection is not None:
        rows.append(ObjectRow(_("objection"), objection.serial, [
            (_("received"), _day(objection.received)), (_("answer due"), _day(objection.due)),
            (_("status"), objection.get_status_display()), (_("answered at"), _when(objection.answered_at)),
        ]))
    log = finding.access_log
    if log is not None:
        facts = [(_("when"), _when(log.at)), (_("user"), log.user.display_name),
                 (_("action"), log.get_action_display())]
        if log.record_id:
            facts.append((_("record"), f"{log.record.case.case_number} · {log.record.get_kind_display()}"))
        if log.permit_id:
            facts += [(_("permit"), log.permit.reference), (_("expires at"), _when(log.permit.expires_at)),
                      (_("ended at"), _when(log.permit.ended_at))]
        rows.append(ObjectRow(_("read of sealed content"), _when(log.at), facts))
    if finding.official_id:
        official = finding.official
        rows.append(ObjectRow(_("official concerned"), official.display_name, [
            (_("agency"), official.agency.name if official.agency_id else "—")]))
    return rows


def work_items(user, today: dt.date) -> list:
    """Supervision's side of the home page. A supervisor: findings to triage, the instruments that wait on the
    procuratorate (approval, issue, a reply to examine, a review to answer) and the agencies' replies it awaits,
    by their deadlines. Any agency: the instruments addressed to it that it must answer."""
    from common.worklist import count_summary, deadline_summary, item

    from . import instruments
    from .models import AWAITING_REPLY, InstrumentKind, InstrumentState, State, Triage
    from .permissions import APPROVE_INSTRUMENT, VIEW_INSTRUMENT

    items = []
    if can_supervise(user)[0]:
        findings = reverse("oversight:finding_list")
        items.append(item("findings", _("Findings to triage"), f"{findings}?state=open&triage=pending",
                          count_summary(findings_for(user).filter(state=State.OPEN, triage=Triage.PENDING))))
        if user.has_perm(VIEW_INSTRUMENT):
            ours = instruments.instruments_for(user)
            listed = reverse("oversight:instrument_list")
            steps = [(InstrumentState.APPROVED, _("Approved instruments to issue")),
                     (InstrumentState.REPLIED, _("Replies to accept or reject"))]
            if user.has_perm(APPROVE_INSTRUMENT):
                steps.insert(0, (InstrumentState.AWAITING_APPROVAL, _("Instruments awaiting your approval")))
            for state, label in steps:
                summary = count_summary(ours.filter(state=state))
                if summary.count:
                    items.append(item(f"instruments-{state}", label, f"{listed}?state={state}", summary))
            review = deadline_summary(ours.filter(state=InstrumentState.REVIEW), "review_due", today)
            if review.count:
                items.append(item("instruments-review", _("Requests for review to answer"),
                                  f"{listed}?state={InstrumentState.REVIEW}", review))
            items.append(item("instruments-awaiting", _("Replies awaited from agencies"), f"{listed}?state=open",
                              deadline_summary(ours.filter(state__in=AWAITING_REPLY).exclude(
                                  kind=InstrumentKind.ORAL), "deadline", today)))
    if user.agency_id is not None:
        addressed = deadline_summary(instruments.inbox_for(user).filter(state__in=AWAITING_REPLY).exclude(
            kind=InstrumentKind.ORAL), "deadline", today)
        if addressed.count:
            items.append(item("inbox", _("Supervision instruments to answer"), reverse("oversight:inbox"), addressed))
    return items
