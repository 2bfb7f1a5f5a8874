"""RULES.md §3, conditional sealing of adults' minor-crime records, as a table of cases."""
import datetime as dt

import pytest

from sealing.rules import CaseFacts, ChargeInfo, Event, Policy, Sentence, add_months, evaluate
from sealing.rules.dates import age_on, eighteenth_birthday

D = dt.date.fromisoformat

# A small catalogue: statutory maximum and crime-nature flags, as the admin's catalogue holds them.
CATALOGUE = {c.name: c for c in (
    ChargeInfo("危险驾驶罪", "detention"),
    ChargeInfo("代替考试罪", "detention"),
    ChargeInfo("妨害安全驾驶罪", "fixed_term", 12),
    ChargeInfo("妨害公务罪", "fixed_term", 36, high_incidence=True),
    ChargeInfo("盗窃罪", "life", high_incidence=True),
    ChargeInfo("侮辱罪", "fixed_term", 36),
    ChargeInfo("开设赌场罪", "fixed_term", 60, high_incidence=True),
    ChargeInfo("交通肇事罪", "fixed_term", 180, negligent=True),
    ChargeInfo("煽动分裂国家罪", "life", national_security=True),
    ChargeInfo("宣扬恐怖主义、极端主义罪", "fixed_term", 180, terrorism=True),
    ChargeInfo("参加黑社会性质组织罪", "fixed_term", 84, organized_crime=True),
    ChargeInfo("容留他人吸毒罪", "fixed_term", 36, drug=True),
    ChargeInfo("非法持有毒品罪", "life", drug=True),
    ChargeInfo("法定刑未录入罪", None),
    ChargeInfo("最高刑月数未录入罪", "fixed_term", None),
)}

# Every id a trace may carry: RULES.md §2–3 (a finer id such as A-EXCL-DRUG counts for A-EXCL).
RULES_MD_IDS = (
    "J-AGE", "J-SPAN", "J-SENT", "J-EXEMPT", "J-RELATED", "J-OVER", "J-WHEN", "J-RETRO", "J-COVER",
    "J-NOCRIME-TYPE", "J-UNSEAL-NEW", "J-UNSEAL-HIDDEN", "J-UNSEAL-RETRIAL", "J-ADULT-AGAIN",
    "A-EXCL", "A-CAT", "A-SERIOUS", "A-MICRO", "A-LIGHT", "A-RELATED", "A-MODE", "A-START", "A-OBS",
    "A-CS", "A-REVOKE", "A-EXTEND",
)


def is_rules_md_id(rule):
    return any(rule == known or rule.startswith(known + "-") for known in RULES_MD_IDS)

AS_OF = D("2025-01-01")


def case(charges=("危险驾驶罪",), **overrides):
    """Base: a dangerous-driving micro crime, 3 months' detention served by 2022-09-01."""
    data = dict(
        id="A-1",
        birth_date=D("1990-05-01"),
        offense_date=D("2022-03-01"),
        charges=tuple(CATALOGUE.get(n) or ChargeInfo.unknown(n) for n in charges),
        disposition="sentenced",
        sentence=Sentence("detention", 3),
        judgment_effective_date=D("2022-06-01"),
        sentence_completed_date=D("2022-09-01"),
    )
    data.update(overrides)
    return CaseFacts(**data)


def ft(months, probation=None):
    return Sentence("fixed_term", months, probation is not None, probation)


def circ(*names):
    return frozenset(names)


def ev(day, kind):
    return Event(D(day), kind)


# Light base: 侮辱罪 (statutory max 3 years, neither negligent nor high-incidence) with a plea,
# 10 months served by 2023-04-01 → observation 24 months, 2023-04-01 .. 2025-04-01.
LIGHT = dict(charges=("侮辱罪",), sentence=ft(10), sentence_completed_date=D("2023-04-01"),
             circumstances=circ("plea"))


def light(**overrides):
    return {**LIGHT, **overrides}


MICRO_SEALED = dict(status="sealed", eligible=True, regime="adult", category="micro",
                    seal_date=D("2022-09-01"), observation_end=D("2023-09-01"))
LIGHT_OBSERVING = dict(status="provisionally_sealed", eligible=True, regime="adult", category="light",
                       seal_date=D("2023-04-01"), observation_end=D("2025-04-01"))
# An excluded case still reports its A-CAT category ("micro and not excluded" → A-MICRO): the
# exclusion decides eligibility, not the classification.
EXCLUDED = dict(status="not_eligible", eligible=False, regime="adult", category="light",
                seal_date=None, observation_end=None)
LIGHT_REFUSED = dict(status="not_eligible", eligible=False, category="light", seal_date=None,
                     observation_end=None)
SERIOUS = dict(status="not_eligible", eligible=False, category="serious", seal_date=None,
               observation_end=None, rules=["A-SERIOUS"])
ONE_YEAR = Policy(micro_definition="statutory_max_1_year", version="one-year")
OBSERVE_FIRST = Policy(mode="observe_then_seal", version="observe-first")

