"""Entering many new cases at once (the case import, sealing/imports.py): what ``services.create_case``,
``add_defendant``, ``create_record`` and ``evaluate_file`` write for each, written in a fixed number of
statements for the whole batch instead of some forty a defendant.

The same rows, the same history (each row with its own reason: the file and row it came from), the same
law: the persons are found by their ID number's blind index or entered, with encrypted names and ID numbers;
each defendant is evaluated by the rules engine under the current policy version (``services.set_decision``);
a file the rules hide at once (J-RETRO: a case closed long ago) gets its deciding agency's copies sealed and
its notices sent (``notices.seal_and_notify_many``). One difference, to the good: the agency's record copy is
registered before the file is evaluated, so a file hidden at once has that copy sealed at once (one by one, the
copy comes after and waits for the sweep's backlog). The caller has validated every row with the forms and holds
the transaction; a failure raises and the caller's savepoint undoes the batch.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext_noop

from common.bulk import analyze, insert_rows, write_history
from common.crypto import blind_index

from .identity import parse_id_number
from .models import HIDDEN_STATES, Case, Defendant, Person, Record, RecordSeal, SealingFile, SealingNotice
from . import notices
from .policy import current_policy_version
from .rules import evaluate
from .services import CASE_FIELDS, DEFENDANT_FIELDS, RECORD_FIELDS, _apply, _facts, _save, set_decision


@dataclass
class NewDefendant:
    data: dict  # DefendantForm's cleaned data
    reason: str  # the history reason of every row written for this defendant
    record: dict | None = None  # the clerk's agency's copy: kind, title, document_number
    defendant: Defendant | None = None  # written
    file: SealingFile | None = None


@dataclass
class NewCase:
    case_data: dict  # CaseForm's cleaned data
    reason: str
    defendants: list[NewDefendant] = field(default_factory=list)
    case: Case | None = None  # written


def _persons(items: list[NewDefendant], user) -> list[Person]:
    """Each defendant's person, as find_or_create_person gives it: the one of the same ID number (one for
    the whole batch), its name corrected unless a hidden file of the person forbids it; or a new one."""
    by_index: dict[str, tuple[object, NewDefendant]] = {}
    indexes = []  # each item's blind index, None without an ID number
    for item in items:
        number = item.data.get("id_number") or ""
        index = None
        if number:
            parsed = parse_id_number(number)
            index = blind_index(parsed.number)
            by_index.setdefault(index, (parsed, item))
        indexes.append(index)
    stored = {p.id_number_index: p for p in Person.objects.select_for_update().filter(id_number_index__in=list(by_index))}
    renamed = [p for index, p in stored.items() if p.name != by_index[index][1].data["name"]]
    if renamed:
        hidden = set(Defendant.objects.filter(person__in=renamed, sealing_file__status__in=HIDDEN_STATES)
                     .values_list("person_id", flat=True))
        for person in renamed:
            if person.pk not in hidden:
                person.name = by_index[person.id_number_index][1].data["name"]
                _save(person, by_index[person.id_number_index][1].reason, user)
    new = []
    for index, (parsed, item) in by_index.items():
        if index not in stored:
            person = Person(id_number=parsed.number, id_number_index=index, birth_date=parsed.birth_date,
                            sex=parsed.sex, name=item.data["name"])
            notices._mark(person, item.reason, user)
            stored[index] = person
            new.append(person)
    persons = []
    for item, index in zip(items, indexes):
        if index is not None:
            persons.append(stored[index])
        else:  # without an ID number every entry is a new person: names are not unique
            person = Person(name=item.data["name"], id_number="", id_number_index=None,
                            birth_date=item.data.get("birth_date"), sex="")
            notices._mark(person, item.reason, user)
            new.append(person)
            persons.append(person)
    insert_rows(Person, new)
    write_history(Person, new, update=False)
    return persons


def _charge_history(defendants: list[Defendant]) -> None:
    """The charges of each defendant's history row, as simple-history keeps them (m2m_fields)."""
    through = Defendant.charges.through
    links = through.objects.bulk_create(
        [through(defendant_id=d.pk, charge_id=c.pk) for d in defendants for c in d._new_charges])
    history_model = apps.get_model("sealing", "HistoricalDefendant_charges")
    rows = Defendant.history.model.objects.filter(id__in=[d.pk for d in defendants]).values_list("history_id", "id")
    latest = {}
    for history_id, defendant_id in rows:
        latest[defendant_id] = max(history_id, latest.get(defendant_id, 0))
    history_model.objects.bulk_create([
        history_model(id=link.pk, history_id=latest[link.defendant_id], defendant_id=link.defendant_id,
                      charge_id=link.charge_id) for link in links])


@transaction.atomic
def create_cases(*, user, cases: list[NewCase], today: dt.date) -> list[NewCase]:
    """Enter the cases with their defendants and the agency's record copies, as the user's agency, and
    evaluate each defendant as of ``today``. Returns the cases, each with ``case`` and each defendant's
    ``defendant`` and ``file`` set."""
    if not cases:
        return cases
    items = [item for new in cases for item in new.defendants]
    persons = _persons(items, user)
    for new in cases:
        new.case = Case(agency=user.agency, created_by=user)
        _apply(new.case, new.case_data, CASE_FIELDS)
        notices._mark(new.case, new.reason, user)
    insert_rows(Case, [new.case for new in cases])
    write_history(Case, [new.case for new in cases], update=False)

    defendants = []
    person_of = iter(persons)
    for new in cases:
        for position, item in enumerate(new.defendants, start=1):
            defendant = Defendant(case=new.case, person=next(person_of), position=position)
            _apply(defendant, item.data, DEFENDANT_FIELDS)
            defendant._new_charges = sorted(item.data.get("charges", []), key=lambda c: c.pk)
            notices._mark(defendant, item.reason, user)
            item.defendant = defendant
            defendants.append(defendant)
    insert_rows(Defendant, defendants)
    write_history(Defendant, defendants, update=False)
    _charge_history(defendants)

    records = []
    for item in items:
        if item.record is not None:
            record = Record(case=item.defendant.case, holding_agency=user.agency, created_by=user)
            _apply(record, dict(item.record, content="", defendant=item.defendant), RECORD_FIELDS)
            notices._mark(record, item.reason, user)
            records.append(record)
    insert_rows(Record, records)
    write_history(Record, records, update=False)

    policy = current_policy_version(today)
    rules = policy.to_policy()
    files = []
    for item in items:
        defendant = item.defendant
        decision = evaluate(_facts(defendant, charges=defendant._new_charges, events=[]), rules, today)
        item.file = SealingFile(defendant=defendant)
        set_decision(item.file, decision, policy, as_of=today, previous_status=None)
        notices._mark(item.file, gettext_noop("evaluated"), user)
        files.append(item.file)
    insert_rows(SealingFile, files)
    write_history(SealingFile, files, update=False)
    for file in files:
        file._loaded_status = file.status
    notices.seal_and_notify_many([f for f in files if f.hidden], as_of=today, user=user)
    return cases


def refresh_statistics() -> None:
    """The planner's statistics of every table create_cases writes and reads back (common.bulk.analyze): the
    import calls it as the rows it has written grow (a new installation's first import fills empty tables)."""
    analyze(Person, Case, Defendant, Defendant.charges.through, Defendant.history.model, Record, SealingFile,
            RecordSeal, SealingNotice)
