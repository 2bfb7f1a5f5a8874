"""`manage.py evaluate_sealing`: cases in, decisions out as JSON, nothing written, exit 2 naming the field."""
import datetime as dt
import json

import pytest
from django.utils import timezone

from sealing.rules import add_months
from tests.commands import decide_with, rules, run_command, run_process

AS_OF = "2025-01-01"


def juvenile(months=60, **changes):
    case = {
        "id": "J-1",
        "birth_date": "2004-06-15",
        "offense_date": "2020-03-01",
        "charges": ["盗窃罪"],
        "disposition": "sentenced",
        "sentence": {"kind": "fixed_term", "months": months, "suspended": False},
        "judgment_effective_date": "2021-01-10",
        "as_of": AS_OF,
    }
    case.update(changes)
    return case


def drunk_driving(**changes):
    case = {
        "id": "A-1",
        "birth_date": "1990-05-20",
        "offense_date": "2023-02-01",
        "charges": ["危险驾驶罪"],
        "disposition": "sentenced",
        "sentence": {"kind": "detention", "months": 3},
        "judgment_effective_date": "2023-06-01",
        "sentence_completed_date": "2024-08-31",
        "as_of": AS_OF,
    }
    case.update(changes)
    return case


def without(case, key):
    case = dict(case)
    del case[key]
    return case


def run(data, *args):
    return run_command("evaluate_sealing", data, *args)


def decide(data, *args):
    return decide_with("evaluate_sealing", data, *args)


# --- decisions ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_juvenile_sentence_of_exactly_60_months_is_sealed():
    decision = decide(juvenile(months=60))
    assert decision["regime"] == "juvenile"
    assert decision["eligible"] is True
    assert decision["status"] == "sealed"
    assert decision["seal_date"] == "2021-01-10"
    assert decision["observation_end"] is None
    assert "J-SENT" in rules(decision)


@pytest.mark.django_db
def test_juvenile_sentence_of_61_months_is_not_eligible():
    decision = decide(juvenile(months=61))
    assert decision["status"] == "not_eligible"
    assert decision["eligible"] is False
    assert decision["seal_date"] is None
    assert "J-OVER" in rules(decision)


@pytest.mark.django_db
def test_adult_drunk_driving_detention_is_micro_and_provisionally_sealed_for_12_months():
    decision = decide(drunk_driving())
    assert decision["regime"] == "adult"
    assert decision["category"] == "micro"
    assert decision["eligible"] is True
    assert decision["status"] == "provisionally_sealed"
    assert decision["seal_date"] == "2024-08-31"
    assert decision["observation_end"] == "2025-08-31"


@pytest.mark.django_db
def test_decision_records_the_policy_version_in_force():
    assert decide(juvenile())["policy_version"] == "v1"
    assert decide(drunk_driving())["policy_version"] == "v1"


@pytest.mark.django_db
def test_decision_has_every_contract_field():
    decision = decide(drunk_driving())
    for field in ("id", "regime", "category", "eligible", "status", "seal_date", "observation_end",
                  "policy_version", "trace"):
        assert field in decision
    assert decision["id"] == "A-1"
    for step in decision["trace"]:
        assert {"rule", "source", "outcome", "message"} <= set(step)


@pytest.mark.django_db
def test_a_list_gives_a_list_of_decisions_in_the_same_order():
    decisions = decide([drunk_driving(id="second"), juvenile(id="first")])
    assert isinstance(decisions, list)
    assert [d["id"] for d in decisions] == ["second", "first"]
    assert [d["regime"] for d in decisions] == ["adult", "juvenile"]


@pytest.mark.django_db
def test_an_empty_list_gives_an_empty_list():
    assert decide([]) == []


