"""Every write of the sealing app: one function per business action, atomic, with a history reason.

Reasons are stored in the source language (gettext_noop) and translated when shown.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from guardian.shortcuts import assign_perm, remove_perm

from common.bulk import update_rows, write_history
from common.crypto import blind_index

from .catalogue import charge_info
from .identity import normalize_id_number, parse_id_number
from .models import (
    HIDDEN_STATES, AccessLog, Case, Charge, Defendant, FileStatus, ObservationEvent, Person, Record, RecordSeal, SealedRecordPermit,
    SealingFile,
)
from . import disclosure, notices, permissions
from .policy import current_policy_version
from .rules import CaseFacts, Event, Sentence, evaluate, without_text
from .rules.files import ADULT_GROUNDS, JUVENILE_GROUNDS, next_change

PERSON_FIELDS = ("name", "id_number", "birth_date")
# Not community_service_hours: verified hours come only from verified entries (sealing/observation.py).
DEFENDANT_FIELDS = (
    "disposition", "sentence_kind", "sentence_months", "suspended", "probation_months",
    "judgment_effective_date", "sentence_completed_date", "plea", "surrender", "good_conduct",
    "prior_convictions", "main_conduct_before_18",
)
CASE_FIELDS = ("case_number", "year", "offense_start_date", "offense_date", "summary")
RECORD_FIELDS = ("kind", "title", "document_number", "content", "defendant")


def _save(obj, reason: str, user=None) -> None:
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()


def find_or_create_person(*, name: str, id_number: str = "", birth_date: dt.date | None = None, user=None,
                          reason: str | None = None) -> Person:
    """The person with this ID number (found by its blind index), or a new one.

    Without an ID number every entry is a new person: names are not unique. The name of a person with a
    hidden file is never changed here: that would change the facts of a sealed file. ``reason`` (an import
    naming its file and row) replaces the history reasons given here.
    """
    if id_number:
        parsed = parse_id_number(id_number)
        index = blind_index(parsed.number)
        person = Person.objects.select_for_update().filter(id_number_index=index).first()
        if person is None:
            person = Person(id_number=parsed.number, id_number_index=index, birth_date=parsed.birth_date, sex=parsed.sex)
            person.name = name
            _save(person, reason or gettext_noop("person entered"), user)
        elif person.name != name and not _has_hidden_file(person):
            person.name = name
            _save(person, reason or gettext_noop("name corrected at case entry"), user)
        return person
    person = Person(name=name, id_number="", id_number_index=None, birth_date=birth_date, sex="")
    _save(person, reason or gettext_noop("person entered (no ID number)"), user)
    return person


def _has_hidden_file(person: Person) -> bool:
    return person.defendants.filter(sealing_file__status__in=HIDDEN_STATES).exists()


def _guard(check: tuple[bool, str]) -> None:
    ok, reason = check
    if not ok:
        raise SealingError(reason)


def _apply(obj, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


@transaction.atomic
def create_case(*, user, case_data: dict, defendants: list[dict], today: dt.date, reason: str | None = None) -> Case:
    """Enter a case with its defendants, as the clerk's agency; decisions as of ``today``. ``reason``, when
    given (an import naming its file and row), is the history reason of every row written."""
    case = Case(agency=user.agency, created_by=user)
    _apply(case, case_data, CASE_FIELDS)
    _save(case, reason or gettext_noop("case entered"), user)
    for position, data in enumerate(defendants, start=1):
        add_defendant(user=user, case=case, data=data, position=position, today=today, reason=reason)
    return case


@transaction.atomic
def update_case(*, user, case: Case, case_data: dict, today: dt.date, reason: str | None = None) -> Case:
    _guard(permissions.can_change_case(user, case))
    _apply(case, case_data, CASE_FIELDS)
    _save(case, reason or gettext_noop("case details corrected"), user)
    for defendant in case.defendants.all():
        evaluate_file(defendant, as_of=today, user=user, reason=gettext_noop("re-evaluated after corrected facts"))
    return case


@transaction.atomic
def add_defendant(*, user, case: Case, data: dict, today: dt.date, position: int | None = None,
                  reason: str | None = None) -> Defendant:
    person = find_or_create_person(
        name=data["name"], id_number=data.get("id_number") or "", birth_date=data.get("birth_date"), user=user,
        reason=reason,
    )
    if position is None:
        position = (case.defendants.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    defendant = Defendant(case=case, person=person, position=position)
    _apply(defendant, data, DEFENDANT_FIELDS)
    _save(defendant, reason or gettext_noop("defendant entered"), user)
    defendant.charges.set(data.get("charges", []))
    evaluate_file(defendant, as_of=today, user=user)
    return defendant


@transaction.atomic
def update_defendant(*, user, defendant: Defendant, data: dict, today: dt.date, reason: str | None = None) -> Defendant:
    """Correct a defendant's facts; refused while the file is hidden (unseal first)."""
    defendant = Defendant.objects.select_for_update().select_related("case", "person").get(pk=defendant.pk)
    _guard(permissions.can_change_facts(user, defendant))
    current = defendant.person
    new_id = normalize_id_number(data.get("id_number") or "")
    if new_id and new_id != current.id_number:
        defendant.person = find_or_create_person(name=data["name"], id_number=new_id, user=user, reason=reason)
    elif not new_id and current.id_number:
        defendant.person = find_or_create_person(name=data["name"], birth_date=data.get("birth_date"), user=user,
                                                 reason=reason)
    else:
        changed = current.name != data["name"] or (not new_id and current.birth_date != data.get("birth_date"))
        if changed:
            current.name = data["name"]
            if not new_id:
                current.birth_date = data.get("birth_date")
            _save(current, reason or gettext_noop("person details corrected"), user)
    _apply(defendant, data, DEFENDANT_FIELDS)
    _save(defendant, reason or gettext_noop("defendant details corrected"), user)
    if "charges" in data:
        defendant.charges.set(data["charges"])
    evaluate_file(defendant, as_of=today, user=user, reason=gettext_noop("re-evaluated after corrected facts"))
    return defendant


