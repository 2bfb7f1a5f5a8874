"""The JSON reader/writer of `evaluate_sealing`: every malformed input names its field."""
import datetime as dt
import json

import pytest

from sealing.identity import make_id_number
from sealing.rules import (
    ChargeInfo,
    InputError,
    Policy,
    decision_to_json,
    evaluate,
    evaluate_payload,
    parse_case,
    parse_cases,
)

D = dt.date.fromisoformat
TODAY = D("2025-01-01")
CATALOGUE = {
    "危险驾驶罪": ChargeInfo("危险驾驶罪", "detention"),
    "盗窃罪": ChargeInfo("盗窃罪", "life", high_incidence=True),
}
lookup = CATALOGUE.get

ID_NUMBER = make_id_number("110101", D("2004-06-15"), 123)


def good(**changes):
    data = {
        "id": "C-1",
        "birth_date": "2004-06-15",
        "offense_date": "2020-03-01",
        "charges": ["盗窃罪"],
        "disposition": "sentenced",
        "sentence": {"kind": "fixed_term", "months": 24, "suspended": False},
        "judgment_effective_date": "2021-01-10",
    }
    for key, value in changes.items():
        if value is DROP:
            data.pop(key, None)
        else:
            data[key] = value
    return data


DROP = object()
SENT = {"kind": "fixed_term", "months": 24}


def with_checksum_broken(number):
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


