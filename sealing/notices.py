"""Sealing notices (犯罪记录封存通知书): the services that seal the deciding agency's copy, send the notices
to the other holding agencies, take their receipt (签收) and record each agency's seal of its copy.

RULES.md J-WHEN / J-WHEN-RECEIPT. The law (who must be notified, deadlines, overdue) is in
``rules/files.py``; this module does the writes, each atomic with a history reason.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Agency
from common.serials import next_serial

from . import disclosure, permissions
from .models import NoticeBasis, RecordSeal, SealingFile, SealingNotice
from .rules.files import community_sentence, copy_deadline, execution_end, is_hidden, notice_recipient_kinds

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
    defendant = file.defendant
    deciding = defendant.case.agency
    community = community_sentence(sentence_kind=defendant.sentence_kind, suspended=defendant.suspended)
    kinds = notice_recipient_kinds(deciding_kind=deciding.kind, disposition=defendant.disposition, community=community)
    holders = set(disclosure.covered_records(defendant).exclude(holding_agency_id=deciding.pk)
                  .values_list("holding_agency_id", flat=True))
    must = set(Agency.objects.filter(region_id=deciding.region_id, kind__in=kinds).values_list("pk", flat=True))
    agencies = Agency.objects.filter(pk__in=(holders | must) - {deciding.pk}).values_list("pk", "kind")
    return {pk: (NoticeBasis.EXECUTION if community and kind == Agency.Kind.JUSTICE else NoticeBasis.RECEIPT)
            for pk, kind in agencies}


def seal_and_notify(file: SealingFile, *, as_of: dt.date, user=None, now: dt.datetime | None = None) -> tuple[int, int]:
    """J-WHEN, for a hidden file whose seal date has come: seal the deciding agency's open copies and send
    a notice to each other agency that has none in force. Idempotent. Returns (copies sealed, notices sent).

    Call inside the transaction that holds the file's row lock."""
    if not is_hidden(file.status) or file.seal_date is None or file.seal_date > as_of:
        return 0, 0
    now = now or timezone.now()
    defendant = file.defendant
    deciding_id = defendant.case.agency_id
    sealed = 0
    own_open = disclosure.covered_records(defendant).filter(holding_agency_id=deciding_id, seal__isnull=True)
    for record in own_open.select_for_update(of=("self",)):
        _save(RecordSeal(record=record, sealing_file=file, sealed_at=now, sealed_by=user),
              gettext_noop("copy sealed by the deciding agency on the seal date (J-WHEN)"), user)
        sealed += 1
    in_force = set(file.notices.filter(withdrawn_at__isnull=True).values_list("to_agency_id", flat=True))
    sent = 0
    days = _policy_days(file)
    for agency_id, basis in sorted(recipients(file).items()):
        if agency_id in in_force:
            continue
        end = None
        if basis == NoticeBasis.EXECUTION:
            end = execution_end(
                sentence_kind=defendant.sentence_kind, suspended=defendant.suspended,
                months=defendant.sentence_months, probation_months=defendant.probation_months,
                judgment_effective_date=defendant.judgment_effective_date,
                sentence_completed_date=defendant.sentence_completed_date)
        notice = SealingNotice(
            serial=next_serial(NOTICE_SERIAL_PREFIX, as_of.year), sealing_file=file, from_agency_id=deciding_id,
            to_agency_id=agency_id, basis=basis, sent_on=as_of, sent_at=now, execution_end=end,
            deadline=copy_deadline(basis=basis, received_on=None, execution_end=end, days=days),
        )
        _save(notice, gettext_noop("sealing notice sent"), user)
        sent += 1
    if file.notified_on is None:
        SealingFile.objects.filter(pk=file.pk).update(notified_on=as_of)  # bookkeeping for the sweep's backlog
        file.notified_on = as_of
    return sealed, sent


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
