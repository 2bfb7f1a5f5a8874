"""Entering many new cases at once (sealing/services_bulk.py, the import's writer): the same rows, decisions,
history and J-WHEN work as the services one by one, in a number of statements that does not grow with the
cases."""
from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sealing import services, services_bulk
from sealing.imports import apply_import
from sealing.models import Case, Defendant, FileStatus, Person, RecordSeal, SealingFile, SealingNotice
from tests.cast import TODAY, defendant_data, enter_case
from tests.sealing.test_import_files import csv_file, id_number, row

REASON = "imported from cases.xlsx, row %d"


def juvenile_of_2010(**overrides) -> dict:
    """Under 18 in 2010, eight months served by 2011: a record J-RETRO seals at once."""
    values = dict(name="李四", birth=dt.date(1994, 3, 1), charge="盗窃罪", serial=31, sentence_months=8,
                  judgment_effective_date=dt.date(2010, 9, 1), sentence_completed_date=dt.date(2011, 5, 1))
    return defendant_data(**dict(values, **overrides))


def new_case(number: str, offense: dt.date, defendants: list[dict], first_row: int, record: bool = True):
    items = []
    for offset, data in enumerate(defendants):
        items.append(services_bulk.NewDefendant(
            data=data, reason=REASON % (first_row + offset),
            record={"kind": "judgment", "title": "刑事判决书", "document_number": number} if record else None))
    return services_bulk.NewCase(
        case_data={"case_number": number, "year": offense.year, "offense_date": offense, "offense_start_date": None,
                   "summary": ""},
        reason=REASON % first_row, defendants=items)


def varied_cases():
    light = defendant_data(name="王五", serial=41, charge="盗窃罪", sentence_months=10,
                           sentence_completed_date=dt.date(2025, 4, 1))
    return [
        new_case("（2024）粤0104刑初100号", dt.date(2024, 1, 10), [defendant_data(serial=21), light], 2),
        new_case("（2010）粤0104刑初7号", dt.date(2010, 2, 1), [juvenile_of_2010()], 4),
        new_case("（2024）粤0104刑初101号", dt.date(2024, 2, 1),
                 [defendant_data(name="钱七", serial=51, charge="危险驾驶罪", sentence_kind="detention",
                                 sentence_months=3, sentence_completed_date=None)], 5, record=False),
    ]


def test_each_file_is_decided_as_evaluate_file_decides_it(cast):
    cases = services_bulk.create_cases(user=cast.clerk_a, cases=varied_cases(), today=TODAY)
    files = [item.file for new in cases for item in new.defendants]
    assert len({f.status for f in files}) >= 3, [f.status for f in files]
    history_before = SealingFile.history.count()
    for file in files:
        stored = SealingFile.objects.get(pk=file.pk)
        assert stored.status == file.status and stored.policy_id == file.policy_id
        # the services, asked again on the same facts, find nothing to change: no write, no history row
        again = services.evaluate_file(stored.defendant, as_of=TODAY)
        assert again.applied and again.file.status == stored.status
        assert again.file.decision == stored.decision and again.file.next_change == stored.next_change
    assert SealingFile.history.count() == history_before


def test_every_row_has_a_history_row_with_the_reason_of_its_row(cast):
    cases = services_bulk.create_cases(user=cast.clerk_a, cases=varied_cases(), today=TODAY)
    first = cases[0]
    assert list(first.case.history.values_list("history_change_reason", "history_type", "history_user")) == [
        (REASON % 2, "+", cast.clerk_a.pk)]
    second = first.defendants[1].defendant
    assert [h.history_change_reason for h in second.history.all()] == [REASON % 3]
    assert [h.history_change_reason for h in second.person.history.all()] == [REASON % 3]
    assert [r.history.get().history_change_reason for r in second.case.records.filter(defendant=second)] == [REASON % 3]
    assert second.sealing_file.history.get().history_change_reason == "evaluated"
    # the defendant's history row keeps its charges, as simple-history does for a save
    assert [c.charge.name for c in second.history.get().charges.all()] == ["盗窃罪"]
    # a case without a record copy has none
    assert not cases[2].case.records.exists()


def test_a_file_hidden_at_once_has_its_copy_sealed_and_its_notices_sent(cast):
    cases = services_bulk.create_cases(user=cast.clerk_a, cases=varied_cases(), today=TODAY)
    file = cases[1].defendants[0].file
    assert file.status == FileStatus.SEALED and file.hidden
    record = cases[1].case.records.get()
    seal = RecordSeal.objects.get(record=record)
    assert seal.sealing_file_id == file.pk and seal.lifted_at is None
    assert SealingFile.objects.get(pk=file.pk).notified_on == TODAY
    # the engine's own path on the same facts gives the same notices (J-WHEN): compare with the services
    by_hand, _record = enter_case(cast.clerk_a, number="（2010）粤0104刑初8号", offense_date=dt.date(2010, 2, 1),
                                  defendants=[juvenile_of_2010(serial=33)])
    by_services = SealingNotice.objects.filter(sealing_file__defendant__case=by_hand).values_list("to_agency", "basis")
    assert by_services
    assert sorted(SealingNotice.objects.filter(sealing_file=file).values_list("to_agency", "basis")) == sorted(by_services)


