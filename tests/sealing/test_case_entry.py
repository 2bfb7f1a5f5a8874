"""A clerk enters a case as it stands in the file; anything inconsistent is a named field error and nothing is saved."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sealing.identity import make_id_number
from sealing.models import Case, Charge, Defendant, Person
from tests.cast import TODAY

URL = reverse("sealing:case_create")


def defendant_fields(index, **overrides):
    charge = Charge.objects.get(name=overrides.pop("charge", "盗窃罪"))
    fields = {
        "name": "李四",
        "id_number": make_id_number("440104", dt.date(1999, 3, 15), 10 + index),
        "birth_date": "",
        "charges": [str(charge.pk)],
        "disposition": "sentenced",
        "sentence_kind": "fixed_term",
        "sentence_months": "10",
        "probation_months": "",
        "judgment_effective_date": "2024-06-01",
        "sentence_completed_date": "2025-04-01",
        "plea": "on",
        "prior_convictions": "0",
        "main_conduct_before_18": "unknown",
    }
    fields.update(overrides)
    return {f"defendants-{index}-{key}": value for key, value in fields.items()}


def post_data(defendants=1, case_number="（2024）粤0104刑初123号", offense_date="2024-01-10", **case_overrides):
    data = {
        "case_number": case_number,
        "offense_start_date": "",
        "offense_date": offense_date,
        "summary": "",
        "defendants-TOTAL_FORMS": str(defendants),
        "defendants-INITIAL_FORMS": "0",
        "defendants-MIN_NUM_FORMS": "1",
        "defendants-MAX_NUM_FORMS": "50",
    }
    data.update(case_overrides)
    for i in range(defendants):
        data.update(defendant_fields(i, name=f"被告人{i + 1}"))
    return data


def nothing_saved():
    return not Case.objects.exists() and not Defendant.objects.exists() and not Person.objects.exists()


def field_errors(response, form_prefix=None):
    if form_prefix is None:
        return response.context["form"].errors
    return response.context["formset"].forms[form_prefix].errors


def test_clerk_enters_a_case_with_two_defendants(cast, login):
    client = login(cast.clerk_a)
    response = client.post(URL, post_data(defendants=2))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sealing:case_detail", args=[case.pk])
    assert case.agency == cast.agency_a and case.case_number == "（2024）粤0104刑初123号" and case.year == 2024
    names = [d.person.name for d in case.defendants.order_by("position")]
    assert names == ["被告人1", "被告人2"]
    first = case.defendants.order_by("position").first()
    assert first.person.birth_date == dt.date(1999, 3, 15) and first.person.sex in {"M", "F"}
    assert [c.name for c in first.charges.all()] == ["盗窃罪"]


def test_half_width_brackets_are_stored_full_width(cast, login):
    login(cast.clerk_a).post(URL, post_data(case_number="(2024)粤0104刑初7号"))
    assert Case.objects.get().case_number == "（2024）粤0104刑初7号"


@pytest.mark.parametrize(
    "number",
    ["2024粤0104刑初123号", "（24）粤0104刑初123号", "（2024）粤0104刑初号", "（2024粤0104刑初123号", "（2024）粤0104民初123号", "abc"],
    ids=["no_brackets", "two_digit_year", "no_sequence", "unbalanced", "civil_case", "garbage"],
)
def test_malformed_case_number_is_a_chinese_field_error(cast, login, number):
    response = login(cast.clerk_a).post(URL, post_data(case_number=number))
    assert response.status_code == 200
    assert "案号格式不正确" in " ".join(field_errors(response)["case_number"])
    assert nothing_saved()


def test_wrong_check_digit_is_a_chinese_field_error(cast, login):
    data = post_data()
    good = data["defendants-0-id_number"]
    data["defendants-0-id_number"] = good[:17] + ("0" if good[17] != "0" else "1")
    response = login(cast.clerk_a).post(URL, data)
    assert "校验位" in " ".join(field_errors(response, 0)["id_number"])
    assert "请更正" in response.content.decode()
    assert nothing_saved()


def test_short_id_number_is_a_field_error(cast, login):
    data = post_data()
    data["defendants-0-id_number"] = "4401041999"
    response = login(cast.clerk_a).post(URL, data)
    assert "18" in " ".join(field_errors(response, 0)["id_number"])
    assert nothing_saved()


def test_second_defendant_error_saves_neither(cast, login):
    data = post_data(defendants=2)
    data["defendants-1-id_number"] = "440104199903151235"  # wrong check digit (4 is right)
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 1)["id_number"] and not field_errors(response, 0)
    assert nothing_saved()


@pytest.mark.parametrize(
    "overrides, form, field, words",
    [
        ({"defendants-0-judgment_effective_date": "2023-12-01"}, 0, "judgment_effective_date", "生效"),
        ({"defendants-0-sentence_completed_date": "2024-05-01"}, 0, "sentence_completed_date", "执行完毕"),
        ({"offense_start_date": "2024-02-01"}, None, "offense_start_date", "第一次行为"),
        ({"offense_date": "2099-01-01"}, None, "offense_date", "将来"),
        ({"defendants-0-id_number": "", "defendants-0-birth_date": "2024-02-01"}, 0, "birth_date", "出生"),
    ],
    ids=["effective_before_offence", "completed_before_effective", "first_act_after_last", "future_offence",
         "born_after_offence"],
)
def test_inconsistent_dates_are_named_field_errors(cast, login, overrides, form, field, words):
    data = post_data()
    data.update(overrides)
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 200
    errors = " ".join(field_errors(response, form)[field])
    assert words in errors, errors
    assert nothing_saved()


def test_sentence_lengths_follow_the_criminal_law(cast, login):
    data = post_data()
    data["defendants-0-sentence_kind"] = "detention"
    data["defendants-0-sentence_months"] = "13"
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 0)["sentence_months"]
    assert nothing_saved()


def test_person_without_id_number_needs_a_birth_date(cast, login):
    data = post_data()
    data["defendants-0-id_number"] = ""
    response = login(cast.clerk_a).post(URL, data)
    assert "出生日期" in " ".join(field_errors(response, 0)["id_number"])
    assert nothing_saved()


def test_same_person_twice_in_one_case_is_refused(cast, login):
    data = post_data(defendants=2)
    data["defendants-1-id_number"] = data["defendants-0-id_number"]
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response, 1)["id_number"]
    assert nothing_saved()


def test_duplicate_case_number_is_refused(cast, login):
    client = login(cast.clerk_a)
    client.post(URL, post_data())
    response = client.post(URL, post_data())
    assert "已登记" in " ".join(field_errors(response)["case_number"])
    assert Case.objects.count() == 1


def test_known_person_is_found_by_id_number(cast, login):
    client = login(cast.clerk_a)
    client.post(URL, post_data(case_number="（2024）粤0104刑初1号"))
    client.post(URL, post_data(case_number="（2024）粤0104刑初2号"))
    assert Person.objects.count() == 1 and Defendant.objects.count() == 2


def test_reviewer_cannot_enter_cases(cast, login):
    response = login(cast.reviewer_a).post(URL, post_data())
    assert response.status_code == 403 and nothing_saved()


# --- the form and `evaluate_sealing` share one validation (sealing/rules/validation.py) ----------------

def _with_defendant(**fields):
    data = post_data()
    for key, value in fields.items():
        data[f"defendants-0-{key}"] = value
    return data


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"sentence_kind": "detention", "sentence_months": "7"}, "sentence_months", "1至6"),
        ({"sentence_kind": "fixed_term", "sentence_months": "181"}, "sentence_months", "6至180"),
        ({"sentence_kind": "surveillance", "sentence_months": "25"}, "sentence_months", "3至24"),
        ({"sentence_kind": "fine_only", "sentence_months": "3"}, "sentence_months", "没有以月计算"),
        ({"sentence_kind": "surveillance", "sentence_months": "6", "suspended": "on", "probation_months": "12"},
         "suspended", "缓刑"),
        ({"sentence_kind": "fixed_term", "sentence_months": "24", "suspended": "on", "probation_months": "18"},
         "probation_months", "考验期"),
        ({"sentence_kind": "fixed_term", "sentence_months": "24", "probation_months": "36"},
         "probation_months", "缓刑"),
        ({"disposition": "exempted", "sentence_completed_date": ""}, "sentence_kind", "主刑"),
        ({"disposition": "exempted", "sentence_kind": "", "sentence_months": ""}, "sentence_completed_date", "执行完毕"),
    ],
    ids=["detention_7_one_crime", "fixed_term_181_one_crime", "surveillance_25", "months_for_a_fine",
         "suspended_surveillance", "probation_shorter_than_sentence", "probation_without_suspension",
         "sentence_with_an_exemption", "completion_without_a_sentence"],
)
def test_sentences_the_criminal_law_does_not_allow_are_named_field_errors(cast, login, fields, field, words):
    response = login(cast.clerk_a).post(URL, _with_defendant(**fields))
    assert response.status_code == 200
    errors = " ".join(field_errors(response, 0)[field])
    assert words in errors, errors
    assert nothing_saved()


def test_combined_detention_of_12_months_is_lawful_for_two_crimes(cast, login):
    charges = [str(Charge.objects.get(name=name).pk) for name in ("盗窃罪", "故意伤害罪")]
    data = _with_defendant(charges=charges, sentence_kind="detention", sentence_months="12")
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 302, response.context and field_errors(response, 0)
    assert Defendant.objects.get().charges.count() == 2


def test_detention_of_12_months_for_one_crime_is_refused(cast, login):
    response = login(cast.clerk_a).post(URL, _with_defendant(sentence_kind="detention", sentence_months="12"))
    assert "1至6" in " ".join(field_errors(response, 0)["sentence_months"])
    assert nothing_saved()


def test_offence_on_the_birth_date_is_refused(cast, login):
    data = _with_defendant(id_number="", birth_date="2024-01-10")
    response = login(cast.clerk_a).post(URL, data)
    assert "出生" in " ".join(field_errors(response, 0)["birth_date"])
    assert nothing_saved()


# --- every wrong date in one round -----------------------------------------------------------------------------

@pytest.fixture
def fixed_clock(monkeypatch):
    """The forms read the clock at their edge (timezone.localdate() reads timezone.now()): tests.cast.TODAY here."""
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime.combine(TODAY, dt.time(10), tzinfo=dt.timezone.utc))


def test_every_wrong_date_is_reported_in_one_round(cast, login, fixed_clock):
    data = post_data(defendants=2, offense_start_date="2024-02-01")  # the first act after the last (2024-01-10)
    data.update({
        "defendants-0-judgment_effective_date": "2023-12-01",  # before the last act
        "defendants-0-sentence_completed_date": "2023-11-01",  # before the effective date
        "defendants-1-id_number": "", "defendants-1-birth_date": "2024-03-01",  # born after the offence
        "defendants-1-judgment_effective_date": "2027-01-01",  # in the future
    })
    response = login(cast.clerk_a).post(URL, data)
    assert nothing_saved()
    assert "第一次行为" in " ".join(field_errors(response)["offense_start_date"])
    first, second = field_errors(response, 0), field_errors(response, 1)
    assert "生效" in " ".join(first["judgment_effective_date"])
    assert "执行完毕" in " ".join(first["sentence_completed_date"])
    assert "出生" in " ".join(second["birth_date"])
    assert "将来" in " ".join(second["judgment_effective_date"])


def test_defendants_dates_are_checked_while_the_case_number_is_wrong(cast, login, fixed_clock):
    data = post_data(case_number="abc")
    data["defendants-0-judgment_effective_date"] = "2023-12-01"
    response = login(cast.clerk_a).post(URL, data)
    assert field_errors(response)["case_number"]
    assert "生效" in " ".join(field_errors(response, 0)["judgment_effective_date"])


def test_a_malformed_effective_date_is_one_error_not_two(cast, login, fixed_clock):
    data = post_data()
    data["defendants-0-judgment_effective_date"] = "0001-01-01"
    response = login(cast.clerk_a).post(URL, data)
    assert len(field_errors(response, 0)["judgment_effective_date"]) == 1


# --- removing a defendant block (the formset's DELETE, ticked by hand or by the page's script) -----------------

def test_a_removed_block_is_neither_checked_nor_saved(cast, login):
    data = post_data(defendants=3)
    data.update({"defendants-1-DELETE": "on", "defendants-1-id_number": "garbage", "defendants-1-name": ""})
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    case = Case.objects.get()
    assert [d.person.name for d in case.defendants.order_by("position")] == ["被告人1", "被告人3"]


def test_a_removed_block_stays_folded_after_an_error(cast, login):
    data = post_data(defendants=2, case_number="abc")
    data["defendants-1-DELETE"] = "on"
    body = login(cast.clerk_a).post(URL, data).content.decode()
    blocks = re.findall(r'<div class="card mb-3 defendant-form([^"]*)" data-formset-form>', body)
    assert blocks == ["", " defendant-removed", ""]  # the two blocks, then the blank block's template
    assert 'name="defendants-1-DELETE" class="form-check-input" data-formset-delete="" id="id_defendants-1-DELETE"' \
        ' checked' in body
    assert 'name="defendants-TOTAL_FORMS" value="2"' in body


def test_removing_every_block_is_refused(cast, login):
    data = post_data()
    data["defendants-0-DELETE"] = "on"
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 200 and response.context["formset"].non_form_errors()
    assert nothing_saved()


def test_the_same_person_in_a_removed_block_is_no_duplicate(cast, login):
    data = post_data(defendants=2)
    data["defendants-1-id_number"] = data["defendants-0-id_number"]
    data["defendants-1-DELETE"] = "on"
    response = login(cast.clerk_a).post(URL, data)
    assert response.status_code == 302 and Case.objects.get().defendants.count() == 1
