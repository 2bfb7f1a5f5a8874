"""RULES.md §1 "periods" and the §3 rules that read them, boundary by boundary (pure engine, fixed dates).

A period of N months starting on S runs from the day after S to the same day N months later, both
included; an event dated S through the end date is within observation; a seal that becomes final at
the end of observation is final from the day after the end date.
"""
import datetime as dt

import pytest

from sealing.rules import CaseFacts, ChargeInfo, Event, Policy, Sentence, evaluate

D = dt.date.fromisoformat

DRIVING = ChargeInfo("危险驾驶罪", "detention")  # micro
INSULT = ChargeInfo("侮辱罪", "fixed_term", 36)  # light, needs plea / surrender
THEFT = ChargeInfo("盗窃罪", "life", high_incidence=True)  # light by the sentence, high-incidence
DRUGS = ChargeInfo("容留他人吸毒罪", "fixed_term", 36, drug=True)

OBSERVE_FIRST = Policy(mode="observe_then_seal", version="observe-first")
IMMEDIATE = Policy(mode="seal_immediately", version="immediate")


def micro(**overrides):
    """Dangerous driving, 3 months' detention served on 2022-09-01 → observation to 2023-09-01."""
    data = dict(
        id="P-1", birth_date=D("1990-05-01"), offense_date=D("2022-03-01"), charges=(DRIVING,),
        disposition="sentenced", sentence=Sentence("detention", 3),
        judgment_effective_date=D("2022-06-01"), sentence_completed_date=D("2022-09-01"),
    )
    data.update(overrides)
    return CaseFacts(**data)


def light(**overrides):
    """Insult with a plea, served on 2023-04-01; the sentence decides the A-OBS tier."""
    data = dict(charges=(INSULT,), sentence=Sentence("fixed_term", 10), sentence_completed_date=D("2023-04-01"),
                circumstances=frozenset({"plea"}))
    data.update(overrides)
    return micro(**data)


def ev(day, kind):
    return Event(D(day), kind)


def run(facts, as_of, policy=None):
    return evaluate(facts, policy or Policy(), D(as_of))


# --- the end date itself vs the next day -------------------------------------------------------

@pytest.mark.parametrize("as_of, status", [
    ("2022-08-31", "pending"),
    ("2022-09-01", "provisionally_sealed"),  # the start date: provisionally sealed that day
    ("2023-08-31", "provisionally_sealed"),
    ("2023-09-01", "provisionally_sealed"),  # the end date itself is still within observation
    ("2023-09-02", "sealed"),  # final from the day after the end date
])
def test_seal_then_observe_status_around_the_period(as_of, status):
    decision = run(micro(), as_of)
    assert (decision.status, decision.seal_date, decision.observation_end) == (
        status, D("2022-09-01"), D("2023-09-01"))


@pytest.mark.parametrize("as_of, status", [
    ("2022-08-31", "pending"),
    ("2022-09-01", "observing"),
    ("2023-09-01", "observing"),
    ("2023-09-02", "sealed"),
])
def test_observe_then_seal_seals_the_day_after_the_end(as_of, status):
    decision = run(micro(), as_of, OBSERVE_FIRST)
    assert (decision.status, decision.seal_date, decision.observation_end) == (
        status, D("2023-09-02"), D("2023-09-01"))


def test_final_seal_message_names_the_day_after_the_end():
    decision = run(micro(), "2023-09-02")
    mode = [s for s in decision.trace if s.rule == "A-MODE"][0]
    assert "2023年9月2日起正式封存" in mode.message
    assert mode.facts["final_from"] == D("2023-09-02")


# --- events: start date, end date, the day after -----------------------------------------------

@pytest.mark.parametrize("event_day, kind, status, end", [
    ("2022-08-31", "intentional_crime", "sealed", "2023-09-01"),  # before the start: not during observation
    ("2022-09-01", "intentional_crime", "revoked", "2023-09-01"),  # on the start date
    ("2023-09-01", "intentional_crime", "revoked", "2023-09-01"),  # on the end date
    ("2023-09-02", "intentional_crime", "sealed", "2023-09-01"),  # the day after the end: final already
    ("2022-08-31", "negligent_crime", "sealed", "2023-09-01"),
    ("2022-09-01", "negligent_crime", "sealed", "2024-03-01"),
    ("2023-09-01", "negligent_crime", "sealed", "2024-03-01"),
    ("2023-09-01", "administrative_detention", "sealed", "2024-03-01"),
    ("2023-09-02", "negligent_crime", "sealed", "2023-09-01"),
    ("2023-09-02", "administrative_detention", "sealed", "2023-09-01"),
])
def test_event_boundaries(event_day, kind, status, end):
    decision = run(micro(events=(ev(event_day, kind),)), "2025-01-01")
    assert (decision.status, decision.observation_end) == (status, D(end)), decision.to_dict()
    rule = "A-REVOKE" if kind == "intentional_crime" else "A-EXTEND"
    assert decision.has_rule(rule)


