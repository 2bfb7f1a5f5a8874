"""The benchmark data generator (sealing/generate.py, ``manage.py generate_cases``): what it writes is what the
services would have left, encrypted as they store it, decided by the rules engine. COPY on PostgreSQL (the CI
stage), bulk inserts on SQLite."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from common.crypto import blind_index
from sealing import generate as gen
from sealing.models import Case, Defendant, Person, Record, RecordSeal, SealingFile, SealingNotice
from sealing.policy import current_policy_version
from sealing.rules import evaluate
from sealing.rules.files import is_hidden
from sealing.services import facts_for

SMALL = (1, 3)  # one district in each of three cities
AS_OF = dt.date(2026, 6, 1)
pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def generated():
    return gen.generate(120, as_of=AS_OF, seed=7, chunk=50, queries=5, size=SMALL)


def test_counts_and_rows(generated):
    assert generated["cases"] == Case.objects.count() == 120
    assert generated["defendants"] == Defendant.objects.count() == SealingFile.objects.count() == Person.objects.count()
    assert generated["defendants"] > 120  # joint cases
    assert generated["records"] == Record.objects.count()
    assert generated["notices"] == SealingNotice.objects.count() > 0
    assert generated["copies sealed"] == RecordSeal.objects.count() > 0
    assert generated["query requests"] == 5
    # several holding agencies per case
    assert Record.objects.values("case_id", "holding_agency_id").distinct().count() >= 2 * 120


def test_every_file_is_the_rules_decision_as_of_the_date(generated):
    policy = current_policy_version().to_policy()
    files = SealingFile.objects.select_related("defendant__case", "defendant__person")
    for file in files:
        decision = evaluate(facts_for(file.defendant), policy, AS_OF)
        assert (file.status, file.seal_date, file.observation_end) == (
            decision.status, decision.seal_date, decision.observation_end), file.pk
        assert file.decision["trace"], file.pk
    assert files.filter(status__in=["sealed", "provisionally_sealed"]).exists()
    assert files.exclude(status__in=["sealed", "provisionally_sealed"]).exists()


def test_names_and_ids_are_stored_encrypted_with_their_blind_index(generated):
    person = Person.objects.exclude(id_number_index=None).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, id_number_index FROM sealing_person WHERE id = %s", [person.pk])
        name, number, index = cursor.fetchone()
    assert name != person.name and person.name not in name
    assert number != person.id_number and index == blind_index(person.id_number)
    record = Record.objects.first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM sealing_record WHERE id = %s", [record.pk])
        assert record.case.case_number not in cursor.fetchone()[0]


def test_notices_and_seals_follow_the_files(generated):
    for notice in SealingNotice.objects.select_related("sealing_file__defendant__case"):
        assert is_hidden(notice.sealing_file.status)
        assert notice.from_agency_id == notice.sealing_file.defendant.case.agency_id != notice.to_agency_id
        assert notice.sent_on == notice.sealing_file.seal_date <= AS_OF
    for seal in RecordSeal.objects.select_related("record", "sealing_file"):
        assert is_hidden(seal.sealing_file.status)
        assert seal.record.case_id == seal.sealing_file.defendant.case_id
    # some agencies have not sealed by their deadline: the console has work
    assert SealingNotice.objects.overdue(AS_OF).exists()


def test_a_second_run_adds_to_the_same_province(generated):
    again = gen.generate(30, as_of=AS_OF, seed=7, chunk=50, queries=0, size=SMALL)
    assert again["cases"] == 30 and Case.objects.count() == 150
    indexes = list(Person.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True))
    assert len(indexes) == len(set(indexes))


def test_the_command_prints_a_summary(monkeypatch):
    monkeypatch.setattr(gen, "DISTRICTS_PER_CITY", 1)
    monkeypatch.setattr(gen, "CITIES", gen.CITIES[:2])
    out = io.StringIO()
    call_command("generate_cases", "20", "--as-of", AS_OF.isoformat(), "--queries", "0", "--scan", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["cases"] == 20 and "S-UNSEALED" in summary["scan"]["by_rule"]


@pytest.mark.parametrize("args, field", [
    (["many"], "count"), (["0"], "count"), (["10", "--as-of", "2026-13-01"], "as_of"),
    (["10", "--seed", "x"], "seed"), (["10", "--jobs", "0"], "jobs"), (["10", "--chunk", "-1"], "chunk"),
    (["10", "--queries", "1e3"], "queries"), (["10", "--as-of", "1800-01-01"], "as_of"),
])
def test_bad_input_exits_2_naming_the_field(args, field):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("generate_cases", *args, stdout=out, stderr=io.StringIO())
    code = exit_.value.code
    assert code == 2
    assert json.loads(out.getvalue())["field"] == field
    assert not Case.objects.exists()


def test_generated_case_numbers_are_ones_the_case_form_accepts(db):
    """The export of generated cases imports again: their numbers pass the form's own check."""
    from sealing.casenumber import parse_case_number

    gen.generate(30, as_of=AS_OF, seed=5, queries=0, size=(1, 2))
    numbers = list(Case.objects.values_list("case_number", flat=True))
    assert len(numbers) == 30 and len(set(numbers)) == 30
    for number in numbers:
        assert parse_case_number(number, max_year=AS_OF.year)[0] == number
