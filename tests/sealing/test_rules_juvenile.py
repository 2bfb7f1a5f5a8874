"""RULES.md §2, the juvenile regime, as a table of cases (pure engine; no Django)."""
import datetime as dt

import pytest

from sealing.rules import CaseFacts, ChargeInfo, Event, Policy, Sentence, decision_to_json, evaluate

D = dt.date.fromisoformat

CATALOGUE = {
    "盗窃罪": ChargeInfo("盗窃罪", "life", high_incidence=True),
    "抢劫罪": ChargeInfo("抢劫罪", "death"),
    "危险驾驶罪": ChargeInfo("危险驾驶罪", "detention"),
    "贩卖毒品罪": ChargeInfo("贩卖毒品罪", "death", drug=True),
    "煽动分裂国家罪": ChargeInfo("煽动分裂国家罪", "life", national_security=True),
    "参加黑社会性质组织罪": ChargeInfo("参加黑社会性质组织罪", "fixed_term", 84, organized_crime=True),
}

# Every id a trace may carry: RULES.md §2–3 (a finer id such as A-EXCL-DRUG counts for A-EXCL).
RULES_MD_IDS = (
    "J-AGE", "J-SPAN", "J-SENT", "J-EXEMPT", "J-RELATED", "J-OVER", "J-WHEN", "J-RETRO", "J-COVER",
    "J-NOCRIME-TYPE", "J-UNSEAL-NEW", "J-UNSEAL-HIDDEN", "J-UNSEAL-RETRIAL", "J-ADULT-AGAIN",
    "A-EXCL", "A-CAT", "A-SERIOUS", "A-MICRO", "A-LIGHT", "A-RELATED", "A-MODE", "A-START", "A-OBS",
    "A-CS", "A-REVOKE", "A-EXTEND",
)


def is_rules_md_id(rule):
    return any(rule == known or rule.startswith(known + "-") for known in RULES_MD_IDS)

BIRTH = D("2004-06-15")  # 18th birthday: 2022-06-15
AS_OF = D("2025-01-01")


def case(charges=("盗窃罪",), **overrides):
    data = dict(
        id="J-1",
        birth_date=BIRTH,
        offense_date=D("2020-03-01"),
        charges=tuple(CATALOGUE.get(n) or ChargeInfo.unknown(n) for n in charges),
        disposition="sentenced",
        sentence=Sentence("fixed_term", 24),
        judgment_effective_date=D("2021-01-10"),
    )
    data.update(overrides)
    return CaseFacts(**data)


def ft(months, probation=None):
    return Sentence("fixed_term", months, probation is not None, probation)


SEALED_2021 = dict(status="sealed", eligible=True, regime="juvenile", seal_date=D("2021-01-10"))
OVER = dict(status="not_eligible", eligible=False, regime="juvenile", seal_date=None, rules=["J-OVER"])