def test_revocation_on_the_end_date_names_it_in_the_trace():
    decision = run(micro(events=(ev("2023-09-01", "intentional_crime"),)), "2023-09-01")
    step = [s for s in decision.trace if s.rule == "A-REVOKE"][0]
    assert step.outcome == "revoked" and "2023年9月1日" in step.message


# --- A-EXTEND: always counted from the start date ------------------------------------------------

@pytest.mark.parametrize("events, end", [
    ((), "2023-02-28"),  # Jan 31 + 1 month = Feb 28
    ((ev("2023-02-15", "negligent_crime"),), "2023-08-31"),  # Jan 31 + 7 months, not Feb 28 + 6 = Aug 28
    ((ev("2023-02-15", "negligent_crime"), ev("2023-08-31", "administrative_detention")), "2024-02-29"),
    ((ev("2023-02-28", "negligent_crime"), ev("2023-08-30", "intentional_crime")), "2023-08-31"),
], ids=["no_extension", "one_extension", "two_extensions_leap_february", "revoked_in_extended_window"])
def test_extension_is_counted_from_a_jan_31_start(events, end):
    policy = Policy(observation_micro_months=1, version="one-month")
    decision = run(micro(sentence_completed_date=D("2023-01-31"), events=events), "2025-06-01", policy)
    assert decision.observation_end == D(end), decision.to_dict()
    assert decision.status == ("revoked" if any(e.kind == "intentional_crime" for e in events) else "sealed")


def test_an_extension_brings_a_later_event_into_the_window():
    # 2023-09-01 end; a detention on 2023-08-01 extends to 2024-03-01; a crime on 2024-01-10 now revokes.
    decision = run(micro(events=(ev("2023-08-01", "administrative_detention"), ev("2024-01-10", "intentional_crime"))),
                   "2025-01-01")
    assert (decision.status, decision.observation_end) == ("revoked", D("2024-03-01"))


def test_an_event_after_the_unextended_end_does_not_extend():
    decision = run(micro(events=(ev("2023-09-02", "negligent_crime"), ev("2023-10-01", "negligent_crime"))),
                   "2025-01-01")
    assert (decision.status, decision.observation_end) == ("sealed", D("2023-09-01"))
    assert [s.outcome for s in decision.trace if s.rule == "A-EXTEND"] == ["no_effect", "no_effect"]


def test_each_extension_is_reported_from_the_start_date():
    decision = run(micro(events=(ev("2023-03-01", "negligent_crime"), ev("2023-04-01", "negligent_crime"))),
                   "2025-01-01")
    steps = [s for s in decision.trace if s.rule == "A-EXTEND"]
    assert [s.facts["observation_end_after"] for s in steps] == [D("2024-03-01"), D("2024-09-01")]
    assert [s.facts["period_months"] for s in steps] == [18, 24]
    assert decision.observation_end == D("2024-09-01")


# --- A-OBS tiers --------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, disposition, tier", [
    (Sentence("surveillance", 18), "sentenced", 24),
    (Sentence("surveillance", 24), "sentenced", 24),
    (Sentence("surveillance", 3), "sentenced", 24),
    (Sentence("detention", 6), "sentenced", 24),
    (Sentence("detention", 12), "sentenced", 24),  # combined detention
    (Sentence("detention", 6, True, 12), "sentenced", 24),
    (Sentence("fine_only"), "sentenced", 24),
    (None, "exempted", 24),
    (Sentence("fixed_term", 12), "sentenced", 24),
    (Sentence("fixed_term", 12, True, 12), "sentenced", 24),
    (Sentence("fixed_term", 13), "sentenced", 36),
    (Sentence("fixed_term", 36), "sentenced", 36),
    (Sentence("fixed_term", 13, True, 24), "sentenced", 36),
], ids=lambda v: str(v))
def test_light_tier(sentence, disposition, tier):
    decision = run(light(sentence=sentence, disposition=disposition), "2025-01-01")
    assert decision.category == "light"
    step = [s for s in decision.trace if s.rule == "A-OBS"][0]
    assert step.facts["tier_months"] == tier


def test_surveillance_18_months_is_observed_24_months_from_completion():
    decision = run(light(sentence=Sentence("surveillance", 18)), "2025-01-01")
    assert (decision.status, decision.observation_end) == ("provisionally_sealed", D("2025-04-01"))


# --- A-START ------------------------------------------------------------------------------------

@pytest.mark.parametrize("facts, start", [
    (dict(sentence=Sentence("detention", 3), sentence_completed_date=D("2022-09-01")), "2022-09-01"),
    (dict(sentence=Sentence("fine_only"), sentence_completed_date=None), "2022-06-01"),
    (dict(disposition="exempted", sentence=None, sentence_completed_date=None), "2022-06-01"),
    (dict(sentence=Sentence("detention", 3, True, 6), judgment_effective_date=D("2023-08-31"),
          sentence_completed_date=None), "2024-02-29"),  # end of probation, month-end clamped
    (dict(sentence=Sentence("detention", 3, True, 6), judgment_effective_date=D("2022-08-31"),
          sentence_completed_date=None), "2023-02-28"),
])
def test_a_start(facts, start):
    decision = run(micro(**facts), "2026-01-01")
    assert decision.observation_start == D(start)
    assert decision.has_rule("A-START")


