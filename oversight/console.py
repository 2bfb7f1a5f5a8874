"""The supervisor's console (RULES.md §5): how the agencies of the supervisor's region and below keep the
sealing law, month by month, and the readable access log.

Pure reads: every selector takes the agencies in scope (``scope_agencies(user)``) and the period or the day
``as_of`` it counts up to; none reads the clock. Counts are aggregated in the database (one grouped query per
measure), never by loading the objects. No selector returns a person's name: rows carry agencies, months,
serial numbers and case numbers only.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_noop

from accounts.models import Agency, Region
from accounts.roles import AUDITOR
from queries.models import QueryRequest, QueryStatus
from sealing.models import AccessLog, FileStatus, Record, RecordSeal, SealingFile, SealingNotice
from sealing.permissions import is_procuratorate_supervisor
from sealing.selectors import RETRO_CUTOFF

from . import rules
from .models import Finding, Instrument, InstrumentReply, ReplyDecision, ReplyOutcome
from .permissions import can_supervise, supervised_region_ids

ACCESS_LOG_PERMISSION = "sealing.view_accesslog"


# --- who may read what -----------------------------------------------------------------------------------------

def is_auditor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.groups.filter(name=AUDITOR).exists()


def can_read_access_log(user) -> tuple[bool, str]:
    """Supervisors at a procuratorate read the reads of their region's users; auditors read every read."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(ACCESS_LOG_PERMISSION):
        return False, gettext_noop("Only supervisors at a procuratorate and auditors read the access log.")
    if is_auditor(user) or is_procuratorate_supervisor(user):
        return True, ""
    return False, gettext_noop("Only supervisors at a procuratorate and auditors read the access log.")


def scope_agencies(user) -> QuerySet[Agency]:
    """The agencies whose work the supervisor sees: its region's and every region's below; none for others."""
    if not can_supervise(user)[0]:
        return Agency.objects.none()
    return Agency.objects.filter(region_id__in=supervised_region_ids(user)).order_by("region__code", "name")


def access_log_for(user) -> QuerySet[AccessLog]:
    """The reads of sealed content the user may read: every one for an auditor, those of users of the
    supervised agencies for a supervisor, none for anyone else."""
    if not can_read_access_log(user)[0]:
        return AccessLog.objects.none()
    reads = AccessLog.objects.all()
    if not is_auditor(user):
        reads = reads.filter(user__agency__region_id__in=supervised_region_ids(user))
    return reads.order_by("-at", "-id")


# --- the period -------------------------------------------------------------------------------------------------