BAD = [
    pytest.param([1, 2], "$", id="case_not_an_object"),
    pytest.param(good(id=DROP), "id", id="missing_id"),
    pytest.param(good(id=True), "id", id="bool_id"),
    pytest.param(good(id=1.5), "id", id="float_id"),
    pytest.param(good(id=""), "id", id="empty_id"),
    pytest.param(good(birth_date=DROP), "birth_date", id="missing_birth_date_and_id_number"),
    pytest.param(good(birth_date="2004/06/15"), "birth_date", id="birth_date_wrong_format"),
    pytest.param(good(birth_date="2004-02-30"), "birth_date", id="birth_date_impossible_day"),
    pytest.param(good(birth_date=20040615), "birth_date", id="birth_date_number"),
    pytest.param(good(birth_date=DROP, id_number=with_checksum_broken(ID_NUMBER)), "id_number",
                 id="id_number_bad_checksum"),
    pytest.param(good(birth_date=DROP, id_number="11010120040615"), "id_number", id="id_number_too_short"),
    pytest.param(good(birth_date=DROP, id_number=110101200406151234), "id_number", id="id_number_not_string"),
    pytest.param(good(birth_date="2004-06-16", id_number=ID_NUMBER), "id_number",
                 id="id_number_disagrees_with_birth_date"),
    pytest.param(good(offense_date=DROP), "offense_date", id="missing_offense_date"),
    pytest.param(good(offense_date="2020-3-1"), "offense_date", id="offense_date_not_zero_padded"),
    pytest.param(good(offense_date="2003-01-01"), "offense_date", id="offense_before_birth"),
    pytest.param(good(offense_start_date="2020-03-02"), "offense_start_date", id="first_act_after_last_act"),
    pytest.param(good(offense_start_date=5), "offense_start_date", id="offense_start_date_number"),
    pytest.param(good(main_conduct_before_18="yes"), "main_conduct_before_18", id="main_conduct_not_bool"),
    pytest.param(good(charges="盗窃罪"), "charges", id="charges_not_a_list"),
    pytest.param(good(charges=[123]), "charges[0]", id="charge_not_a_string"),
    pytest.param(good(charges=["危险驾驶罪", ""]), "charges[1]", id="empty_charge_name"),
    pytest.param(good(disposition=DROP, sentence=DROP), "disposition", id="missing_disposition_and_sentence"),
    pytest.param(good(disposition="acquitted"), "disposition", id="unknown_disposition"),
    pytest.param(good(sentence="24 months"), "sentence", id="sentence_not_an_object"),
    pytest.param(good(sentence={"months": 24}), "sentence.kind", id="sentence_without_kind"),
    pytest.param(good(sentence={"kind": "prison", "months": 24}), "sentence.kind", id="unknown_sentence_kind"),
    pytest.param(good(sentence={"kind": "fixed_term", "months": "24"}), "sentence.months", id="months_string"),
    pytest.param(good(sentence={"kind": "fixed_term", "months": -1}), "sentence.months", id="months_negative"),
    pytest.param(good(sentence={"kind": "fixed_term", "months": 12.5}), "sentence.months", id="months_float"),
    pytest.param(good(sentence={"kind": "fixed_term", "months": True}), "sentence.months", id="months_bool"),
    pytest.param(good(sentence={**SENT, "suspended": "yes"}), "sentence.suspended", id="suspended_not_bool"),
    pytest.param(good(sentence={**SENT, "suspended": True, "probation_months": "36"}),
                 "sentence.probation_months", id="probation_string"),
    pytest.param(good(judgment_effective_date="10/01/2021"), "judgment_effective_date",
                 id="effective_date_wrong_format"),
    pytest.param(good(sentence_completed_date=["2022-01-01"]), "sentence_completed_date",
                 id="completed_date_list"),
    pytest.param(good(circumstances="plea"), "circumstances", id="circumstances_not_a_list"),
    pytest.param(good(circumstances=["plea", "remorse"]), "circumstances[1]", id="unknown_circumstance"),
    pytest.param(good(prior_convictions=True), "prior_convictions", id="prior_convictions_bool"),
    pytest.param(good(prior_convictions=-1), "prior_convictions", id="prior_convictions_negative"),
    pytest.param(good(prior_convictions="0"), "prior_convictions", id="prior_convictions_string"),
    pytest.param(good(community_service_hours=1.5), "community_service_hours", id="hours_float"),
    pytest.param(good(community_service_hours=False), "community_service_hours", id="hours_bool"),
    pytest.param(good(events={"date": "2024-01-01"}), "events", id="events_not_a_list"),
    pytest.param(good(events=[5]), "events[0]", id="event_not_an_object"),
    pytest.param(good(events=[{"date": "2024-01-01", "kind": "theft"}]), "events[0].kind", id="unknown_event_kind"),
    pytest.param(good(events=[{"date": "2024-01-01", "kind": "negligent_crime"}, {"kind": "negligent_crime"}]),
                 "events[1].date", id="second_event_without_date"),
    pytest.param(good(events=[{"date": "2024-13-01", "kind": "negligent_crime"}]), "events[0].date",
                 id="event_date_impossible_month"),
    pytest.param(good(events=[{"date": "2024-01-01"}]), "events[0].kind", id="event_without_kind"),
    pytest.param(good(as_of="today"), "as_of", id="as_of_not_a_date"),
]


@pytest.mark.parametrize("payload, field", BAD)
def test_malformed_input_names_the_field(payload, field):
    with pytest.raises(InputError) as info:
        parse_case(payload, lookup, TODAY)
    assert info.value.field == field
    assert info.value.message
    assert info.value.to_dict()["field"] == field


def test_error_in_a_list_carries_the_index():
    with pytest.raises(InputError) as info:
        parse_cases([good(), good(id="C-2", events=[{"date": "x", "kind": "negligent_crime"}])], lookup, TODAY)
    assert info.value.field == "events[0].date"
    assert info.value.index == 1
    assert info.value.to_dict() == {"error": info.value.message, "field": "events[0].date", "index": 1}


def test_payload_that_is_neither_object_nor_list():
    with pytest.raises(InputError) as info:
        parse_cases("hello", lookup, TODAY)
    assert info.value.field == "$"


def test_minimal_case_parses_with_defaults():
    facts, as_of = parse_case(good(), lookup, TODAY)
    assert as_of == TODAY
    assert facts.birth_date == D("2004-06-15")
    assert facts.charges == (CATALOGUE["盗窃罪"],)
    assert facts.sentence.months == 24 and facts.sentence.suspended is False
    assert facts.circumstances == frozenset()
    assert facts.prior_convictions == 0 and facts.community_service_hours == 0
    assert facts.events == () and facts.main_conduct_before_18 is None


