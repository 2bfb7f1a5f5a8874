"""The supervision scans (RULES.md §5): one function per finding kind, each a set-based selection of the
causes present on ``today``, keyed so that a re-run names the same cause the same way.

SQL narrows (indexed dates and states, bounds taken from oversight.rules); where a condition is more than
a bound (a read out of a permit's scope, a disclosure outside a basis's categories) the pure rule decides
over the narrowed rows. Nothing here writes: services.scan() turns the causes into findings.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Agency
from queries.models import UNANSWERED, LegalBasis, Objection, ObjectionStatus, QueryRequest, QueryStatus, RequesterKind
from queries.services import CONVICTIONS
from sealing import disclosure
from sealing.models import (
    HIDDEN_STATES, AccessAction, AccessLog, Defendant, FileStatus, Record, SealingFile, SealingNotice, SealingPolicy,
)
from sealing.selectors import RETRO_CUTOFF

from . import rules
from .models import Instrument, InstrumentKind, InstrumentState
from .policy import current_oversight_policy


@dataclass(frozen=True)
class Cause:
    """One cause of a finding as a scan sees it on a day. ``facts`` are kept up to date while the finding is
    open; ``snapshot`` is written once, when the finding is created (values that change every day)."""

    key: str
    agency_id: int | None
    region_id: int | None
    cause_date: dt.date | None
    facts: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)  # Finding foreign-key attname -> id
    snapshot: dict = field(default_factory=dict)
    # False when the cause is a past event that nothing can undo (a late answer, a read out of scope, a decision
    # that departed from the recommendation): such a finding closes once it is settled (services.sync).
    ongoing: bool = True


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_tz())


def _sealing_versions() -> list[tuple[int | None, SealingPolicy]]:
    """(policy id, policy) for every version, and (None, the version in force) for files decided under none:
    a file keeps the version it was decided under (read here, never created)."""
    versions = list(SealingPolicy.objects.order_by("-version"))
    current = versions[0] if versions else SealingPolicy()
    return [(p.pk, p) for p in versions] + [(None, current)]


def _decided_under(relation: str, policy_id: int | None) -> Q:
    """Files (through ``relation``) decided under the policy version ``policy_id`` (None: under none)."""
    if policy_id is None:
        return Q(**{f"{relation}__policy__isnull": True})
    return Q(**{f"{relation}__policy_id": policy_id})


# --- S-UNSEALED ---------------------------------------------------------------------------------------------

def unsealed(today: dt.date) -> list[Cause]:
    """应封未封 (J-WHEN, J-WHEN-RECEIPT, J-RETRO): (a) notices whose agency's copy is still open after the
    deadline; (b) the deciding agency's own copies of hidden files still open after the seal date and the
    policy's days; (c) J-RETRO cases with a copy open at an agency that (a) and (b) do not already report."""
    causes: list[Cause] = []
    reported: set[tuple[int, int]] = set()  # (file, agency) pairs (a) and (b) report

    for n in SealingNotice.objects.overdue(today).values(
            "pk", "serial", "deadline", "basis", "received_on", "to_agency_id", "to_agency__region_id",
            "sealing_file_id", "sealing_file__defendant__case__case_number"):
        if not rules.unsealed(deadline=n["deadline"], sealed=False, today=today):
            continue
        reported.add((n["sealing_file_id"], n["to_agency_id"]))
        causes.append(Cause(
            key=f"{rules.S_UNSEALED}:notice:{n['pk']}", agency_id=n["to_agency_id"],
            region_id=n["to_agency__region_id"], cause_date=n["deadline"],
            facts={"variant": "notice", "notice": n["serial"], "basis": n["basis"], "deadline": _iso(n["deadline"]),
                   "received_on": _iso(n["received_on"]),
                   "case_number": n["sealing_file__defendant__case__case_number"]},
            links={"sealing_notice_id": n["pk"], "sealing_file_id": n["sealing_file_id"]}))

    own = Record.objects.filter(seal__isnull=True, holding_agency_id=F("case__agency_id"))
    versions = _sealing_versions()
    for policy_id, policy in versions:
        days = policy.juvenile_seal_within_days  # the J-WHEN grace SealingFile.is_overdue uses
        cutoff = rules.started_before(today, days)
        rows = own.filter(_decided_under("defendant__sealing_file", policy_id),
                          defendant__sealing_file__status__in=HIDDEN_STATES,
                          defendant__sealing_file__seal_date__lt=cutoff).values(
            "pk", "holding_agency_id", "holding_agency__region_id", "case__case_number",
            "defendant__sealing_file__id", "defendant__sealing_file__seal_date")
        for r in rows:
            file_id = r["defendant__sealing_file__id"]
            deadline = rules.own_copy_deadline(seal_date=r["defendant__sealing_file__seal_date"], days=days)
            if not rules.unsealed(deadline=deadline, sealed=False, today=today):
                continue
            reported.add((file_id, r["holding_agency_id"]))
            causes.append(Cause(
                key=f"{rules.S_UNSEALED}:record:{r['pk']}", agency_id=r["holding_agency_id"],
                region_id=r["holding_agency__region_id"], cause_date=deadline,
                facts={"variant": "own_copy", "deadline": _iso(deadline), "case_number": r["case__case_number"]},
                links={"record_id": r["pk"], "sealing_file_id": file_id}))

    # whole-case copies of the deciding agency: covered once every defendant is hidden, due from the last seal
    days = versions[-1][1].juvenile_seal_within_days  # several files, several versions: the one in force
    last_seal = SealingFile.objects.filter(defendant__case_id=OuterRef("case_id")).order_by("-seal_date")
    whole = (own.filter(defendant__isnull=True)
             .filter(Exists(Defendant.objects.filter(case_id=OuterRef("case_id"))))
             .exclude(disclosure.open_defendant_exists("case_id"))
             .annotate(last_seal=Subquery(last_seal.values("seal_date")[:1]))
             .filter(last_seal__lt=rules.started_before(today, days))
             .values("pk", "holding_agency_id", "holding_agency__region_id", "case__case_number", "last_seal"))
    for r in whole:
        deadline = rules.own_copy_deadline(seal_date=r["last_seal"], days=days)
        if not rules.unsealed(deadline=deadline, sealed=False, today=today):
            continue
        causes.append(Cause(
            key=f"{rules.S_UNSEALED}:record:{r['pk']}", agency_id=r["holding_agency_id"],
            region_id=r["holding_agency__region_id"], cause_date=deadline,
            facts={"variant": "own_copy", "deadline": _iso(deadline), "case_number": r["case__case_number"]},
            links={"record_id": r["pk"]}))

    retro_files = (SealingFile.objects.filter(regime="juvenile", eligible=True,
                                              defendant__judgment_effective_date__lt=RETRO_CUTOFF)
                   .exclude(status__in=[FileStatus.UNSEALED, FileStatus.REVOKED]))
    pairs = (Record.objects.filter(seal__isnull=True, defendant__sealing_file__in=retro_files)
             .values("defendant__sealing_file__id", "holding_agency_id", "holding_agency__region_id",
                     "case__case_number", "defendant__judgment_effective_date", "defendant__sealing_file__regime",
                     "defendant__sealing_file__eligible", "defendant__sealing_file__status")
             .distinct())
    for r in pairs:
        pair = (r["defendant__sealing_file__id"], r["holding_agency_id"])
        if pair in reported or not rules.retro_unsealed(
                regime=r["defendant__sealing_file__regime"], eligible=r["defendant__sealing_file__eligible"],
                status=r["defendant__sealing_file__status"],
                judgment_effective_date=r["defendant__judgment_effective_date"], copy_sealed=False,
                cutoff=RETRO_CUTOFF):
            continue
        reported.add(pair)
        judged = r["defendant__judgment_effective_date"]
        causes.append(Cause(
            key=f"{rules.S_UNSEALED}:retro:{pair[0]}:{pair[1]}", agency_id=pair[1],
            region_id=r["holding_agency__region_id"], cause_date=judged,
            facts={"variant": "retro", "judgment_effective_date": _iso(judged), "case_number": r["case__case_number"]},
            links={"sealing_file_id": pair[0]}))
    return causes