@transaction.atomic
def create_record(*, user, case: Case, data: dict, reason: str | None = None) -> Record:
    """Register the clerk's agency's copy of a record of the case."""
    record = Record(case=case, holding_agency=user.agency, created_by=user)
    _apply(record, data, RECORD_FIELDS)
    _save(record, reason or gettext_noop("record copy registered"), user)
    return record


@transaction.atomic
def update_record(*, user, record: Record, data: dict) -> Record:
    """Correct the agency's copy; a hidden record is never overwritten."""
    record = Record.objects.select_for_update(of=("self",)).select_related("defendant__sealing_file").get(pk=record.pk)
    _guard(permissions.can_change_record(user, record))
    _apply(record, data, RECORD_FIELDS)
    _save(record, gettext_noop("record copy corrected"), user)
    return record


# --- Sealing: evaluation, sealing each agency's copies, unsealing, revocation -------------------------

# What each unsealing ground of rules/files.py means, as message ids translated when shown.
UNSEAL_GROUNDS = {
    "J-UNSEAL-NEW": gettext_noop("a new crime committed under 18, combined sentence over five years"),
    "J-UNSEAL-HIDDEN": gettext_noop("an undetected earlier crime committed under 18, combined sentence over five years"),
    "J-UNSEAL-RETRIAL": gettext_noop("a retrial changed the sentence to over five years"),
    "A-UNSEAL-HIDDEN": gettext_noop("an undetected earlier crime takes the case out of the micro/light category"),
    "A-UNSEAL-RETRIAL": gettext_noop("a retrial takes the case out of the micro/light category"),
}
assert set(UNSEAL_GROUNDS) == set(JUVENILE_GROUNDS) | set(ADULT_GROUNDS)


class SealingError(Exception):
    """A sealing action that the file's state or the user's agency does not allow; the message says why."""


def facts_for(defendant: Defendant):
    """The rules engine's facts for one defendant, read from the case file."""
    return _facts(defendant, charges=defendant.charges.order_by("pk"),
                  events=defendant.events.filter(withdrawn_at__isnull=True).order_by("date", "pk"))