def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``first`` to ``last`` (both the first day of their month), inclusive."""

    first: dt.date
    last: dt.date

    def __post_init__(self):
        if self.first.day != 1 or self.last.day != 1 or self.first > self.last:
            raise ValueError("a period runs from the first of one month to the first of a later or equal month")

    @classmethod
    def ending(cls, as_of: dt.date, months: int = 12) -> Period:
        last = month_start(as_of)
        first = last
        for _ in range(months - 1):
            first = month_start(first - dt.timedelta(days=1))
        return cls(first, last)

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        return next_month(self.last)

    def months(self) -> list[dt.date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the project's time zone (Beijing)."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _month(value) -> dt.date:
    return value if type(value) is dt.date else value.date()


def _by(rows, key_fields: tuple[str, ...]) -> dict:
    out = {}
    for row in rows:
        key = tuple(_month(row[k]) if k == "month" else row[k] for k in key_fields)
        out[key] = {k: v for k, v in row.items() if k not in key_fields}
    return out


def _trunc(field_name: str):
    return TruncMonth(field_name, output_field=DateField())


# --- measures per agency and month ----------------------------------------------------------------------------

def copies_sealed(agencies, period: Period) -> dict:
    """{(agency id, month): {"on_time": n, "late": n}}: notices whose copy the agency sealed in the month, on
    time when sealed on or before the deadline day (Beijing date), late when after it."""
    rows = (SealingNotice.objects
            .filter(to_agency__in=agencies, withdrawn_at__isnull=True, copy_sealed_at__isnull=False,
                    copy_sealed_at__date__gte=period.first, copy_sealed_at__date__lt=period.end)
            .annotate(month=_trunc("copy_sealed_at")).values("to_agency_id", "month")
            .annotate(on_time=Count("pk", filter=Q(deadline__isnull=True) | Q(copy_sealed_at__date__lte=F("deadline"))),
                      late=Count("pk", filter=Q(copy_sealed_at__date__gt=F("deadline")))))
    return _by(rows, ("to_agency_id", "month"))


def queries_answered(agencies, period: Period, *, as_of: dt.date) -> dict:
    """{(agency id, month received): {"received": n, "late": n}}: late when answered after the deadline or
    still unanswered with the deadline passed as of ``as_of`` (Q-DEADLINE)."""
    answered_late = Q(status=QueryStatus.DECIDED, decided_at__isnull=False, decided_at__date__gt=F("deadline"))
    unanswered_late = ~Q(status=QueryStatus.DECIDED) & Q(deadline__lt=as_of)
    rows = (QueryRequest.objects
            .filter(agency__in=agencies, received__gte=period.first, received__lt=period.end)
            .annotate(month=_trunc("received")).values("agency_id", "month")
            .annotate(received_count=Count("pk"), late=Count("pk", filter=answered_late | unanswered_late)))
    return _by(rows, ("agency_id", "month"))


def overrides_and_disclosures(agencies, period: Period) -> dict:
    """{(agency id, month decided): {"overrides": n, "disclosures": n}}: answers that departed from the
    recommendation (Q-OVERRIDE), and records disclosed by the answers."""
    decided = QueryRequest.objects.filter(agency__in=agencies, status=QueryStatus.DECIDED,
                                          decided_at__date__gte=period.first, decided_at__date__lt=period.end)
    out: dict = defaultdict(lambda: {"overrides": 0, "disclosures": 0})
    for row in (decided.filter(departs_from_recommendation=True).annotate(month=_trunc("decided_at"))
                .values("agency_id", "month").annotate(n=Count("pk"))):
        out[(row["agency_id"], _month(row["month"]))]["overrides"] = row["n"]
    through = QueryRequest.disclosed.through
    for row in (through.objects.filter(queryrequest__in=decided)
                .annotate(month=_trunc("queryrequest__decided_at"))
                .values("queryrequest__agency_id", "month").annotate(n=Count("pk"))):
        out[(row["queryrequest__agency_id"], _month(row["month"]))]["disclosures"] = row["n"]
    return dict(out)


def reads_of_sealed_content(agencies, period: Period) -> dict:
    """{(agency id of the reader, month): {"reads": n}} from the access log."""
    rows = (AccessLog.objects
            .filter(user__agency__in=agencies, at__gte=day_start(period.first), at__lt=day_start(period.end))
            .annotate(month=_trunc("at")).values("user__agency_id", "month").annotate(reads=Count("pk")))
    return _by(rows, ("user__agency_id", "month"))


def instruments_issued(agencies, period: Period) -> dict:
    """{(agency addressed, month issued): {"issued": n}}: instruments issued to the agency in the month (a
    draft is not issued; an instrument withdrawn after review still was)."""
    rows = (Instrument.objects
            .filter(agency__in=agencies, issued_on__gte=period.first, issued_on__lt=period.end)
            .annotate(month=_trunc("issued_on")).values("agency_id", "month").annotate(issued=Count("pk")))
    return _by(rows, ("agency_id", "month"))


def instruments_replied(agencies, period: Period) -> dict:
    """{(agency addressed, month of the first reply): {"replied", "replied_on_time", "adopted", "partly"}}.

    Instruments are counted, not replies, so that over time "replied" never exceeds "issued": an instrument
    counts once, in the month of its first written reply, even when that reply was rejected and the agency
    answered again. "Replied on time" is that first reply's: whether the agency answered by the deadline the
    instrument set (a new deadline after a rejection does not mend a late first answer). "Adopted" and
    "partly adopted" (counted apart; "not adopted" is the rest) are the outcome of the reply that stands today:
    the latest reply the procuratorate has not rejected (accepted or awaiting its decision); an instrument
    whose last reply was rejected and not yet answered again counts as neither."""
    standing = (InstrumentReply.objects.filter(instrument_id=OuterRef("instrument_id"))
                .exclude(decision=ReplyDecision.REJECTED).order_by("-replied_on", "-pk").values("outcome")[:1])
    earlier = InstrumentReply.objects.filter(instrument_id=OuterRef("instrument_id"), pk__lt=OuterRef("pk"))
    rows = (InstrumentReply.objects
            .filter(instrument__agency__in=agencies, replied_on__gte=period.first, replied_on__lt=period.end)
            .exclude(Exists(earlier))
            .annotate(standing=Subquery(standing), month=_trunc("replied_on"))
            .values("instrument__agency_id", "month")
            .annotate(replied=Count("pk"), replied_on_time=Count("pk", filter=Q(on_time=True)),
                      adopted=Count("pk", filter=Q(standing=ReplyOutcome.ADOPTED)),
                      partly=Count("pk", filter=Q(standing=ReplyOutcome.PARTLY))))
    return _by(rows, ("instrument__agency_id", "month"))


# the MonthRow fields each measure fills: (field, measure's key)
_MEASURE_FIELDS = {
    "sealed": (("on_time", "on_time"), ("late", "late")),
    "queries": (("queries", "received_count"), ("queries_late", "late")),
    "decided": (("overrides", "overrides"), ("disclosures", "disclosures")),
    "reads": (("reads", "reads"),),
    "issued": (("issued", "issued"),),
    "replied": (("replied", "replied"), ("replied_on_time", "replied_on_time"), ("adopted", "adopted"),
                ("partly", "partly")),
}


@dataclass
class MonthRow:
    agency: Agency
    month: dt.date
    on_time: int = 0
    late: int = 0
    queries: int = 0
    queries_late: int = 0
    overrides: int = 0
    disclosures: int = 0
    reads: int = 0
    issued: int = 0  # instruments issued to the agency
    replied: int = 0  # instruments first replied to (instruments_replied)
    replied_on_time: int = 0
    adopted: int = 0
    partly: int = 0

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for fields in _MEASURE_FIELDS.values() for name, _key in fields)


def monthly(agencies, period: Period, *, as_of: dt.date) -> list[MonthRow]:
    """One row per agency and month of the period with anything to count, agency by agency, month by month."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    measures = {
        "sealed": copies_sealed(ids, period),
        "queries": queries_answered(ids, period, as_of=as_of),
        "decided": overrides_and_disclosures(ids, period),
        "reads": reads_of_sealed_content(ids, period),
        "issued": instruments_issued(ids, period),
        "replied": instruments_replied(ids, period),
    }
    rows = []
    for agency in agencies:
        for month in period.months():
            key = (agency.pk, month)
            values = {name: measures[measure].get(key, {}).get(k, 0)
                      for measure, fields in _MEASURE_FIELDS.items() for name, k in fields}
            row = MonthRow(agency=agency, month=month, **values)
            if not row.empty:
                rows.append(row)
    return rows