CASES = [
    # --- A-EXCL: each family, whatever the sentence ----------------------------------------
    pytest.param(dict(charges=("煽动分裂国家罪",), sentence=ft(24)),
                 dict(EXCLUDED, rules=["A-EXCL-NATSEC", "A-CAT"], absent=["A-LIGHT", "A-START"]),
                 id="national_security_excluded"),
    pytest.param(dict(charges=("宣扬恐怖主义、极端主义罪",), sentence=ft(12)),
                 dict(EXCLUDED, rules=["A-EXCL-TERROR"]), id="terrorism_excluded"),
    pytest.param(dict(charges=("参加黑社会性质组织罪",), sentence=ft(24), circumstances=circ("plea")),
                 dict(EXCLUDED, rules=["A-EXCL-ORG"]), id="organised_crime_excluded"),
    pytest.param(dict(charges=("容留他人吸毒罪",), sentence=Sentence("detention", 3)),
                 dict(EXCLUDED, rules=["A-EXCL-DRUG"]), id="drug_crime_with_detention_excluded"),
    pytest.param(dict(charges=("危险驾驶罪", "非法持有毒品罪")),
                 dict(EXCLUDED, rules=["A-EXCL-DRUG"]), id="drug_charge_beside_micro_charge_excluded"),
    pytest.param(dict(charges=("某未录入罪名", "容留他人吸毒罪")),
                 dict(EXCLUDED, category=None, missing=[], rules=["A-EXCL-DRUG"]),
                 id="exclusion_decides_even_beside_unknown_charge"),
    pytest.param(dict(charges=("非法持有毒品罪",), sentence=ft(84)),
                 dict(EXCLUDED, category="serious", rules=["A-EXCL-DRUG", "A-SERIOUS"]),
                 id="excluded_and_serious_names_both"),
    pytest.param(dict(charges=("危险驾驶罪", "容留他人吸毒罪"), prior_convictions=0,
                      circumstances=circ("plea", "surrender")),
                 dict(EXCLUDED, rules=["A-EXCL-DRUG"], absent=["A-MICRO", "A-LIGHT"]),
                 id="drug_charge_excluded_despite_plea_and_first_offence"),
    # --- A-CAT micro / A-MICRO --------------------------------------------------------------
    pytest.param(dict(), dict(MICRO_SEALED, rules=["A-EXCL", "A-CAT", "A-MICRO", "A-START", "A-OBS", "A-MODE"]),
                 id="dangerous_driving_micro_sealed_after_12_months"),
    pytest.param(dict(prior_convictions=2), MICRO_SEALED,
                 id="micro_needs_no_first_offender_condition"),
    pytest.param(dict(charges=("危险驾驶罪", "代替考试罪")), dict(MICRO_SEALED, rules=["A-MICRO"]),
                 id="two_micro_charges_stay_micro"),
    pytest.param(dict(sentence=Sentence("fine_only")),
                 dict(MICRO_SEALED, seal_date=D("2022-06-01"), observation_end=D("2023-06-01")),
                 id="micro_fine_only_starts_at_effective_date"),
    pytest.param(dict(disposition="exempted", sentence=None),
                 dict(MICRO_SEALED, seal_date=D("2022-06-01"), observation_end=D("2023-06-01")),
                 id="micro_exempted_starts_at_effective_date"),
    pytest.param(dict(charges=("妨害安全驾驶罪",), sentence=Sentence("detention", 6)),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="one_year_max_charge_is_not_micro_by_default"),
    pytest.param(dict(charges=("妨害安全驾驶罪",), sentence=Sentence("detention", 6), policy=ONE_YEAR),
                 dict(MICRO_SEALED, rules=["A-MICRO"]),
                 id="one_year_max_charge_is_micro_under_1_year_policy"),
    pytest.param(dict(light(), policy=ONE_YEAR), dict(LIGHT_OBSERVING, rules=["A-LIGHT"]),
                 id="three_year_max_charge_not_micro_under_1_year_policy"),
    pytest.param(dict(charges=("妨害安全驾驶罪", "侮辱罪"), sentence=ft(10),
                      sentence_completed_date=D("2023-04-01"), policy=ONE_YEAR),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="one_micro_level_charge_beside_ordinary_charge_under_1_year_policy"),
    pytest.param(dict(charges=("妨害安全驾驶罪", "盗窃罪"), sentence=ft(10),
                      sentence_completed_date=D("2023-04-01")),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="one_year_charge_not_micro_level_for_light_condition_by_default"),
    pytest.param(dict(charges=("妨害安全驾驶罪", "盗窃罪"), sentence=ft(10),
                      sentence_completed_date=D("2023-04-01"), policy=ONE_YEAR),
                 dict(LIGHT_OBSERVING, rules=["A-LIGHT"]),
                 id="one_year_charge_micro_level_for_light_condition_under_1_year_policy"),
    pytest.param(dict(charges=("最高刑月数未录入罪",), policy=ONE_YEAR),
                 dict(status="undetermined", eligible=None, missing=["charges[0].statutory_max_months"]),
                 id="fixed_term_max_without_months_undetermined_under_1_year_policy"),
    # --- A-CAT light vs serious: 36 vs 37 months -------------------------------------------
    pytest.param(light(), dict(LIGHT_OBSERVING, rules=["A-CAT", "A-LIGHT"]),
                 id="insult_10_months_with_plea_is_light_and_eligible"),
    pytest.param(light(sentence=ft(36)),
                 dict(LIGHT_OBSERVING, observation_end=D("2026-04-01")),
                 id="thirty_six_months_is_light"),
    pytest.param(light(sentence=ft(37)), SERIOUS, id="thirty_seven_months_is_serious"),
    pytest.param(light(sentence=ft(37, probation=48)), SERIOUS,
                 id="suspended_sentence_counts_at_imposed_length"),
    pytest.param(dict(charges=("盗窃罪",), sentence=Sentence("life")), SERIOUS,
                 id="life_sentence_is_serious"),
    pytest.param(light(sentence=ft(36), policy=Policy(light_max_months=24)), SERIOUS,
                 id="policy_light_max_months_is_respected"),
    # --- A-LIGHT conditions ------------------------------------------------------------------
    pytest.param(light(circumstances=circ()), dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"],
                                                   absent=["A-LIGHT-PRIOR"]),
                 id="light_without_any_required_circumstance_not_eligible"),
    pytest.param(light(circumstances=circ("good_conduct")), dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="good_conduct_is_not_a_qualifying_circumstance"),
    pytest.param(light(prior_convictions=1), dict(LIGHT_REFUSED, rules=["A-LIGHT-PRIOR"],
                                                  absent=["A-LIGHT-CONDITION"]),
                 id="light_with_prior_conviction_not_eligible"),
    pytest.param(light(prior_convictions=1, circumstances=circ()),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-PRIOR", "A-LIGHT-CONDITION"]),
                 id="light_with_prior_and_no_condition_names_both"),
    pytest.param(light(circumstances=circ("surrender")), LIGHT_OBSERVING,
                 id="surrender_qualifies_light"),
    pytest.param(light(charges=("盗窃罪",), circumstances=circ()), dict(LIGHT_OBSERVING, rules=["A-LIGHT"]),
                 id="high_incidence_charge_qualifies_without_plea"),
    pytest.param(light(charges=("交通肇事罪",), sentence=ft(24), circumstances=circ()),
                 dict(LIGHT_OBSERVING, observation_end=D("2026-04-01")),
                 id="negligent_charge_qualifies_without_plea"),
    pytest.param(light(charges=("危险驾驶罪", "妨害公务罪"), circumstances=circ()),
                 dict(LIGHT_OBSERVING, rules=["A-LIGHT"]),
                 id="dangerous_driving_beside_obstruction_every_charge_qualifies"),
    pytest.param(light(charges=("危险驾驶罪", "侮辱罪"), circumstances=circ()),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="dangerous_driving_beside_ordinary_charge_needs_plea"),
    pytest.param(light(charges=("危险驾驶罪", "侮辱罪")), LIGHT_OBSERVING,
                 id="mixed_charges_with_plea_qualify"),
    pytest.param(light(charges=("交通肇事罪", "盗窃罪"), circumstances=circ()), LIGHT_OBSERVING,
                 id="negligent_beside_high_incidence_qualifies"),
    # --- undetermined facts ----------------------------------------------------------------
    pytest.param(dict(charges=("不在目录的罪名",)),
                 dict(status="undetermined", eligible=None, category=None, seal_date=None,
                      missing=["charges[0].statutory_max"], rules=["A-CAT"]),
                 id="unknown_charge_is_undetermined"),
    pytest.param(dict(charges=("危险驾驶罪", "法定刑未录入罪")),
                 dict(status="undetermined", eligible=None, missing=["charges[1].statutory_max"]),
                 id="charge_without_statutory_max_is_undetermined"),
    pytest.param(dict(charges=()), dict(status="undetermined", eligible=None, missing=["charges"]),
                 id="no_charges_is_undetermined"),
    pytest.param(dict(disposition="exempted", sentence=None, judgment_effective_date=None),
                 dict(status="undetermined", eligible=None, category="micro",
                      missing=["judgment_effective_date"], rules=["A-START"]),
                 id="exempted_without_effective_date_is_undetermined"),
    pytest.param(dict(sentence_completed_date=None),
                 dict(status="undetermined", eligible=None, category="micro",
                      missing=["sentence_completed_date"]),
                 id="served_sentence_without_completion_date_is_undetermined"),
    pytest.param(light(sentence=Sentence("fixed_term", 10, True, None)),
                 dict(status="undetermined", eligible=None, missing=["sentence.probation_months"]),
                 id="suspended_without_probation_is_undetermined"),
    pytest.param(light(sentence=None), dict(status="undetermined", eligible=None, missing=["sentence"]),
                 id="sentenced_without_sentence_is_undetermined"),
    # --- A-START and pending ---------------------------------------------------------------
    pytest.param(light(sentence=ft(36), judgment_effective_date=D("2024-06-01"), sentence_completed_date=None),
                 dict(status="pending", eligible=True, category="light", seal_date=None,
                      observation_end=None, rules=["A-START"]),
                 id="pending_while_serving"),
    pytest.param(dict(judgment_effective_date=D("2024-10-02"), sentence_completed_date=None),
                 dict(status="pending", eligible=True, seal_date=None),
                 id="still_serving_the_last_day_is_pending"),
    pytest.param(dict(judgment_effective_date=D("2024-10-01"), sentence_completed_date=None),
                 dict(status="undetermined", eligible=None, missing=["sentence_completed_date"]),
                 id="sentence_term_elapsed_without_completion_date_is_undetermined"),
    pytest.param(light(sentence=ft(10, probation=36)),
                 dict(status="pending", eligible=True, seal_date=D("2025-06-01"),
                      observation_end=D("2027-06-01")),
                 id="probation_ending_after_as_of_is_pending_with_dates"),
    pytest.param(light(sentence=ft(10, probation=36), policy=OBSERVE_FIRST),
                 dict(status="pending", seal_date=D("2027-06-02"), observation_end=D("2027-06-01")),
                 id="pending_in_observe_then_seal_reports_day_after_end_as_seal_date"),
    pytest.param(light(sentence_completed_date=AS_OF),
                 dict(LIGHT_OBSERVING, seal_date=AS_OF, observation_end=D("2027-01-01")),
                 id="start_date_equal_to_as_of_is_provisionally_sealed"),
    pytest.param(light(sentence=ft(12, probation=24)),
                 dict(LIGHT_OBSERVING, seal_date=D("2024-06-01"), observation_end=D("2026-06-01")),
                 id="suspended_sentence_starts_at_end_of_probation"),
    pytest.param(light(sentence=ft(18, probation=24)),
                 dict(LIGHT_OBSERVING, seal_date=D("2024-06-01"), observation_end=D("2027-06-01")),
                 id="suspended_18_months_observed_36_months"),
    pytest.param(light(disposition="exempted", sentence=None),
                 dict(LIGHT_OBSERVING, status="sealed", seal_date=D("2022-06-01"),
                      observation_end=D("2024-06-01")),
                 id="light_exempted_starts_at_effective_date_24_months"),
    pytest.param(light(disposition="not_prosecuted", sentence=None),
                 dict(LIGHT_OBSERVING, status="sealed", seal_date=D("2022-06-01"),
                      observation_end=D("2024-06-01"), rules=["A-RELATED"]),
                 id="adult_non_prosecution_treated_like_exempted"),
    pytest.param(light(sentence=Sentence("fine_only")),
                 dict(LIGHT_OBSERVING, status="sealed", seal_date=D("2022-06-01"),
                      observation_end=D("2024-06-01")),
                 id="light_fine_only_starts_at_effective_date"),
    # --- A-OBS tiers -----------------------------------------------------------------------
    pytest.param(light(sentence=ft(12)), dict(LIGHT_OBSERVING, observation_end=D("2025-04-01")),
                 id="twelve_months_sentence_observed_24_months"),
    pytest.param(light(sentence=ft(13)), dict(LIGHT_OBSERVING, observation_end=D("2026-04-01")),
                 id="thirteen_months_sentence_observed_36_months"),
    pytest.param(light(sentence=Sentence("detention", 6)), dict(LIGHT_OBSERVING, observation_end=D("2025-04-01")),
                 id="light_detention_observed_24_months"),
    pytest.param(light(sentence=Sentence("surveillance", 24)),
                 dict(LIGHT_OBSERVING, observation_end=D("2025-04-01")),
                 id="light_surveillance_observed_24_months"),
    # --- A-OBS-GOOD / A-CS -----------------------------------------------------------------
    pytest.param(dict(circumstances=circ("good_conduct")),
                 dict(MICRO_SEALED, observation_end=D("2023-06-01"), rules=["A-OBS-GOOD"]),
                 id="micro_good_conduct_minus_3_months"),
    pytest.param(light(circumstances=circ("plea", "good_conduct")),
                 dict(LIGHT_OBSERVING, status="sealed", observation_end=D("2024-10-01"), rules=["A-OBS-GOOD"]),
                 id="light_short_good_conduct_minus_6_months"),
    pytest.param(light(sentence=ft(24), circumstances=circ("plea", "good_conduct")),
                 dict(LIGHT_OBSERVING, observation_end=D("2025-10-01")),
                 id="light_long_good_conduct_minus_6_months"),
    pytest.param(dict(community_service_hours=25), dict(MICRO_SEALED, observation_end=D("2023-07-01"), rules=["A-CS"]),
                 id="community_service_25_hours_minus_2_months"),
    pytest.param(dict(community_service_hours=9), dict(MICRO_SEALED, observation_end=D("2023-09-01")),
                 id="community_service_9_hours_earns_nothing"),
    pytest.param(dict(community_service_hours=30), dict(MICRO_SEALED, observation_end=D("2023-06-01")),
                 id="community_service_exactly_at_cap_micro"),
    pytest.param(dict(community_service_hours=100), dict(MICRO_SEALED, observation_end=D("2023-06-01")),
                 id="community_service_capped_at_quarter_of_micro_period"),
    pytest.param(dict(community_service_hours=100, circumstances=circ("good_conduct")),
                 dict(MICRO_SEALED, observation_end=D("2023-03-01"), rules=["A-OBS-GOOD", "A-CS"]),
                 id="good_conduct_and_capped_community_service_micro"),
    pytest.param(light(community_service_hours=100),
                 dict(LIGHT_OBSERVING, status="sealed", observation_end=D("2024-10-01")),
                 id="community_service_capped_at_quarter_of_light_short_period"),
    pytest.param(light(sentence=ft(24), community_service_hours=200),
                 dict(LIGHT_OBSERVING, observation_end=D("2025-07-01")),
                 id="community_service_capped_at_quarter_of_light_long_period"),
    pytest.param(light(sentence=ft(24), community_service_hours=200,
                       circumstances=circ("plea", "good_conduct")),
                 dict(LIGHT_OBSERVING, status="provisionally_sealed", observation_end=D("2025-01-01")),
                 id="cap_uses_tier_before_good_conduct_reduction"),
    # --- month-end arithmetic ----------------------------------------------------------------
    pytest.param(dict(sentence_completed_date=D("2023-08-31"), community_service_hours=30,
                      circumstances=circ("good_conduct"), as_of=D("2024-01-01")),
                 dict(status="provisionally_sealed", seal_date=D("2023-08-31"), observation_end=D("2024-02-29")),
                 id="aug_31_plus_6_months_is_feb_29_in_leap_year"),
    pytest.param(dict(sentence_completed_date=D("2022-08-31"), community_service_hours=30,
                      circumstances=circ("good_conduct")),
                 dict(status="sealed", observation_end=D("2023-02-28")),
                 id="aug_31_plus_6_months_is_feb_28_in_common_year"),
    pytest.param(dict(sentence_completed_date=D("2023-01-31"), policy=Policy(observation_micro_months=1)),
                 dict(status="sealed", observation_end=D("2023-02-28")),
                 id="jan_31_plus_1_month_is_feb_28"),
    pytest.param(dict(sentence_completed_date=D("2024-01-31"), policy=Policy(observation_micro_months=1)),
                 dict(status="sealed", observation_end=D("2024-02-29")),
                 id="jan_31_plus_1_month_is_feb_29_in_leap_year"),
    pytest.param(dict(sentence_completed_date=D("2024-02-29"), as_of=D("2025-02-27")),
                 dict(status="provisionally_sealed", observation_end=D("2025-02-28")),
                 id="feb_29_plus_12_months_is_feb_28"),
    pytest.param(dict(sentence_completed_date=D("2024-02-29"), as_of=D("2025-02-28")),
                 dict(status="provisionally_sealed", observation_end=D("2025-02-28")),
                 id="feb_29_start_ends_on_feb_28_still_provisional_that_day"),
    pytest.param(dict(sentence_completed_date=D("2024-02-29"), as_of=D("2025-03-01")),
                 dict(status="sealed", observation_end=D("2025-02-28")),
                 id="feb_29_start_final_on_march_1"),
    # --- A-MODE ----------------------------------------------------------------------------
    pytest.param(light(), dict(LIGHT_OBSERVING, rules=["A-MODE"]),
                 id="seal_then_observe_is_provisionally_sealed_during_observation"),
    pytest.param(light(policy=OBSERVE_FIRST),
                 dict(LIGHT_OBSERVING, status="observing", seal_date=D("2025-04-02")),
                 id="observe_then_seal_is_observing_and_seals_the_day_after_end"),
    pytest.param(dict(policy=OBSERVE_FIRST), dict(MICRO_SEALED, seal_date=D("2023-09-02")),
                 id="observe_then_seal_sealed_after_end"),
    pytest.param(light(as_of=D("2025-03-31")), LIGHT_OBSERVING, id="day_before_end_still_provisional"),
    pytest.param(light(as_of=D("2025-04-01")), LIGHT_OBSERVING,
                 id="observation_end_date_itself_still_provisional"),
    pytest.param(light(as_of=D("2025-04-02")), dict(LIGHT_OBSERVING, status="sealed"),
                 id="seal_becomes_final_the_day_after_observation_end"),
    pytest.param(light(as_of=D("2025-04-01"), policy=OBSERVE_FIRST),
                 dict(LIGHT_OBSERVING, status="observing", seal_date=D("2025-04-02")),
                 id="observe_then_seal_still_observing_on_observation_end"),
    pytest.param(light(as_of=D("2025-04-02"), policy=OBSERVE_FIRST),
                 dict(LIGHT_OBSERVING, status="sealed", seal_date=D("2025-04-02")),
                 id="observe_then_seal_sealed_the_day_after_observation_end"),
    pytest.param(light(as_of=D("2023-03-31")),
                 dict(LIGHT_OBSERVING, status="pending", seal_date=D("2023-04-01")),
                 id="day_before_start_is_pending"),
    # --- A-REVOKE / A-EXTEND ---------------------------------------------------------------
    pytest.param(light(events=(ev("2024-01-01", "intentional_crime"),)),
                 dict(LIGHT_OBSERVING, status="revoked", eligible=True, rules=["A-REVOKE", "A-MODE"],
                      outcomes={"A-REVOKE": "revoked", "A-MODE": "revoked"}),
                 id="intentional_crime_during_observation_revokes"),
    pytest.param(light(events=(ev("2023-04-01", "intentional_crime"),)),
                 dict(LIGHT_OBSERVING, status="revoked"),
                 id="intentional_crime_on_start_date_revokes"),
    pytest.param(dict(events=(ev("2023-08-31", "intentional_crime"),)),
                 dict(MICRO_SEALED, status="revoked"),
                 id="intentional_crime_day_before_end_revokes"),
    pytest.param(dict(events=(ev("2023-09-01", "intentional_crime"),)),
                 dict(MICRO_SEALED, status="revoked", outcomes={"A-REVOKE": "revoked"}),
                 id="intentional_crime_on_end_date_revokes"),
    pytest.param(dict(events=(ev("2023-09-02", "intentional_crime"),)),
                 dict(MICRO_SEALED, outcomes={"A-REVOKE": "no_effect"}),
                 id="intentional_crime_day_after_end_does_not_lift_final_seal"),
    pytest.param(dict(events=(ev("2024-06-01", "intentional_crime"),)),
                 dict(MICRO_SEALED, outcomes={"A-REVOKE": "no_effect"}),
                 id="intentional_crime_after_final_seal_does_not_lift_it"),
    pytest.param(dict(events=(ev("2022-07-01", "intentional_crime"),)),
                 dict(MICRO_SEALED, outcomes={"A-REVOKE": "no_effect"}),
                 id="event_before_start_is_not_during_observation"),
    pytest.param(light(events=(ev("2025-02-01", "intentional_crime"),)), LIGHT_OBSERVING,
                 id="event_after_as_of_is_ignored"),
    pytest.param(light(events=(ev("2024-01-01", "intentional_crime"),), policy=OBSERVE_FIRST),
                 dict(LIGHT_OBSERVING, status="revoked", seal_date=None, observation_end=D("2025-04-01")),
                 id="intentional_crime_in_observe_then_seal_revokes_never_sealed"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"),), as_of=D("2023-12-01")),
                 dict(MICRO_SEALED, status="provisionally_sealed", observation_end=D("2024-03-01"),
                      rules=["A-EXTEND"], outcomes={"A-EXTEND": "extended"}),
                 id="negligent_crime_extends_observation_6_months"),
    pytest.param(dict(events=(ev("2023-03-01", "administrative_detention"),), as_of=D("2023-12-01")),
                 dict(MICRO_SEALED, status="provisionally_sealed", observation_end=D("2024-03-01")),
                 id="administrative_detention_extends_observation_6_months"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"),)),
                 dict(MICRO_SEALED, observation_end=D("2024-03-01")),
                 id="extended_observation_ends_and_seal_is_final"),
    pytest.param(dict(events=(ev("2023-12-01", "administrative_detention"), ev("2023-03-01", "negligent_crime"))),
                 dict(MICRO_SEALED, observation_end=D("2024-09-01")),
                 id="second_event_in_extended_window_extends_again"),
    pytest.param(dict(events=(ev("2023-09-01", "negligent_crime"),)),
                 dict(MICRO_SEALED, observation_end=D("2024-03-01"), outcomes={"A-EXTEND": "extended"}),
                 id="negligent_crime_on_end_date_extends"),
    pytest.param(dict(events=(ev("2023-09-02", "negligent_crime"),)),
                 dict(MICRO_SEALED, outcomes={"A-EXTEND": "no_effect"}),
                 id="negligent_crime_day_after_end_does_not_extend"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"), ev("2023-12-01", "intentional_crime"))),
                 dict(MICRO_SEALED, status="revoked", observation_end=D("2024-03-01")),
                 id="intentional_crime_in_extended_window_revokes"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"),), policy=Policy(extension_months=3)),
                 dict(MICRO_SEALED, observation_end=D("2023-12-01")),
                 id="policy_extension_months_is_respected"),
    pytest.param(dict(sentence_completed_date=D("2023-08-31"), community_service_hours=30,
                      circumstances=circ("good_conduct"), events=(ev("2023-10-01", "negligent_crime"),),
                      as_of=D("2024-05-01")),
                 dict(status="provisionally_sealed", observation_end=D("2024-08-31")),
                 id="extension_is_counted_from_the_start_date_not_chained_from_feb_29"),
    # --- more A-START ------------------------------------------------------------------------
    pytest.param(dict(sentence=Sentence("detention", 3, True, 6), sentence_completed_date=None),
                 dict(MICRO_SEALED, seal_date=D("2022-12-01"), observation_end=D("2023-12-01")),
                 id="micro_suspended_detention_starts_at_end_of_probation"),
    pytest.param(light(sentence=ft(36, probation=48)),
                 dict(status="pending", eligible=True, category="light", seal_date=D("2026-06-01"),
                      observation_end=D("2029-06-01")),
                 id="suspended_36_months_pending_until_probation_ends_then_36_months"),
    pytest.param(light(sentence=Sentence("detention", 6, True, 12)),
                 dict(LIGHT_OBSERVING, seal_date=D("2023-06-01"), observation_end=D("2025-06-01")),
                 id="light_suspended_detention_probation_end_then_24_months"),
    pytest.param(light(sentence=Sentence("fine_only"), judgment_effective_date=D("2025-02-01")),
                 dict(status="pending", eligible=True, category="light", seal_date=D("2025-02-01"),
                      observation_end=D("2027-02-01")),
                 id="fine_only_judgment_not_yet_effective_is_pending"),
    pytest.param(dict(sentence_completed_date=D("2025-03-01")),
                 dict(MICRO_SEALED, status="pending", seal_date=D("2025-03-01"), observation_end=D("2026-03-01")),
                 id="recorded_completion_after_as_of_is_pending_with_dates"),
    pytest.param(light(as_of=D("2023-03-31"), policy=OBSERVE_FIRST),
                 dict(LIGHT_OBSERVING, status="pending", seal_date=D("2025-04-02")),
                 id="observe_then_seal_before_start_is_pending_with_day_after_end_as_seal_date"),
    pytest.param(light(sentence=ft(24), judgment_effective_date=D("2024-06-01"), sentence_completed_date=None,
                       events=(ev("2024-09-01", "intentional_crime"),)),
                 dict(status="pending", eligible=True, seal_date=None, observation_end=None, absent=["A-REVOKE"]),
                 id="crime_while_still_serving_does_not_revoke_a_pending_case"),
    pytest.param(light(disposition="exempted", sentence=None, circumstances=circ()),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-CONDITION"]),
                 id="light_exempted_without_condition_not_eligible"),
    # --- more A-CAT / A-LIGHT -------------------------------------------------------------------
    pytest.param(light(charges=("开设赌场罪",), sentence=ft(36), circumstances=circ()),
                 dict(LIGHT_OBSERVING, observation_end=D("2026-04-01")),
                 id="high_incidence_charge_with_five_year_max_36_months_light"),
    pytest.param(light(charges=("开设赌场罪",), sentence=ft(37), circumstances=circ()), SERIOUS,
                 id="high_incidence_charge_37_months_serious"),
    pytest.param(light(charges=("交通肇事罪",), sentence=ft(24), circumstances=circ(), prior_convictions=2),
                 dict(LIGHT_REFUSED, rules=["A-LIGHT-PRIOR"], absent=["A-LIGHT-CONDITION"]),
                 id="negligent_charge_with_priors_not_eligible"),
    pytest.param(light(sentence=ft(24), circumstances=circ("surrender")),
                 dict(LIGHT_OBSERVING, observation_end=D("2026-04-01")),
                 id="surrender_only_long_tier"),
    pytest.param(dict(charges=("危险驾驶罪", "交通肇事罪"), sentence=ft(12),
                      sentence_completed_date=D("2023-04-01")),
                 dict(LIGHT_OBSERVING, observation_end=D("2025-04-01"), rules=["A-LIGHT"], absent=["A-MICRO"]),
                 id="micro_charge_beside_negligent_charge_is_light_and_qualifies"),
    pytest.param(dict(charges=("妨害安全驾驶罪",), sentence=ft(10), sentence_completed_date=D("2023-04-01"),
                      policy=ONE_YEAR),
                 dict(status="sealed", category="micro", seal_date=D("2023-04-01"),
                      observation_end=D("2024-04-01")),
                 id="one_year_max_charge_with_fixed_term_micro_tier_under_1_year_policy"),
    pytest.param(dict(charges=("不在目录的罪名", "侮辱罪"), sentence=ft(48)),
                 dict(status="not_eligible", eligible=False, category="serious", missing=[], rules=["A-SERIOUS"]),
                 id="unknown_charge_beside_serious_sentence_is_still_serious"),
    pytest.param(dict(charges=("不在目录的罪名", "侮辱罪"), sentence=ft(10), circumstances=circ("plea")),
                 dict(status="undetermined", eligible=None, category=None,
                      missing=["charges[0].statutory_max"]),
                 id="unknown_charge_beside_light_sentence_is_undetermined"),
    # --- more A-OBS / A-CS ------------------------------------------------------------------------
    pytest.param(light(community_service_hours=59),
                 dict(LIGHT_OBSERVING, status="sealed", observation_end=D("2024-11-01")),
                 id="community_service_59_hours_is_5_whole_months"),
    pytest.param(light(community_service_hours=60),
                 dict(LIGHT_OBSERVING, status="sealed", observation_end=D("2024-10-01")),
                 id="community_service_exactly_at_cap_light_short"),
    pytest.param(light(sentence=ft(24), community_service_hours=89),
                 dict(LIGHT_OBSERVING, observation_end=D("2025-08-01")),
                 id="community_service_89_hours_light_long_8_months"),
    pytest.param(light(circumstances=circ("plea", "good_conduct"), community_service_hours=500),
                 dict(LIGHT_OBSERVING, status="sealed", observation_end=D("2024-04-01"),
                      rules=["A-OBS-GOOD", "A-CS"]),
                 id="light_short_good_conduct_and_capped_service_24_minus_6_minus_6"),
    pytest.param(light(sentence=ft(12, probation=12)),
                 dict(LIGHT_OBSERVING, seal_date=D("2023-06-01"), observation_end=D("2025-06-01")),
                 id="suspended_12_months_is_short_tier"),
    # --- more A-REVOKE / A-EXTEND -----------------------------------------------------------------
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"), ev("2023-03-01", "administrative_detention"))),
                 dict(MICRO_SEALED, observation_end=D("2024-09-01")),
                 id="two_events_on_one_day_extend_twice"),
    pytest.param(dict(events=(ev("2022-09-01", "negligent_crime"),)),
                 dict(MICRO_SEALED, observation_end=D("2024-03-01")),
                 id="negligent_crime_on_start_date_extends"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"),), policy=OBSERVE_FIRST, as_of=D("2023-12-01")),
                 dict(MICRO_SEALED, status="observing", seal_date=D("2024-03-02"), observation_end=D("2024-03-01")),
                 id="observe_then_seal_extension_moves_the_seal_date"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"), ev("2024-03-01", "intentional_crime"))),
                 dict(MICRO_SEALED, status="revoked", observation_end=D("2024-03-01"), outcomes={"A-REVOKE": "revoked"}),
                 id="intentional_crime_on_extended_end_day_revokes"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"), ev("2024-03-02", "intentional_crime"))),
                 dict(MICRO_SEALED, observation_end=D("2024-03-01"), outcomes={"A-REVOKE": "no_effect"}),
                 id="intentional_crime_day_after_extended_end_does_not_revoke"),
    pytest.param(dict(events=(ev("2023-03-01", "negligent_crime"), ev("2024-02-29", "intentional_crime"))),
                 dict(MICRO_SEALED, status="revoked", observation_end=D("2024-03-01")),
                 id="intentional_crime_day_before_extended_end_revokes"),
    pytest.param(dict(events=(ev("2023-05-01", "intentional_crime"),), as_of=D("2023-05-01")),
                 dict(MICRO_SEALED, status="revoked"),
                 id="intentional_crime_on_as_of_counts"),
    pytest.param(dict(events=(ev("2023-05-01", "intentional_crime"), ev("2023-06-01", "negligent_crime"))),
                 dict(MICRO_SEALED, status="revoked", observation_end=D("2023-09-01"), absent=["A-EXTEND"]),
                 id="nothing_after_a_revocation_counts"),
    pytest.param(dict(events=(ev("2023-03-01", "administrative_detention"),), as_of=D("2023-10-01")),
                 dict(MICRO_SEALED, status="provisionally_sealed", observation_end=D("2024-03-01")),
                 id="extension_keeps_a_would_be_final_seal_provisional"),
]