def facts_for_many(defendants) -> dict:
    """defendant id -> facts_for(defendant), for many defendants in two queries (their charges, their
    events); the defendants come with their case and person."""
    defendants = list(defendants)
    ids = [d.pk for d in defendants]
    charges, events = {pk: [] for pk in ids}, {pk: [] for pk in ids}
    links = list(Defendant.charges.through.objects.filter(defendant_id__in=ids).order_by("charge_id")
                 .values_list("defendant_id", "charge_id"))
    catalogue = Charge.objects.in_bulk({charge_id for _defendant_id, charge_id in links})  # a few, shared
    for defendant_id, charge_id in links:
        charges[defendant_id].append(catalogue[charge_id])
    for event in ObservationEvent.objects.filter(defendant_id__in=ids, withdrawn_at__isnull=True).order_by("date", "pk"):
        events[event.defendant_id].append(event)
    return {d.pk: _facts(d, charges=charges[d.pk], events=events[d.pk]) for d in defendants}


def _facts(defendant: Defendant, *, charges, events):
    case = defendant.case
    sentence = None
    if defendant.sentence_kind:
        sentence = Sentence(
            kind=defendant.sentence_kind, months=defendant.sentence_months, suspended=defendant.suspended,
            probation_months=defendant.probation_months,
        )
    return CaseFacts(
        id=defendant.pk,
        birth_date=defendant.person.birth_date,
        offense_date=case.offense_date,
        offense_start_date=case.offense_start_date,
        main_conduct_before_18=defendant.main_conduct_before_18,
        charges=tuple(charge_info(c) for c in charges),
        disposition=defendant.disposition,
        sentence=sentence,
        judgment_effective_date=defendant.judgment_effective_date,
        sentence_completed_date=defendant.sentence_completed_date,
        circumstances=frozenset(defendant.circumstances),
        prior_convictions=defendant.prior_convictions,
        community_service_hours=defendant.community_service_hours,
        events=tuple(Event(date=e.date, kind=e.kind) for e in events),
    )


class Evaluation(tuple):
    """What evaluate_file returns: unpacks as (file, applied) like before; ``refused`` is the status the rules
    gave when the file may not move to it (applied False), None otherwise."""

    def __new__(cls, file, applied: bool, refused: str | None = None):
        self = super().__new__(cls, (file, applied))
        self.refused = refused
        return self

    @property
    def file(self):
        return self[0]

    @property
    def applied(self) -> bool:
        return self[1]


# The columns evaluate_file writes on a file (the sweep's bulk update writes the same).
EVALUATED_FIELDS = ("status", "regime", "category", "eligible", "seal_date", "observation_end", "missing", "decision",
                    "policy", "evaluated_at", "evaluated_as_of", "next_change", "facts_due")


class DeferredWrites:
    """Writes of evaluate_file held back to be made in bulk (the sweep's chunk, in the transaction that
    holds the files' row locks): the changed files with their history rows, then the J-WHEN work of the
    hidden ones (notices.seal_and_notify_many). Each history row keeps its own reason."""

    def __init__(self, *, as_of: dt.date, user=None):
        self.as_of, self.user = as_of, user
        self.files: dict[int, SealingFile] = {}
        self.to_notify: dict[int, SealingFile] = {}
        self._policy = None
        self._rules = {}

    def current_policy(self):
        if self._policy is None:
            self._policy = current_policy_version(self.as_of)
        return self._policy

    def rules_policy(self, policy):
        """policy.to_policy(), once a policy version for the whole batch."""
        if policy.pk not in self._rules:
            self._rules[policy.pk] = policy.to_policy()
        return self._rules[policy.pk]

    def save(self, file: SealingFile, reason: str, user=None) -> None:
        file._change_reason = reason
        if user is not None:
            file._history_user = user
        self.files[file.pk] = file

    def notify(self, file: SealingFile) -> None:
        self.to_notify[file.pk] = file

    def flush_files(self) -> None:
        files = list(self.files.values())
        self.files = {}
        if not files:
            return
        update_rows(SealingFile, files, EVALUATED_FIELDS)
        write_history(SealingFile, files, update=True)
        for file in files:
            file._loaded_status = file.status

    def flush_notices(self) -> dict[int, tuple[int, int]]:
        files = list(self.to_notify.values())
        self.to_notify = {}
        return notices.seal_and_notify_many(files, as_of=self.as_of, user=self.user)