def test_id_number_supplies_the_birth_date():
    facts, _ = parse_case(good(birth_date=DROP, id_number=ID_NUMBER), lookup, TODAY)
    assert facts.birth_date == D("2004-06-15")
    facts, _ = parse_case(good(id_number=ID_NUMBER), lookup, TODAY)  # agreeing birth_date is fine
    assert facts.birth_date == D("2004-06-15")


def test_unknown_charge_is_an_error_suggesting_the_nearest_catalogue_name():
    with pytest.raises(InputError) as info:
        parse_case(good(charges=["危险驾驶罪", "盗窃"]), lookup, TODAY)
    assert info.value.field == "charges[1]" and info.value.code == "charge_unknown"
    assert "盗窃罪" in info.value.message


def test_without_a_catalogue_a_charge_is_kept_as_unknown():
    facts, _ = parse_case(good(charges=["不存在的罪名"]), None, TODAY)
    assert facts.charges[0].name == "不存在的罪名"
    assert facts.charges[0].known is False and facts.charges[0].statutory_max is None


def test_integer_id_and_nulls_are_accepted():
    facts, as_of = parse_case(
        good(id=42, offense_start_date=None, main_conduct_before_18=None,
             sentence_completed_date=None, circumstances=None, events=None, as_of="2024-02-29"),
        lookup, TODAY,
    )
    assert facts.id == 42 and as_of == D("2024-02-29")


@pytest.mark.parametrize("changes, missing", [
    pytest.param(dict(sentence=DROP), ["sentence"], id="sentenced_without_sentence"),
    pytest.param(dict(sentence={"kind": "fixed_term"}), ["sentence.months"], id="fixed_term_without_months"),
    pytest.param(dict(sentence={"kind": "fixed_term", "months": None}), ["sentence.months"],
                 id="fixed_term_with_null_months"),
    pytest.param(dict(offense_date="2023-01-01", charges=["盗窃罪"], judgment_effective_date="2023-06-01",
                      sentence={"kind": "fixed_term", "months": 12, "suspended": True}),
                 ["sentence.probation_months"], id="adult_suspended_without_probation"),
    pytest.param(dict(judgment_effective_date=DROP), ["judgment_effective_date"], id="no_effective_date"),
    pytest.param(dict(offense_start_date="2022-01-01", offense_date="2022-09-01", judgment_effective_date="2023-03-01"),
                 ["main_conduct_before_18"],
                 id="span_without_main_conduct"),
])
def test_a_missing_fact_is_undetermined_not_an_input_error(changes, missing):
    data = evaluate_payload(good(**changes), lookup, Policy(), TODAY)
    assert data["status"] == "undetermined" and data["eligible"] is None
    assert data["missing"] == missing
    assert data["seal_date"] is None and data["observation_end"] is None


def test_a_sentence_without_disposition_is_a_sentenced_case():
    facts, _ = parse_case(good(disposition=DROP), lookup, TODAY)
    assert facts.disposition == "sentenced"


def test_sentence_optional_for_exempted_and_months_optional_for_fine():
    facts, _ = parse_case(good(disposition="exempted", sentence=DROP), lookup, TODAY)
    assert facts.sentence is None
    facts, _ = parse_case(good(sentence={"kind": "fine_only"}), lookup, TODAY)
    assert facts.sentence.kind == "fine_only" and facts.sentence.months is None
    facts, _ = parse_case(good(sentence={"kind": "life"}), lookup, TODAY)
    assert facts.sentence.kind == "life"


def test_full_case_parses_every_field():
    facts, _ = parse_case(good(
        offense_start_date="2020-01-01", main_conduct_before_18=True,
        sentence={"kind": "fixed_term", "months": 12, "suspended": True, "probation_months": 24},
        sentence_completed_date="2022-01-10", circumstances=["plea", "good_conduct", "plea"],
        prior_convictions=1, community_service_hours=30,
        events=[{"date": "2024-01-01", "kind": "administrative_detention"}],
    ), lookup, TODAY)
    assert facts.offense_start_date == D("2020-01-01")
    assert facts.sentence.probation_months == 24
    assert facts.circumstances == frozenset({"plea", "good_conduct"})
    assert facts.events[0].kind == "administrative_detention"
    assert facts.prior_convictions == 1 and facts.community_service_hours == 30


