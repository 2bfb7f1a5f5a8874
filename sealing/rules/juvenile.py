"""RULES.md §2: sealing of juvenile criminal records (the Measures; CPL art. 286).

One function per rule id, each returning the TraceStep it contributes.
"""
from __future__ import annotations

import datetime as dt

from . import dates
from .facts import (
    DISPOSITION_ZH,
    EVENT_ZH,
    RELATED_DISPOSITIONS,
    CaseFacts,
    Decision,
    TraceStep,
    describe_sentence,
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
        note = "，犯罪之日为其十八周岁生日当天，依法仍属未满十八周岁" if offense_date == eighteenth else ""
        return TraceStep(
            "J-AGE", SRC_AGE, "juvenile",
            f"行为时未满十八周岁（犯罪时{age}周岁{note}），适用未成年人犯罪记录封存",
            facts,
        )
    detail = f"最后行为{dates.zh(offense_date)}，犯罪时{age}周岁，十八周岁生日为{dates.zh(eighteenth)}"
    if first_act is not None and first_act <= eighteenth:
        return TraceStep(
            "J-AGE", SRC_AGE, "adult",
            f"最后行为时已满十八周岁（{detail}），但首次行为（{dates.zh(first_act)}）在十八周岁前，"
            "依跨越十八周岁的规则（J-SPAN）确定",
            {**facts, "offense_start_date": first_act},
        )
    return TraceStep(
        "J-AGE", SRC_AGE, "adult",
        f"行为时已满十八周岁（{detail}），不适用未成年人犯罪记录封存，适用成年人轻微犯罪记录附条件封存规则",
        facts,
    )


def spans_eighteenth_birthday(facts: CaseFacts) -> bool:
    """First act on/before the 18th birthday, last act after it."""
    if facts.birth_date is None or facts.offense_date is None or facts.offense_start_date is None:
        return False
    eighteenth = dates.eighteenth_birthday(facts.birth_date)
    return facts.offense_start_date <= eighteenth < facts.offense_date


def j_span(facts: CaseFacts, outcome: str, sentence_text: str = "", sentence_known: bool = True) -> TraceStep:
    eighteenth = dates.eighteenth_birthday(facts.birth_date)
    used = {
        "offense_start_date": facts.offense_start_date,
        "offense_date": facts.offense_date,
        "eighteenth_birthday": eighteenth,
        "main_conduct_before_18": facts.main_conduct_before_18,
    }
    span = (
        f"犯罪行为跨越十八周岁（首次行为{dates.zh(facts.offense_start_date)}，"
        f"最后行为{dates.zh(facts.offense_date)}，十八周岁生日{dates.zh(eighteenth)}）"
    )
    if outcome == "undetermined":
        message = span + "，需由办案人员认定主要犯罪行为是否在十八周岁前实施，暂无法确定适用的规则"
    elif outcome == "juvenile" and not sentence_known:
        message = span + "，主要犯罪行为在十八周岁前实施，是否全案适用未成年人犯罪记录封存取决于所判刑罚，但刑罚未记录"
    elif outcome == "juvenile":
        favour = "（不起诉等相关处理按有利于未成年人的原则认定）" if facts.disposition in RELATED_DISPOSITIONS else ""
        message = (span + f"，主要犯罪行为在十八周岁前实施，且{sentence_text}符合封存条件{favour}，"
                   "全案适用未成年人犯罪记录封存")
    elif facts.main_conduct_before_18:
        message = span + f"，主要犯罪行为虽在十八周岁前实施，但{sentence_text}不符合全案封存条件，适用成年人规则"
    else:
        message = span + "，主要犯罪行为在十八周岁后实施，适用成年人规则"
    return TraceStep("J-SPAN", SRC_SPAN, outcome, message, used)


def j_nocrime_type() -> TraceStep:
    return TraceStep(
        "J-NOCRIME-TYPE", SRC_NOCRIME, "applies",
        "未成年人犯罪记录封存不区分罪名，任何罪名均不排除封存", {},
    )


# --- J-SENT / J-EXEMPT / J-RELATED / J-OVER --------------------------------------------------

def classify_sentence(facts: CaseFacts, policy: Policy) -> tuple[str, TraceStep, list[str]]:
    """Does the executed sentence (or decision) meet the juvenile sealing conditions?"""
    disposition = facts.disposition
    limit = policy.juvenile_max_months
    if disposition == "exempted":
        return SEALABLE, TraceStep(
            "J-EXEMPT", SRC_SENT, "seal",
            "人民法院判决免予刑事处罚，犯罪记录应当封存", {"disposition": disposition},
        ), []
    if disposition in RELATED_DISPOSITIONS:
        return SEALABLE, TraceStep(
            "J-RELATED", SRC_RELATED, "seal",
            f"案件处理结果为{DISPOSITION_ZH[disposition]}，相关记录（含社会调查、帮教考察、心理疏导、"
            "司法救助等记录）应当封存",
            {"disposition": disposition},
        ), []
    sentence = facts.sentence
    if sentence is None:
        return UNKNOWN, TraceStep(
            "J-SENT", SRC_SENT, "undetermined", "已判处刑罚但未记录所判刑罚，无法判断是否符合封存条件",
            {"disposition": disposition},
        ), ["sentence"]
    used = {
        "disposition": disposition,
        "sentence_kind": sentence.kind,
        "sentence_months": sentence.months,
        "suspended": sentence.suspended,
        "juvenile_max_months": limit,
    }
    text = describe_sentence(sentence)
    if sentence.kind in ("life", "death"):
        return OVER, TraceStep(
            "J-OVER", SRC_SENT, "not_eligible",
            f"判处{text}，超过五年有期徒刑，犯罪记录不予封存", used,
        ), []
    if sentence.kind == "fixed_term":
        if sentence.months is None:
            return UNKNOWN, TraceStep(
                "J-SENT", SRC_SENT, "undetermined", "判处有期徒刑但未记录刑期，无法判断是否在五年以下", used,
            ), ["sentence.months"]
        if sentence.months > limit:
            return OVER, TraceStep(
                "J-OVER", SRC_SENT, "not_eligible",
                f"判处{text}，超过{limit}个月（五年有期徒刑），犯罪记录不予封存", used,
            ), []
        return SEALABLE, TraceStep(
            "J-SENT", SRC_SENT, "seal",
            f"判处{text}，在{limit}个月（五年有期徒刑）以下（含本数），犯罪记录应当封存", used,
        ), []
    # detention, surveillance, fine only — suspended or not
    return SEALABLE, TraceStep(
        "J-SENT", SRC_SENT, "seal", f"判处{text}，属五年有期徒刑以下刑罚，犯罪记录应当封存", used,
    ), []


# --- J-WHEN / J-RETRO / events ---------------------------------------------------------------

def j_when(effective: dt.date | None, as_of: dt.date, policy: Policy) -> TraceStep:
    if effective is None:
        return TraceStep(
            "J-WHEN", SRC_WHEN, "undetermined",
            "未记录判决或决定的生效日期，无法确定封存日期", {"judgment_effective_date": None},
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
            f"判决或决定将于{dates.zh(effective)}生效，生效之日起封存（各持有机关应于{dates.zh(deadline)}前完成封存），"
            "目前尚未生效",
            used,
        )
    return TraceStep(
        "J-WHEN", SRC_WHEN, "sealed",
        f"判决或决定于{dates.zh(effective)}生效，自该日起封存；各持有机关应在"
        f"{policy.juvenile_seal_within_days}日内（{dates.zh(deadline)}前）完成封存，逾期未封存即为应封未封",
        used,
    )


def j_retro(effective: dt.date) -> TraceStep:
    return TraceStep(
        "J-RETRO", SRC_RETRO, "seal",
        f"案件于{dates.zh(effective)}办结，早于2013年1月1日，符合条件的同样应当封存；监督扫描将持续提示直至封存",
        {"judgment_effective_date": effective, "retro_cutoff": RETRO_CUTOFF},
    )


def j_event(event, birth: dt.date) -> TraceStep:
    used = {"event_date": event.date, "event_kind": event.kind}
    is_crime = event.kind in ("intentional_crime", "negligent_crime")
    if is_crime and event.date <= dates.eighteenth_birthday(birth):
        # J-UNSEAL-NEW speaks of any new crime committed while under 18, intentional or negligent
        return TraceStep(
            "J-UNSEAL-NEW", SRC_UNSEAL, "review",
            f"{dates.zh(event.date)}记录未成年时又犯新罪（{EVENT_ZH[event.kind]}）：仅当数罪并罚后决定执行的刑罚"
            "超过五年有期徒刑时才解除封存，须依据相关法律文书办理，目前记录继续封存",
            used,
        )
    if event.kind == "intentional_crime":
        return TraceStep(
            "J-ADULT-AGAIN", SRC_ADULT_AGAIN, "stays_sealed",
            f"{dates.zh(event.date)}记录成年后又故意犯罪：原未成年人犯罪记录继续封存，新的裁判文书可载明之前的犯罪记录"
            "（法院为此所作查询属司法查询）",
            used,
        )
    return TraceStep(
        "J-UNSEAL-NEW", SRC_UNSEAL, "no_effect",
        f"{dates.zh(event.date)}记录{EVENT_ZH.get(event.kind, event.kind)}，不属于解除封存的法定事由，记录继续封存",
        used,
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
