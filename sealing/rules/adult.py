"""RULES.md §3: conditional sealing of adults' minor-crime records (the 2025 paper).

One function per rule id, each returning the TraceStep(s) it contributes; `evaluate_adult`
runs them in the order of the law: A-RELATED, A-EXCL, A-CAT, A-SERIOUS/A-MICRO/A-LIGHT, A-START,
A-OBS (A-OBS-GOOD, A-CS), A-EXTEND/A-REVOKE, A-MODE.

Periods (RULES.md §1): N months starting on S run from the day after S to `add_months(S, N)`, both
included; an event dated S through the end date is within observation; a seal that becomes final at
the end of observation is final from the day after the end date.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from . import dates
from .facts import (
    DISPOSITION_ZH,
    EVENT_ZH,
    RELATED_DISPOSITIONS,
    CaseFacts,
    ChargeInfo,
    Decision,
    Event,
    TraceStep,
    describe_sentence,
    describe_statutory_max,
)
from .policy import Policy

PAPER = "论文：成年人轻微犯罪记录附条件封存（2025）"
SRC_EXCL = {
    "A-EXCL-NATSEC": "刑法分则第一章（危害国家安全罪）；" + PAPER,
    "A-EXCL-TERROR": "刑法（恐怖活动犯罪）；" + PAPER,
    "A-EXCL-ORG": "刑法第二百九十四条（黑社会性质的组织犯罪）；" + PAPER,
    "A-EXCL-DRUG": "刑法分则第六章第七节（毒品犯罪）；" + PAPER,
}
EXCL_FLAGS = (
    ("A-EXCL-NATSEC", "national_security", "危害国家安全罪"),
    ("A-EXCL-TERROR", "terrorism", "恐怖活动犯罪"),
    ("A-EXCL-ORG", "organized_crime", "黑社会性质的组织犯罪"),
    ("A-EXCL-DRUG", "drug", "毒品犯罪"),
)
MICRO_KINDS = ("fine", "surveillance", "detention")  # statutory maximum 拘役 or lighter
LIGHTER_SENTENCE_KINDS = ("detention", "surveillance", "fine_only")

MICRO = "micro"
LIGHT = "light"
SERIOUS = "serious"


# --- A-RELATED --------------------------------------------------------------------------------

def a_related(facts: CaseFacts) -> TraceStep:
    """An adult not prosecuted / not punished / withdrawn / coercive measure only: no conviction; the
    related records are treated as a 免予刑事处罚 case of the same charges."""
    what = DISPOSITION_ZH.get(facts.disposition, facts.disposition)
    return TraceStep(
        "A-RELATED", PAPER, "applies",
        f"处理结果为{what}，未经人民法院定罪，不属于犯罪记录；其相关记录按同一罪名的免予刑事处罚案件处理"
        "（微罪、轻罪依罪名划分，以决定生效之日为起算日）",
        {"disposition": facts.disposition, "judgment_effective_date": facts.judgment_effective_date},
    )


# --- A-EXCL ---------------------------------------------------------------------------------

def a_excl(charges: tuple[ChargeInfo, ...]) -> list[TraceStep]:
    """One step per excluded crime family found; a single passing step when none is."""
    steps = []
    for rule, flag, family in EXCL_FLAGS:
        names = [c.name for c in charges if c.known and getattr(c, flag)]
        if names:
            steps.append(TraceStep(
                rule, SRC_EXCL[rule], "not_eligible",
                f"罪名{'、'.join(names)}属于{family}，依其犯罪性质一律不适用成年人犯罪记录附条件封存",
                {"charges": names},
            ))
    if steps:
        return steps
    unknown = [c.name for c in charges if not c.known]
    note = f"（{'、'.join(unknown)}不在罪名目录中，无法核对）" if unknown else ""
    return [TraceStep(
        "A-EXCL", PAPER, "not_applicable",
        f"罪名均不属于危害国家安全、恐怖活动、黑社会性质组织或毒品犯罪{note}",
        {"charges": [c.name for c in charges]},
    )]


# --- A-CAT ----------------------------------------------------------------------------------

def charge_is_micro(charge: ChargeInfo, policy: Policy) -> bool | None:
    """Statutory maximum at micro level under the policy's definition; None when unknown."""
    if not charge.known or charge.statutory_max is None:
        return None
    if charge.statutory_max in MICRO_KINDS:
        return True
    if policy.micro_definition == "statutory_max_1_year" and charge.statutory_max == "fixed_term":
        if charge.statutory_max_months is None:
            return None
        return charge.statutory_max_months <= 12
    return False