@pytest.mark.django_db
def test_as_of_defaults_to_today():
    today = timezone.localdate()
    def ago(days):
        return (today - dt.timedelta(days=days)).isoformat()

    # the one test that must read the clock: it checks the command's default
    done_long_ago = drunk_driving(id="past", offense_date=ago(5 * 366), judgment_effective_date=ago(4 * 366),
                                  sentence_completed_date=ago(3 * 366))
    done_next_year = drunk_driving(id="future", offense_date=ago(366), judgment_effective_date=ago(200),
                                   sentence_completed_date=ago(-366))
    del done_long_ago["as_of"], done_next_year["as_of"]
    past, future = decide([done_long_ago, done_next_year])
    assert past["status"] == "sealed"
    assert future["status"] == "pending"


@pytest.mark.django_db
def test_reads_a_file_given_as_argument(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(drunk_driving(), ensure_ascii=False), encoding="utf-8")
    decision = decide("this stdin is ignored", str(path))
    assert decision["observation_end"] == "2025-08-31"


@pytest.mark.django_db
def test_reads_stdin_when_the_argument_is_a_dash():
    assert decide(juvenile(), "-")["status"] == "sealed"


@pytest.mark.django_db
def test_output_is_indented_utf8_json_with_chinese_unescaped():
    code, out, err = run(drunk_driving())
    assert code == 0
    assert err == ""
    assert out.startswith('{\n  "id": "A-1",')
    assert "\\u" not in out
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out)  # the clerk-readable trace messages
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.django_db
def test_evaluation_writes_nothing_to_the_database(no_writes):
    decide([juvenile(), juvenile(id="J-2", months=61), drunk_driving()])
    run({"id": "bad"})


# --- invalid input ---------------------------------------------------------------------------------