def test_evaluate_payload_object_gives_object_list_gives_list():
    single = evaluate_payload(good(), lookup, Policy(), TODAY)
    assert single["id"] == "C-1" and single["status"] == "sealed" and single["regime"] == "juvenile"
    many = evaluate_payload([good(), good(id=2, offense_date="2023-01-01", charges=["危险驾驶罪"],
                                          sentence={"kind": "detention", "months": 2},
                                          judgment_effective_date="2023-06-01",
                                          sentence_completed_date="2023-08-01")],
                            lookup, Policy(version="v9"), TODAY)
    assert [d["id"] for d in many] == ["C-1", 2]
    assert many[1]["category"] == "micro"
    assert many[1]["observation_end"] == "2024-08-01"
    assert many[1]["policy_version"] == "v9"
    json.dumps(many, ensure_ascii=False)  # serialisable as it stands


def test_decision_json_has_the_contract_fields():
    facts, as_of = parse_case(good(judgment_effective_date=None), lookup, TODAY)
    data = decision_to_json(evaluate(facts, Policy(), as_of))
    assert {"id", "regime", "category", "eligible", "status", "seal_date", "observation_end",
            "policy_version", "missing", "trace"} <= set(data)
    assert data["status"] == "undetermined" and data["eligible"] is None
    assert data["missing"] == ["judgment_effective_date"]
    for step in data["trace"]:
        assert {"rule", "source", "outcome", "message", "facts"} == set(step)


# --- RULES.md cases end to end through the JSON reader, with the shipped charge catalogue ----------
# (sealing/data/charges.json is what the catalogue migration loads, so `evaluate_sealing` sees the same
# statutory maxima and flags.)

def _shipped_lookup():
    from pathlib import Path

    rows = json.loads((Path(__file__).resolve().parents[2] / "sealing" / "data" / "charges.json")
                      .read_text(encoding="utf-8"))
    table = {
        r["name"]: ChargeInfo(
            r["name"], r["statutory_max"] or None, r["statutory_max_months"], negligent=r["negligent"],
            national_security=r["national_security"], terrorism=r["terrorism"],
            organized_crime=r["organized_crime"], drug=r["drug"], high_incidence=r["high_incidence"],
        )
        for r in rows
    }
    return table.get


SHIPPED = _shipped_lookup()
KEYS = ("regime", "category", "eligible", "status", "seal_date", "observation_end")


def adult(**changes):
    """Born 1990; 3 months' detention for dangerous driving, served by 2022-09-01."""
    data = {
        "id": "E", "birth_date": "1990-05-01", "offense_date": "2022-03-01", "charges": ["危险驾驶罪"],
        "disposition": "sentenced", "sentence": {"kind": "detention", "months": 3},
        "judgment_effective_date": "2022-06-01", "sentence_completed_date": "2022-09-01", "as_of": "2025-01-01",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not DROP}


def minor(**changes):
    return good(as_of="2025-01-01", **changes)


def result(regime, category, eligible, status, seal_date, observation_end):
    return dict(zip(KEYS, (regime, category, eligible, status, seal_date, observation_end)))


def ft_json(months, probation=None):
    data = {"kind": "fixed_term", "months": months}
    if probation is not None:
        data.update(suspended=True, probation_months=probation)
    return data


