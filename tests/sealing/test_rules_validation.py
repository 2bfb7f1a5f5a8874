"""The one validation the case form and `evaluate_sealing` share (sealing/rules/validation.py), as tables."""
import datetime as dt
import re
from pathlib import Path

import pytest

from sealing.identity import make_id_number
from sealing.rules import validation as v

D = dt.date.fromisoformat


def codes(problems):
    return [p.code for p in problems]


def fields(problems):
    return [p.field for p in problems]


@pytest.mark.parametrize("kind, months, charge_count, code", [
    ("fixed_term", 5, 1, "sentence_months_range"),
    ("fixed_term", 6, 1, None),
    ("fixed_term", 180, 1, None),
    ("fixed_term", 181, 1, "sentence_months_range"),
    ("fixed_term", 181, 2, None),
    ("fixed_term", 300, 3, None),
    ("fixed_term", 301, 2, "sentence_months_range"),
    ("detention", 0, 1, "sentence_months_range"),
    ("detention", 1, 1, None),
    ("detention", 6, 1, None),
    ("detention", 7, 1, "sentence_months_range"),
    ("detention", 12, 2, None),
    ("detention", 13, 2, "sentence_months_range"),
    ("surveillance", 2, 1, "sentence_months_range"),
    ("surveillance", 3, 1, None),
    ("surveillance", 24, 1, None),
    ("surveillance", 25, 2, "sentence_months_range"),
    ("fine_only", 0, 1, "sentence_months_not_applicable"),
    ("fine_only", None, 1, None),
    ("life", 12, 1, "sentence_months_not_applicable"),
    ("death", None, 1, None),
    ("fixed_term", None, 1, None),  # a missing fact, not an error
], ids=lambda x: str(x))
def test_sentence_months(kind, months, charge_count, code):
    problems = v.check_sentence("sentenced", kind, months, charge_count=charge_count)
    assert codes(problems) == ([code] if code else [])
    if code:
        assert fields(problems) == ["sentence.months"]


def test_range_problem_carries_the_bounds_for_the_message():
    problem = v.check_sentence("sentenced", "detention", 7)[0]
    assert problem.params == {"low": 1, "high": 6, "kind": "detention"}
    assert problem.to_input_error().to_dict() == {"error": problem.message, "field": "sentence.months"}


@pytest.mark.parametrize("kind, months, probation, code, field", [
    ("surveillance", 6, 12, "sentence_not_suspendable", "sentence.suspended"),
    ("fine_only", None, None, "sentence_not_suspendable", "sentence.suspended"),
    ("life", None, None, "sentence_not_suspendable", "sentence.suspended"),
    ("fixed_term", 37, 48, "sentence_not_suspendable", "sentence.suspended"),
    ("fixed_term", 36, 36, None, None),
    ("fixed_term", 12, 11, "probation_range", "sentence.probation_months"),
    ("fixed_term", 12, 12, None, None),
    ("fixed_term", 12, 60, None, None),
    ("fixed_term", 12, 61, "probation_range", "sentence.probation_months"),
    ("fixed_term", 24, 18, "probation_range", "sentence.probation_months"),  # shorter than the sentence
    ("fixed_term", None, 24, None, None),
    ("fixed_term", 12, None, None, None),  # probation missing: a missing fact
    ("detention", 2, 1, "probation_range", "sentence.probation_months"),
    ("detention", 2, 2, None, None),
    ("detention", 6, 12, None, None),
    ("detention", 6, 13, "probation_range", "sentence.probation_months"),
    ("detention", 5, 4, "probation_range", "sentence.probation_months"),
], ids=lambda x: str(x))
def test_suspension_and_probation(kind, months, probation, code, field):
    problems = v.check_sentence("sentenced", kind, months, True, probation)
    assert codes(problems) == ([code] if code else [])
    assert fields(problems) == ([field] if field else [])


def test_probation_without_suspension():
    problems = v.check_sentence("sentenced", "fixed_term", 24, False, 36)
    assert codes(problems) == ["probation_without_suspension"]


@pytest.mark.parametrize("disposition", ["exempted", "not_prosecuted", "not_punished", "withdrawn", "coercive_measure"])
def test_a_sentence_needs_a_sentenced_disposition(disposition):
    problems = v.check_sentence(disposition, "fixed_term", 24)
    assert (codes(problems), fields(problems)) == (["sentence_not_sentenced"], ["sentence"])
    assert v.check_sentence(disposition, None) == []


BIRTH = D("2004-06-15")