CASES = [
    # --- J-AGE: the 18th birthday and the day after -------------------------------------
    pytest.param(dict(offense_date=D("2022-06-15"), judgment_effective_date=D("2023-01-10")),
                 dict(SEALED_2021, seal_date=D("2023-01-10"), rules=["J-AGE", "J-SENT"]),
                 id="offence_on_18th_birthday_is_juvenile"),
    pytest.param(dict(offense_date=D("2022-06-16"), judgment_effective_date=D("2023-01-10")),
                 dict(regime="adult", rules=["J-AGE", "A-CAT"], absent=["J-SENT", "J-NOCRIME-TYPE"]),
                 id="offence_day_after_18th_birthday_is_adult"),
    pytest.param(dict(offense_date=D("2022-06-14"), judgment_effective_date=D("2023-01-10")),
                 dict(SEALED_2021, seal_date=D("2023-01-10")),
                 id="offence_day_before_18th_birthday_is_juvenile"),
    pytest.param(dict(birth_date=D("2004-02-29"), offense_date=D("2022-02-28"),
                      judgment_effective_date=D("2022-08-01")),
                 dict(SEALED_2021, seal_date=D("2022-08-01")),
                 id="leap_day_birth_18th_birthday_is_feb_28_still_juvenile"),
    pytest.param(dict(birth_date=D("2004-02-29"), offense_date=D("2022-03-01"),
                      judgment_effective_date=D("2022-08-01")),
                 dict(regime="adult"),
                 id="leap_day_birth_march_1_is_adult"),
    pytest.param(dict(offense_date=D("2018-07-01")),
                 dict(SEALED_2021, rules=["J-AGE"]),
                 id="offence_at_14_is_juvenile"),
    # --- J-SENT / J-OVER: 60 vs 61 months ------------------------------------------------
    pytest.param(dict(sentence=ft(60)), dict(SEALED_2021, rules=["J-SENT"]),
                 id="sixty_months_is_five_years_or_less_sealed"),
    pytest.param(dict(sentence=ft(61)), OVER, id="sixty_one_months_not_sealed"),
    pytest.param(dict(sentence=ft(60, probation=60)), dict(SEALED_2021, rules=["J-SENT"]),
                 id="suspended_sixty_months_sealed"),
    pytest.param(dict(sentence=ft(36, probation=48)), SEALED_2021,
                 id="suspended_sentence_sealed_at_effective_date_not_probation_end"),
    pytest.param(dict(sentence=Sentence("detention", 6)), dict(SEALED_2021, rules=["J-SENT"]),
                 id="detention_sealed"),
    pytest.param(dict(sentence=Sentence("detention", 4, True, 6)), SEALED_2021,
                 id="suspended_detention_sealed"),
    pytest.param(dict(sentence=Sentence("surveillance", 12)), dict(SEALED_2021, rules=["J-SENT"]),
                 id="surveillance_sealed"),
    pytest.param(dict(sentence=Sentence("fine_only")), dict(SEALED_2021, rules=["J-SENT"]),
                 id="fine_only_sealed"),
    pytest.param(dict(sentence=Sentence("life")), OVER, id="life_not_sealed"),
    pytest.param(dict(charges=("抢劫罪",), sentence=Sentence("death")), OVER, id="death_not_sealed"),
    pytest.param(dict(sentence=ft(61), judgment_effective_date=None), OVER,
                 id="over_sixty_months_not_eligible_even_without_effective_date"),
    pytest.param(dict(sentence=ft(61), policy=Policy(juvenile_max_months=72)),
                 dict(SEALED_2021, rules=["J-SENT"]),
                 id="policy_juvenile_max_months_is_respected"),
    # --- J-EXEMPT / J-RELATED ------------------------------------------------------------
    pytest.param(dict(disposition="exempted", sentence=None), dict(SEALED_2021, rules=["J-EXEMPT"]),
                 id="exempted_sealed"),
    pytest.param(dict(disposition="not_prosecuted", sentence=None), dict(SEALED_2021, rules=["J-RELATED"]),
                 id="non_prosecution_record_sealed"),
    pytest.param(dict(disposition="not_punished", sentence=None), dict(SEALED_2021, rules=["J-RELATED"]),
                 id="no_punishment_record_sealed"),
    pytest.param(dict(disposition="withdrawn", sentence=None), dict(SEALED_2021, rules=["J-RELATED"]),
                 id="withdrawn_case_record_sealed"),
    pytest.param(dict(disposition="coercive_measure", sentence=None), dict(SEALED_2021, rules=["J-RELATED"]),
                 id="coercive_measure_record_sealed"),
    # --- J-NOCRIME-TYPE: no exclusion by crime type --------------------------------------
    pytest.param(dict(charges=("贩卖毒品罪",), sentence=ft(36)),
                 dict(SEALED_2021, rules=["J-NOCRIME-TYPE"], absent=["A-EXCL"]),
                 id="drug_crime_by_minor_still_sealed"),
    pytest.param(dict(charges=("煽动分裂国家罪",), sentence=ft(48)),
                 dict(SEALED_2021, rules=["J-NOCRIME-TYPE"]),
                 id="national_security_crime_by_minor_still_sealed"),
    pytest.param(dict(charges=("参加黑社会性质组织罪",), sentence=ft(30)),
                 dict(SEALED_2021, rules=["J-NOCRIME-TYPE"]),
                 id="organised_crime_by_minor_still_sealed"),
    pytest.param(dict(charges=("未知罪名",)), SEALED_2021,
                 id="unknown_charge_does_not_matter_for_minor"),
    # --- J-WHEN ----------------------------------------------------------------------------
    pytest.param(dict(judgment_effective_date=None),
                 dict(status="undetermined", eligible=None, regime="juvenile", seal_date=None,
                      missing=["judgment_effective_date"], rules=["J-WHEN"]),
                 id="missing_effective_date_is_undetermined"),
    pytest.param(dict(judgment_effective_date=D("2025-01-02")),
                 dict(status="pending", eligible=True, seal_date=D("2025-01-02"), rules=["J-WHEN"]),
                 id="judgment_not_yet_effective_is_pending"),
    pytest.param(dict(judgment_effective_date=AS_OF),
                 dict(status="sealed", eligible=True, seal_date=AS_OF),
                 id="sealed_on_the_effective_date_itself"),
    pytest.param(dict(sentence=ft(48), judgment_effective_date=D("2024-06-01")),
                 dict(status="sealed", seal_date=D("2024-06-01")),
                 id="serving_the_sentence_does_not_delay_a_juvenile_seal"),
    pytest.param(dict(sentence=None),
                 dict(status="undetermined", eligible=None, missing=["sentence"]),
                 id="sentenced_without_sentence_is_undetermined"),
    pytest.param(dict(sentence=Sentence("fixed_term", None)),
                 dict(status="undetermined", eligible=None, missing=["sentence.months"]),
                 id="fixed_term_without_months_is_undetermined"),
    pytest.param(dict(birth_date=None),
                 dict(status="undetermined", eligible=None, missing=["birth_date"]),
                 id="missing_birth_date_is_undetermined"),
    # --- J-RETRO -------------------------------------------------------------------------
    pytest.param(dict(birth_date=D("1992-01-01"), offense_date=D("2008-05-01"),
                      judgment_effective_date=D("2012-12-31")),
                 dict(status="sealed", seal_date=D("2012-12-31"), rules=["J-RETRO"]),
                 id="case_closed_31_dec_2012_sealed_retroactively"),
    pytest.param(dict(birth_date=D("1992-01-01"), offense_date=D("2008-05-01"),
                      judgment_effective_date=D("2013-01-01")),
                 dict(status="sealed", seal_date=D("2013-01-01"), absent=["J-RETRO"]),
                 id="case_closed_1_jan_2013_is_not_retroactive"),
    pytest.param(dict(birth_date=D("1992-01-01"), offense_date=D("2008-05-01"), sentence=ft(72),
                      judgment_effective_date=D("2010-01-01")),
                 dict(status="not_eligible", absent=["J-RETRO"]),
                 id="old_case_over_sixty_months_not_sealed_retroactively"),
    # --- J-SPAN ----------------------------------------------------------------------------
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="undetermined", eligible=None, regime="juvenile", seal_date=None,
                      missing=["main_conduct_before_18"], rules=["J-SPAN"]),
                 id="acts_span_18th_birthday_without_main_conduct_is_undetermined"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, sentence=ft(48),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", eligible=True, regime="juvenile", seal_date=D("2023-03-01"),
                      rules=["J-SPAN", "J-SENT", "J-NOCRIME-TYPE"]),
                 id="main_conduct_before_18_and_48_months_whole_case_juvenile"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, disposition="exempted", sentence=None,
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", regime="juvenile", rules=["J-SPAN", "J-EXEMPT"]),
                 id="main_conduct_before_18_and_exempted_whole_case_juvenile"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, sentence=ft(72),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="not_eligible", eligible=False, regime="adult", category="serious",
                      seal_date=None, rules=["J-SPAN", "A-SERIOUS"]),
                 id="main_conduct_before_18_but_72_months_goes_to_adult_regime"),
    pytest.param(dict(charges=("贩卖毒品罪",), offense_start_date=D("2022-01-01"),
                      offense_date=D("2022-09-01"), main_conduct_before_18=True, sentence=ft(72),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="not_eligible", regime="adult", rules=["J-SPAN", "A-EXCL-DRUG"]),
                 id="main_conduct_before_18_drug_crime_72_months_excluded_as_adult"),
    pytest.param(dict(charges=("贩卖毒品罪",), offense_start_date=D("2022-01-01"),
                      offense_date=D("2022-09-01"), main_conduct_before_18=True, sentence=ft(60),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", regime="juvenile", absent=["A-EXCL"]),
                 id="main_conduct_before_18_drug_crime_60_months_sealed_as_juvenile"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=False, judgment_effective_date=D("2023-03-01")),
                 dict(regime="adult", rules=["J-SPAN", "A-CAT"], absent=["J-SENT"]),
                 id="main_conduct_after_18_goes_to_adult_regime"),
    pytest.param(dict(offense_start_date=D("2022-06-15"), offense_date=D("2022-06-16"),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="undetermined", missing=["main_conduct_before_18"]),
                 id="first_act_on_18th_birthday_last_act_day_after_spans"),
    pytest.param(dict(offense_start_date=D("2021-01-01"), offense_date=D("2022-06-15"),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", regime="juvenile", absent=["J-SPAN"]),
                 id="all_acts_up_to_18th_birthday_no_span"),
    pytest.param(dict(offense_start_date=D("2022-06-16"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, judgment_effective_date=D("2023-03-01")),
                 dict(regime="adult", absent=["J-SPAN"]),
                 id="all_acts_after_18th_birthday_no_span"),
    # --- events: J-ADULT-AGAIN -------------------------------------------------------------
    pytest.param(dict(events=(Event(D("2023-05-01"), "intentional_crime"),)),
                 dict(SEALED_2021, rules=["J-ADULT-AGAIN"]),
                 id="intentional_crime_as_adult_record_stays_sealed"),
    pytest.param(dict(events=(Event(D("2023-05-01"), "negligent_crime"),
                              Event(D("2023-06-01"), "administrative_detention"))),
                 dict(SEALED_2021, absent=["J-ADULT-AGAIN"]),
                 id="negligent_crime_and_detention_do_not_unseal"),
    pytest.param(dict(events=(Event(D("2021-06-01"), "intentional_crime"),)),
                 dict(SEALED_2021, rules=["J-UNSEAL-NEW"], absent=["J-ADULT-AGAIN"]),
                 id="new_crime_while_still_minor_needs_review_stays_sealed"),
    pytest.param(dict(events=(Event(D("2021-06-01"), "negligent_crime"),)),
                 dict(SEALED_2021, rules=["J-UNSEAL-NEW"], outcomes={"J-UNSEAL-NEW": "review"}),
                 id="negligent_new_crime_while_still_minor_also_needs_review"),
    pytest.param(dict(events=(Event(D("2022-06-15"), "intentional_crime"),)),
                 dict(SEALED_2021, outcomes={"J-UNSEAL-NEW": "review"}, absent=["J-ADULT-AGAIN"]),
                 id="new_crime_on_18th_birthday_is_a_crime_while_minor"),
    pytest.param(dict(events=(Event(D("2022-06-16"), "intentional_crime"),)),
                 dict(SEALED_2021, rules=["J-ADULT-AGAIN"], absent=["J-UNSEAL-NEW"]),
                 id="new_crime_day_after_18th_birthday_is_adult_again"),
    pytest.param(dict(events=(Event(D("2023-05-01"), "intentional_crime"),), as_of=D("2023-04-30")),
                 dict(SEALED_2021, absent=["J-ADULT-AGAIN"]),
                 id="event_after_as_of_is_not_yet_in_the_trace"),
    # --- no observation, no adult conditions for minors ------------------------------------
    pytest.param(dict(prior_convictions=3, circumstances=frozenset({"good_conduct"}),
                      community_service_hours=200),
                 dict(SEALED_2021, observation_end=None, absent=["A-OBS", "A-CS", "A-LIGHT"]),
                 id="priors_good_conduct_and_service_change_nothing_for_a_minor"),
    pytest.param(dict(sentence=ft(61), judgment_effective_date=D("2012-01-01")),
                 dict(OVER, observation_end=None, absent=["J-RETRO", "J-WHEN"]),
                 id="not_eligible_juvenile_has_no_seal_date_and_no_observation_end"),
    pytest.param(dict(disposition="exempted", sentence=None, judgment_effective_date=D("2012-03-01")),
                 dict(SEALED_2021, seal_date=D("2012-03-01"), rules=["J-EXEMPT", "J-RETRO"]),
                 id="old_exemption_sealed_retroactively"),
    pytest.param(dict(disposition="coercive_measure", sentence=None, charges=(),
                      judgment_effective_date=D("2024-12-20")),
                 dict(SEALED_2021, seal_date=D("2024-12-20"), rules=["J-RELATED", "J-WHEN"]),
                 id="coercive_measure_only_without_charges_sealed_at_decision_date"),
    pytest.param(dict(sentence=Sentence("fine_only"), judgment_effective_date=D("2025-01-02")),
                 dict(status="pending", eligible=True, seal_date=D("2025-01-02"), observation_end=None),
                 id="fine_only_not_yet_effective_is_pending"),
    pytest.param(dict(sentence=Sentence("surveillance", 24, True, 36)), dict(SEALED_2021, rules=["J-SENT"]),
                 id="suspended_surveillance_sealed"),
    pytest.param(dict(disposition="exempted", sentence=None, judgment_effective_date=None),
                 dict(status="undetermined", eligible=None, seal_date=None, missing=["judgment_effective_date"]),
                 id="exempted_without_effective_date_is_undetermined"),
    # --- J-SPAN, more boundaries -------------------------------------------------------------
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, sentence=ft(60), judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", regime="juvenile", seal_date=D("2023-03-01"), rules=["J-SPAN", "J-SENT"]),
                 id="span_main_conduct_before_18_sixty_months_juvenile"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, sentence=ft(61), judgment_effective_date=D("2023-03-01")),
                 dict(status="not_eligible", regime="adult", category="serious", seal_date=None,
                      observation_end=None, rules=["J-SPAN", "J-OVER", "A-SERIOUS"]),
                 id="span_main_conduct_before_18_sixty_one_months_adult"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, sentence=Sentence("detention", 5, True, 12),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", regime="juvenile", seal_date=D("2023-03-01"), observation_end=None),
                 id="span_main_conduct_before_18_suspended_detention_juvenile_no_observation"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=True, disposition="not_prosecuted", sentence=None,
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="sealed", eligible=True, regime="juvenile", seal_date=D("2023-03-01"),
                      observation_end=None, rules=["J-SPAN", "J-RELATED", "J-WHEN"],
                      absent=["A-RELATED", "A-OBS"], outcomes={"J-SPAN": "juvenile"}),
                 id="span_non_prosecution_main_conduct_before_18_is_juvenile_and_sealed"),
    *[pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                        main_conduct_before_18=True, disposition=disposition, sentence=None,
                        judgment_effective_date=D("2023-03-01")),
                   dict(status="sealed", regime="juvenile", seal_date=D("2023-03-01"),
                        rules=["J-SPAN", "J-RELATED"], outcomes={"J-SPAN": "juvenile"}),
                   id=f"span_{disposition}_main_conduct_before_18_is_juvenile")
      for disposition in ("not_punished", "withdrawn", "coercive_measure")],
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=False, disposition="not_prosecuted", sentence=None,
                      judgment_effective_date=D("2023-03-01")),
                 dict(regime="adult", rules=["J-SPAN", "A-RELATED"], absent=["J-RELATED"],
                      outcomes={"J-SPAN": "adult"}),
                 id="span_non_prosecution_main_conduct_after_18_is_adult_related"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      disposition="not_prosecuted", sentence=None, judgment_effective_date=D("2023-03-01")),
                 dict(status="undetermined", eligible=None, regime="juvenile", seal_date=None,
                      missing=["main_conduct_before_18"], rules=["J-SPAN"]),
                 id="span_non_prosecution_without_main_conduct_fact_is_undetermined"),
    pytest.param(dict(charges=("抢劫罪",), offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"),
                      main_conduct_before_18=False, sentence=ft(24), judgment_effective_date=D("2023-03-01"),
                      sentence_completed_date=D("2024-03-01")),
                 dict(status="not_eligible", regime="adult", category="light", seal_date=None,
                      observation_end=None, rules=["J-SPAN", "A-LIGHT"]),
                 id="span_main_conduct_after_18_light_without_condition_not_eligible"),
    pytest.param(dict(offense_start_date=D("2022-01-01"), offense_date=D("2022-09-01"), sentence=ft(72),
                      judgment_effective_date=D("2023-03-01")),
                 dict(status="undetermined", eligible=None, regime="juvenile", seal_date=None,
                      observation_end=None, missing=["main_conduct_before_18"]),
                 id="span_without_fact_is_undetermined_whatever_the_sentence"),
    pytest.param(dict(birth_date=D("2004-02-29"), offense_start_date=D("2022-02-28"),
                      offense_date=D("2022-03-01"), judgment_effective_date=D("2022-08-01")),
                 dict(status="undetermined", missing=["main_conduct_before_18"], rules=["J-SPAN"]),
                 id="leap_day_birth_acts_on_feb_28_and_march_1_span"),
    pytest.param(dict(birth_date=D("2004-02-29"), offense_date=D("2022-02-27"),
                      judgment_effective_date=D("2022-08-01")),
                 dict(SEALED_2021, seal_date=D("2022-08-01")),
                 id="leap_day_birth_day_before_18th_birthday_is_juvenile"),
]


