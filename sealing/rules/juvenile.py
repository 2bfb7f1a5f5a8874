"""RULES.md §2: sealing of juvenile criminal records (the Measures; CPL art. 286).

One function per rule id, each returning the TraceStep it contributes.
"""
from __future__ import annotations

import datetime as dt

from . import dates
from .facts import (
    RELATED_DISPOSITIONS,
    CaseFacts,
    Decision,
    Msg,
    Text,
    TraceStep,
    disposition_text,
    event_text,
    sentence_text,
)
from .policy import Policy

MEASURES = "《关于未成年人犯罪记录封存的实施办法》"
SRC_AGE = "刑事诉讼法第二百八十六条；刑法第十七条"
SRC_SPAN = MEASURES + "第四条第二款"
SRC_SENT = "刑事诉讼法第二百八十六条；" + MEASURES + "第四条"
SRC_RELATED = MEASURES + "第三条"
SRC_NOCRIME = "刑事诉讼法第二百八十六条；" + MEASURES + "第四条"
SRC_WHEN = MEASURES + "（封存程序：裁判、决定生效后三日内封存）"
SRC_RETRO = MEASURES + "（2012年12月31日以前办结案件的封存）"
SRC_UNSEAL = MEASURES + "（解除封存）"
SRC_ADULT_AGAIN = MEASURES + "（成年后又故意犯罪的，裁判文书载明之前的犯罪记录）"

RETRO_CUTOFF = dt.date(2013, 1, 1)

# Outcome of the sentence test (J-SENT / J-EXEMPT / J-RELATED / J-OVER).
SEALABLE = "sealable"
OVER = "over"
UNKNOWN = "undetermined"


# --- J-AGE / J-SPAN -------------------------------------------------------------------------

AGE_JUVENILE = Msg("J-AGE.juvenile", "行为时未满十八周岁（犯罪时{age}周岁{note}），适用未成年人犯罪记录封存",
                   "Under 18 at the time of the offence (aged {age}{note}): juvenile record sealing applies")
AGE_ON_BIRTHDAY = Msg("J-AGE.on_birthday", "，犯罪之日为其十八周岁生日当天，依法仍属未满十八周岁",
                      "; the offence was committed on the 18th birthday itself, which in law is still under 18")
AGE_DETAIL = Msg("J-AGE.detail", "最后行为{last}，犯罪时{age}周岁，十八周岁生日为{eighteenth}",
                 "last act {last}, aged {age} at the offence, 18th birthday {eighteenth}")
AGE_SPANS = Msg("J-AGE.spans", "最后行为时已满十八周岁（{detail}），但首次行为（{first}）在十八周岁前，依跨越十八周岁的规则（J-SPAN）确定",
                "18 or over at the last act ({detail}), but the first act ({first}) came before the 18th birthday: "
                "decided by the rule for offences spanning the 18th birthday (J-SPAN)")
AGE_ADULT = Msg("J-AGE.adult", "行为时已满十八周岁（{detail}），不适用未成年人犯罪记录封存，适用成年人轻微犯罪记录附条件封存规则",
                "18 or over at the time of the offence ({detail}): juvenile record sealing does not apply; the rules "
                "on conditional sealing of adults' minor-crime records apply")


def j_age(birth: dt.date, offense_date: dt.date, first_act: dt.date | None = None) -> TraceStep:
    eighteenth = dates.eighteenth_birthday(birth)
    age = dates.age_on(birth, offense_date)
    facts = {
        "birth_date": birth,
        "offense_date": offense_date,
        "eighteenth_birthday": eighteenth,
        "age_at_offense": age,
    }
    if offense_date <= eighteenth:
        note = AGE_ON_BIRTHDAY() if offense_date == eighteenth else ""
        return TraceStep("J-AGE", SRC_AGE, "juvenile", AGE_JUVENILE(age=age, note=note), facts)
    detail = AGE_DETAIL(last=offense_date, age=age, eighteenth=eighteenth)
    if first_act is not None and first_act <= eighteenth:
        return TraceStep(
            "J-AGE", SRC_AGE, "adult", AGE_SPANS(detail=detail, first=first_act),
            {**facts, "offense_start_date": first_act},
        )
    return TraceStep("J-AGE", SRC_AGE, "adult", AGE_ADULT(detail=detail), facts)