# --- S-UNDELIVERED -----------------------------------------------------------------------------------------

def undelivered(today: dt.date) -> list[Cause]:
    """A sealing notice in force not received within the policy's days of sending (late receipt included)."""
    causes = []
    for policy_id, policy in _sealing_versions():
        days = policy.notice_delivery_days
        in_force = SealingNotice.objects.filter(_decided_under("sealing_file", policy_id), withdrawn_at__isnull=True)
        rows = in_force.filter(
            Q(received_on__isnull=True, sent_on__lt=rules.started_before(today, days))
            | Q(received_on__isnull=False, received_on__gt=F("sent_on") + dt.timedelta(days=days))
        ).values("pk", "serial", "sent_on", "received_on", "to_agency_id", "to_agency__region_id", "sealing_file_id",
                 "sealing_file__defendant__case__case_number")
        for n in rows:
            if not rules.undelivered(sent_on=n["sent_on"], received_on=n["received_on"], today=today, days=days):
                continue
            due = n["sent_on"] + dt.timedelta(days=days)
            causes.append(Cause(
                key=f"{rules.S_UNDELIVERED}:notice:{n['pk']}", agency_id=n["to_agency_id"],
                region_id=n["to_agency__region_id"], cause_date=due,
                facts={"notice": n["serial"], "sent_on": _iso(n["sent_on"]), "receive_by": _iso(due),
                       "received_on": _iso(n["received_on"]),
                       "case_number": n["sealing_file__defendant__case__case_number"]},
                links={"sealing_notice_id": n["pk"], "sealing_file_id": n["sealing_file_id"]},
                ongoing=n["received_on"] is None))
    return causes