MALFORMED = [
    pytest.param('{"id": "J-1", "birth_date": ', "$", None, id="invalid_json"),
    pytest.param("", "$", None, id="empty_input"),
    pytest.param('{"id": "J-1"} trailing', "$", None, id="trailing_garbage"),
    pytest.param('{"id": 1, "prior_convictions": NaN}', "$", None, id="nan_is_not_json"),
    pytest.param("42", "$", None, id="top_level_number"),
    pytest.param('"case"', "$", None, id="top_level_string"),
    pytest.param("null", "$", None, id="top_level_null"),
    pytest.param([juvenile(), "not a case"], "$", 1, id="list_item_not_an_object"),
    pytest.param([juvenile(), drunk_driving(), without(juvenile(), "offense_date")], "offense_date", 2,
                 id="list_with_a_bad_case"),
    pytest.param(without(juvenile(), "offense_date"), "offense_date", None, id="missing_offense_date"),
    pytest.param(juvenile(offense_date="2020/03/01"), "offense_date", None, id="bad_date_string"),
    pytest.param(juvenile(judgment_effective_date="2021-02-30"), "judgment_effective_date", None,
                 id="impossible_date"),
    pytest.param(juvenile(sentence={"kind": "fixed_term", "months": "60"}), "sentence.months", None,
                 id="months_a_string"),
    pytest.param(juvenile(disposition="pardoned"), "disposition", None, id="unknown_disposition"),
    pytest.param(juvenile(prior_convictions=True), "prior_convictions", None, id="prior_convictions_bool"),
    pytest.param(juvenile(events=[{"date": "2022-01-01", "kind": "negligent_crime"}, {"date": "soon",
                 "kind": "negligent_crime"}]), "events[1].date", None, id="bad_event_date"),
    pytest.param(juvenile(charges=["盗窃罪", 7]), "charges[1]", None, id="charge_not_a_string"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data, field, index", MALFORMED)
def test_invalid_input_exits_2_with_a_json_error_naming_the_field(data, field, index):
    code, out, err = run(data)
    assert code == 2
    error = json.loads(out)
    assert error["field"] == field
    assert isinstance(error["error"], str) and error["error"]
    if index is None:
        assert "index" not in error
    else:
        assert error["index"] == index
    assert json.loads(err) == error
    assert "Traceback" not in err


# --- one validation: what the case form refuses, the command refuses (exit 2, the field named) ----------

def _id_number(first17="11010120040615123"):
    from sealing.identity import check_digit

    return first17 + check_digit(first17)


def _broken(number):
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def sentence(kind, months=None, suspended=None, probation=None):
    data = {"kind": kind}
    if months is not None:
        data["months"] = months
    if suspended is not None:
        data["suspended"] = suspended
    if probation is not None:
        data["probation_months"] = probation
    return data


TWO_CHARGES = ["盗窃罪", "故意伤害罪"]

REFUSED = [
    # unknown keys anywhere
    pytest.param(juvenile(prior_conviction=1), "prior_conviction", id="misspelt_prior_convictions"),
    pytest.param(juvenile(notes="x"), "notes", id="unknown_top_level_key"),
    pytest.param(juvenile(sentence={"kind": "fixed_term", "month": 24}), "sentence.month", id="unknown_sentence_key"),
    pytest.param(juvenile(events=[{"date": "2022-01-01", "kind": "negligent_crime", "type": "x"}]),
                 "events[0].type", id="unknown_event_key"),
    # wrong types
    pytest.param(juvenile(sentence=sentence("fixed_term", True)), "sentence.months", id="bool_for_int"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 24.0)), "sentence.months", id="float_for_int"),
    pytest.param(juvenile(community_service_hours="10"), "community_service_hours", id="string_for_int"),
    pytest.param(juvenile(sentence=sentence("detention", 3, suspended="no")), "sentence.suspended",
                 id="string_for_bool"),
    pytest.param(juvenile(main_conduct_before_18=1), "main_conduct_before_18", id="int_for_bool"),
    pytest.param(juvenile(birth_date="15/06/2004"), "birth_date", id="non_iso_date"),
    pytest.param(juvenile(birth_date="2004-6-15"), "birth_date", id="unpadded_date"),
    pytest.param(juvenile(judgment_effective_date="2023-02-30"), "judgment_effective_date", id="february_30"),
    pytest.param(juvenile(as_of="2023-02-29"), "as_of", id="february_29_in_a_common_year"),
    pytest.param(juvenile(charges=[], disposition="sentenced"), "charges", id="empty_charges_for_a_sentence"),
    pytest.param(without(juvenile(), "charges"), "charges", id="no_charges_for_a_sentence"),
    pytest.param(juvenile(charges=[], disposition="exempted", sentence=None), "charges",
                 id="empty_charges_for_an_exemption"),
    # unknown charges
    pytest.param(juvenile(charges=["盗窃"]), "charges[0]", id="unknown_charge"),
    pytest.param(juvenile(charges=["盗窃罪", "危险架驶罪"]), "charges[1]", id="misspelt_second_charge"),
    # identity
    pytest.param(juvenile(birth_date=None, id_number=_broken(_id_number())), "id_number", id="bad_checksum"),
    pytest.param(juvenile(id_number=_id_number("11010120040616123")), "id_number", id="birth_date_disagrees_with_id"),
    pytest.param(juvenile(birth_date=None, id_number="1101012004061"), "id_number", id="id_number_too_short"),
    # dates out of order
    pytest.param(juvenile(offense_date="2004-06-15"), "offense_date", id="offence_on_the_birth_date"),
    pytest.param(juvenile(offense_date="2003-01-01"), "offense_date", id="offence_before_birth"),
    pytest.param(juvenile(offense_start_date="2004-01-01"), "offense_start_date", id="first_act_before_birth"),
    pytest.param(juvenile(offense_start_date="2020-03-02"), "offense_start_date", id="first_act_after_last_act"),
    pytest.param(juvenile(judgment_effective_date="2020-02-29"), "judgment_effective_date",
                 id="judgment_effective_before_the_offence"),
    pytest.param(drunk_driving(sentence_completed_date="2023-05-31"), "sentence_completed_date",
                 id="sentence_completed_before_effect"),
    pytest.param(drunk_driving(disposition="exempted", sentence=None), "sentence_completed_date",
                 id="completion_date_without_a_sentence"),
    pytest.param(drunk_driving(events=[{"date": "1990-05-19", "kind": "administrative_detention"}]),
                 "events[0].date", id="event_before_birth"),
    # sentences the Criminal Law does not allow
    pytest.param(juvenile(sentence=sentence("fixed_term", 5)), "sentence.months", id="fixed_term_5_months"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 181)), "sentence.months", id="fixed_term_181_one_crime"),
    pytest.param(juvenile(charges=TWO_CHARGES, sentence=sentence("fixed_term", 301)), "sentence.months",
                 id="fixed_term_301_combined"),
    pytest.param(drunk_driving(sentence=sentence("detention", 0)), "sentence.months", id="detention_0"),
    pytest.param(drunk_driving(sentence=sentence("detention", 7)), "sentence.months", id="detention_7_one_crime"),
    pytest.param(drunk_driving(charges=TWO_CHARGES, sentence=sentence("detention", 13)), "sentence.months",
                 id="detention_13_combined"),
    pytest.param(drunk_driving(sentence=sentence("surveillance", 2)), "sentence.months", id="surveillance_2"),
    pytest.param(drunk_driving(sentence=sentence("surveillance", 25)), "sentence.months", id="surveillance_25"),
    pytest.param(drunk_driving(sentence=sentence("fine_only", 3)), "sentence.months", id="months_for_fine_only"),
    pytest.param(juvenile(sentence=sentence("life", 0)), "sentence.months", id="months_for_life"),
    pytest.param(juvenile(sentence=sentence("death", 12)), "sentence.months", id="months_for_death"),
    pytest.param(drunk_driving(sentence=sentence("surveillance", 6, True, 12)), "sentence.suspended",
                 id="suspended_surveillance"),
    pytest.param(drunk_driving(sentence=sentence("fine_only", None, True)), "sentence.suspended",
                 id="suspended_fine"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 37, True, 48)), "sentence.suspended",
                 id="suspended_fixed_term_37"),
    pytest.param(drunk_driving(sentence=sentence("detention", 2, True, 1)), "sentence.probation_months",
                 id="detention_probation_1"),
    pytest.param(drunk_driving(sentence=sentence("detention", 2, True, 13)), "sentence.probation_months",
                 id="detention_probation_13"),
    pytest.param(drunk_driving(sentence=sentence("detention", 5, True, 4)), "sentence.probation_months",
                 id="detention_probation_shorter_than_sentence"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 6, True, 11)), "sentence.probation_months",
                 id="fixed_term_probation_11"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 36, True, 61)), "sentence.probation_months",
                 id="fixed_term_probation_61"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 24, True, 18)), "sentence.probation_months",
                 id="fixed_term_probation_shorter_than_sentence"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 24, False, 36)), "sentence.probation_months",
                 id="probation_without_suspension"),
    pytest.param(juvenile(disposition="exempted"), "sentence", id="sentence_with_an_exemption"),
    pytest.param(juvenile(disposition="not_prosecuted"), "sentence", id="sentence_with_a_non_prosecution"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data, field", REFUSED)
def test_input_the_case_form_refuses_is_refused_naming_the_field(data, field):
    data = {k: v for k, v in data.items() if v is not None}
    code, out, err = run(data)
    assert code == 2, out
    error = json.loads(out)
    assert error["field"] == field, error
    assert isinstance(error["error"], str) and error["error"]
    assert set(error) == {"error", "field"}
    assert json.loads(err) == error
    assert "Traceback" not in err


@pytest.mark.django_db
def test_unknown_charge_error_suggests_the_nearest_catalogue_name():
    code, out, _ = run(drunk_driving(charges=["危险架驶罪"]))
    assert code == 2
    error = json.loads(out)
    assert error["field"] == "charges[0]" and "危险驾驶罪" in error["error"]


@pytest.mark.django_db
def test_duplicate_ids_in_a_list_are_refused_at_the_second():
    code, out, err = run([juvenile(id="X"), drunk_driving(id="Y"), drunk_driving(id="X")])
    assert code == 2
    error = json.loads(out)
    assert (error["field"], error["index"]) == ("id", 2)
    assert "Traceback" not in err
    # an integer and a string are different ids
    assert len(decide([juvenile(id=1), juvenile(id="1")])) == 2


LAWFUL_EDGES = [
    pytest.param(juvenile(charges=TWO_CHARGES, sentence=sentence("fixed_term", 300)), id="fixed_term_300_combined"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 180)), id="fixed_term_180_one_crime"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 6)), id="fixed_term_6"),
    pytest.param(drunk_driving(sentence=sentence("detention", 6)), id="detention_6_one_crime"),
    pytest.param(drunk_driving(charges=TWO_CHARGES, sentence=sentence("detention", 12)), id="detention_12_combined"),
    pytest.param(drunk_driving(sentence=sentence("surveillance", 24)), id="surveillance_24"),
    pytest.param(drunk_driving(sentence=sentence("surveillance", 3)), id="surveillance_3"),
    pytest.param(drunk_driving(sentence=sentence("detention", 2, True, 2)), id="detention_probation_2"),
    pytest.param(drunk_driving(sentence=sentence("detention", 6, True, 12)), id="detention_probation_12"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 36, True, 36)), id="fixed_term_36_suspended_36"),
    pytest.param(juvenile(sentence=sentence("fixed_term", 12, True, 60)), id="fixed_term_probation_60"),
    pytest.param(juvenile(offense_date="2004-06-16"), id="offence_the_day_after_birth"),
    pytest.param(juvenile(judgment_effective_date="2020-03-01"), id="judgment_effective_on_the_offence_day"),
    pytest.param(drunk_driving(sentence_completed_date="2023-06-01"), id="completed_on_the_effective_day"),
    pytest.param(drunk_driving(events=[{"date": "2020-01-01", "kind": "administrative_detention"}]),
                 id="event_before_the_start_date_is_not_impossible"),
    pytest.param(juvenile(disposition="coercive_measure", sentence=None, charges=[]),
                 id="coercive_measure_without_charges"),
    pytest.param(juvenile(judgment_effective_date="2030-01-01"), id="effective_after_as_of_is_pending_not_an_error"),
    pytest.param(juvenile(birth_date=None, id_number=_id_number()), id="id_number_alone"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", LAWFUL_EDGES)
def test_lawful_edges_are_decided(data):
    data = {k: v for k, v in data.items() if v is not None}
    decision = decide(data)
    assert decision["status"] in ("sealed", "provisionally_sealed", "pending", "not_eligible", "undetermined")


@pytest.mark.django_db
def test_sentenced_without_a_sentence_stays_undetermined():
    decision = decide(without(juvenile(), "sentence"))
    assert (decision["status"], decision["missing"]) == ("undetermined", ["sentence"])


@pytest.mark.django_db
def test_seal_immediately_policy_from_the_database():
    from sealing.models import SealingPolicy

    latest = SealingPolicy.objects.order_by("-version").first()
    SealingPolicy.objects.create(version=(latest.version if latest else 0) + 1, mode="seal_immediately")
    decision = decide(drunk_driving())
    assert (decision["status"], decision["seal_date"], decision["observation_end"]) == ("sealed", "2024-08-31", None)
    assert "A-OBS" not in rules(decision)


@pytest.mark.django_db
def test_case_the_engine_cannot_compute_is_a_clean_error_with_its_index():
    # an observation period ending after year 9999 overflows the calendar
    beyond = drunk_driving(birth_date="9980-01-01", offense_date="9999-01-01",
                           judgment_effective_date="9999-06-01", sentence_completed_date="9999-09-01")
    code, out, err = run([juvenile(), beyond])
    assert code == 2
    assert json.loads(out)["index"] == 1
    assert json.loads(err) == json.loads(out)
    assert "Traceback" not in err


@pytest.mark.django_db
def test_invalid_json_error_gives_line_and_column():
    code, out, _ = run('[\n  {"id": 1,,}\n]')
    assert code == 2
    message = json.loads(out)["error"]
    assert "line 2" in message and "column" in message


@pytest.mark.django_db
def test_missing_file_exits_2_naming_FILE(tmp_path):
    code, out, err = run("", str(tmp_path / "nowhere.json"))
    assert code == 2
    assert json.loads(out)["field"] == "FILE"
    assert json.loads(err) == json.loads(out)


@pytest.mark.django_db
def test_file_that_is_not_utf8_exits_2(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps({"id": 1, "charges": ["盗窃罪"]}, ensure_ascii=False).encode("gbk"))
    code, out, _ = run("", str(path))
    assert code == 2
    assert json.loads(out)["field"] == "$"


@pytest.mark.django_db
def test_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(juvenile(), ensure_ascii=False).encode("utf-8-sig"))
    assert decide("", str(path))["status"] == "sealed"


