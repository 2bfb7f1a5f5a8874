"""Permission-scoped reads shared by the views.

Ordinary access is scoped by the agency foreign key (indexed); guardian's direct foreign-key
object permissions carry the exceptions (another agency's user on a joint case, permits).
"""
from __future__ import annotations

import datetime as dt
import re

from django.db.models import Case as Cases, Q, QuerySet, Value, When

from accounts.models import Region
from common.validation import pks

from . import disclosure
from .permissions import is_procuratorate_supervisor
from .rules.files import j_cover
from .models import (
    HIDDEN_STATES, Case, CaseUserObjectPermission, Charge, Defendant, FileStatus, Record, RecordUserObjectPermission,
    SealingFile,
)


def _supervised_agency_filter(user, field: str) -> Q | None:
    """A supervisor at a procuratorate reads the cases of every agency of its region and those below;
    a "supervisor" of a court, police or justice bureau supervises nothing (RULES.md §5)."""
    if not is_procuratorate_supervisor(user):
        return None
    region_ids = Region.objects.get(pk=user.agency.region_id).descendant_ids()
    return Q(**{f"{field}__region_id__in": region_ids})


def _union(*parts: QuerySet) -> QuerySet:
    """One subquery of ids, the union of the scope's parts: each part reads its own index (the agency's cases,
    the copies it holds, the user's grants), where an OR of them keeps PostgreSQL on a scan of the whole table."""
    first, *rest = [part.order_by() for part in parts]
    return first.union(*rest) if rest else first