# --- S-OBS-OPEN ----------------------------------------------------------------------------------------------

def observation_open(today: dt.date) -> list[Cause]:
    """An observation period past its end date whose file is still observing or provisionally sealed."""
    rows = SealingFile.objects.filter(status__in=rules.OBSERVATION_STATUSES, observation_end__lt=today).values(
        "pk", "status", "observation_end", "defendant__case__agency_id", "defendant__case__agency__region_id",
        "defendant__case__case_number")
    return [Cause(
        key=f"{rules.S_OBS_OPEN}:file:{f['pk']}", agency_id=f["defendant__case__agency_id"],
        region_id=f["defendant__case__agency__region_id"], cause_date=f["observation_end"],
        facts={"status": f["status"], "observation_end": _iso(f["observation_end"]),
               "case_number": f["defendant__case__case_number"]},
        links={"sealing_file_id": f["pk"]})
        for f in rows if rules.observation_open(status=f["status"], observation_end=f["observation_end"], today=today)]


# --- S-QUERY-LATE ----------------------------------------------------------------------------------------------

def query_late(today: dt.date) -> list[Cause]:
    """Q-DEADLINE: a request unanswered past its deadline, or answered (Beijing date) after it."""
    fields = ("pk", "serial", "deadline", "status", "agency_id", "agency__region_id")
    unanswered = QueryRequest.objects.filter(status__in=UNANSWERED, deadline__lt=today).values(*fields)
    late = (QueryRequest.objects.filter(status=QueryStatus.DECIDED, decided_at__isnull=False)
            .annotate(answered_on=TruncDate("decided_at", tzinfo=_tz()))
            .filter(answered_on__gt=F("deadline")).values(*fields, "answered_on"))
    causes = []
    for q in [*unanswered, *late]:
        answered = q.get("answered_on")
        if not rules.answered_late(deadline=q["deadline"], answered=answered, today=today):
            continue
        causes.append(Cause(
            key=f"{rules.S_QUERY_LATE}:request:{q['pk']}", agency_id=q["agency_id"], region_id=q["agency__region_id"],
            cause_date=q["deadline"],
            facts={"request": q["serial"], "deadline": _iso(q["deadline"]), "answered_on": _iso(answered)},
            links={"query_request_id": q["pk"]}, ongoing=answered is None))
    return causes


# --- S-OVERRIDE ----------------------------------------------------------------------------------------------