def spans_eighteenth_birthday(facts: CaseFacts) -> bool:
    """First act on/before the 18th birthday, last act after it."""
    if facts.birth_date is None or facts.offense_date is None or facts.offense_start_date is None:
        return False
    eighteenth = dates.eighteenth_birthday(facts.birth_date)
    return facts.offense_start_date <= eighteenth < facts.offense_date


SPAN = Msg("J-SPAN.span", "犯罪行为跨越十八周岁（首次行为{first}，最后行为{last}，十八周岁生日{eighteenth}）",
           "The offence spans the 18th birthday (first act {first}, last act {last}, 18th birthday {eighteenth})")
SPAN_UNDETERMINED = Msg("J-SPAN.undetermined", "{span}，需由办案人员认定主要犯罪行为是否在十八周岁前实施，暂无法确定适用的规则",
                        "{span}: the case handler must find whether the main criminal conduct came before the 18th "
                        "birthday; the rules that apply cannot be determined yet")
SPAN_SENTENCE_UNKNOWN = Msg(
    "J-SPAN.sentence_unknown", "{span}，主要犯罪行为在十八周岁前实施，是否全案适用未成年人犯罪记录封存取决于所判刑罚，但刑罚未记录",
    "{span}; the main criminal conduct came before the 18th birthday. Whether juvenile record sealing applies to "
    "the whole case depends on the sentence, which is not recorded")
SPAN_FAVOUR = Msg("J-SPAN.favour", "（不起诉等相关处理按有利于未成年人的原则认定）",
                  " (a non-prosecution or similar outcome is read in the minor's favour)")
SPAN_JUVENILE = Msg("J-SPAN.juvenile", "{span}，主要犯罪行为在十八周岁前实施，且{sentence}符合封存条件{favour}，全案适用未成年人犯罪记录封存",
                    "{span}; the main criminal conduct came before the 18th birthday and the outcome ({sentence}) "
                    "meets the sealing conditions{favour}: juvenile record sealing applies to the whole case")
SPAN_ADULT_OVER = Msg("J-SPAN.adult_over", "{span}，主要犯罪行为虽在十八周岁前实施，但{sentence}不符合全案封存条件，适用成年人规则",
                      "{span}; the main criminal conduct came before the 18th birthday, but the outcome ({sentence}) "
                      "does not meet the conditions for sealing the whole case: the adult rules apply")
SPAN_ADULT = Msg("J-SPAN.adult", "{span}，主要犯罪行为在十八周岁后实施，适用成年人规则",
                 "{span}; the main criminal conduct came after the 18th birthday: the adult rules apply")


def j_span(facts: CaseFacts, outcome: str, sentence: Text | str = "", sentence_known: bool = True) -> TraceStep:
    eighteenth = dates.eighteenth_birthday(facts.birth_date)
    used = {
        "offense_start_date": facts.offense_start_date,
        "offense_date": facts.offense_date,
        "eighteenth_birthday": eighteenth,
        "main_conduct_before_18": facts.main_conduct_before_18,
    }
    span = SPAN(first=facts.offense_start_date, last=facts.offense_date, eighteenth=eighteenth)
    if outcome == "undetermined":
        message = SPAN_UNDETERMINED(span=span)
    elif outcome == "juvenile" and not sentence_known:
        message = SPAN_SENTENCE_UNKNOWN(span=span)
    elif outcome == "juvenile":
        favour = SPAN_FAVOUR() if facts.disposition in RELATED_DISPOSITIONS else ""
        message = SPAN_JUVENILE(span=span, sentence=sentence, favour=favour)
    elif facts.main_conduct_before_18:
        message = SPAN_ADULT_OVER(span=span, sentence=sentence)
    else:
        message = SPAN_ADULT(span=span)
    return TraceStep("J-SPAN", SRC_SPAN, outcome, message, used)