def month_totals(rows: list[MonthRow], period: Period) -> list[dict]:
    """Per month of the period: copies sealed on time and late (the chart's bars)."""
    totals = {m: {"month": m, "on_time": 0, "late": 0} for m in period.months()}
    for row in rows:
        totals[row.month]["on_time"] += row.on_time
        totals[row.month]["late"] += row.late
    return list(totals.values())


# --- the state as of a day -----------------------------------------------------------------------------------

def _policy_versions() -> list:
    """Every sealing policy version, the one in force first (an unsaved default when there is none)."""
    from sealing.models import SealingPolicy

    return list(SealingPolicy.objects.order_by("-version")) or [SealingPolicy()]


def _per_policy_version(condition, versions: list | None = None) -> Q:
    """``condition(days)`` with the notice delivery days of the policy version each notice's file was decided
    under (the version in force for a file decided under none), as oversight.scans.undelivered takes them."""
    versions = versions if versions is not None else _policy_versions()
    q = Q(sealing_file__policy__isnull=True) & condition(versions[0].notice_delivery_days)
    for policy in versions:
        if policy.pk is not None:
            q |= Q(sealing_file__policy_id=policy.pk) & condition(policy.notice_delivery_days)
    return q


def _undelivered_q(as_of: dt.date, versions: list | None = None) -> Q:
    """Sent so long before ``as_of`` that the days of delivery are up (J-WHEN-RECEIPT, rules.undelivered)."""
    return _per_policy_version(lambda days: Q(sent_on__lt=rules.started_before(as_of, days)), versions)