def override(today: dt.date) -> list[Cause]:
    """Q-OVERRIDE: each decision in effect that departed from the recommendation, and each record it disclosed
    beyond the recommendation."""
    rows = list(QueryRequest.objects.filter(status=QueryStatus.DECIDED, departs_from_recommendation=True).values(
        "pk", "serial", "decision", "recommendation", "decided_at", "approved_by_id", "agency_id", "agency__region_id"))
    through = QueryRequest.disclosed.through
    disclosed: dict[int, list[int]] = {}
    for request_id, defendant_id in through.objects.filter(queryrequest_id__in=[r["pk"] for r in rows]).values_list(
            "queryrequest_id", "defendant_id"):
        disclosed.setdefault(request_id, []).append(defendant_id)
    beyond_all = {d for r in rows for d in rules.disclosed_beyond(
        (r["recommendation"] or {}).get("disclosed") or (), disclosed.get(r["pk"], ()))}
    files = dict(SealingFile.objects.filter(defendant_id__in=beyond_all).values_list("defendant_id", "pk"))
    cases = dict(Defendant.objects.filter(pk__in=beyond_all).values_list("pk", "case__case_number"))
    causes = []
    for r in rows:
        recommendation = r["recommendation"] or {}
        decided_on = r["decided_at"].astimezone(_tz()).date() if r["decided_at"] else None
        common = {"agency_id": r["agency_id"], "region_id": r["agency__region_id"], "cause_date": decided_on}
        causes.append(Cause(
            key=f"{rules.S_OVERRIDE}:request:{r['pk']}",
            facts={"variant": "departure", "request": r["serial"], "recommended": recommendation.get("recommendation"),
                   "decided": r["decision"], "approved": r["approved_by_id"] is not None},
            links={"query_request_id": r["pk"]}, ongoing=False, **common))
        for defendant_id in rules.disclosed_beyond(recommendation.get("disclosed") or (), disclosed.get(r["pk"], ())):
            causes.append(Cause(
                key=f"{rules.S_OVERRIDE}:request:{r['pk']}:defendant:{defendant_id}",
                facts={"variant": "beyond", "request": r["serial"], "case_number": cases.get(defendant_id)},
                links={"query_request_id": r["pk"], "sealing_file_id": files.get(defendant_id)}, ongoing=False,
                **common))
    return causes


# --- S-NO-BASIS ------------------------------------------------------------------------------------------------

def no_basis(today: dt.date) -> list[Cause]:
    """Each record disclosed to a unit without a catalogued basis, outside the basis's categories, or a sealed
    related record (J-NONPROS-SCOPE)."""
    through = QueryRequest.disclosed.through
    rows = list(through.objects.filter(queryrequest__requester_kind=RequesterKind.UNIT,
                                       queryrequest__status=QueryStatus.DECIDED).values(
        "queryrequest_id", "defendant_id", "queryrequest__serial", "queryrequest__legal_basis_id",
        "queryrequest__agency_id", "queryrequest__agency__region_id", "queryrequest__decided_at",
        "defendant__disposition", "defendant__sealing_file__id", "defendant__case__case_number"))
    bases = dict(LegalBasis.objects.values_list("pk", "categories"))
    categories: dict[int, set[str]] = {}
    for defendant_id, cats in Defendant.charges.through.objects.filter(
            defendant_id__in={r["defendant_id"] for r in rows}).values_list("defendant_id", "charge__categories"):
        categories.setdefault(defendant_id, set()).update(cats or ())
    causes = []
    for r in rows:
        basis_id = r["queryrequest__legal_basis_id"]
        fault = rules.unit_disclosure_fault(
            has_basis=basis_id is not None, basis_categories=bases.get(basis_id) or (),
            record_categories=categories.get(r["defendant_id"], ()),
            conviction=r["defendant__disposition"] in CONVICTIONS)
        if fault is None:
            continue
        decided = r["queryrequest__decided_at"]
        causes.append(Cause(
            key=f"{rules.S_NO_BASIS}:request:{r['queryrequest_id']}:defendant:{r['defendant_id']}",
            agency_id=r["queryrequest__agency_id"], region_id=r["queryrequest__agency__region_id"],
            cause_date=decided.astimezone(_tz()).date() if decided else None,
            facts={"fault": fault, "request": r["queryrequest__serial"], "case_number": r["defendant__case__case_number"]},
            links={"query_request_id": r["queryrequest_id"], "sealing_file_id": r["defendant__sealing_file__id"]},
            ongoing=False))
    return causes