def evaluate_file(defendant: Defendant, *, as_of: dt.date, user=None, adopt_current_policy=False,
                  reason: str = gettext_noop("evaluated"), file: SealingFile | None = None, facts=None,
                  writes: DeferredWrites | None = None) -> Evaluation:
    """Apply the rules to the defendant's facts and move the file to the status they give.

    A file keeps the policy version it was first decided under (a policy change never silently
    rewrites a decision) unless ``adopt_current_policy``. Returns Evaluation(file, applied, refused):
    applied is False when the rules' answer is a move the file may not make (a final seal stands until
    unsealed), and ``refused`` is then that answer.

    The sweep passes the ``file`` it locked already, the ``facts`` it read for the whole chunk and
    ``writes`` (DeferredWrites): the file's update and its J-WHEN work are then made in bulk with the
    chunk's, by the caller, in this transaction (a revocation is written at once, it is rare). No savepoint
    then: a failure rolls the caller's whole transaction back (the sweep then goes file by file).
    """
    with transaction.atomic(savepoint=writes is None):
        return _evaluate_file(defendant, as_of=as_of, user=user, adopt_current_policy=adopt_current_policy,
                              reason=reason, file=file, facts=facts, writes=writes)


def _evaluate_file(defendant, *, as_of, user, adopt_current_policy, reason, file, facts, writes) -> Evaluation:
    if file is None:
        file = SealingFile.objects.select_for_update().filter(defendant=defendant).first()
    if file is None:
        file = SealingFile(defendant=defendant)
    if file.policy_id and not adopt_current_policy:
        policy = file.policy
    else:
        policy = writes.current_policy() if writes is not None else current_policy_version(as_of)
    rules = writes.rules_policy(policy) if writes is not None else policy.to_policy()
    decision = evaluate(facts if facts is not None else facts_for(defendant), rules, as_of)
    target = decision.status
    if file.pk and not file.can_move_to(target):
        return Evaluation(file, False, target)
    previous_status = file.status if file.pk else None
    upcoming = next_change(status=target, seal_date=decision.seal_date, observation_start=decision.observation_start,
                           observation_end=decision.observation_end)
    fresh = decision.to_dict()
    if file.pk and file.status == target and file.policy_id == policy.pk and _same_decision(file.decision, fresh):
        # nothing moved: no write, no history row (the nightly sweep stays quiet)
        quiet = {}
        if file.next_change != upcoming:  # the sweep's index date only, derived from the unchanged decision
            quiet["next_change"] = upcoming
        if _codes_differ(file.decision, fresh):
            # a trace stored before its sentences had codes gains them: the same sentences, now readable in the
            # reader's language (sealing/presentation.py step_message); not a change of the decision
            quiet["decision"] = {**file.decision, "trace": fresh["trace"]}
        if quiet:
            SealingFile.objects.filter(pk=file.pk).update(**quiet)
            for name, value in quiet.items():
                setattr(file, name, value)
        if file.hidden and file.notified_on is None:
            _seal_and_notify(file, as_of=as_of, user=user, writes=writes)
        return Evaluation(file, True)
    set_decision(file, decision, policy, as_of=as_of, previous_status=previous_status, fresh=fresh, upcoming=upcoming)
    if writes is not None and file.pk and target != FileStatus.REVOKED:
        writes.save(file, reason, user)
    else:
        _save(file, reason, user)
    if target == FileStatus.REVOKED and previous_status != FileStatus.REVOKED:
        _lift_seals(file, gettext_noop("observation revoked: new intentional crime"), user)
        notices.withdraw_open_notices(file, reason=gettext_noop("observation revoked: new intentional crime"), user=user)
    if file.hidden:
        _seal_and_notify(file, as_of=as_of, user=user, writes=writes)
    return Evaluation(file, True)