@pytest.mark.parametrize("changes, expected", [
    (dict(offense_date=D("2004-06-15")), [("offense_date", "offense_not_after_birth")]),
    (dict(offense_date=D("2004-06-16")), []),
    (dict(offense_start_date=D("2004-06-15")), [("offense_start_date", "offense_start_not_after_birth")]),
    (dict(offense_start_date=D("2020-03-02")), [("offense_start_date", "offense_start_after_offense")]),
    (dict(offense_start_date=D("2020-03-01")), []),
    (dict(judgment_effective_date=D("2020-02-29")), [("judgment_effective_date", "effective_before_offense")]),
    (dict(judgment_effective_date=D("2020-03-01")), []),
    (dict(sentence_completed_date=D("2021-01-09")), [("sentence_completed_date", "completed_before_effective")]),
    (dict(sentence_completed_date=D("2021-01-10")), []),
    (dict(sentence_completed_date=D("2022-01-10"), disposition="exempted"),
     [("sentence_completed_date", "completed_without_sentence")]),
    (dict(event_dates=[D("2022-01-01"), D("2004-06-15")]), [("events[1].date", "event_not_after_birth")]),
    (dict(event_dates=[D("2004-06-16")]), []),
    # the JSON command evaluates as of any date: the future is `pending` there, refused only by the form
    (dict(judgment_effective_date=D("2030-01-01")), []),
    (dict(judgment_effective_date=D("2030-01-01"), today=D("2025-01-01")),
     [("judgment_effective_date", "effective_in_future")]),
    (dict(sentence_completed_date=D("2025-01-02"), today=D("2025-01-01")),
     [("sentence_completed_date", "completed_in_future")]),
    (dict(offense_date=D("2025-01-02"), judgment_effective_date=None, today=D("2025-01-01")),
     [("offense_date", "offense_in_future")]),
], ids=lambda x: str(x))
def test_dates_in_an_order_that_can_be(changes, expected):
    data = dict(birth_date=BIRTH, offense_date=D("2020-03-01"), judgment_effective_date=D("2021-01-10"),
                disposition="sentenced")
    data.update(changes)
    problems = v.check_case_dates(**data)
    assert [(p.field, p.code) for p in problems] == expected


def test_identity():
    number = make_id_number("110101", BIRTH, 123)
    assert v.check_identity(number, None) == (BIRTH, [])
    assert v.check_identity(number, BIRTH) == (BIRTH, [])
    assert v.check_identity(None, BIRTH) == (BIRTH, [])
    _, problems = v.check_identity(None, None)
    assert (codes(problems), fields(problems)) == (["identity_required"], ["birth_date"])
    _, problems = v.check_identity(number, D("2004-06-16"))
    assert (codes(problems), fields(problems)) == (["birth_date_mismatch"], ["id_number"])
    broken = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert codes(v.check_identity(broken, None)[1]) == ["id_number_checksum"]
    assert codes(v.check_identity("123", None)[1]) == ["id_number_shape"]


def test_charges():
    known = {"盗窃罪", "危险驾驶罪", "故意伤害罪"}
    assert v.check_charges(["盗窃罪"], known.__contains__, known, "sentenced") == []
    problems = v.check_charges(["盗窃罪", "危险架驶罪"], known.__contains__, known, "sentenced")
    assert (codes(problems), fields(problems)) == (["charge_unknown"], ["charges[1]"])
    assert problems[0].params["suggestions"][0] == "危险驾驶罪" and "危险驾驶罪" in problems[0].message
    assert codes(v.check_charges([], known.__contains__, known, "sentenced")) == ["charges_required"]
    assert codes(v.check_charges([], known.__contains__, known, "exempted")) == ["charges_required"]
    assert v.check_charges([], known.__contains__, known, "coercive_measure") == []
    assert v.check_charges(["anything"], None, (), "sentenced") == []  # no catalogue: not checked


def test_every_code_is_documented_and_the_form_maps_every_code():
    source = Path(v.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'Problem\(\s*(?:f?"[^"]*"|[a-z_]+),\s*f?"([a-z_]+)"', source))
    used |= {"id_number_shape", "id_number_birth_date", "id_number_checksum"}  # f"id_number_{exc.code}"
    used.discard("id_number_")
    documented = set(re.findall(r"[a-z]+(?:_[a-z0-9]+)+", v.__doc__.split("Codes:")[1]))
    assert used <= documented, used - documented
    forms = (Path(v.__file__).resolve().parents[2] / "sealing" / "forms.py").read_text(encoding="utf-8")
    mapped = set(re.findall(r'^\s+"([a-z_]+)": \(', forms, re.M))
    # charges are chosen from the catalogue in the form; events are entered on their own form
    assert documented - mapped == {"charges_required", "charge_unknown", "event_not_after_birth"}