# --- S-READ-SCOPE ----------------------------------------------------------------------------------------------

def read_scope(today: dt.date) -> list[Cause]:
    """Q-SCOPE: a read of sealed content (up to the end of ``today``) without a permit, of another record than
    the permit's, or after the permit expired or ended."""
    suspect = AccessLog.objects.filter(action=AccessAction.READ, at__lt=_day_start(today + dt.timedelta(days=1))).filter(
        Q(permit__isnull=True) | ~Q(record_id=F("permit__record_id")) | Q(at__gt=F("permit__expires_at"))
        | Q(permit__ended_at__isnull=False, at__gt=F("permit__ended_at")))
    rows = suspect.values(
        "pk", "at", "user_id", "user__agency_id", "user__agency__region_id", "record_id",
        "record__holding_agency_id", "record__holding_agency__region_id", "record__case__case_number",
        "permit_id", "permit__record_id", "permit__expires_at", "permit__ended_at", "permit__reference")
    causes = []
    for r in rows:
        fault = rules.read_out_of_scope(
            has_permit=r["permit_id"] is not None, record_id=r["record_id"], permit_record_id=r["permit__record_id"],
            at=r["at"], expires_at=r["permit__expires_at"], ended_at=r["permit__ended_at"])
        if fault is None:
            continue
        agency_id, region_id = r["user__agency_id"], r["user__agency__region_id"]
        if agency_id is None:  # an account of no agency: the holding agency's region supervises the read
            agency_id, region_id = r["record__holding_agency_id"], r["record__holding_agency__region_id"]
        causes.append(Cause(
            key=f"{rules.S_READ_SCOPE}:log:{r['pk']}", agency_id=agency_id, region_id=region_id,
            cause_date=r["at"].astimezone(_tz()).date(),
            facts={"fault": fault, "permit": r["permit__reference"] or "", "case_number": r["record__case__case_number"]},
            links={"access_log_id": r["pk"], "record_id": r["record_id"], "official_id": r["user_id"]},
            ongoing=False))
    return causes


# --- S-READ-VOLUME (policy) --------------------------------------------------------------------------------------

def read_volume(today: dt.date) -> list[Cause]:
    """One user's reads of sealed content in the policy's period ending ``today`` above the threshold. A
    disclosure in a query answer is the decision's, not a read: it does not count."""
    policy = current_oversight_policy()
    first, last = rules.read_window(today, policy.read_volume_period_days)
    counts = (AccessLog.objects.filter(at__gte=_day_start(first), at__lt=_day_start(last + dt.timedelta(days=1)))
              .exclude(action=AccessAction.DISCLOSED)
              .values("user_id", "user__agency_id", "user__agency__region_id")
              .annotate(reads=Count("pk"))
              .filter(reads__gt=policy.read_volume_threshold))
    return [Cause(
        key=f"{rules.S_READ_VOLUME}:user:{c['user_id']}", agency_id=c["user__agency_id"],
        region_id=c["user__agency__region_id"], cause_date=last,
        facts={"threshold": policy.read_volume_threshold, "period_days": policy.read_volume_period_days,
               "policy": policy.label},
        snapshot={"reads": c["reads"], "from": _iso(first), "to": _iso(last)},
        links={"official_id": c["user_id"]})
        for c in counts if rules.read_volume_exceeded(reads=c["reads"], threshold=policy.read_volume_threshold)]


# --- S-CALENDAR --------------------------------------------------------------------------------------------------

def calendar(today: dt.date) -> list[Cause]:
    """Next year's working-day calendar missing from 1 November (this year's, at any time). It concerns every
    agency's query deadlines: no agency, no region."""
    from queries.workdays import known_years

    return [Cause(key=f"{rules.S_CALENDAR}:{year}", agency_id=None, region_id=None,
                  cause_date=rules.calendar_due(year), facts={"year": year, "due": _iso(rules.calendar_due(year))})
            for year in rules.missing_calendar_years(today=today, known_years=known_years())]


# --- S-OBJECTION-LATE ----------------------------------------------------------------------------------------------