@pytest.mark.parametrize("overrides, expected", CASES)
def test_juvenile_rules(overrides, expected):
    overrides = dict(overrides)
    policy = overrides.pop("policy", Policy())
    as_of = overrides.pop("as_of", AS_OF)
    decision = evaluate(case(**overrides), policy, as_of)

    for key in ("status", "eligible", "regime", "category", "seal_date", "observation_end", "missing"):
        if key in expected:
            assert getattr(decision, key) == expected[key], key
    for rule in expected.get("rules", ()):
        assert decision.has_rule(rule), f"{rule} not in {decision.rule_ids}"
    for rule in expected.get("absent", ()):
        assert not decision.has_rule(rule), f"{rule} unexpectedly in {decision.rule_ids}"
    for rule, outcome in expected.get("outcomes", {}).items():
        assert outcome in [s.outcome for s in decision.trace if s.rule == rule], decision.rule_ids
    # invariants of every decision
    assert (decision.eligible is None) == (decision.status == "undetermined")
    if decision.status in ("not_eligible", "undetermined"):
        assert decision.seal_date is None and decision.observation_end is None
    assert decision.policy_version == policy.version
    assert decision.rule_ids[0] == "J-AGE"
    assert all(is_rules_md_id(r) for r in decision.rule_ids), decision.rule_ids
    if decision.regime == "juvenile":
        assert decision.category is None
        assert decision.observation_end is None
        assert decision.has_rule("J-NOCRIME-TYPE")


