"""The one entry point: `evaluate(facts, policy, as_of) -> Decision`.

Routes a case to the juvenile regime (§2) or the adult regime (§3) by J-AGE / J-SPAN.
"""
from __future__ import annotations

import datetime as dt

from . import juvenile
from .adult import evaluate_adult
from .facts import CaseFacts, Decision, Msg, Text, TraceStep, disposition_text, sentence_text
from .policy import DEFAULT_POLICY, Policy


AGE_UNKNOWN = Msg("J-AGE.unknown", "未记录出生日期或犯罪日期，无法判断行为时是否未满十八周岁",
                  "The date of birth or of the offence is not recorded: whether the offender was under 18 "
                  "cannot be determined")
IMPOSED = Msg("sentence.imposed", "判处{sentence}", "sentenced to {sentence}")


def evaluate(facts: CaseFacts, policy: Policy | None = None, as_of: dt.date | None = None) -> Decision:
    """The decision on `facts` as of `as_of`, which is required: the engine never reads the clock."""
    if as_of is None:
        raise TypeError("evaluate() needs as_of: the rules never read the clock (the caller passes the date)")
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise TypeError(f"as_of must be a datetime.date, not {type(as_of).__name__}")
    policy = policy or DEFAULT_POLICY
    trace: list[TraceStep] = []

    missing = [name for name in ("birth_date", "offense_date") if getattr(facts, name) is None]
    if missing:
        trace.append(TraceStep(
            "J-AGE", juvenile.SRC_AGE, "undetermined", AGE_UNKNOWN(), {},
        ))
        return Decision(
            id=facts.id, regime=None, category=None, eligible=None, status="undetermined",
            seal_date=None, observation_end=None, policy_version=policy.version,
            missing=missing, trace=trace, as_of=as_of,
        )

    age_step = juvenile.j_age(facts.birth_date, facts.offense_date, facts.offense_start_date)
    trace.append(age_step)
    if age_step.outcome == "juvenile":
        return juvenile.evaluate_juvenile(facts, policy, as_of, trace)

    if juvenile.spans_eighteenth_birthday(facts):
        if facts.main_conduct_before_18 is None:
            # Regime stays "juvenile": J-SPAN is a rule of §2 and the contract has no null regime.
            trace.append(juvenile.j_span(facts, "undetermined"))
            trace.append(juvenile.j_nocrime_type())
            return Decision(
                id=facts.id, regime="juvenile", category=None, eligible=None, status="undetermined",
                seal_date=None, observation_end=None, policy_version=policy.version,
                missing=["main_conduct_before_18"], trace=trace, as_of=as_of,
            )
        if facts.main_conduct_before_18:
            classified = juvenile.classify_sentence(facts, policy)
            outcome, step, _ = classified
            sentence_text = _sentence_text(facts)
            # Measures art. 4: the whole case is juvenile when the outcome meets J-SENT, J-EXEMPT or
            # J-RELATED (a non-prosecution is read in the minor's favour); only J-OVER goes to §3.
            if outcome != juvenile.OVER:
                # sealable, or the sentence is not recorded (then §2 reports it as undetermined)
                known = outcome != juvenile.UNKNOWN
                trace.append(juvenile.j_span(facts, "juvenile", sentence_text, known))
                return juvenile.evaluate_juvenile(facts, policy, as_of, trace, classified)
            trace.append(juvenile.j_span(facts, "adult", sentence_text))
            trace.append(step)
        else:
            trace.append(juvenile.j_span(facts, "adult"))
    return evaluate_adult(facts, policy, as_of, trace)


def _sentence_text(facts: CaseFacts) -> Text:
    if facts.disposition == "sentenced":
        return IMPOSED(sentence=sentence_text(facts.sentence))
    return disposition_text(facts.disposition)