def _received_late_q(versions: list | None = None) -> Q:
    """Received more than the days of delivery after sending (J-WHEN-RECEIPT, rules.undelivered)."""
    return _per_policy_version(lambda days: Q(received_on__isnull=False,
                                              received_on__gt=F("sent_on") + dt.timedelta(days=days)), versions)


def overdue_notices(agencies, *, as_of: dt.date) -> QuerySet[SealingNotice]:
    """Notices in force whose deadline passed before ``as_of`` with the copy still open (应封未封)."""
    return (SealingNotice.objects.overdue(as_of).filter(to_agency__in=agencies)
            .select_related("to_agency", "from_agency", "sealing_file__defendant__case").order_by("deadline", "pk"))


def undelivered_notices(agencies, *, as_of: dt.date) -> QuerySet[SealingNotice]:
    """Notices in force not yet received although the policy's days of delivery have passed."""
    return (SealingNotice.objects.unacknowledged().filter(to_agency__in=agencies).filter(_undelivered_q(as_of))
            .select_related("to_agency", "from_agency", "sealing_file__defendant__case").order_by("sent_on", "pk"))


def retro_open_copies(agencies) -> QuerySet[Record]:
    """J-RETRO backlog: copies still open of juvenile files found eligible, judgment effective before 2013."""
    return Record.objects.filter(
        holding_agency__in=agencies, seal__isnull=True,
        defendant__sealing_file__regime="juvenile", defendant__sealing_file__eligible=True,
        defendant__judgment_effective_date__lt=RETRO_CUTOFF,
    ).exclude(defendant__sealing_file__status=FileStatus.UNSEALED)


def retro_burndown(agencies, period: Period, *, as_of: dt.date) -> list[dict]:
    """Per month: J-RETRO copies sealed in the month and the backlog left at the end of it (the open copies
    now plus those sealed after the month; a month after ``as_of`` is not drawn)."""
    open_now = retro_open_copies(agencies).count()
    seals = RecordSeal.objects.filter(
        record__holding_agency__in=agencies, lifted_at__isnull=True,
        sealing_file__regime="juvenile", sealing_file__eligible=True,
        record__defendant__judgment_effective_date__lt=RETRO_CUTOFF)
    by_month = {_month(r["month"]): r["n"] for r in seals.filter(sealed_at__date__gte=period.first)
                .annotate(month=_trunc("sealed_at")).values("month").annotate(n=Count("pk"))}
    out = []
    for month in period.months():
        if month > as_of:
            break
        later = sum(n for m, n in by_month.items() if m > month)
        out.append({"month": month, "sealed": by_month.get(month, 0), "left": open_now + later})
    return out


@dataclass
class AgencyNow:
    agency: Agency
    overdue: int = 0
    undelivered: int = 0
    retro_open: int = 0
    observing: int = 0
    observation_ended: int = 0

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.undelivered or self.retro_open or self.observing or self.observation_ended)


def _count_by(qs: QuerySet, field_name: str) -> dict:
    return {r[field_name]: r["n"] for r in qs.values(field_name).annotate(n=Count("pk", distinct=True))}