# --- A-RELATED ----------------------------------------------------------------------------------

@pytest.mark.parametrize("disposition", ["not_prosecuted", "not_punished", "withdrawn", "coercive_measure"])
def test_adult_related_outcome_with_micro_charge_is_micro_from_the_decision(disposition):
    decision = run(micro(disposition=disposition, sentence=None, sentence_completed_date=None), "2023-06-02")
    assert (decision.regime, decision.category, decision.eligible, decision.status) == (
        "adult", "micro", True, "sealed")
    assert (decision.seal_date, decision.observation_end) == (D("2022-06-01"), D("2023-06-01"))
    assert decision.rule_ids[:3] == ["J-AGE", "A-RELATED", "A-EXCL"]
    assert decision.has_rule("A-MICRO")


def test_adult_not_prosecuted_light_charge_is_light_24_months_like_exempted():
    related = run(micro(charges=(THEFT,), disposition="not_prosecuted", sentence=None, sentence_completed_date=None),
                  "2024-01-01")
    exempted = run(micro(charges=(THEFT,), disposition="exempted", sentence=None, sentence_completed_date=None),
                   "2024-01-01")
    for decision in (related, exempted):
        assert (decision.category, decision.status, decision.seal_date, decision.observation_end) == (
            "light", "provisionally_sealed", D("2022-06-01"), D("2024-06-01"))
    assert related.has_rule("A-RELATED") and not exempted.has_rule("A-RELATED")


def test_adult_not_prosecuted_light_charge_still_needs_the_a_light_conditions():
    decision = run(micro(charges=(INSULT,), disposition="not_prosecuted", sentence=None,
                         sentence_completed_date=None), "2024-01-01")
    assert (decision.status, decision.eligible, decision.category) == ("not_eligible", False, "light")
    assert decision.has_rule("A-LIGHT-CONDITION") and decision.has_rule("A-RELATED")


def test_adult_related_outcome_of_an_excluded_charge_is_not_eligible():
    decision = run(micro(charges=(DRUGS,), disposition="withdrawn", sentence=None, sentence_completed_date=None),
                   "2024-01-01")
    assert decision.status == "not_eligible" and decision.has_rule("A-EXCL-DRUG")


def test_adult_related_outcome_without_decision_date_is_undetermined():
    decision = run(micro(disposition="not_prosecuted", sentence=None, sentence_completed_date=None,
                         judgment_effective_date=None), "2024-01-01")
    assert (decision.status, decision.missing) == ("undetermined", ["judgment_effective_date"])


# --- A-MODE seal_immediately ----------------------------------------------------------------------

@pytest.mark.parametrize("as_of, status", [
    ("2022-08-31", "pending"),
    ("2022-09-01", "sealed"),
    ("2030-01-01", "sealed"),
])
def test_seal_immediately_is_final_on_the_start_date(as_of, status):
    decision = run(micro(), as_of, IMMEDIATE)
    assert (decision.status, decision.eligible, decision.seal_date, decision.observation_end) == (
        status, True, D("2022-09-01"), None)
    assert decision.policy_version == "immediate"
    assert decision.rule_ids[-1] == "A-MODE"


def test_seal_immediately_has_no_observation_revocation_or_extension():
    facts = light(circumstances=frozenset({"plea", "good_conduct"}), community_service_hours=100,
                  events=(ev("2023-05-01", "negligent_crime"), ev("2023-06-01", "intentional_crime")))
    decision = run(facts, "2025-01-01", IMMEDIATE)
    assert (decision.status, decision.seal_date, decision.observation_end) == ("sealed", D("2023-04-01"), None)
    for rule in ("A-OBS", "A-CS", "A-REVOKE", "A-EXTEND"):
        assert not decision.has_rule(rule), decision.rule_ids


def test_seal_immediately_while_serving_is_pending_without_a_date():
    decision = run(micro(judgment_effective_date=D("2024-12-01"), sentence_completed_date=None), "2025-01-01",
                   IMMEDIATE)
    assert (decision.status, decision.eligible, decision.seal_date, decision.observation_end) == (
        "pending", True, None, None)


def test_seal_immediately_keeps_the_eligibility_rules():
    decision = run(light(circumstances=frozenset()), "2025-01-01", IMMEDIATE)
    assert decision.status == "not_eligible" and decision.seal_date is None


def test_seal_immediately_leaves_juveniles_alone():
    decision = run(micro(birth_date=D("2005-01-01"), offense_date=D("2022-03-01")), "2025-01-01", IMMEDIATE)
    assert (decision.regime, decision.status, decision.seal_date) == ("juvenile", "sealed", D("2022-06-01"))


# --- the clock is an argument ---------------------------------------------------------------------

def test_evaluate_requires_as_of():
    with pytest.raises(TypeError):
        evaluate(micro(), Policy(), None)
    with pytest.raises(TypeError):
        evaluate(micro(), Policy())
    with pytest.raises(TypeError):
        evaluate(micro(), Policy(), dt.datetime(2025, 1, 1, 12, 0))