def set_decision(file: SealingFile, decision, policy, *, as_of: dt.date, previous_status: str | None, fresh=None,
                 upcoming=None) -> None:
    """Write the rules' decision on the file (not saved): its status and what goes with it, the policy version
    it was decided under, the sweep's next date and the due date of missing facts. Every evaluation of a file
    passes here (evaluate_file, the import's bulk entry)."""
    if fresh is None:
        fresh = decision.to_dict()
    if upcoming is None:
        upcoming = next_change(status=decision.status, seal_date=decision.seal_date,
                               observation_start=decision.observation_start, observation_end=decision.observation_end)
    file.status = decision.status
    file.regime = decision.regime or ""
    file.category = decision.category or ""
    file.eligible = decision.eligible
    file.seal_date = decision.seal_date
    file.observation_end = decision.observation_end
    file.missing = list(decision.missing)
    file.decision = fresh
    file.policy = policy
    file.evaluated_at = timezone.now()
    file.evaluated_as_of = as_of
    file.next_change = upcoming
    if decision.status == FileStatus.UNDETERMINED:
        if previous_status != FileStatus.UNDETERMINED or file.facts_due is None:
            file.facts_due = as_of + dt.timedelta(days=policy.missing_facts_days)
    else:
        file.facts_due = None


def _seal_and_notify(file, *, as_of, user, writes) -> None:
    if writes is not None:
        writes.notify(file)
    else:
        notices.seal_and_notify(file, as_of=as_of, user=user)


def _comparable(decision: dict) -> dict:
    """A decision without what does not make it another one: the date it was computed on and the steps' codes
    (``text``: the same sentences as ``message``)."""
    return {k: v for k, v in without_text(decision).items() if k != "as_of"}


def _same_decision(stored: dict, fresh: dict) -> bool:
    return _comparable(stored) == _comparable(fresh)


def _codes_differ(stored: dict, fresh: dict) -> bool:
    return [step.get("text") for step in stored.get("trace", [])] != [step.get("text") for step in fresh["trace"]]


def _lacks_codes(decision) -> bool:
    return any("text" not in step for step in (decision or {}).get("trace", []))


def add_trace_codes(*, batch_size: int = 500) -> tuple[int, int]:
    """Give the traces stored before their sentences had codes (sealing/rules/kernel.py, Msg) their codes, so that
    the pages show them in the reader's language. Each such file's decision is computed again from its facts, under
    its policy version, as of the day it was decided; where that gives the same decision, its trace is replaced
    quietly, as evaluate_file does (no history row: the decision did not change). A file whose facts changed since
    is left as it is: its next evaluation writes the new decision, with its history. Returns (files given their
    codes, files left)."""
    given = left = 0
    last_pk = 0
    policies: dict = {}
    while True:
        with transaction.atomic():
            chunk = list(SealingFile.objects.select_for_update(of=("self",)).filter(pk__gt=last_pk).order_by("pk")
                         .select_related("defendant__case", "defendant__person", "policy")[:batch_size])
            if not chunk:
                return given, left
            last_pk = chunk[-1].pk
            todo = [f for f in chunk if _lacks_codes(f.decision)]
            facts = facts_for_many([f.defendant for f in todo]) if todo else {}
            for file in todo:
                if file.policy_id is None or file.evaluated_as_of is None:
                    left += 1
                    continue
                if file.policy_id not in policies:
                    policies[file.policy_id] = file.policy.to_policy()
                fresh = evaluate(facts[file.defendant_id], policies[file.policy_id], file.evaluated_as_of).to_dict()
                if file.status == fresh["status"] and _same_decision(file.decision, fresh):
                    SealingFile.objects.filter(pk=file.pk).update(decision={**file.decision, "trace": fresh["trace"]})
                    given += 1
                else:
                    left += 1


def open_copies_to_seal(file, agency_id) -> list[Record]:
    """The agency's unsealed copies among those the file covers (disclosure.covered_records)."""
    if agency_id is None:
        return []
    return list(disclosure.covered_records(file.defendant).filter(holding_agency_id=agency_id, seal__isnull=True))


@transaction.atomic
def seal_file(file, *, user, today: dt.date) -> int:
    """Seal the user's agency's copies of the file's records. Returns how many copies were sealed."""
    file = type(file).objects.select_for_update().select_related("defendant__case").get(pk=file.pk)
    copies = open_copies_to_seal(file, user.agency_id)
    _guard(permissions.can_seal(user, file, today, open_own_copies=len(copies)))
    now = timezone.now()
    for record in copies:
        seal = RecordSeal(record=record, sealing_file=file, sealed_at=now, sealed_by=user)
        _save(seal, gettext_noop("copy sealed"), user)
    notices.mark_sealed_by_agency(file, agency_id=user.agency_id, user=user, now=now)
    return len(copies)