def test_juvenile_trace_order_follows_evaluation():
    decision = evaluate(case(judgment_effective_date=D("2012-06-01"),
                             events=(Event(D("2023-05-01"), "intentional_crime"),)), Policy(), AS_OF)
    assert decision.rule_ids == ["J-AGE", "J-NOCRIME-TYPE", "J-SENT", "J-WHEN", "J-RETRO", "J-ADULT-AGAIN"]


def test_juvenile_seal_deadline_is_three_days_after_effective_date():
    decision = evaluate(case(), Policy(), AS_OF)
    assert decision.seal_deadline == D("2021-01-13")
    decision = evaluate(case(), Policy(juvenile_seal_within_days=5, version="v2"), AS_OF)
    assert decision.seal_deadline == D("2021-01-15")
    assert decision.policy_version == "v2"


def test_juvenile_message_names_the_age_at_offence():
    decision = evaluate(case(offense_date=D("2020-06-16")), Policy(), AS_OF)
    assert "16周岁" in decision.trace[0].message
    assert decision.trace[0].source
    decision = evaluate(case(offense_date=D("2020-06-15")), Policy(), AS_OF)
    assert "15周岁" in decision.trace[0].message  # age 16 is reached the day after the birthday


def test_juvenile_decision_json_shape():
    data = evaluate(case(), Policy(), AS_OF).to_dict()
    assert data["regime"] == "juvenile"
    assert data["category"] is None
    assert data["seal_date"] == "2021-01-10"
    assert data["observation_end"] is None
    assert data["missing"] == []
    assert set(data["trace"][0]) == {"rule", "source", "outcome", "message", "facts", "text"}
    # the JSON commands print DESIGN.md's contract: the web app's codes are left out
    assert set(decision_to_json(evaluate(case(), Policy(), AS_OF))["trace"][0]) == {
        "rule", "source", "outcome", "message", "facts"}