def as_of_state(agencies, *, as_of: dt.date) -> list[AgencyNow]:
    """Per agency as of ``as_of``: notices overdue and undelivered, J-RETRO copies open, observation periods
    running (files under observation, ending on or after ``as_of``) and ended with the file not final."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    overdue = _count_by(overdue_notices(ids, as_of=as_of), "to_agency_id")
    undelivered = _count_by(undelivered_notices(ids, as_of=as_of), "to_agency_id")
    retro = _count_by(retro_open_copies(ids), "holding_agency_id")
    observing = SealingFile.objects.filter(defendant__case__agency_id__in=ids, status=FileStatus.OBSERVING)
    running = _count_by(observing.filter(observation_end__gte=as_of), "defendant__case__agency_id")
    ended = _count_by(observing.filter(observation_end__lt=as_of), "defendant__case__agency_id")
    rows = [AgencyNow(agency=a, overdue=overdue.get(a.pk, 0), undelivered=undelivered.get(a.pk, 0),
                      retro_open=retro.get(a.pk, 0), observing=running.get(a.pk, 0),
                      observation_ended=ended.get(a.pk, 0)) for a in agencies]
    return [r for r in rows if not r.empty]


@dataclass
class NoticeRow:
    """One holding agency's line of the seal matrix, summed over the notices sent to it in a period."""

    agency: Agency
    sent: int = 0
    received: int = 0
    received_late: int = 0
    not_received: int = 0
    sealed: int = 0
    copies_sealed: int = 0
    overdue: int = 0


def notices_by_agency(agencies, period: Period, *, as_of: dt.date) -> list[NoticeRow]:
    """The seal matrix (sealing.selectors.seal_matrix, one file's) per holding agency: of the notices in force
    sent to the agency in the period (withdrawn ones left out), how many it received, received late (beyond the
    days of delivery of the file's policy version), has not received with those days up as of ``as_of``,
    answered with its seal, and leaves overdue as of ``as_of`` (应封未封, overdue_notices); and how many record
    copies of the notified files it sealed, on the notice or from the file page (a seal later lifted by an
    unsealing or revocation still counts: the agency did what the notice asked). Agencies with no notice sent
    in the period have no row. The same few grouped queries whatever the number of agencies."""
    agencies = list(agencies)
    ids = [a.pk for a in agencies]
    versions = _policy_versions()
    sent = SealingNotice.objects.filter(to_agency_id__in=ids, withdrawn_at__isnull=True,
                                        sent_on__gte=period.first, sent_on__lt=period.end)
    counts = {r["to_agency_id"]: r for r in sent.values("to_agency_id").annotate(
        n_sent=Count("pk"), n_received=Count("pk", filter=Q(received_on__isnull=False)),
        n_received_late=Count("pk", filter=_received_late_q(versions)),
        n_sealed=Count("pk", filter=Q(copy_sealed_at__isnull=False)))}
    not_received = _count_by(sent.unacknowledged().filter(_undelivered_q(as_of, versions)), "to_agency_id")
    overdue = _count_by(sent.overdue(as_of), "to_agency_id")
    notified = sent.filter(sealing_file_id=OuterRef("sealing_file_id"), to_agency_id=OuterRef("record__holding_agency_id"))
    copies = _count_by(RecordSeal.objects.filter(record__holding_agency_id__in=ids).filter(Exists(notified)),
                       "record__holding_agency_id")
    rows = []
    for agency in agencies:
        c = counts.get(agency.pk)
        if c is None:
            continue
        rows.append(NoticeRow(agency=agency, sent=c["n_sent"], received=c["n_received"],
                              received_late=c["n_received_late"], not_received=not_received.get(agency.pk, 0),
                              sealed=c["n_sealed"], copies_sealed=copies.get(agency.pk, 0),
                              overdue=overdue.get(agency.pk, 0)))
    return rows


def open_findings_by_rule(agencies) -> list[dict]:
    """Open findings about the agencies in scope, by rule: [{"rule": id, "n": count}] (rule order)."""
    counts = _count_by(Finding.objects.open().filter(agency__in=agencies), "rule")
    return [{"rule": rule, "n": counts[rule]} for rule in rules.RULE_IDS if counts.get(rule)]


