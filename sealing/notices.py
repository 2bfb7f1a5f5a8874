"""Sealing notices (犯罪记录封存通知书): the services that seal the deciding agency's copy, send the notices
to the other holding agencies, take their receipt (签收) and record each agency's seal of its copy.

RULES.md J-WHEN / J-WHEN-RECEIPT. The law (who must be notified, deadlines, overdue) is in
``rules/files.py``; this module does the writes, each atomic with a history reason.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Agency
from common.bulk import insert_rows, write_history
from common.serials import reserve_serials

from . import disclosure, permissions
from .models import Defendant, NoticeBasis, Record, RecordSeal, SealingFile, SealingNotice
from .rules.files import (
    community_sentence, copy_deadline, execution_end, is_hidden, notice_recipient_kinds, whole_case_records_hidden,
)

NOTICE_SERIAL_PREFIX = "FCTZ"  # 封存通知


class NoticeError(Exception):
    """A notice action the user's agency or the notice's state does not allow; the message says why."""


def _save(obj, reason: str, user=None) -> None:
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()


def _guard(check: tuple[bool, str]) -> None:
    ok, reason = check
    if not ok:
        raise NoticeError(reason)


def _policy_days(file: SealingFile) -> int:
    from .policy import current_policy_version

    return (file.policy or current_policy_version()).seal_after_receipt_days


def recipients(file: SealingFile) -> dict[int, str]:
    """agency id -> notice basis, for every agency besides the deciding one that holds a copy the file
    covers or that must hold one (J-WHEN: the kinds rules.files.notice_recipient_kinds names, in the
    deciding agency's region)."""
    holders = set(disclosure.covered_records(file.defendant).values_list("holding_agency_id", flat=True))
    return _recipients_many([file], {file.pk: holders})[file.pk]


def _recipient_kinds(defendant) -> tuple[bool, set]:
    deciding = defendant.case.agency
    community = community_sentence(sentence_kind=defendant.sentence_kind, suspended=defendant.suspended)
    kinds = notice_recipient_kinds(deciding_kind=deciding.kind, disposition=defendant.disposition, community=community)
    return community, set(kinds)


def _recipients_many(files, holders: dict[int, set]) -> dict[int, dict[int, str]]:
    """recipients() for many files in one query; ``holders``: file id -> agencies holding a covered copy."""
    wanted = {file.pk: _recipient_kinds(file.defendant) for file in files}
    regions = {file.defendant.case.agency.region_id for file in files}
    all_kinds = set().union(*(kinds for _community, kinds in wanted.values()))
    all_holders = set().union(*holders.values()) if holders else set()
    agencies = list(Agency.objects.filter(Q(region_id__in=regions, kind__in=all_kinds) | Q(pk__in=all_holders))
                    .values_list("pk", "kind", "region_id"))
    result = {}
    for file in files:
        deciding = file.defendant.case.agency
        community, kinds = wanted[file.pk]
        mine = holders.get(file.pk, set())
        result[file.pk] = {
            pk: (NoticeBasis.EXECUTION if community and kind == Agency.Kind.JUSTICE else NoticeBasis.RECEIPT)
            for pk, kind, region_id in agencies
            if pk != deciding.pk and (pk in mine or (region_id == deciding.region_id and kind in kinds))}
    return result


def _covered_many(defendants) -> dict[int, list[tuple[int, int, bool]]]:
    """defendant id -> (record id, holding agency id, sealed) of the copies disclosure.covered_records gives,
    for many defendants in two queries: the defendant's own copies, and the case's whole-case copies once
    every defendant of the case is hidden."""
    case_ids = {d.case_id for d in defendants}
    statuses = defaultdict(list)
    for case_id, status in Defendant.objects.filter(case_id__in=case_ids).values_list("case_id", "sealing_file__status"):
        statuses[case_id].append(status)
    own, whole_case = defaultdict(list), defaultdict(list)
    for pk, case_id, defendant_id, agency_id, seal_id in Record.objects.filter(case_id__in=case_ids).values_list(
            "pk", "case_id", "defendant_id", "holding_agency_id", "seal__id").order_by("pk"):
        copy = (pk, agency_id, seal_id is not None)
        (own[defendant_id] if defendant_id is not None else whole_case[case_id]).append(copy)
    return {d.pk: own[d.pk] + (whole_case[d.case_id] if whole_case_records_hidden(statuses[d.case_id]) else [])
            for d in defendants}


def seal_and_notify(file: SealingFile, *, as_of: dt.date, user=None, now: dt.datetime | None = None) -> tuple[int, int]:
    """J-WHEN, for a hidden file whose seal date has come: seal the deciding agency's open copies and send
    a notice to each other agency that has none in force. Idempotent. Returns (copies sealed, notices sent).

    Call inside the transaction that holds the file's row lock."""
    return seal_and_notify_many([file], as_of=as_of, user=user, now=now).get(file.pk, (0, 0))


def seal_and_notify_many(files, *, as_of: dt.date, user=None, now: dt.datetime | None = None) -> dict[int, tuple[int, int]]:
    """seal_and_notify for many files at once (the sweep's chunk): a fixed number of statements whatever
    their number: the copies and recipients read in a few queries, the seals and notices written in bulk
    with their history rows (same reasons as one by one), the serials reserved in one block.
    Returns file id -> (copies sealed, notices sent). Call inside the transaction that holds the files'
    row locks."""
    files = [f for f in files if is_hidden(f.status) and f.seal_date is not None and f.seal_date <= as_of]
    if not files:
        return {}
    now = now or timezone.now()
    covered = _covered_many([f.defendant for f in files])
    own_open = {f.pk: [pk for pk, agency_id, sealed in covered[f.defendant_id]
                       if agency_id == f.defendant.case.agency_id and not sealed] for f in files}
    open_ids = [pk for ids in own_open.values() for pk in ids]
    locked = set(Record.objects.filter(pk__in=open_ids, seal__isnull=True).select_for_update(of=("self",))
                 .values_list("pk", flat=True)) if open_ids else set()
    seals = []
    for file in files:
        for record_id in own_open[file.pk]:
            if record_id in locked:
                seal = RecordSeal(record_id=record_id, sealing_file=file, sealed_at=now, sealed_by=user)
                _mark(seal, gettext_noop("copy sealed by the deciding agency on the seal date (J-WHEN)"), user)
                seals.append(seal)
    in_force = defaultdict(set)
    for file_id, agency_id in SealingNotice.objects.filter(
            sealing_file_id__in=[f.pk for f in files], withdrawn_at__isnull=True).values_list("sealing_file_id",
                                                                                               "to_agency_id"):
        in_force[file_id].add(agency_id)
    holders = {f.pk: {agency_id for _pk, agency_id, _sealed in covered[f.defendant_id]} for f in files}
    to_send = _recipients_many(files, holders)
    pending = [(file, agency_id, basis) for file in files for agency_id, basis in sorted(to_send[file.pk].items())
               if agency_id not in in_force[file.pk]]
    serials = iter(reserve_serials(NOTICE_SERIAL_PREFIX, as_of.year, len(pending)))
    sent = []
    for file, agency_id, basis in pending:
        defendant = file.defendant
        end = None
        if basis == NoticeBasis.EXECUTION:
            end = execution_end(
                sentence_kind=defendant.sentence_kind, suspended=defendant.suspended,
                months=defendant.sentence_months, probation_months=defendant.probation_months,
                judgment_effective_date=defendant.judgment_effective_date,
                sentence_completed_date=defendant.sentence_completed_date)
        notice = SealingNotice(
            serial=next(serials), sealing_file=file, from_agency_id=defendant.case.agency_id,
            to_agency_id=agency_id, basis=basis, sent_on=as_of, sent_at=now, execution_end=end,
            deadline=copy_deadline(basis=basis, received_on=None, execution_end=end, days=_policy_days(file)),
        )
        _mark(notice, gettext_noop("sealing notice sent"), user)
        sent.append(notice)
    _bulk_create_with_history(RecordSeal, seals)
    _bulk_create_with_history(SealingNotice, sent)
    unnotified = [f for f in files if f.notified_on is None]
    if unnotified:  # bookkeeping for the sweep's backlog
        SealingFile.objects.filter(pk__in=[f.pk for f in unnotified]).update(notified_on=as_of)
        for file in unnotified:
            file.notified_on = as_of
    result = {f.pk: [0, 0] for f in files}
    for seal in seals:
        result[seal.sealing_file_id][0] += 1
    for notice in sent:
        result[notice.sealing_file_id][1] += 1
    return {pk: (copies, notices) for pk, (copies, notices) in result.items()}


def _mark(obj, reason: str, user=None) -> None:
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user


def _bulk_create_with_history(model, objs) -> None:
    """Insert the rows and their history rows ("+", each object's own reason and user) in two statements."""
    if objs:
        insert_rows(model, objs)
        write_history(model, objs, update=False)


def withdraw_open_notices(file: SealingFile, *, reason: str, user=None, now: dt.datetime | None = None) -> int:
    """The records are open again (revoked, unsealed): notices whose copy is not yet sealed are withdrawn."""
    now = now or timezone.now()
    count = 0
    for notice in file.notices.select_for_update().open():
        notice.withdrawn_at = now
        notice.withdrawn_reason = reason
        _save(notice, reason, user)
        count += 1
    return count


@transaction.atomic
def acknowledge_notice(notice: SealingNotice, *, user, now: dt.datetime) -> SealingNotice:
    """签收: the receiving agency's clerk acknowledges the notice; a receipt-based deadline starts."""
    notice = SealingNotice.objects.select_for_update(of=("self",)).select_related("sealing_file__policy").get(pk=notice.pk)
    _guard(permissions.can_acknowledge_notice(user, notice))
    today = timezone.localdate(now)
    notice.received_at = now
    notice.received_on = today
    notice.received_by = user
    if notice.basis == NoticeBasis.RECEIPT:
        notice.deadline = copy_deadline(basis=notice.basis, received_on=today, execution_end=None,
                                        days=_policy_days(notice.sealing_file))
    _save(notice, gettext_noop("sealing notice received"), user)
    return notice


def copies_for_notice(notice: SealingNotice):
    """The receiving agency's open copies among those the notice's file covers."""
    return disclosure.covered_records(notice.sealing_file.defendant).filter(
        holding_agency_id=notice.to_agency_id, seal__isnull=True)


@transaction.atomic
def seal_notice_copy(notice: SealingNotice, *, user, now: dt.datetime) -> int:
    """The receiving agency seals its copy: every open copy it holds that the file covers gets its seal, and
    the notice records the agency's seal (a receipt alone never counts). Acknowledges an unacknowledged
    notice at the same time. Returns the number of record copies sealed."""
    notice = (SealingNotice.objects.select_for_update(of=("self",))
              .select_related("sealing_file__defendant__case", "sealing_file__policy").get(pk=notice.pk))
    today = timezone.localdate(now)
    _guard(permissions.can_seal_notice(user, notice, today))
    if notice.received_at is None:
        notice.received_at, notice.received_on, notice.received_by = now, today, user
        if notice.basis == NoticeBasis.RECEIPT:
            notice.deadline = copy_deadline(basis=notice.basis, received_on=today, execution_end=None,
                                            days=_policy_days(notice.sealing_file))
    count = 0
    for record in copies_for_notice(notice).select_for_update(of=("self",)):
        _save(RecordSeal(record=record, sealing_file=notice.sealing_file, sealed_at=now, sealed_by=user,
                         notice=notice), gettext_noop("copy sealed on the sealing notice"), user)
        count += 1
    notice.copy_sealed_at = now
    notice.copy_sealed_by = user
    _save(notice, gettext_noop("copy sealed on the sealing notice"), user)
    return count


def seal_notice_copies(notices, *, user, now: dt.datetime) -> tuple[int, int]:
    """Bulk seal after the clerk's confirmation: each notice in its own transaction, so one refusal does
    not undo the others. Returns (notices sealed, record copies sealed); raises the first refusal after
    sealing the rest."""
    done = copies = 0
    errors: list[str] = []
    for notice in notices:
        try:
            copies += seal_notice_copy(notice, user=user, now=now)
            done += 1
        except NoticeError as error:
            errors.append(str(error))
    if errors and done == 0:
        raise NoticeError(errors[0])
    return done, copies


def mark_sealed_by_agency(file: SealingFile, *, agency_id: int, user, now: dt.datetime) -> None:
    """After an agency sealed its copies of the file another way (the file page's seal button): its
    notice in force, if any, records the seal once no covered copy of the agency is open."""
    notice = file.notices.select_for_update().open().filter(to_agency_id=agency_id).first()
    if notice is None or copies_for_notice(notice).exists():
        return
    if notice.received_at is None:
        notice.received_at, notice.received_on, notice.received_by = now, timezone.localdate(now), user
    notice.copy_sealed_at = now
    notice.copy_sealed_by = user
    _save(notice, gettext_noop("copy sealed on the sealing notice"), user)