@pytest.mark.parametrize("overrides, expected", CASES)
def test_adult_rules(overrides, expected):
    overrides = dict(overrides)
    policy = overrides.pop("policy", Policy())
    as_of = overrides.pop("as_of", AS_OF)
    decision = evaluate(case(**overrides), policy, as_of)

    for key in ("status", "eligible", "regime", "category", "seal_date", "observation_end", "missing"):
        if key in expected:
            assert getattr(decision, key) == expected[key], f"{key}: {decision.to_dict()}"
    for rule in expected.get("rules", ()):
        assert decision.has_rule(rule), f"{rule} not in {decision.rule_ids}"
    for rule in expected.get("absent", ()):
        assert not decision.has_rule(rule), f"{rule} unexpectedly in {decision.rule_ids}"
    for rule, outcome in expected.get("outcomes", {}).items():
        assert outcome in [s.outcome for s in decision.trace if s.rule == rule], decision.rule_ids
    # invariants of every decision
    assert decision.regime == "adult"
    assert (decision.eligible is None) == (decision.status == "undetermined")
    assert decision.policy_version == policy.version
    if decision.status in ("not_eligible", "undetermined"):
        assert decision.seal_date is None and decision.observation_end is None
    for step in decision.trace:
        assert step.rule and step.source and step.message
    assert all(is_rules_md_id(r) for r in decision.rule_ids), decision.rule_ids