def _micro_wording(policy: Policy) -> str:
    if policy.micro_definition == "statutory_max_1_year":
        return "一年有期徒刑以下（含本数）"
    return "拘役或更轻"


def _missing_charge_facts(charges, policy) -> tuple[list[str], list[str]]:
    missing, notes = [], []
    for i, charge in enumerate(charges):
        if not charge.known:
            missing.append(f"charges[{i}].statutory_max")
            notes.append(f"罪名“{charge.name}”不在罪名目录中，法定最高刑不明")
        elif charge.statutory_max is None:
            missing.append(f"charges[{i}].statutory_max")
            notes.append(f"罪名“{charge.name}”未记录法定最高刑")
        elif charge_is_micro(charge, policy) is None:
            missing.append(f"charges[{i}].statutory_max_months")
            notes.append(f"罪名“{charge.name}”未记录法定最高刑期（月）")
    return missing, notes


def imposed_sentence_level(facts: CaseFacts, policy: Policy) -> tuple[str | None, str, list[str]]:
    """light / serious by the principal sentence imposed; (None, why, missing) when unknown."""
    if facts.disposition != "sentenced":
        if facts.disposition == "exempted":
            return LIGHT, "免予刑事处罚，属轻于有期徒刑的处理", []
        return LIGHT, (
            f"处理结果为{DISPOSITION_ZH.get(facts.disposition, facts.disposition)}，未判处主刑，"
            "按免予刑事处罚同等对待（A-RELATED）"
        ), []
    sentence = facts.sentence
    if sentence is None:
        return None, "已判处刑罚但未记录所判刑罚", ["sentence"]
    text = describe_sentence(sentence)
    if sentence.kind in ("life", "death"):
        return SERIOUS, f"判处{text}", []
    if sentence.kind == "fixed_term":
        if sentence.months is None:
            return None, "判处有期徒刑但未记录刑期", ["sentence.months"]
        limit = policy.light_max_months
        if sentence.months <= limit:
            note = "（缓刑按所判刑期计算）" if sentence.suspended else ""
            return LIGHT, f"判处{text}，在{limit}个月以下（含本数）{note}", []
        note = "（缓刑按所判刑期计算）" if sentence.suspended else ""
        return SERIOUS, f"判处{text}，超过{limit}个月{note}", []
    return LIGHT, f"判处{text}，轻于有期徒刑", []


