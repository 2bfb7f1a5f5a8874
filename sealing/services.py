"""Every write of the sealing app: one function per business action, atomic, with a history reason.

Reasons are stored in the source language (gettext_noop) and translated when shown.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_noop

from common.crypto import blind_index

from .identity import normalize_id_number, parse_id_number
from .models import Case, Defendant, Person, Record

PERSON_FIELDS = ("name", "id_number", "birth_date")
DEFENDANT_FIELDS = (
    "disposition", "sentence_kind", "sentence_months", "suspended", "probation_months",
    "judgment_effective_date", "sentence_completed_date", "plea", "surrender", "good_conduct",
    "prior_convictions", "main_conduct_before_18", "community_service_hours",
)
CASE_FIELDS = ("case_number", "year", "offense_start_date", "offense_date", "summary")
RECORD_FIELDS = ("kind", "title", "document_number", "content", "defendant")


def _save(obj, reason: str, user=None) -> None:
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()


def find_or_create_person(*, name: str, id_number: str = "", birth_date: dt.date | None = None, user=None) -> Person:
    """The person with this ID number (found by its blind index), or a new one.

    Without an ID number every entry is a new person: names are not unique.
    """
    if id_number:
        parsed = parse_id_number(id_number)
        index = blind_index(parsed.number)
        person = Person.objects.select_for_update().filter(id_number_index=index).first()
        if person is None:
            person = Person(id_number=parsed.number, id_number_index=index, birth_date=parsed.birth_date, sex=parsed.sex)
            person.name = name
            _save(person, gettext_noop("person entered"), user)
        elif person.name != name:
            person.name = name
            _save(person, gettext_noop("name corrected at case entry"), user)
        return person
    person = Person(name=name, id_number="", id_number_index=None, birth_date=birth_date, sex="")
    _save(person, gettext_noop("person entered (no ID number)"), user)
    return person


def _apply(obj, data: dict, fields) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


@transaction.atomic
def create_case(*, user, case_data: dict, defendants: list[dict]) -> Case:
    """Enter a case with its defendants, as the clerk's agency."""
    case = Case(agency=user.agency, created_by=user)
    _apply(case, case_data, CASE_FIELDS)
    _save(case, gettext_noop("case entered"), user)
    for position, data in enumerate(defendants, start=1):
        add_defendant(user=user, case=case, data=data, position=position)
    return case


@transaction.atomic
def update_case(*, user, case: Case, case_data: dict) -> Case:
    _apply(case, case_data, CASE_FIELDS)
    _save(case, gettext_noop("case details corrected"), user)
    return case


@transaction.atomic
def add_defendant(*, user, case: Case, data: dict, position: int | None = None) -> Defendant:
    person = find_or_create_person(
        name=data["name"], id_number=data.get("id_number") or "", birth_date=data.get("birth_date"), user=user
    )
    if position is None:
        position = (case.defendants.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    defendant = Defendant(case=case, person=person, position=position)
    _apply(defendant, data, DEFENDANT_FIELDS)
    _save(defendant, gettext_noop("defendant entered"), user)
    defendant.charges.set(data.get("charges", []))
    return defendant


@transaction.atomic
def update_defendant(*, user, defendant: Defendant, data: dict) -> Defendant:
    current = defendant.person
    new_id = normalize_id_number(data.get("id_number") or "")
    if new_id and new_id != current.id_number:
        defendant.person = find_or_create_person(name=data["name"], id_number=new_id, user=user)
    elif not new_id and current.id_number:
        defendant.person = find_or_create_person(name=data["name"], birth_date=data.get("birth_date"), user=user)
    else:
        changed = current.name != data["name"] or (not new_id and current.birth_date != data.get("birth_date"))
        if changed:
            current.name = data["name"]
            if not new_id:
                current.birth_date = data.get("birth_date")
            _save(current, gettext_noop("person details corrected"), user)
    _apply(defendant, data, DEFENDANT_FIELDS)
    _save(defendant, gettext_noop("defendant details corrected"), user)
    if "charges" in data:
        defendant.charges.set(data["charges"])
    return defendant


@transaction.atomic
def create_record(*, user, case: Case, data: dict) -> Record:
    """Register the clerk's agency's copy of a record of the case."""
    record = Record(case=case, holding_agency=user.agency, created_by=user)
    _apply(record, data, RECORD_FIELDS)
    _save(record, gettext_noop("record copy registered"), user)
    return record


@transaction.atomic
def update_record(*, user, record: Record, data: dict) -> Record:
    _apply(record, data, RECORD_FIELDS)
    _save(record, gettext_noop("record copy corrected"), user)
    return record