def test_adult_trace_order_follows_evaluation():
    decision = evaluate(case(circumstances=circ("good_conduct"), community_service_hours=20,
                             events=(ev("2023-03-01", "negligent_crime"),)), Policy(), AS_OF)
    assert decision.rule_ids == ["J-AGE", "A-EXCL", "A-CAT", "A-MICRO", "A-START", "A-OBS",
                                 "A-OBS-GOOD", "A-CS", "A-EXTEND", "A-MODE"]
    revoked = evaluate(case(events=(ev("2023-01-01", "intentional_crime"),)), Policy(), AS_OF)
    assert revoked.rule_ids == ["J-AGE", "A-EXCL", "A-CAT", "A-MICRO", "A-START", "A-OBS", "A-REVOKE", "A-MODE"]
    excluded = evaluate(case(charges=("容留他人吸毒罪",)), Policy(), AS_OF)
    assert excluded.rule_ids == ["J-AGE", "A-EXCL-DRUG", "A-CAT"]


def test_revoked_decision_fields():
    data = evaluate(case(**light(events=(ev("2024-01-01", "intentional_crime"),))), Policy(), AS_OF).to_dict()
    assert {k: data[k] for k in ("regime", "category", "eligible", "status", "seal_date", "observation_end")} == {
        "regime": "adult", "category": "light", "eligible": True, "status": "revoked",
        "seal_date": "2023-04-01", "observation_end": "2025-04-01",
    }
    assert data["missing"] == []
    assert "恢复公开" in [s for s in data["trace"] if s["rule"] == "A-REVOKE"][0]["message"]