def a_cat(facts: CaseFacts, policy: Policy) -> tuple[str | None, TraceStep, list[str]]:
    charges = facts.charges
    used = {
        "charges": [
            {"name": c.name, "known": c.known, "statutory_max": c.statutory_max,
             "statutory_max_months": c.statutory_max_months}
            for c in charges
        ],
        "micro_definition": policy.micro_definition,
        "light_max_months": policy.light_max_months,
    }
    if not charges:
        return None, TraceStep("A-CAT", PAPER, "undetermined", "未记录罪名，无法划分微罪、轻罪", used), ["charges"]
    missing, notes = _missing_charge_facts(charges, policy)
    if missing:
        # One charge above micro level settles "not micro"; a serious sentence then needs nothing more.
        if any(charge_is_micro(c, policy) is False for c in charges):
            level, why, _ = imposed_sentence_level(facts, policy)
            if level == SERIOUS:
                return SERIOUS, TraceStep(
                    "A-CAT", PAPER, SERIOUS,
                    "；".join(notes) + f"；但已有罪名法定最高刑超过微罪标准，不属于微罪；{why}，不属于轻罪", used,
                ), []
        return None, TraceStep(
            "A-CAT", PAPER, "undetermined", "；".join(notes) + "，无法判断是否属于微罪", used,
        ), missing
    listing = "、".join(f"{c.name}（法定最高刑{describe_statutory_max(c)}）" for c in charges)
    if all(charge_is_micro(c, policy) for c in charges):
        return MICRO, TraceStep(
            "A-CAT", PAPER, MICRO,
            f"{listing}，全部罪名法定最高刑为{_micro_wording(policy)}，属微罪", used,
        ), []
    level, why, missing = imposed_sentence_level(facts, policy)
    used.update({"disposition": facts.disposition,
                 "sentence": None if facts.sentence is None else dataclasses.asdict(facts.sentence)})
    if level is None:
        return None, TraceStep("A-CAT", PAPER, "undetermined", f"不属于微罪；{why}，无法划分轻罪、重罪", used), missing
    if level == LIGHT:
        return LIGHT, TraceStep("A-CAT", PAPER, LIGHT, f"{listing}，不属于微罪；{why}，属轻罪", used), []
    return SERIOUS, TraceStep("A-CAT", PAPER, SERIOUS, f"{listing}，不属于微罪；{why}，不属于轻罪", used), []


# --- A-SERIOUS / A-MICRO / A-LIGHT ----------------------------------------------------------

def a_serious() -> TraceStep:
    return TraceStep("A-SERIOUS", PAPER, "not_eligible", "既非微罪也非轻罪，不适用附条件封存", {})


def a_micro() -> TraceStep:
    return TraceStep(
        "A-MICRO", PAPER, "eligible", "微罪且不属于排除罪名，原则上全面封存（不以初犯为条件）", {},
    )


def a_light(facts: CaseFacts, policy: Policy) -> tuple[bool, list[TraceStep]]:
    """Light: first offender AND (every charge negligent / high-incidence / micro-level, OR plea/surrender)."""
    qualifying, failing = [], []
    for charge in facts.charges:
        if charge.negligent:
            qualifying.append(f"{charge.name}（过失犯罪）")
        elif charge.high_incidence:
            qualifying.append(f"{charge.name}（高发型轻罪）")
        elif charge_is_micro(charge, policy):
            qualifying.append(f"{charge.name}（法定最高刑{_micro_wording(policy)}）")
        else:
            failing.append(charge.name)
    charge_ok = not failing
    circumstances = sorted(set(facts.circumstances) & {"plea", "surrender"})
    circ_words = {"plea": "认罪认罚", "surrender": "自首"}
    first_offender = facts.prior_convictions == 0
    used = {
        "prior_convictions": facts.prior_convictions,
        "charges_qualifying": qualifying,
        "charges_not_qualifying": failing,
        "circumstances": sorted(facts.circumstances),
    }
    if first_offender and (charge_ok or circumstances):
        reasons = []
        if charge_ok:
            reasons.append("罪名均为" + "、".join(qualifying))
        if circumstances:
            reasons.append("具有" + "、".join(circ_words[c] for c in circumstances) + "情节")
        return True, [TraceStep(
            "A-LIGHT", PAPER, "eligible",
            "轻罪，不属于排除罪名，系初犯、偶犯，且" + "，".join(reasons) + "，符合附条件封存条件",
            used,
        )]
    steps = []
    if not first_offender:
        steps.append(TraceStep(
            "A-LIGHT-PRIOR", PAPER, "not_eligible",
            f"轻罪须为初犯、偶犯，本人有{facts.prior_convictions}次前科，不符合附条件封存条件", used,
        ))
    if not (charge_ok or circumstances):
        steps.append(TraceStep(
            "A-LIGHT-CONDITION", PAPER, "not_eligible",
            f"罪名{'、'.join(failing)}既非过失犯罪、高发型轻罪，也非微罪级别罪名，且无认罪认罚或自首情节，"
            "不符合轻罪附条件封存条件",
            used,
        ))
    return False, steps


# --- A-START --------------------------------------------------------------------------------