NOCRIME_TYPE = Msg("J-NOCRIME-TYPE", "未成年人犯罪记录封存不区分罪名，任何罪名均不排除封存",
                   "Juvenile record sealing does not depend on the charge: no charge excludes sealing")


def j_nocrime_type() -> TraceStep:
    return TraceStep("J-NOCRIME-TYPE", SRC_NOCRIME, "applies", NOCRIME_TYPE(), {})


# --- J-SENT / J-EXEMPT / J-RELATED / J-OVER --------------------------------------------------

EXEMPT = Msg("J-EXEMPT", "人民法院判决免予刑事处罚，犯罪记录应当封存",
             "The court exempted the offender from criminal punishment: the criminal record must be sealed")
RELATED = Msg("J-RELATED", "案件处理结果为{disposition}，相关记录（含社会调查、帮教考察、心理疏导、司法救助等记录）应当封存",
              "The case ended in: {disposition}. The related records (social investigation, supervision and "
              "education, counselling, judicial assistance and the like) must be sealed")
SENT_UNRECORDED = Msg("J-SENT.unrecorded", "已判处刑罚但未记录所判刑罚，无法判断是否符合封存条件",
                      "A punishment was imposed but the sentence is not recorded: whether the sealing conditions "
                      "are met cannot be determined")
OVER_LIFE = Msg("J-OVER.life", "判处{sentence}，超过五年有期徒刑，犯罪记录不予封存",
                "Sentenced to {sentence}, more than five years' fixed-term imprisonment: the criminal record is "
                "not sealed")
SENT_NO_MONTHS = Msg("J-SENT.no_months", "判处有期徒刑但未记录刑期，无法判断是否在五年以下",
                     "Sentenced to fixed-term imprisonment but the term is not recorded: whether it is five years "
                     "or less cannot be determined")
OVER_MONTHS = Msg("J-OVER.months", "判处{sentence}，超过{limit}个月（五年有期徒刑），犯罪记录不予封存",
                  "Sentenced to {sentence}, more than {limit} months (five years' fixed-term imprisonment): the "
                  "criminal record is not sealed")
SENT_WITHIN = Msg("J-SENT.within", "判处{sentence}，在{limit}个月（五年有期徒刑）以下（含本数），犯罪记录应当封存",
                  "Sentenced to {sentence}, {limit} months (five years' fixed-term imprisonment) or less: the "
                  "criminal record must be sealed")
SENT_LIGHTER = Msg("J-SENT.lighter", "判处{sentence}，属五年有期徒刑以下刑罚，犯罪记录应当封存",
                   "Sentenced to {sentence}, a punishment below five years' fixed-term imprisonment: the criminal "
                   "record must be sealed")