# --- rolling up by region ---------------------------------------------------------------------------------------

@dataclass
class RegionGroup:
    """A console row standing for every agency of one region right below the region shown: the province's
    supervisor reads its cities, not its five hundred agencies, and drills down by choosing one."""

    region: Region
    agencies: int = 0
    is_group = True

    @property
    def pk(self) -> int:
        return self.region.pk

    @property
    def name(self) -> str:
        return self.region.name


class RegionTree:
    """Every region, read once per request (a country has a few thousand): what lies below a region and which of
    a region's children an agency lies in, without a query per level."""

    def __init__(self):
        self.regions = {r.pk: r for r in Region.objects.all()}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for region in self.regions.values():
            self.children[region.parent_id].append(region.pk)

    def below(self, pk: int) -> list[int]:
        """The region and every region under it."""
        found, frontier = [pk], [pk]
        while frontier:
            frontier = [child for parent in frontier for child in self.children.get(parent, ())]
            found.extend(frontier)
        return found

    def child_towards(self, top: int, pk: int) -> int | None:
        """The child of ``top`` on the way down to region ``pk``; None for ``top`` itself or a region outside it."""
        while pk in self.regions and pk != top:
            parent = self.regions[pk].parent_id
            if parent == top:
                return pk
            pk = parent
        return None


def region_groups(agencies, top: Region, tree: RegionTree) -> dict[int, RegionGroup]:
    """agency id -> the group of the region right below ``top`` the agency lies in (at any depth). Agencies of
    ``top`` itself have no group: they keep rows of their own."""
    groups: dict[int, RegionGroup] = {}
    found: dict[int, RegionGroup] = {}
    for agency in agencies:
        child = tree.child_towards(top.pk, agency.region_id)
        if child is None:
            continue
        group = groups.setdefault(child, RegionGroup(region=tree.regions[child]))
        group.agencies += 1
        found[agency.pk] = group
    return found


def roll_up(rows: list, groups: dict[int, RegionGroup]) -> list:
    """Rows of agencies (MonthRow, AgencyNow, NoticeRow) with those of a group summed into one row per group
    (and month): the agencies' own rows first, then the groups in region-code order."""
    own, grouped = [], {}
    for row in rows:
        group = groups.get(row.agency.pk)
        if group is None:
            own.append(row)
            continue
        key = (group.region.code, getattr(row, "month", None))
        total = grouped.get(key)
        if total is None:
            grouped[key] = replace(row, agency=group)
            continue
        for f in fields(row):
            if f.name not in ("agency", "month"):
                setattr(total, f.name, getattr(total, f.name) + getattr(row, f.name))
    return own + [grouped[key] for key in sorted(grouped, key=lambda k: (k[0], k[1] or dt.date.min))]


# --- the chart -------------------------------------------------------------------------------------------------

@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: str
    label: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    maximum: int = 0


def stacked_bars(totals: list[dict], series: tuple[str, ...] = ("on_time", "late"), *, width: int = 720,
                 height: int = 220, label_height: int = 20) -> Chart:
    """Geometry of a stacked bar chart (one column per month, one bar per series, bottom up), for a template to
    draw as inline SVG. A zero value draws no bar."""
    chart = Chart(width=width, height=height)
    if not totals:
        return chart
    chart.maximum = max(sum(t[s] for s in series) for t in totals)
    slot = width / len(totals)
    bar_width = max(slot * 0.6, 1)
    plot = height - label_height
    for i, total in enumerate(totals):
        x = i * slot + (slot - bar_width) / 2
        base = plot
        for name in series:
            value = total[name]
            if value and chart.maximum:
                h = plot * value / chart.maximum
                base -= h
                chart.bars.append(Bar(x=round(x, 1), y=round(base, 1), width=round(bar_width, 1),
                                      height=round(h, 1), value=value, series=name,
                                      label=total["month"].strftime("%Y-%m")))
        chart.labels.append((round(i * slot + slot / 2, 1), total["month"].strftime("%Y-%m")))
    return chart