def objection_late(today: dt.date) -> list[Cause]:
    """Q-OBJECTION: an objection unanswered past its time limit in force (the extended one once extended), or
    answered after it."""
    base = Objection.objects.annotate(due_on=Coalesce("extended_deadline", "deadline"))
    fields = ("pk", "serial", "due_on", "request_id", "request__serial", "request__agency_id",
              "request__agency__region_id")
    unanswered = base.filter(status=ObjectionStatus.OPEN, due_on__lt=today).values(*fields)
    late = (base.filter(answered_at__isnull=False)
            .annotate(answered_on=TruncDate("answered_at", tzinfo=_tz()))
            .filter(answered_on__gt=F("due_on")).values(*fields, "answered_on"))
    causes = []
    for o in [*unanswered, *late]:
        answered = o.get("answered_on")
        if not rules.answered_late(deadline=o["due_on"], answered=answered, today=today):
            continue
        causes.append(Cause(
            key=f"{rules.S_OBJECTION_LATE}:objection:{o['pk']}", agency_id=o["request__agency_id"],
            region_id=o["request__agency__region_id"], cause_date=o["due_on"],
            facts={"objection": o["serial"], "request": o["request__serial"], "due": _iso(o["due_on"]),
                   "answered_on": _iso(answered)},
            links={"objection_id": o["pk"], "query_request_id": o["request_id"]}, ongoing=answered is None))
    return causes


# --- S-ORAL-REPEAT ---------------------------------------------------------------------------------------------

def oral_repeat(today: dt.date) -> list[Cause]:
    """Three oral corrections of the same kind at one agency within the year up to ``today`` and no written
    instrument since the last of them: the proposal to issue a correction notice (RULES.md §5 "Instruments").
    It lasts until a written instrument is issued to the agency or the oral corrections age out of the year."""
    since = rules.oral_repeat_since(today)
    orals = (Instrument.objects.filter(kind=InstrumentKind.ORAL, issued_on__gt=since, issued_on__lte=today)
             .exclude(state=InstrumentState.WITHDRAWN))
    finding_rules: dict[int, set] = {}
    for instrument_id, rule in Instrument.findings.through.objects.filter(
            instrument__in=orals).values_list("instrument_id", "finding__rule"):
        finding_rules.setdefault(instrument_id, set()).add(rule or "")
    rows = list(orals.values_list("pk", "agency_id", "issued_on", "serial"))
    agencies = {r[1] for r in rows}
    last_written = dict(
        Instrument.objects.filter(agency_id__in=agencies, issued_on__isnull=False, issued_on__lte=today)
        .exclude(kind=InstrumentKind.ORAL).values("agency_id").annotate(last=Max("issued_on"))
        .values_list("agency_id", "last"))
    regions = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "region_id"))
    proposals = rules.oral_repeats(((agency_id, finding_rules.get(pk, set()), issued_on, serial)
                                    for pk, agency_id, issued_on, serial in rows),
                                   last_written=last_written, as_of=today)
    return [Cause(
        key=f"{rules.S_ORAL_REPEAT}:agency:{p['agency_id']}:rule:{p['rule'] or 'free'}", agency_id=p["agency_id"],
        region_id=regions.get(p["agency_id"]), cause_date=p["last"],
        facts={"kind": p["rule"], "count": p["count"], "oral_corrections": p["serials"], "first": _iso(p["first"]),
               "last": _iso(p["last"])})
        for p in proposals]


SCANS = (
    (rules.S_UNSEALED, unsealed),
    (rules.S_UNDELIVERED, undelivered),
    (rules.S_OBS_OPEN, observation_open),
    (rules.S_QUERY_LATE, query_late),
    (rules.S_OVERRIDE, override),
    (rules.S_NO_BASIS, no_basis),
    (rules.S_READ_SCOPE, read_scope),
    (rules.S_READ_VOLUME, read_volume),
    (rules.S_CALENDAR, calendar),
    (rules.S_OBJECTION_LATE, objection_late),
    (rules.S_ORAL_REPEAT, oral_repeat),
)
assert tuple(rule for rule, _scan in SCANS) == rules.RULE_IDS