def a_start(facts: CaseFacts, as_of: dt.date) -> tuple[str, dt.date | None, TraceStep, list[str]]:
    """Returns (state, start, step, missing); state is "known", "serving" or "undetermined"."""
    effective = facts.judgment_effective_date
    sentence = facts.sentence
    used = {
        "disposition": facts.disposition,
        "judgment_effective_date": effective,
        "sentence_completed_date": facts.sentence_completed_date,
    }
    if facts.disposition != "sentenced" or (sentence is not None and sentence.kind == "fine_only"):
        what = "单处罚金" if facts.disposition == "sentenced" else DISPOSITION_ZH.get(facts.disposition, "")
        if effective is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", f"{what}，起算日为判决（决定）生效之日，但未记录生效日期", used,
            ), ["judgment_effective_date"]
        return "known", effective, TraceStep(
            "A-START", PAPER, "start",
            f"{what}，以判决（决定）生效之日{dates.zh(effective)}为起算日", used,
        ), []
    if sentence is None:
        return "undetermined", None, TraceStep(
            "A-START", PAPER, "undetermined", "未记录所判刑罚，无法确定起算日", used,
        ), ["sentence"]
    used.update({"sentence_kind": sentence.kind, "sentence_months": sentence.months,
                 "suspended": sentence.suspended, "probation_months": sentence.probation_months})
    if sentence.suspended:
        if effective is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", "缓刑考验期自判决生效之日起算，但未记录生效日期", used,
            ), ["judgment_effective_date"]
        if sentence.probation_months is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", "宣告缓刑但未记录缓刑考验期", used,
            ), ["sentence.probation_months"]
        start = dates.add_months(effective, sentence.probation_months)
        return "known", start, TraceStep(
            "A-START", PAPER, "start",
            f"宣告缓刑，判决于{dates.zh(effective)}生效，考验期{sentence.probation_months}个月，"
            f"以考验期满之日{dates.zh(start)}为起算日",
            used,
        ), []
    completed = facts.sentence_completed_date
    if completed is not None:
        return "known", completed, TraceStep(
            "A-START", PAPER, "start", f"刑罚于{dates.zh(completed)}执行完毕，以该日为起算日", used,
        ), []
    if effective is not None and sentence.months is not None:
        expected = dates.add_months(effective, sentence.months)
        used["expected_completion"] = expected
        if expected > as_of:
            return "serving", None, TraceStep(
                "A-START", PAPER, "pending",
                f"判处{describe_sentence(sentence)}，判决于{dates.zh(effective)}生效，刑罚尚在执行中"
                f"（按刑期推算约于{dates.zh(expected)}执行完毕），待执行完毕之日起算",
                used,
            ), []
    return "undetermined", None, TraceStep(
        "A-START", PAPER, "undetermined", "起算日为刑罚执行完毕之日，但未记录刑满日期", used,
    ), ["sentence_completed_date"]


# --- A-OBS / A-OBS-GOOD / A-CS --------------------------------------------------------------

def short_sentence(facts: CaseFacts, policy: Policy) -> bool:
    """Light tier ≤ 12 months: fixed-term ≤ 12, or any lighter outcome (detention, surveillance,
    fine only, exempted and the other non-sentence dispositions)."""
    sentence = facts.sentence
    if facts.disposition != "sentenced" or sentence is None:
        return True
    if sentence.kind in LIGHTER_SENTENCE_KINDS:
        return True
    return sentence.kind == "fixed_term" and (sentence.months or 0) <= policy.light_short_sentence_max_months


def a_obs(category: str, facts: CaseFacts, policy: Policy) -> tuple[int, TraceStep]:
    if category == MICRO:
        tier, why = policy.observation_micro_months, "微罪"
    elif short_sentence(facts, policy):
        tier = policy.observation_light_short_months
        why = f"轻罪，所判刑罚在{policy.light_short_sentence_max_months}个月以下或为更轻的处理"
    else:
        tier = policy.observation_light_long_months
        why = f"轻罪，所判有期徒刑超过{policy.light_short_sentence_max_months}个月"
    return tier, TraceStep(
        "A-OBS", PAPER, "period", f"{why}，考察期{tier}个月", {"category": category, "tier_months": tier},
    )


