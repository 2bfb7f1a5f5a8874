"""What a finding says, in a sentence a supervisor reads: built from its rule and stored facts (case numbers,
serial numbers, dates; never a person's name). Display only: the conditions live in oversight/rules.py."""
from __future__ import annotations

import re

from django.utils.translation import gettext as _

from sealing.models import FileStatus

from . import rules
from .models import Finding

STATE_STYLES = {"open": "danger", "closed": "secondary"}
TRIAGE_STYLES = {"pending": "warning", "accepted": "primary", "dismissed": "secondary"}

_READ_FAULTS = {
    rules.NO_PERMIT: lambda: _("read without a permit"),
    rules.OTHER_RECORD: lambda: _("read of a record the permit does not cover"),
    rules.EXPIRED: lambda: _("read after the permit expired"),
    rules.ENDED: lambda: _("read after the permit was ended"),
}
_UNIT_FAULTS = {
    rules.NO_BASIS: lambda: _("disclosed to a unit without a catalogued legal basis"),
    rules.OUTSIDE_CATEGORIES: lambda: _("disclosed to a unit although no charge falls in the basis's categories"),
    rules.RELATED_RECORD: lambda: _("a sealed related record (non-prosecution or the like) disclosed to a unit"),
}


def _status(value) -> str:
    return str(dict(FileStatus.choices).get(value, value or "—"))