def test_missing_light_condition_is_named_in_the_trace():
    decision = evaluate(case(**light(circumstances=circ(), prior_convictions=1)), Policy(), AS_OF)
    messages = {s.rule: s.message for s in decision.trace}
    assert "前科" in messages["A-LIGHT-PRIOR"]
    assert "认罪认罚" in messages["A-LIGHT-CONDITION"] and "侮辱罪" in messages["A-LIGHT-CONDITION"]


def test_unknown_charge_is_named_in_the_trace():
    decision = evaluate(case(charges=("不在目录的罪名",)), Policy(), AS_OF)
    assert "不在目录的罪名" in decision.trace[-1].message


def test_adult_decision_json_shape():
    data = evaluate(case(**light()), Policy(), AS_OF).to_dict()
    assert {k: data[k] for k in ("regime", "category", "eligible", "status", "seal_date",
                                 "observation_end", "policy_version", "missing")} == {
        "regime": "adult", "category": "light", "eligible": True, "status": "provisionally_sealed",
        "seal_date": "2023-04-01", "observation_end": "2025-04-01", "policy_version": "default",
        "missing": [],
    }
    assert [s["rule"] for s in data["trace"]][:3] == ["J-AGE", "A-EXCL", "A-CAT"]


# --- calendar arithmetic and policy ------------------------------------------------------------