def classify_sentence(facts: CaseFacts, policy: Policy) -> tuple[str, TraceStep, list[str]]:
    """Does the executed sentence (or decision) meet the juvenile sealing conditions?"""
    disposition = facts.disposition
    limit = policy.juvenile_max_months
    if disposition == "exempted":
        return SEALABLE, TraceStep("J-EXEMPT", SRC_SENT, "seal", EXEMPT(), {"disposition": disposition}), []
    if disposition in RELATED_DISPOSITIONS:
        return SEALABLE, TraceStep(
            "J-RELATED", SRC_RELATED, "seal", RELATED(disposition=disposition_text(disposition)),
            {"disposition": disposition},
        ), []
    sentence = facts.sentence
    if sentence is None:
        return UNKNOWN, TraceStep(
            "J-SENT", SRC_SENT, "undetermined", SENT_UNRECORDED(), {"disposition": disposition},
        ), ["sentence"]
    used = {
        "disposition": disposition,
        "sentence_kind": sentence.kind,
        "sentence_months": sentence.months,
        "suspended": sentence.suspended,
        "juvenile_max_months": limit,
    }
    text = sentence_text(sentence)
    if sentence.kind in ("life", "death"):
        return OVER, TraceStep(
            "J-OVER", SRC_SENT, "not_eligible",
            OVER_LIFE(sentence=text), used,
        ), []
    if sentence.kind == "fixed_term":
        if sentence.months is None:
            return UNKNOWN, TraceStep(
                "J-SENT", SRC_SENT, "undetermined", SENT_NO_MONTHS(), used,
            ), ["sentence.months"]
        if sentence.months > limit:
            return OVER, TraceStep(
                "J-OVER", SRC_SENT, "not_eligible",
                OVER_MONTHS(sentence=text, limit=limit), used,
            ), []
        return SEALABLE, TraceStep(
            "J-SENT", SRC_SENT, "seal",
            SENT_WITHIN(sentence=text, limit=limit), used,
        ), []
    # detention, surveillance, fine only — suspended or not
    return SEALABLE, TraceStep(
        "J-SENT", SRC_SENT, "seal", SENT_LIGHTER(sentence=text), used,
    ), []


# --- J-WHEN / J-RETRO / events ---------------------------------------------------------------

WHEN_UNKNOWN = Msg("J-WHEN.unknown", "未记录判决或决定的生效日期，无法确定封存日期",
                   "The date the judgment or decision took effect is not recorded: the sealing date cannot be "
                   "determined")
WHEN_PENDING = Msg("J-WHEN.pending", "判决或决定将于{effective}生效，生效之日起封存（各持有机关应于{deadline}前完成封存），目前尚未生效",
                   "The judgment or decision takes effect on {effective} and is sealed from that day (every "
                   "holding agency must have sealed it by {deadline}); it has not taken effect yet")
WHEN_SEALED = Msg("J-WHEN.sealed", "判决或决定于{effective}生效，自该日起封存；各持有机关应在{days}日内（{deadline}前）完成封存，逾期未封存即为应封未封",
                  "The judgment or decision took effect on {effective} and is sealed from that day; every holding "
                  "agency must seal it within {days} days (by {deadline}), and a copy not sealed by then is overdue")


def j_when(effective: dt.date | None, as_of: dt.date, policy: Policy) -> TraceStep:
    if effective is None:
        return TraceStep(
            "J-WHEN", SRC_WHEN, "undetermined", WHEN_UNKNOWN(), {"judgment_effective_date": None},
        )
    deadline = dates.add_days(effective, policy.juvenile_seal_within_days)
    used = {
        "judgment_effective_date": effective,
        "seal_deadline": deadline,
        "juvenile_seal_within_days": policy.juvenile_seal_within_days,
        "as_of": as_of,
    }
    if effective > as_of:
        return TraceStep(
            "J-WHEN", SRC_WHEN, "pending",
            WHEN_PENDING(effective=effective, deadline=deadline), used,
        )
    return TraceStep(
        "J-WHEN", SRC_WHEN, "sealed",
        WHEN_SEALED(effective=effective, days=policy.juvenile_seal_within_days, deadline=deadline), used,
    )


RETRO = Msg("J-RETRO", "案件于{effective}办结，早于2013年1月1日，符合条件的同样应当封存；监督扫描将持续提示直至封存",
            "The case was closed on {effective}, before 1 January 2013: it must be sealed as well when it meets "
            "the conditions, and the supervision scan keeps reporting it until it is sealed")


def j_retro(effective: dt.date) -> TraceStep:
    return TraceStep(
        "J-RETRO", SRC_RETRO, "seal", RETRO(effective=effective),
        {"judgment_effective_date": effective, "retro_cutoff": RETRO_CUTOFF},
    )