def test_a_known_person_is_found_by_the_id_number_and_entered_once(cast):
    known, _record = enter_case(cast.clerk_a, defendants=[defendant_data(name="张三", serial=61)])
    person = known.defendants.get().person
    twice = [defendant_data(name="张叁", serial=61), defendant_data(name="张叁", serial=61)]
    cases = services_bulk.create_cases(user=cast.clerk_a, today=TODAY, cases=[
        new_case("（2024）粤0104刑初200号", dt.date(2024, 1, 10), twice[:1], 2),
        new_case("（2024）粤0104刑初201号", dt.date(2024, 1, 10), twice[1:], 3)])
    assert {item.defendant.person_id for new in cases for item in new.defendants} == {person.pk}
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.name == "张叁" and person.history.first().history_change_reason == REASON % 2


def test_the_name_of_a_person_with_a_hidden_file_is_not_changed(cast):
    services_bulk.create_cases(user=cast.clerk_a, today=TODAY, cases=[
        new_case("（2010）粤0104刑初7号", dt.date(2010, 2, 1), [juvenile_of_2010()], 2)])
    person = Person.objects.get()
    services_bulk.create_cases(user=cast.clerk_a, today=TODAY, cases=[
        new_case("（2024）粤0104刑初300号", dt.date(2024, 1, 10), [juvenile_of_2010(name="李肆")], 2)])
    person.refresh_from_db()
    assert person.name == "李四" and person.history.count() == 1
    assert Defendant.objects.filter(person=person).count() == 2


def test_a_person_without_an_id_number_is_a_new_person_each_time(cast):
    anonymous = defendant_data(name="无名", id_number="", birth=dt.date(1990, 1, 1))
    services_bulk.create_cases(user=cast.clerk_a, today=TODAY, cases=[
        new_case("（2024）粤0104刑初400号", dt.date(2024, 1, 10), [anonymous, dict(anonymous)], 2)])
    assert Person.objects.count() == 2
    assert set(Person.objects.values_list("birth_date", flat=True)) == {dt.date(1990, 1, 1)}


def test_the_import_writes_its_cases_in_a_number_of_queries_that_does_not_grow_with_them(cast):
    def queries(first: int, count: int) -> int:
        rows = [row(案号=f"（2024）粤0104刑初{first + n}号", 姓名="王五", 公民身份号码=id_number(first + n),
                    文书编号=f"（2024）粤0104刑初{first + n}号") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            result = apply_import(csv_file(rows), "cases.csv", user=cast.clerk_a, today=TODAY)
        assert result["created"] == count and not result["errors"], result["errors"]
        return len(captured.captured_queries)

    queries(100, 1)  # the caches of a first import (the policy, the catalogue) filled
    few, many = queries(200, 3), queries(300, 30)
    assert many == few, (few, many)
    history = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    assert sum(m.objects.count() for m in history) > 34 * 4
    assert Case.objects.count() == 34



# --- the forms, given what the import has read already ------------------------------------------------------

def test_the_case_form_checks_the_number_against_the_cases_the_caller_read(cast, django_assert_num_queries):
    from sealing.forms import CaseForm

    stored, _record = enter_case(cast.clerk_a)
    data = {"case_number": stored.case_number, "offense_date": "2024-01-10", "summary": ""}
    with django_assert_num_queries(0):
        taken = CaseForm(data, registered={stored.case_number: stored.pk})
        assert not taken.is_valid() and "case_number" in taken.errors
        free = CaseForm(dict(data, case_number="（2024）粤0104刑初9号"), registered={stored.case_number: stored.pk})
        assert free.is_valid(), free.errors
        itself = CaseForm(data, instance=stored, registered={stored.case_number: stored.pk})
        assert itself.is_valid(), itself.errors
    # without the hint: one query for the number, none more for the model's own uniqueness check
    with django_assert_num_queries(1):
        assert CaseForm(data).errors["case_number"] == taken.errors["case_number"]


def test_the_defendant_form_checks_charges_against_the_catalogue_given(cast, django_assert_num_queries):
    from sealing.forms import DefendantForm
    from sealing.models import Charge

    catalogue = Charge.objects.in_bulk()
    theft, robbery = Charge.objects.get(name="盗窃罪"), Charge.objects.get(name="抢劫罪")
    data = {"name": "王五", "id_number": id_number(), "charges": [str(robbery.pk), str(theft.pk)],
            "disposition": "exempted", "prior_convictions": "0", "main_conduct_before_18": "unknown"}
    with django_assert_num_queries(0):
        form = DefendantForm(data, offense_date=dt.date(2024, 1, 10), charges=catalogue)
        assert form.is_valid(), form.errors
    expected = list(DefendantForm.base_fields["charges"].queryset.filter(pk__in=[theft.pk, robbery.pk]))
    assert form.cleaned_data["charges"] == expected  # the catalogue's order, as the queryset gives them
    plain = DefendantForm(dict(data, charges=[str(max(catalogue) + 1)]), offense_date=dt.date(2024, 1, 10))
    known = DefendantForm(dict(data, charges=[str(max(catalogue) + 1)]), offense_date=dt.date(2024, 1, 10),
                          charges=catalogue)
    assert not plain.is_valid() and not known.is_valid()
    assert known.errors["charges"] == plain.errors["charges"]
    bad = DefendantForm(dict(data, charges=["x"]), offense_date=dt.date(2024, 1, 10), charges=catalogue)
    assert not bad.is_valid()
    assert bad.errors["charges"] == DefendantForm(dict(data, charges=["x"]), offense_date=dt.date(2024, 1, 10)).errors["charges"]