@pytest.mark.parametrize("start, months, end", [
    ("2023-01-31", 1, "2023-02-28"),
    ("2024-01-31", 1, "2024-02-29"),
    ("2023-08-31", 6, "2024-02-29"),
    ("2022-08-31", 6, "2023-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2023-10-31", 1, "2023-11-30"),
    ("2023-12-15", 1, "2024-01-15"),
    ("2023-05-31", 0, "2023-05-31"),
    ("2022-01-31", 25, "2024-02-29"),
], ids=lambda v: str(v))
def test_add_months_clamps_to_month_end(start, months, end):
    assert add_months(D(start), months) == D(end)


def test_eighteenth_birthday_and_age():
    assert eighteenth_birthday(D("2004-02-29")) == D("2022-02-28")
    assert age_on(D("2004-06-15"), D("2022-06-15")) == 17
    assert age_on(D("2004-06-15"), D("2022-06-16")) == 18


def test_policy_defaults_are_the_rules_numbers():
    policy = Policy()
    assert policy.to_dict() == {
        "version": "default", "juvenile_seal_within_days": 3, "juvenile_max_months": 60,
        "micro_definition": "statutory_max_detention", "light_max_months": 36,
        "mode": "seal_then_observe", "observation_micro_months": 12,
        "observation_light_short_months": 24, "observation_light_long_months": 36,
        "light_short_sentence_max_months": 12, "good_conduct_reduction_micro_months": 3,
        "good_conduct_reduction_light_months": 6, "community_service_hours_per_month": 10,
        "community_service_max_fraction_denominator": 4, "extension_months": 6,
    }


def test_policy_round_trips_and_rejects_bad_switches():
    policy = Policy(version="2025-03", mode="observe_then_seal", extension_months=3)
    assert Policy.from_dict(policy.to_dict()) == policy
    assert Policy.from_dict({"version": 7, "unknown_key": 1}) == Policy(version="7")
    with pytest.raises(ValueError):
        Policy(mode="seal_whenever")
    assert Policy(mode="seal_immediately").mode == "seal_immediately"
    with pytest.raises(ValueError):
        Policy(micro_definition="statutory_max_2_years")
    with pytest.raises(ValueError):
        Policy(light_max_months=-1)