UNSEAL_NEW_MINOR = Msg(
    "J-UNSEAL-NEW.minor", "{date}记录未成年时又犯新罪（{event}）：仅当数罪并罚后决定执行的刑罚超过五年有期徒刑时才解除封存，须依据相关法律文书办理，目前记录继续封存",
    "{date}: a new crime committed while still a minor ({event}). The seal is lifted only if the punishment "
    "decided for all the crimes together exceeds five years' fixed-term imprisonment, on the strength of the "
    "legal documents; for now the record stays sealed")
ADULT_AGAIN = Msg(
    "J-ADULT-AGAIN", "{date}记录成年后又故意犯罪：原未成年人犯罪记录继续封存，新的裁判文书可载明之前的犯罪记录（法院为此所作查询属司法查询）",
    "{date}: a new intentional crime committed as an adult. The juvenile record stays sealed; the new judgment "
    "may state the earlier criminal record (the court's query for it is a judicial query)")
UNSEAL_NO_EFFECT = Msg("J-UNSEAL-NEW.no_effect", "{date}记录{event}，不属于解除封存的法定事由，记录继续封存",
                       "{date}: {event}, which is not a ground in law for lifting the seal: the record stays sealed")


def j_event(event, birth: dt.date) -> TraceStep:
    used = {"event_date": event.date, "event_kind": event.kind}
    is_crime = event.kind in ("intentional_crime", "negligent_crime")
    if is_crime and event.date <= dates.eighteenth_birthday(birth):
        # J-UNSEAL-NEW speaks of any new crime committed while under 18, intentional or negligent
        return TraceStep(
            "J-UNSEAL-NEW", SRC_UNSEAL, "review",
            UNSEAL_NEW_MINOR(date=event.date, event=event_text(event.kind)), used,
        )
    if event.kind == "intentional_crime":
        return TraceStep(
            "J-ADULT-AGAIN", SRC_ADULT_AGAIN, "stays_sealed",
            ADULT_AGAIN(date=event.date), used,
        )
    return TraceStep(
        "J-UNSEAL-NEW", SRC_UNSEAL, "no_effect",
        UNSEAL_NO_EFFECT(date=event.date, event=event_text(event.kind)), used,
    )


# --- the regime -----------------------------------------------------------------------------

def evaluate_juvenile(
    facts: CaseFacts,
    policy: Policy,
    as_of: dt.date,
    trace: list[TraceStep],
    classified: tuple[str, TraceStep, list[str]] | None = None,
) -> Decision:
    """§2 for a case already found to be juvenile (J-AGE or J-SPAN steps are in `trace`)."""

    def decision(status, eligible, seal_date=None, missing=(), deadline=None) -> Decision:
        return Decision(
            id=facts.id, regime="juvenile", category=None, eligible=eligible, status=status,
            seal_date=seal_date, observation_end=None, policy_version=policy.version,
            missing=list(missing), trace=trace, seal_deadline=deadline, as_of=as_of,
        )

    trace.append(j_nocrime_type())
    outcome, step, missing = classified or classify_sentence(facts, policy)
    trace.append(step)
    if outcome == UNKNOWN:
        return decision("undetermined", None, missing=missing)
    if outcome == OVER:
        return decision("not_eligible", False)

    effective = facts.judgment_effective_date
    trace.append(j_when(effective, as_of, policy))
    if effective is None:
        return decision("undetermined", None, missing=["judgment_effective_date"])
    deadline = dates.add_days(effective, policy.juvenile_seal_within_days)
    if effective < RETRO_CUTOFF:
        trace.append(j_retro(effective))
    if effective > as_of:
        return decision("pending", True, seal_date=effective, deadline=deadline)
    for event in sorted(facts.events, key=lambda e: e.date):
        if effective <= event.date <= as_of:
            trace.append(j_event(event, facts.birth_date))
    return decision("sealed", True, seal_date=effective, deadline=deadline)