def summary(finding: Finding) -> str:
    f = finding.facts or {}
    agency = finding.agency.name if finding.agency_id else ""
    case = f.get("case_number") or "—"
    rule = finding.rule
    if finding.is_complaint:
        return _("Complaint (%(source)s) about %(agency)s, received on %(day)s.") % {
            "source": finding.get_source_display(), "agency": agency or "—", "day": finding.detected_on.isoformat()}
    if rule == rules.S_UNSEALED:
        variant = f.get("variant")
        if variant == "notice":
            return _("Case %(case)s: %(agency)s had not sealed its copy by %(deadline)s (sealing notice %(notice)s).") % {
                "case": case, "agency": agency, "deadline": f.get("deadline"), "notice": f.get("notice")}
        if variant == "retro":
            return _("Case %(case)s, decided on %(day)s before 2013 (J-RETRO): a copy at %(agency)s is still open.") % {
                "case": case, "day": f.get("judgment_effective_date"), "agency": agency}
        return _("Case %(case)s: the deciding agency %(agency)s had not sealed its own copy by %(deadline)s.") % {
            "case": case, "agency": agency, "deadline": f.get("deadline")}
    if rule == rules.S_UNDELIVERED:
        text = _("Case %(case)s: sealing notice %(notice)s sent on %(sent)s to %(agency)s was not received by "
                 "%(due)s.") % {"case": case, "notice": f.get("notice"), "sent": f.get("sent_on"), "agency": agency,
                                "due": f.get("receive_by")}
        if f.get("received_on"):
            text += " " + _("It was received on %(day)s.") % {"day": f["received_on"]}
        return text
    if rule == rules.S_OBS_OPEN:
        return _("Case %(case)s: the observation period ended on %(end)s, the file is still %(status)s.") % {
            "case": case, "end": f.get("observation_end"), "status": _status(f.get("status"))}
    if rule == rules.S_QUERY_LATE:
        if f.get("answered_on"):
            return _("Query request %(request)s was due on %(deadline)s and answered on %(day)s.") % {
                "request": f.get("request"), "deadline": f.get("deadline"), "day": f["answered_on"]}
        return _("Query request %(request)s was due on %(deadline)s and is not answered.") % {
            "request": f.get("request"), "deadline": f.get("deadline")}
    if rule == rules.S_OVERRIDE:
        if f.get("variant") == "beyond":
            return _("Query request %(request)s disclosed a record of case %(case)s beyond the recommendation.") % {
                "request": f.get("request"), "case": case}
        from queries.models import Outcome

        outcomes = dict(Outcome.choices)
        text = _("Query request %(request)s: recommended “%(recommended)s”, decided “%(decided)s”.") % {
            "request": f.get("request"), "recommended": outcomes.get(f.get("recommended"), f.get("recommended")),
            "decided": outcomes.get(f.get("decided"), f.get("decided"))}
        if f.get("approved"):
            text += " " + _("A second reviewer approved the departure.")
        return text
    if rule == rules.S_NO_BASIS:
        fault = _UNIT_FAULTS.get(f.get("fault"), lambda: f.get("fault", ""))()
        return _("Query request %(request)s, record of case %(case)s: %(fault)s.") % {
            "request": f.get("request"), "case": case, "fault": fault}
    if rule == rules.S_READ_SCOPE:
        fault = _READ_FAULTS.get(f.get("fault"), lambda: f.get("fault", ""))()
        official = finding.official.display_name if finding.official_id else "—"
        text = _("%(official)s: %(fault)s (case %(case)s).") % {"official": official, "fault": fault, "case": case}
        if f.get("permit"):
            text += " " + _("Permit %(permit)s.") % {"permit": f["permit"]}
        return text
    if rule == rules.S_READ_VOLUME:
        official = finding.official.display_name if finding.official_id else "—"
        return _("%(official)s read sealed content %(reads)s times from %(first)s to %(last)s; the threshold is "
                 "%(threshold)s in %(days)s days.") % {
            "official": official, "reads": f.get("reads"), "first": f.get("from"), "last": f.get("to"),
            "threshold": f.get("threshold"), "days": f.get("period_days")}
    if rule == rules.S_CALENDAR:
        return _("The working-day calendar of %(year)s was due by %(due)s and is not loaded: query deadlines in "
                 "that year count weekdays only.") % {"year": f.get("year"), "due": f.get("due")}
    if rule == rules.S_OBJECTION_LATE:
        if f.get("answered_on"):
            return _("Objection %(objection)s (request %(request)s) was due on %(due)s and answered on %(day)s.") % {
                "objection": f.get("objection"), "request": f.get("request"), "due": f.get("due"),
                "day": f["answered_on"]}
        return _("Objection %(objection)s (request %(request)s) was due on %(due)s and is not answered.") % {
            "objection": f.get("objection"), "request": f.get("request"), "due": f.get("due")}
    if rule == rules.S_ORAL_REPEAT:
        kind = f.get("kind") or ""
        kind_label = _("of the kind %(rule)s") % {"rule": kind} if kind else _("drafted without a finding")
        return _("%(agency)s received %(count)s oral corrections %(kind)s from %(first)s to %(last)s (%(serials)s) "
                 "and no written instrument since: a correction notice is proposed.") % {
            "agency": agency or "—", "count": f.get("count"), "kind": kind_label, "first": f.get("first"),
            "last": f.get("last"), "serials": "、".join(f.get("oral_corrections") or ())}
    return ""


# --- The access log's "reference" and "reason given", as stored by sealing.disclosure.log_read ---------------

_EVENT_REFERENCE = re.compile(r"^event (\d+)$")


def access_reason(reason: str) -> str:
    """The reason a read was logged with, in words: a decision by its label, the stored recommendation's reasons
    by name, a reason the code gave in the user's language; a rule id (Q-JUD) and a user's own words as they are."""
    from queries.models import Outcome

    if not reason:
        return "—"
    if reason == "trace":
        return _("the decided request's stored reasons were read")
    outcomes = dict(Outcome.choices)
    if reason in outcomes:
        return _("decision: %(decision)s") % {"decision": outcomes[reason]}
    return _(reason)  # gettext_noop'd reasons are translated; other text comes back unchanged


def access_reference(reference: str) -> str:
    """The reference of a read: a request's or notice's serial as it is; an observation event (stored as "event" and
    its row number by earlier versions) by what it is."""
    if not reference:
        return "—"
    if _EVENT_REFERENCE.match(reference):
        return _("observation event (correction page)")
    return reference