END_TO_END = [
    pytest.param(minor(offense_date="2022-06-15", judgment_effective_date="2023-01-10", sentence=ft_json(60)),
                 result("juvenile", None, True, "sealed", "2023-01-10", None), ["J-AGE", "J-SENT", "J-WHEN"],
                 id="on_18th_birthday_60_months_juvenile_sealed"),
    pytest.param(minor(offense_date="2022-06-16", judgment_effective_date="2023-01-10", sentence=ft_json(60)),
                 result("adult", "serious", False, "not_eligible", None, None), ["J-AGE", "A-SERIOUS"],
                 id="day_after_18th_birthday_60_months_adult_serious"),
    pytest.param(minor(sentence=ft_json(61)), result("juvenile", None, False, "not_eligible", None, None),
                 ["J-OVER"], id="minor_61_months_not_sealed"),
    pytest.param(minor(birth_date=DROP, id_number=ID_NUMBER, offense_date="2022-06-15",
                       judgment_effective_date="2023-01-10"),
                 result("juvenile", None, True, "sealed", "2023-01-10", None), ["J-AGE"],
                 id="birth_date_from_id_number_18th_birthday"),
    pytest.param(minor(charges=["走私、贩卖、运输、制造毒品罪"], sentence=ft_json(36)),
                 result("juvenile", None, True, "sealed", "2021-01-10", None), ["J-NOCRIME-TYPE"],
                 id="minor_drug_crime_sealed"),
    pytest.param(minor(disposition="coercive_measure", sentence=DROP, judgment_effective_date="2020-05-01"),
                 result("juvenile", None, True, "sealed", "2020-05-01", None), ["J-RELATED"],
                 id="minor_coercive_measure_only_sealed"),
    pytest.param(minor(offense_start_date="2022-01-01", offense_date="2022-09-01",
                       judgment_effective_date="2023-03-01"),
                 result("juvenile", None, None, "undetermined", None, None), ["J-SPAN"],
                 id="span_without_main_conduct_fact_undetermined"),
    pytest.param(minor(offense_start_date="2022-01-01", offense_date="2022-09-01", main_conduct_before_18=True,
                       judgment_effective_date="2023-03-01"),
                 result("juvenile", None, True, "sealed", "2023-03-01", None), ["J-SPAN", "J-SENT"],
                 id="span_main_conduct_before_18_sealed"),
    pytest.param(adult(), result("adult", "micro", True, "sealed", "2022-09-01", "2023-09-01"),
                 ["A-EXCL", "A-CAT", "A-MICRO", "A-START", "A-OBS", "A-MODE"], id="dangerous_driving_micro"),
    pytest.param(adult(as_of="2023-08-31"),
                 result("adult", "micro", True, "provisionally_sealed", "2022-09-01", "2023-09-01"), ["A-MODE"],
                 id="micro_day_before_end_provisional"),
    pytest.param(adult(prior_convictions=3, circumstances=["good_conduct"], community_service_hours=45),
                 result("adult", "micro", True, "sealed", "2022-09-01", "2023-03-01"), ["A-OBS-GOOD", "A-CS"],
                 id="micro_with_priors_good_conduct_and_capped_service"),
    pytest.param(adult(charges=["容留他人吸毒罪"]),
                 result("adult", "light", False, "not_eligible", None, None), ["A-EXCL-DRUG"],
                 id="drug_crime_excluded"),
    pytest.param(adult(charges=["组织、领导、参加恐怖组织罪"], sentence=ft_json(24), circumstances=["plea"]),
                 result("adult", "light", False, "not_eligible", None, None), ["A-EXCL-TERROR"],
                 id="terrorism_excluded"),
    pytest.param(adult(charges=["组织、领导、参加黑社会性质组织罪"], sentence=ft_json(24)),
                 result("adult", "light", False, "not_eligible", None, None), ["A-EXCL-ORG"],
                 id="organised_crime_excluded"),
    pytest.param(adult(charges=["煽动分裂国家罪"], sentence=ft_json(48)),
                 result("adult", "serious", False, "not_eligible", None, None), ["A-EXCL-NATSEC", "A-SERIOUS"],
                 id="national_security_excluded_and_serious"),
    pytest.param(adult(charges=["危险驾驶罪", "妨害公务罪"], sentence=ft_json(10),
                       sentence_completed_date="2023-04-01"),
                 result("adult", "light", True, "provisionally_sealed", "2023-04-01", "2025-04-01"), ["A-LIGHT"],
                 id="dangerous_driving_beside_obstruction_light_without_plea"),
    pytest.param(adult(charges=["侮辱罪"], sentence=ft_json(10), sentence_completed_date="2023-04-01"),
                 result("adult", "light", False, "not_eligible", None, None), ["A-LIGHT"],
                 id="insult_without_plea_not_eligible"),
    pytest.param(adult(charges=["过失致人死亡罪"], sentence=ft_json(36), sentence_completed_date="2023-04-01"),
                 result("adult", "light", True, "provisionally_sealed", "2023-04-01", "2026-04-01"), ["A-LIGHT"],
                 id="negligent_homicide_36_months_light_36_month_tier"),
    pytest.param(adult(charges=["盗窃罪"], sentence=ft_json(37), sentence_completed_date="2023-04-01"),
                 result("adult", "serious", False, "not_eligible", None, None), ["A-SERIOUS"],
                 id="theft_37_months_serious"),
    pytest.param(adult(charges=["盗窃罪"], sentence=ft_json(12, 24), sentence_completed_date=None),
                 result("adult", "light", True, "provisionally_sealed", "2024-06-01", "2026-06-01"), ["A-START"],
                 id="suspended_theft_starts_at_end_of_probation"),
    pytest.param(adult(charges=["盗窃罪"], disposition="exempted", sentence=DROP, sentence_completed_date=DROP),
                 result("adult", "light", True, "sealed", "2022-06-01", "2024-06-01"), ["A-START"],
                 id="exempted_theft_starts_at_effective_date"),
    pytest.param(adult(charges=["盗窃罪"], sentence=ft_json(24), judgment_effective_date="2024-06-01",
                       sentence_completed_date=None),
                 result("adult", "light", True, "pending", None, None), ["A-START"],
                 id="theft_still_serving_pending"),
    pytest.param(adult(events=[{"date": "2023-01-01", "kind": "intentional_crime"}]),
                 result("adult", "micro", True, "revoked", "2022-09-01", "2023-09-01"), ["A-REVOKE"],
                 id="intentional_crime_during_observation_revokes"),
    pytest.param(adult(events=[{"date": "2023-01-01", "kind": "administrative_detention"},
                               {"date": "2023-12-01", "kind": "negligent_crime"}], as_of="2024-06-01"),
                 result("adult", "micro", True, "provisionally_sealed", "2022-09-01", "2024-09-01"), ["A-EXTEND"],
                 id="two_extensions_keep_it_provisional"),
    pytest.param(adult(charges=["妨害安全驾驶罪"]),
                 result("adult", "light", False, "not_eligible", None, None), ["A-LIGHT"],
                 id="one_year_charge_not_micro_by_default"),
]


@pytest.mark.parametrize("payload, expected, rules", END_TO_END)
def test_rules_cases_end_to_end(payload, expected, rules):
    data = evaluate_payload(payload, SHIPPED, Policy(version="v1"), TODAY)
    assert {k: data[k] for k in KEYS} == expected
    assert data["policy_version"] == "v1"
    ids = [step["rule"] for step in data["trace"]]
    for rule in rules:
        assert any(r == rule or r.startswith(rule + "-") for r in ids), f"{rule} not in {ids}"
    assert (data["missing"] != []) == (data["status"] == "undetermined")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"sentence_completed_date": "9999-09-01"}, "sentence_completed_date"),
        ({"birth_date": "1066-10-14"}, "birth_date"),
        ({"community_service_hours": 10**30}, "community_service_hours"),
    ],
    ids=["date_far_future", "date_far_past", "huge_integer"],
)
def test_implausible_values_name_the_field(changes, field):
    case = {"id": 1, "birth_date": "1990-01-01", "offense_date": "2023-01-01", "charges": [],
            "disposition": "exempted", "judgment_effective_date": "2023-06-01"}
    case.update(changes)
    with pytest.raises(InputError) as info:
        parse_case(case, None, dt.date(2026, 1, 1))
    assert info.value.field == field