# --- as a real process -------------------------------------------------------------------------------

def test_process_prints_decisions_and_exits_0(process_env):
    env, db = process_env
    before = db.read_bytes()
    done = run_process(env, "evaluate_sealing", json.dumps([juvenile(), drunk_driving()], ensure_ascii=False))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    text = done.stdout.decode("utf-8")  # UTF-8 even when the environment asks for ASCII
    assert "\\u" not in text
    young, adult = json.loads(text)
    assert (young["status"], young["policy_version"]) == ("sealed", "v1")
    assert "J-SENT" in rules(young)
    assert (adult["category"], adult["observation_end"]) == ("micro", add_months(dt.date(2024, 8, 31), 12).isoformat())
    assert db.read_bytes() == before


def test_process_reports_invalid_input_as_json_with_exit_2(process_env):
    env, _ = process_env
    done = run_process(env, "evaluate_sealing", json.dumps([juvenile(), juvenile(sentence={"kind": "fixed_term", "months": "5"})]))
    assert done.returncode == 2
    error = json.loads(done.stdout)
    assert error == {"error": error["error"], "field": "sentence.months", "index": 1}
    assert json.loads(done.stderr) == error
    assert b"Traceback" not in done.stderr

    done = run_process(env, "evaluate_sealing", "{not json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["field"] == "$"
    assert b"Traceback" not in done.stderr


@pytest.mark.django_db
def test_each_case_is_decided_under_the_version_in_force_on_its_date():
    """A version published with a later effective date governs only the cases decided as of that date on."""
    from sealing.models import SealingPolicy
    from sealing.policy import current_policy_version

    v1 = current_policy_version()
    SealingPolicy.objects.create(version=v1.version + 1, observation_micro_months=v1.observation_micro_months + 6,
                                 note="试点延长考察期", effective_from=dt.date(2026, 7, 1))
    before, after = decide([drunk_driving(id="B", as_of="2026-06-30"), drunk_driving(id="A", as_of="2026-07-01")])
    assert before["observation_end"] != after["observation_end"]
    completed = dt.date(2024, 8, 31)
    from sealing.rules.dates import add_months

    assert before["observation_end"] == add_months(completed, v1.observation_micro_months).isoformat()
    assert after["observation_end"] == add_months(completed, v1.observation_micro_months + 6).isoformat()


@pytest.mark.django_db
def test_the_query_deadline_follows_the_version_in_force_on_the_day_received():
    from queries.management.commands.evaluate_query import deadline_policies
    from queries.selectors import deadline_policy
    from sealing.models import SealingPolicy
    from sealing.policy import current_policy_version

    v1 = current_policy_version()
    SealingPolicy.objects.create(version=v1.version + 1, query_response_working_days=v1.query_response_working_days + 2,
                                 note="延长答复时限", effective_from=dt.date(2026, 7, 1))
    chosen = deadline_policies()
    assert chosen(dt.date(2026, 6, 30)).police_working_days == v1.query_response_working_days
    assert chosen(dt.date(2026, 7, 1)).police_working_days == v1.query_response_working_days + 2
    assert deadline_policy(dt.date(2026, 6, 30)) == chosen(dt.date(2026, 6, 30))  # the page and the command agree
    assert deadline_policy(dt.date(2026, 7, 1)) == chosen(dt.date(2026, 7, 1))