def cases_for(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("agency", "agency__region")
    if not user.is_authenticated or not user.has_perm("sealing.view_case"):
        return qs.none()
    if user.is_superuser:
        return qs
    parts = [CaseUserObjectPermission.objects.filter(user=user, permission__codename="view_case").values(
        "content_object_id")]
    if user.agency_id is not None:
        parts += [Case.objects.filter(agency_id=user.agency_id).values("pk"),
                  Record.objects.filter(holding_agency_id=user.agency_id).values("case_id")]
    scope = Q(pk__in=_union(*parts))
    supervised = _supervised_agency_filter(user, "agency")
    if supervised is not None:
        scope |= supervised
    return qs.filter(scope)


def listed_cases(user) -> QuerySet[Case]:
    """Cases for lists, searches and counts: a case all of whose defendants are hidden is absent, so a
    sealed-only person looks exactly like a person with no record. The handling agency reaches those
    files, masked, through its work queue (``hidden_files``)."""
    return disclosure.without_hidden_only_cases(cases_for(user))


def case_for_change(user, pk) -> QuerySet[Case]:
    """Cases this user may edit: those its own agency handles."""
    if not user.has_perm("sealing.change_case") or user.agency_id is None:
        return Case.objects.none()
    return Case.objects.filter(pk=pk, agency_id=user.agency_id)


def records_for(user) -> QuerySet[Record]:
    qs = Record.objects.select_related("case", "holding_agency", "defendant__person", "defendant__sealing_file", "seal")
    if not user.is_authenticated or not user.has_perm("sealing.view_record"):
        return qs.none()
    if user.is_superuser:
        return qs
    # Grants are rare and read first (their ids, usually none): the scope is then an OR of indexed columns, and
    # the records list walks the agency's (holding agency, date) index and stops at its page.
    granted = list(RecordUserObjectPermission.objects.filter(user=user, permission__codename="view_record")
                   .values_list("content_object_id", flat=True))
    scope = Q(pk__in=granted)
    if user.agency_id is not None:
        scope |= Q(holding_agency_id=user.agency_id)
    supervised = _supervised_agency_filter(user, "holding_agency")
    if supervised is not None:
        scope |= supervised
    return qs.filter(scope)


def listed_records(user) -> QuerySet[Record]:
    """Record copies for lists and counts: hidden copies are absent (a permit holder finds them under
    "disclosed to me")."""
    return disclosure.without_hidden_records(records_for(user))


def records_for_change(user) -> QuerySet[Record]:
    if not user.has_perm("sealing.change_record") or user.agency_id is None:
        return Record.objects.none()
    return Record.objects.filter(holding_agency_id=user.agency_id)


def defendants_of(case: Case) -> QuerySet[Defendant]:
    return case.defendants.select_related("person", "sealing_file").prefetch_related("charges").order_by(
        "position", "id"
    )


def charge_catalogue() -> QuerySet[Charge]:
    return Charge.objects.all()


CHARGE_MATCHES = 20  # a picker's list: enough to choose from, short enough to read


def matching_charges(term: str, limit: int = CHARGE_MATCHES) -> list[Charge]:
    """The charges a picker offers for what was typed: by name ("盗窃") or by article ("264", "133-1",
    "第二百六十四条"); the exact name first, then names that start with it, then the rest in catalogue order."""
    term = term.strip()
    if not term:
        return []
    by_article = Q(article_zh__icontains=term)
    if term.replace("-", "").isascii() and term.replace("-", "").isdigit():
        by_article |= Q(article=term) | Q(article__startswith=term)
    rank = Cases(
        When(name__in=[term, term + "罪"], then=Value(0)),
        When(article=term, then=Value(1)),
        When(name__startswith=term, then=Value(2)),
        When(name__icontains=term, then=Value(3)),
        default=Value(4),
    )
    matches = (Charge.objects.filter(Q(name__icontains=term) | by_article).annotate(rank=rank)
               .order_by("rank", *Charge._meta.ordering))
    return list(matches.only("pk", "name", "article_zh")[:limit])


TYPED_SEPARATORS = re.compile(r"[,，、;；\n]+")


def charges_named(typed: str) -> tuple[list[Charge], list[str]]:
    """The charges named in a typed text (names or articles, separated by commas or 、): each one whose name, its
    name without 罪, or its article matches exactly, or that is the only match. Returns (charges, the names that
    named none or several)."""
    found, unknown = [], []
    for name in (part.strip() for part in TYPED_SEPARATORS.split(typed or "")):
        if not name:
            continue
        matches = matching_charges(name, limit=2)
        exact = [c for c in matches if c.rank <= 1]
        if exact or len(matches) == 1:
            found.append((exact or matches)[0])
        else:
            unknown.append(name)
    return found, unknown


def charges_by_pk(values) -> dict[int, Charge]:
    """The catalogue charges among posted keys (any number of forms' ``charges``), read at once: the forms then
    check their choices against it instead of a query each."""
    wanted = set(pks(values))
    return Charge.objects.in_bulk(wanted) if wanted else {}


def files_for(user) -> QuerySet[SealingFile]:
    return SealingFile.objects.filter(defendant__case__in=cases_for(user)).select_related(
        "defendant__person", "defendant__case__agency", "policy"
    )


def _agency_files(user) -> QuerySet[SealingFile]:
    """The base of an agency's work queues, each of which selects only files the agency reaches by itself (a copy
    it holds, a case it handles, a notice to it): the same rows and related rows as ``files_for`` without
    evaluating the user's whole case scope for each of them."""
    if user.agency_id is None or not user.is_authenticated or not user.has_perm("sealing.view_case"):
        return SealingFile.objects.none()
    return SealingFile.objects.select_related("defendant__person", "defendant__case__agency", "policy").defer(
        "decision")


def seal_queue(user, today) -> QuerySet[SealingFile]:
    """Copies to seal: files whose records must be hidden by now while a copy this agency holds is still open,
    or whose sealing notice to this agency still waits for the agency's seal. The file's legal status and the
    state of the agency's copy are two things: the page shows both (``copy_states``)."""
    files = _agency_files(user)
    if user.agency_id is None:
        return files
    agency_id = user.agency_id
    own_open = Record.objects.filter(holding_agency_id=agency_id, seal__isnull=True)
    by_copy = own_open.filter(defendant__isnull=False).values("defendant__sealing_file")
    # whole-case copies are covered once every defendant is hidden (rules.files.covers_record)
    whole_case = own_open.filter(defendant__isnull=True).exclude(disclosure.open_defendant_exists("case_id"))
    by_case = SealingFile.objects.filter(defendant__case_id__in=whole_case.values("case_id")).values("pk")
    # A file the agency holds a copy of is one it sees (cases_for); a noticed file without a copy here is in the
    # queue when the agency reaches its case otherwise (handles it, a grant, supervision): tested on the few
    # open notices themselves, not by evaluating the user's whole scope.
    reach = (Q(sealing_file__defendant__case__agency_id=agency_id)
             | Q(sealing_file__defendant__case__records__holding_agency_id=agency_id)
             | Q(sealing_file__defendant__case_id__in=CaseUserObjectPermission.objects.filter(
                 user=user, permission__codename="view_case").values("content_object_id")))
    supervised = _supervised_agency_filter(user, "sealing_file__defendant__case__agency")
    if supervised is not None:
        reach |= supervised
    noticed = SealingNotice.objects.filter(to_agency_id=agency_id).open().filter(reach).values("sealing_file_id")
    return (files.filter(status__in=HIDDEN_STATES, seal_date__lte=today, pk__in=_union(by_copy, by_case, noticed))
            .order_by("seal_date", "pk"))


def hidden_files(user) -> QuerySet[SealingFile]:
    """The handling agency's hidden files (masked on every page): where its clerks record events and
    unsealing grounds."""
    return (_agency_files(user).filter(status__in=HIDDEN_STATES, defendant__case__agency_id=user.agency_id)
            .order_by("seal_date", "pk"))


def exception_queue(user) -> QuerySet[SealingFile]:
    """Undetermined files of cases this agency handles: a clerk must supply the missing facts."""
    return (_agency_files(user).filter(status=FileStatus.UNDETERMINED, defendant__case__agency_id=user.agency_id)
            .order_by("facts_due", "pk"))


RETRO_CUTOFF = dt.date(2013, 1, 1)


def retroactive_sweep(user) -> QuerySet[SealingFile]:
    """J-RETRO: juvenile cases closed before 2013 that meet the conditions, with a copy here still open."""
    open_copies = Record.objects.filter(holding_agency_id=user.agency_id, seal__isnull=True).values("defendant_id")
    return (
        _agency_files(user)
        .filter(regime="juvenile", eligible=True, defendant__judgment_effective_date__lt=RETRO_CUTOFF,
                defendant_id__in=open_copies)
        .exclude(status=FileStatus.UNSEALED)
        .order_by("defendant__judgment_effective_date", "pk")  # a unique key last: pages never overlap
    )


def copies_of(file: SealingFile) -> QuerySet[Record]:
    return Record.objects.filter(case_id=file.defendant.case_id).filter(
        Q(defendant_id=file.defendant_id) | Q(defendant__isnull=True)
    ).select_related("holding_agency", "seal__sealed_by").order_by("holding_agency__name", "pk")


def has_sealed_juvenile_codefendant(file: SealingFile) -> bool:
    """J-COVER (rules.files.j_cover): the case also holds a juvenile's hidden record."""
    others = SealingFile.objects.filter(defendant__case_id=file.defendant.case_id).exclude(pk=file.pk)
    return j_cover(file.regime, others.values_list("regime", "status"))


# --- Sealing notices (J-WHEN, J-WHEN-RECEIPT): the agencies' inboxes, the copy state, the seal matrix ------

from dataclasses import dataclass  # noqa: E402  (this section's own imports, kept with it)

from django.db.models import Case as CaseWhen, IntegerField, Value, When  # noqa: E402

from .models import NoticeBasis, RecordSeal, SealingNotice  # noqa: E402
from .rules.files import copy_overdue, covers_record, own_seal_deadline, seal_overdue, undelivered  # noqa: E402


def notices_for(user) -> QuerySet:
    """Notices this user may open: those sent or addressed to the user's agency, and for a procuratorate
    supervisor those of every agency it supervises. Names on them still pass the gate."""
    qs = SealingNotice.objects.select_related(
        "sealing_file__defendant__person", "sealing_file__defendant__case__agency", "sealing_file__policy",
        "from_agency", "to_agency", "received_by", "copy_sealed_by")
    if not user.is_authenticated or not user.has_perm("sealing.view_sealingnotice"):
        return qs.none()
    if user.is_superuser:
        return qs
    scope = Q(pk__in=[])
    if user.agency_id is not None:
        scope |= Q(to_agency_id=user.agency_id) | Q(from_agency_id=user.agency_id)
    if is_procuratorate_supervisor(user):
        regions = Region.objects.get(pk=user.agency.region_id).descendant_ids()
        scope |= Q(to_agency__region_id__in=regions) | Q(from_agency__region_id__in=regions)
    return qs.filter(scope)


def _addressed(user) -> QuerySet:
    if user.agency_id is None:
        return SealingNotice.objects.none()
    return notices_for(user).filter(to_agency_id=user.agency_id, withdrawn_at__isnull=True)


def notices_to_act_on(user, today: dt.date) -> QuerySet:
    """The agency's inbox: notices to acknowledge (签收) and copies to seal. A community-correction agency's
    notice waits (``notices_awaiting_execution``) once acknowledged until the sentence is fully executed.
    Overdue first (the longest overdue at the top), then those still to acknowledge, then by deadline."""
    due = Q(received_at__isnull=True) | Q(basis=NoticeBasis.RECEIPT) | Q(execution_end__lte=today)
    urgency = CaseWhen(When(deadline__lt=today, then=Value(0)), When(received_at__isnull=True, then=Value(1)),
                       default=Value(2), output_field=IntegerField())
    return (_addressed(user).filter(copy_sealed_at__isnull=True).filter(due).annotate(urgency=urgency)
            .order_by("urgency", "deadline", "sent_on", "pk"))


def notices_awaiting_execution(user, today: dt.date) -> QuerySet:
    """Acknowledged notices whose copy is sealed only after the community sentence ends (J-WHEN-RECEIPT)."""
    return (_addressed(user)
            .filter(copy_sealed_at__isnull=True, received_at__isnull=False, basis=NoticeBasis.EXECUTION)
            .filter(Q(execution_end__isnull=True) | Q(execution_end__gt=today))
            .order_by("execution_end", "pk"))


def notices_sealed_here(user) -> QuerySet:
    return _addressed(user).filter(copy_sealed_at__isnull=False).order_by("-copy_sealed_at", "-pk")


def notices_sent(user) -> QuerySet:
    """What the user's agency sent, and where each stands: copies still open after receipt first (the longest
    overdue at the top), then notices not yet received, then those sealed, newest first."""
    if user.agency_id is None:
        return SealingNotice.objects.none()
    done = CaseWhen(When(copy_sealed_at__isnull=False, then=Value(2)), When(withdrawn_at__isnull=False, then=Value(3)),
                    When(received_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (notices_for(user).filter(from_agency_id=user.agency_id).annotate(done=done)
            .order_by("done", "deadline", "-sent_on", "-pk"))


@dataclass(frozen=True)
class Deadline:
    """Where a date to meet stands today: days left (0 = today is the last day) or days overdue."""

    date: dt.date | None
    done: bool
    today: dt.date

    @property
    def overdue(self) -> bool:
        return copy_overdue(deadline=self.date, sealed=self.done, today=self.today)

    @property
    def days_overdue(self) -> int:
        return (self.today - self.date).days if self.overdue else 0

    @property
    def days_left(self) -> int | None:
        if self.done or self.date is None or self.overdue:
            return None
        return (self.date - self.today).days


def notice_deadline(notice, today: dt.date) -> Deadline:
    return Deadline(date=notice.deadline, done=notice.copy_sealed_at is not None, today=today)


def seal_deadline(file: SealingFile, agency_id, today: dt.date) -> Deadline | None:
    """The date by which ``agency_id`` must seal its copies of the file: its sealing notice's deadline, or for
    the deciding agency J-WHEN's (rules.files.own_seal_deadline); None when no limit applies."""
    notice = SealingNotice.objects.filter(sealing_file=file, to_agency_id=agency_id, withdrawn_at__isnull=True).first()
    if notice is not None:
        return notice_deadline(notice, today)
    if file.defendant.case.agency_id != agency_id:
        return None
    date = own_copies_deadline(file)
    return Deadline(date=date, done=False, today=today) if date else None


def own_copies_deadline(file: SealingFile) -> dt.date | None:
    """J-WHEN's last day for the deciding agency's own copies of ``file`` (rules.files.own_seal_deadline, under the
    file's policy); None for an adult file or a file decided under no policy."""
    if file.policy is None:
        return None
    return own_seal_deadline(regime=file.regime, seal_date=file.seal_date,
                             within_days=file.policy.juvenile_seal_within_days)


def active_seals_by_agency(file: SealingFile) -> list[tuple[object, list[Record]]]:
    """The copies an unsealing opens again: every agency's copies under an active seal of the file, by agency."""
    by_agency: dict[int, tuple[object, list]] = {}
    seals = (file.seals.filter(lifted_at__isnull=True).select_related("record__holding_agency")
             .order_by("record__holding_agency__name", "record_id"))
    for seal in seals:
        agency = seal.record.holding_agency
        by_agency.setdefault(agency.pk, (agency, []))[1].append(seal.record)
    return list(by_agency.values())


def notice_undelivered(notice, today: dt.date) -> bool:
    """J-WHEN-RECEIPT: not received within the policy's days of sending (rules.files.undelivered)."""
    from .policy import current_policy_version

    if notice.withdrawn_at is not None:
        return False
    days = (notice.sealing_file.policy or current_policy_version(today)).notice_delivery_days
    return undelivered(sent_on=notice.sent_on, received_on=notice.received_on, today=today, days=days)


def _covered_open_counts(agency_ids, files) -> dict[tuple[int, int], int]:
    """(file id, agency id) -> that agency's open copies among those the file covers (rules.files.covers_record),
    for many files in three queries."""
    files = list(files)
    if not files:
        return {}
    case_ids = {f.defendant.case_id for f in files}
    statuses: dict[int, list] = {}
    defendants = Defendant.objects.filter(case_id__in=case_ids)
    for case_id, status in defendants.values_list("case_id", "sealing_file__status"):
        statuses.setdefault(case_id, []).append(status)
    records = Record.objects.filter(case_id__in=case_ids, seal__isnull=True)
    if agency_ids is not None:
        records = records.filter(holding_agency_id__in=agency_ids)
    by_case: dict[int, list] = {}
    for case_id, defendant_id, agency_id in records.values_list("case_id", "defendant_id", "holding_agency_id"):
        by_case.setdefault(case_id, []).append((defendant_id, agency_id))
    counts: dict[tuple[int, int], int] = {}
    for file in files:
        case_id = file.defendant.case_id
        for defendant_id, agency_id in by_case.get(case_id, []):
            if covers_record(file_defendant_id=file.defendant_id, record_defendant_id=defendant_id,
                             case_statuses=statuses[case_id]):
                counts[(file.pk, agency_id)] = counts.get((file.pk, agency_id), 0) + 1
    return counts


@dataclass(frozen=True)
class CopyState:
    """One agency's copy of one file, apart from the file's legal status: open, sealed or overdue, against the
    deadline of the agency's notice, or the seal date when the agency decided the case (J-WHEN)."""

    state: str  # "open" | "sealed" | "overdue" | "none" (the deciding agency registered no copy)
    deciding: bool
    deadline: Deadline | None
    notice: object | None
    open_copies: int


def copy_states(agency_id, files, today: dt.date) -> dict[int, CopyState]:
    """file id -> the state of ``agency_id``'s copy of it (the work queue's second column)."""
    files = list(files)
    if agency_id is None or not files:
        return {}
    open_counts = _covered_open_counts([agency_id], files)
    sealed_here = set(RecordSeal.objects.filter(sealing_file__in=files, record__holding_agency_id=agency_id,
                                                lifted_at__isnull=True).values_list("sealing_file_id",
                                                                                    "record__holding_agency_id"))
    notices = {n.sealing_file_id: n for n in SealingNotice.objects.filter(
        sealing_file__in=files, to_agency_id=agency_id, withdrawn_at__isnull=True)}
    states = {}
    for file in files:
        open_copies = open_counts.get((file.pk, agency_id), 0)
        notice = notices.get(file.pk)
        deciding = file.defendant.case.agency_id == agency_id
        if deciding:
            late = open_copies > 0 and file.policy is not None and seal_overdue(
                regime=file.regime, status=file.status, seal_date=file.seal_date, today=today,
                within_days=file.policy.juvenile_seal_within_days)
            deadline = Deadline(date=file.seal_date, done=open_copies == 0, today=today)
            if open_copies:
                state = "overdue" if late else "open"
            else:
                state = "sealed" if (file.pk, agency_id) in sealed_here else "none"
        elif notice is not None:
            deadline = notice_deadline(notice, today)
            sealed = notice.copy_sealed_at is not None and open_copies == 0
            state = "sealed" if sealed else "overdue" if deadline.overdue else "open"
        else:
            deadline = None
            state = "sealed" if open_copies == 0 else "open"
        states[file.pk] = CopyState(state=state, deciding=deciding, deadline=deadline, notice=notice,
                                    open_copies=open_copies)
    return states


@dataclass(frozen=True)
class MatrixRow:
    """One holding agency of a file: its notice (serial, received, deadline), its seal, and whether it is late."""

    agency: object
    deciding: bool
    notice: object | None
    deadline: Deadline | None
    undelivered: bool
    open_copies: int
    sealed_copies: int
    sealed_at: dt.datetime | None
    state: str  # "sealed" | "open" | "overdue" | "withdrawn" | "none" (the deciding agency registered no copy)


def seal_matrix(file: SealingFile, today: dt.date) -> list[MatrixRow]:
    """The seal matrix of a file: the deciding agency first, then each agency notified (notices in force before
    withdrawn ones), then any other agency holding a covered copy without a notice."""
    from accounts.models import Agency

    covered = disclosure.covered_records(file.defendant)
    copies = list(covered.values_list("holding_agency_id", "seal__id", "seal__lifted_at"))
    open_by: dict[int, int] = {}
    sealed_by: dict[int, int] = {}
    for agency_id, seal_id, lifted in copies:
        if seal_id is None:
            open_by[agency_id] = open_by.get(agency_id, 0) + 1
        elif lifted is None:
            sealed_by[agency_id] = sealed_by.get(agency_id, 0) + 1
        # a lifted seal (unsealed, revoked): the copy is open again and nothing is left to seal
    last_seal = {}
    for agency_id, sealed_at in (RecordSeal.objects.filter(record__in=covered, lifted_at__isnull=True)
                                 .values_list("record__holding_agency_id", "sealed_at")):
        last_seal[agency_id] = max(sealed_at, last_seal.get(agency_id, sealed_at))
    deciding_id = file.defendant.case.agency_id
    notices = list(file.notices.select_related("to_agency", "received_by", "copy_sealed_by")
                   .order_by("withdrawn_at", "to_agency__kind", "to_agency__name", "pk"))
    agencies = {a.pk: a for a in Agency.objects.filter(
        pk__in={deciding_id, *open_by, *sealed_by, *(n.to_agency_id for n in notices)})}
    rows = []
    open_own = open_by.get(deciding_id, 0)
    late = open_own > 0 and file.policy is not None and seal_overdue(
        regime=file.regime, status=file.status, seal_date=file.seal_date, today=today,
        within_days=file.policy.juvenile_seal_within_days)
    own_state = ("overdue" if late else "open") if open_own else "sealed" if sealed_by.get(deciding_id) else "none"
    rows.append(MatrixRow(agency=agencies[deciding_id], deciding=True, notice=None,
                          deadline=Deadline(date=file.seal_date, done=open_own == 0, today=today), undelivered=False,
                          open_copies=open_own, sealed_copies=sealed_by.get(deciding_id, 0),
                          sealed_at=last_seal.get(deciding_id), state=own_state))
    shown = {deciding_id}
    for notice in notices:
        agency_id = notice.to_agency_id
        deadline = notice_deadline(notice, today)
        if notice.withdrawn_at is not None:
            state = "withdrawn"
        elif notice.copy_sealed_at is not None and not open_by.get(agency_id):
            state = "sealed"
        else:
            state = "overdue" if deadline.overdue else "open"
        rows.append(MatrixRow(agency=notice.to_agency, deciding=False, notice=notice, deadline=deadline,
                              undelivered=notice_undelivered(notice, today), open_copies=open_by.get(agency_id, 0),
                              sealed_copies=sealed_by.get(agency_id, 0),
                              sealed_at=notice.copy_sealed_at or last_seal.get(agency_id), state=state))
        shown.add(agency_id)
    for agency_id in sorted(set(open_by) | set(sealed_by), key=lambda pk: agencies[pk].name):
        if agency_id in shown:
            continue
        rows.append(MatrixRow(agency=agencies[agency_id], deciding=False, notice=None, deadline=None,
                              undelivered=False, open_copies=open_by.get(agency_id, 0),
                              sealed_copies=sealed_by.get(agency_id, 0), sealed_at=last_seal.get(agency_id),
                              state="open" if open_by.get(agency_id) else "sealed"))
    return rows


def file_counts_by_status() -> list[tuple[str, str, int]]:
    """(status, its label, how many files) for every status, now: what a policy change could move."""
    from django.db.models import Count

    from .models import FileStatus

    counts = dict(SealingFile.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in FileStatus.choices]


# --- The home page's work list (common.worklist): what the user's agency has to do, from the queues above ------

# The rows of the "to seal" queue (in seal-date order) whose copies the home page weighs: copy_states reads them
# at once, as it reads a page of the work queue; past them the overdue and due-today figures are not counted.
WORK_QUEUE_ROWS = 200


def copies_to_seal(user, today: dt.date) -> "DeadlineSummary":
    """The work queue's "to seal" tab summed up: its rows, and of the rows it shows, the copies past their deadline
    (copy_states: the notice's deadline, or J-WHEN's for the deciding agency), due today, and the nearest one."""
    from common.pagination import capped_count
    from common.worklist import DeadlineSummary

    queue = seal_queue(user, today)
    files = list(queue[:WORK_QUEUE_ROWS + 1])
    more = len(files) > WORK_QUEUE_ROWS
    files = files[:WORK_QUEUE_ROWS]
    states = copy_states(user.agency_id, files, today)
    pending = []
    for file in files:
        state = states.get(file.pk)
        if state is None or state.state != "open":
            continue
        if state.deciding:  # J-WHEN's limit for the deciding agency's own copies, not the seal date itself
            due = own_copies_deadline(file)
        else:
            due = state.deadline.date if state.deadline is not None else None
        if due is not None:
            pending.append(due)
    overdue = sum(1 for s in states.values() if s.state == "overdue")
    due_today = sum(1 for day in pending if day == today)

    def at_least(n: int) -> int | str:
        # more rows than the queue shows: the figures are those of its first rows (the oldest seal dates, where
        # the passed deadlines are), so "at least" — written as the capped counts are ("57+")
        return f"{n}+" if more and n else n

    return DeadlineSummary(count=capped_count(queue) if more else len(files), overdue=at_least(overdue),
                           due_today=at_least(due_today),
                           next_due=min((day for day in pending if day >= today), default=None))


def work_items(user, today: dt.date) -> list:
    """The sealing side of the home page: copies to seal, notices to act on, files missing facts, J-RETRO cases,
    and for an administrator what the nightly sweep has to take up."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from common.pagination import capped_count
    from common.worklist import count_summary, counted, deadline_summary, item

    from . import sweep
    from .permissions import can_run_sweep

    items = []
    clerk = user.agency_id is not None and user.has_perm("sealing.seal_record")  # as the navigation: who seals
    if clerk and user.has_perm("sealing.view_sealingfile"):
        queue = reverse("sealing:work_queue")
        items.append(item("seal", _("Copies to seal"), f"{queue}?tab=seal", copies_to_seal(user, today)))
        items.append(item("facts", _("Files waiting for missing facts"), f"{queue}?tab=facts",
                          deadline_summary(exception_queue(user), "facts_due", today)))
        retro = count_summary(retroactive_sweep(user))
        if retro.count:
            items.append(item("retro", _("Cases decided before 2013 to seal (J-RETRO)"), f"{queue}?tab=retro", retro))
    if clerk and user.has_perm("sealing.view_sealingnotice"):
        notices = notices_to_act_on(user, today)
        unreceived = capped_count(notices.filter(received_at__isnull=True))
        items.append(item(
            "notices", _("Sealing notices to acknowledge or carry out"), f"{reverse('sealing:notice_inbox')}?tab=inbox",
            deadline_summary(notices, "deadline", today),
            counted("%(count)s not yet acknowledged", "%(count)s not yet acknowledged", unreceived)))
    if can_run_sweep(user)[0]:
        backlog = capped_count(sweep.notice_backlog(today))
        items.append(item(
            "sweep", _("Files the nightly sweep must move on"), reverse("sealing:sweep_list"),
            deadline_summary(sweep.due_files(today), "next_change", today),
            counted("%(count)s hidden file whose notices are not all sent",
                    "%(count)s hidden files whose notices are not all sent", backlog)))
    return items