def _lift_seals(file, reason: str, user) -> int:
    count = 0
    for seal in file.seals.select_for_update().filter(lifted_at__isnull=True):
        seal.lifted_at = timezone.now()
        seal.lifted_reason = reason
        _save(seal, reason, user)
        count += 1
    return count


@transaction.atomic
def unseal_file(file, *, ground: str, document: str, user):
    """Lift a final seal, only on a legal ground and with the deciding document (J-UNSEAL-*)."""
    file = type(file).objects.select_for_update().select_related("defendant__case").get(pk=file.pk)
    if not document.strip():
        raise SealingError(gettext_noop("Name the document that decides the unsealing."))
    _guard(permissions.can_unseal(user, file, ground))
    file.status = FileStatus.UNSEALED
    file.unseal_ground = ground
    file.unseal_document = document.strip()
    _save(file, f"{ground}: {document.strip()}", user)
    _lift_seals(file, f"{ground}: {document.strip()}", user)
    notices.withdraw_open_notices(file, reason=f"{ground}: {document.strip()}", user=user)
    return file


@transaction.atomic
def record_event(defendant: Defendant, *, kind: str, date: dt.date, document_number: str, user, as_of: dt.date):
    """Record a new crime or administrative detention, then re-evaluate: the rules revoke or extend."""
    event = ObservationEvent(defendant=defendant, kind=kind, date=date, document_number=document_number,
                             created_by=user)
    _save(event, gettext_noop("event recorded"), user)
    file, _applied = evaluate_file(defendant, as_of=as_of, user=user, reason=gettext_noop("re-evaluated after an event"))
    return event, file


def revoke_file(file, *, event, user, as_of: dt.date):
    """Revocation (A-REVOKE) is what the rules decide once the new intentional crime is recorded."""
    _event, file = record_event(
        file.defendant, kind=event["kind"], date=event["date"], document_number=event["document_number"], user=user,
        as_of=as_of,
    )
    return file


@transaction.atomic
def break_glass(file, *, user, reason: str):
    """Open a hidden file's facts with a reason (handling agency or supervising procuratorate): logged."""
    _guard(permissions.can_break_glass(user, file))
    if len(reason.strip()) < disclosure.BREAK_GLASS_MIN_REASON:
        raise SealingError(gettext_noop("Say why you must read this sealed file (at least ten characters)."))
    return disclosure.log_break_glass(user, file, reason)


# --- Permits to read sealed records, and the access log -----------------------------------------------

READ_SEALED = "sealing.read_sealed_record"


@transaction.atomic
def grant_permit(*, record: Record, user, expires_at, reference: str, purpose: str, granted_by) -> SealedRecordPermit:
    """Let a named user read a named sealed record until ``expires_at`` (after a permit decision)."""
    permit = SealedRecordPermit(record=record, user=user, reference=reference, purpose=purpose, expires_at=expires_at)
    _save(permit, gettext_noop("permit granted"), granted_by)
    assign_perm(READ_SEALED, user, record)
    assign_perm("sealing.view_record", user, record)
    return permit


@transaction.atomic
def end_permit(permit: SealedRecordPermit, *, reason: str, now: dt.datetime, user=None) -> None:
    """End a permit (expiry or revocation) and take the object permissions back unless another permit holds."""
    permit = SealedRecordPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.ended_at is not None:
        return
    permit.ended_at = now
    _save(permit, reason, user)
    still = SealedRecordPermit.objects.active(now).filter(record=permit.record, user=permit.user).exists()
    if not still:
        remove_perm(READ_SEALED, permit.user, permit.record)
        remove_perm("sealing.view_record", permit.user, permit.record)


def expire_permits(*, now: dt.datetime) -> int:
    """End every permit past its expiry (the scheduled task calls this); safe to run twice."""
    count = 0
    for permit in SealedRecordPermit.objects.filter(ended_at__isnull=True, expires_at__lte=now):
        end_permit(permit, reason=gettext_noop("permit expired"), now=now)
        count += 1
    return count