def a_obs_good(category: str, policy: Policy) -> tuple[int, TraceStep]:
    months = (policy.good_conduct_reduction_micro_months if category == MICRO
              else policy.good_conduct_reduction_light_months)
    return months, TraceStep(
        "A-OBS-GOOD", PAPER, "reduced",
        f"服刑期间表现良好（有减刑或奖励记录），考察期减少{months}个月", {"reduction_months": months},
    )


def a_cs(hours: int, tier: int, policy: Policy) -> tuple[int, TraceStep]:
    earned = hours // policy.community_service_hours_per_month
    cap = tier // policy.community_service_max_fraction_denominator
    months = min(earned, cap)
    capped = "，已达上限" if earned > cap else ""
    return months, TraceStep(
        "A-CS", PAPER, "reduced",
        f"经核实社区服务{hours}小时，每{policy.community_service_hours_per_month}小时折抵1个月，"
        f"最多折抵考察期的1/{policy.community_service_max_fraction_denominator}（{cap}个月），"
        f"考察期减少{months}个月{capped}",
        {"hours": hours, "earned_months": earned, "cap_months": cap, "reduction_months": months},
    )


# --- periods (RULES.md §1) ---------------------------------------------------------------------

def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of `months` months starting on `start` (the start day not counted)."""
    return dates.add_months(start, months)


def final_from(end: dt.date) -> dt.date:
    """A seal that becomes final at the end of observation is final from the day after the end date."""
    return dates.add_days(end, 1)


def within(day: dt.date, start: dt.date, end: dt.date) -> bool:
    """An event dated from the start date through the end date, both included, is within observation."""
    return start <= day <= end


# --- A-EXTEND / A-REVOKE --------------------------------------------------------------------

def _event_rule(event: Event) -> str:
    return "A-REVOKE" if event.kind == "intentional_crime" else "A-EXTEND"


def a_revoke(event: Event, start: dt.date, end: dt.date, policy: Policy) -> TraceStep:
    """A new intentional crime whose judgment takes effect during observation (end date included)."""
    effect = ("撤销附条件封存，记录恢复公开" if policy.mode == "seal_then_observe"
              else "撤销附条件封存，考察期满后不予封存，记录保持公开")
    return TraceStep(
        "A-REVOKE", PAPER, "revoked",
        f"考察期内（{dates.zh(start)}至{dates.zh(end)}，含首尾两日）于{dates.zh(event.date)}"
        f"记录{EVENT_ZH[event.kind]}（判决生效），" + effect,
        {"event_date": event.date, "event_kind": event.kind, "start": start, "observation_end": end},
    )


def a_extend(event: Event, start: dt.date, end: dt.date, months: int, extensions: int,
             policy: Policy) -> tuple[dt.date, TraceStep]:
    """A negligent crime or administrative detention during observation: +6 months (policy), once per
    event, always counted from the start date (never chained from the earlier end date)."""
    new_end = period_end(start, months)
    return new_end, TraceStep(
        "A-EXTEND", PAPER, "extended",
        f"考察期内于{dates.zh(event.date)}记录{EVENT_ZH.get(event.kind, event.kind)}，"
        f"考察期延长{policy.extension_months}个月（第{extensions}次延长，自起算日{dates.zh(start)}重新计算共"
        f"{months}个月），由{dates.zh(end)}延至{dates.zh(new_end)}",
        {"event_date": event.date, "event_kind": event.kind, "observation_end_before": end,
         "observation_end_after": new_end, "extensions": extensions, "period_months": months},
    )


def a_event_after_end(event: Event, end: dt.date) -> TraceStep:
    return TraceStep(
        _event_rule(event), PAPER, "no_effect",
        f"{dates.zh(event.date)}记录{EVENT_ZH.get(event.kind, event.kind)}，在考察期届满（{dates.zh(end)}）之后，"
        f"封存已自{dates.zh(final_from(end))}起成为正式封存，不因此解除或延长"
        "（正式封存仅因发现漏罪或再审改判超出微罪、轻罪范围而解除）",
        {"event_date": event.date, "event_kind": event.kind, "observation_end": end},
    )


def a_event_before_start(event: Event, start: dt.date) -> TraceStep:
    return TraceStep(
        _event_rule(event), PAPER, "no_effect",
        f"{dates.zh(event.date)}记录{EVENT_ZH.get(event.kind, event.kind)}，早于起算日{dates.zh(start)}，"
        "不在考察期内，不适用撤销或延长",
        {"event_date": event.date, "event_kind": event.kind, "start": start},
    )


def apply_events(events, start: dt.date, base_months: int, as_of: dt.date,
                 policy: Policy) -> tuple[bool, dt.date, list[TraceStep]]:
    """A-REVOKE / A-EXTEND over the events known on `as_of`, in date order.

    Returns (revoked, observation_end, steps). An extension can bring later events into the window.
    """
    end = period_end(start, base_months)
    extensions = 0
    steps: list[TraceStep] = []
    for event in sorted(events, key=lambda e: e.date):
        if event.date > as_of:
            continue  # not yet happened on the evaluation date
        if event.date < start:
            steps.append(a_event_before_start(event, start))
        elif not within(event.date, start, end):
            steps.append(a_event_after_end(event, end))
        elif event.kind == "intentional_crime":
            steps.append(a_revoke(event, start, end, policy))
            return True, end, steps
        else:
            extensions += 1
            months = base_months + policy.extension_months * extensions
            end, step = a_extend(event, start, end, months, extensions, policy)
            steps.append(step)
    return False, end, steps


# --- A-MODE ---------------------------------------------------------------------------------

def a_mode(policy: Policy, status: str, start: dt.date | None, end: dt.date | None) -> TraceStep:
    used = {"mode": policy.mode, "start": start, "observation_end": end}
    if end is not None:
        used["final_from"] = final_from(end)
    if policy.mode == "seal_immediately":
        return TraceStep("A-MODE", PAPER, status, _immediate_message(status, start), used)
    if status == "pending" and start is None:
        message = "符合条件，待刑罚执行完毕后起算考察期并封存"
    elif status == "pending":
        if policy.mode == "seal_then_observe":
            message = (f"符合条件，将于起算日{dates.zh(start)}先行附条件封存，考察期至{dates.zh(end)}，"
                       f"届满未撤销即自{dates.zh(final_from(end))}起正式封存")
        else:
            message = (f"符合条件，考察期自{dates.zh(start)}次日起至{dates.zh(end)}，"
                       f"届满后自{dates.zh(final_from(end))}起封存")
    elif status == "provisionally_sealed":
        message = (f"先封存后考察：自{dates.zh(start)}起附条件封存（与正式封存同样不予公开），"
                   f"考察期至{dates.zh(end)}（含当日），届满未撤销即自{dates.zh(final_from(end))}起转为正式封存")
    elif status == "observing":
        message = (f"先考察后封存：考察期自{dates.zh(start)}次日起至{dates.zh(end)}（含当日），期间记录不封存，"
                   f"届满后自{dates.zh(final_from(end))}起封存")
    elif status == "revoked" and policy.mode == "seal_then_observe":
        message = (f"先封存后考察：自{dates.zh(start)}起的附条件封存因考察期内撤销而解除，记录恢复公开，"
                   "不再转为正式封存")
    elif status == "revoked":
        message = f"先考察后封存：考察期（至{dates.zh(end)}）内被撤销，记录不予封存，保持公开"
    else:  # sealed
        message = f"考察期已于{dates.zh(end)}届满且未被撤销，自{dates.zh(final_from(end))}起正式封存"
    return TraceStep("A-MODE", PAPER, status, message, used)


def _immediate_message(status: str, start: dt.date | None) -> str:
    rest = "不设考察期，不适用考察期折抵、撤销与延长"
    if status == "pending" and start is None:
        return f"即时封存：符合条件，待刑罚执行完毕之日即正式封存，{rest}"
    if status == "pending":
        return f"即时封存：符合条件，将于起算日{dates.zh(start)}正式封存，{rest}"
    return f"即时封存：自起算日{dates.zh(start)}起正式封存，{rest}"


# --- the regime -----------------------------------------------------------------------------

def evaluate_adult(facts: CaseFacts, policy: Policy, as_of: dt.date, trace: list[TraceStep]) -> Decision:
    """§3 for a case already found to be adult (J-AGE / J-SPAN steps are in `trace`)."""

    def decision(status, eligible, category=None, seal_date=None, end=None, missing=(), start=None):
        return Decision(
            id=facts.id, regime="adult", category=category, eligible=eligible, status=status,
            seal_date=seal_date, observation_end=end, policy_version=policy.version,
            missing=list(missing), trace=trace, observation_start=start, as_of=as_of,
        )

    if facts.disposition in RELATED_DISPOSITIONS:
        trace.append(a_related(facts))

    excl = a_excl(facts.charges)
    trace.extend(excl)
    excluded = excl[0].outcome == "not_eligible"

    # A-CAT classifies the case whatever its nature ("micro and not excluded" → A-MICRO): an excluded
    # case still reports its category; an exclusion decides even when the category cannot be told.
    category, step, missing = a_cat(facts, policy)
    trace.append(step)
    if excluded:
        if category == SERIOUS:
            trace.append(a_serious())
        return decision("not_eligible", False, category)
    if category is None:
        return decision("undetermined", None, missing=missing)
    if category == SERIOUS:
        trace.append(a_serious())
        return decision("not_eligible", False, category)
    if category == MICRO:
        trace.append(a_micro())
    else:
        ok, steps = a_light(facts, policy)
        trace.extend(steps)
        if not ok:
            return decision("not_eligible", False, category)

    state, start, step, missing = a_start(facts, as_of)
    trace.append(step)
    if state == "undetermined":
        return decision("undetermined", None, category, missing=missing)

    if policy.mode == "seal_immediately":
        # No observation period: A-OBS, A-CS, A-REVOKE and A-EXTEND do not apply.
        if state == "serving":
            trace.append(a_mode(policy, "pending", None, None))
            return decision("pending", True, category)
        status = "pending" if as_of < start else "sealed"
        trace.append(a_mode(policy, status, start, None))
        return decision(status, True, category, start, None, start=start)

    tier, step = a_obs(category, facts, policy)
    trace.append(step)
    obs_index = len(trace) - 1
    remaining = tier
    if "good_conduct" in facts.circumstances:
        months, step = a_obs_good(category, policy)
        trace.append(step)
        remaining -= months
    if facts.community_service_hours > 0:
        months, step = a_cs(facts.community_service_hours, tier, policy)
        trace.append(step)
        remaining -= months
    remaining = max(remaining, 0)

    if state == "serving":
        trace.append(a_mode(policy, "pending", None, None))
        return decision("pending", True, category)

    base_end = period_end(start, remaining)
    obs = trace[obs_index]
    trace[obs_index] = TraceStep(
        obs.rule, obs.source, obs.outcome,
        obs.message + f"；实际考察期{remaining}个月，自{dates.zh(start)}次日起至{dates.zh(base_end)}（含当日）",
        {**obs.facts, "remaining_months": remaining, "observation_end": base_end},
    )

    revoked, end, steps = apply_events(facts.events, start, remaining, as_of, policy)
    trace.extend(steps)

    if revoked:
        trace.append(a_mode(policy, "revoked", start, end))
        # observe_then_seal: revoked before its end, the record was never hidden → no seal date
        seal_date = start if policy.mode == "seal_then_observe" else None
        return decision("revoked", True, category, seal_date, end, start=start)
    seal_date = start if policy.mode == "seal_then_observe" else final_from(end)
    if as_of < start:
        status = "pending"
    elif as_of <= end:
        status = "provisionally_sealed" if policy.mode == "seal_then_observe" else "observing"
    else:
        status = "sealed"
    trace.append(a_mode(policy, status, start, end))
    return decision(status, True, category, seal_date, end, start=start)
