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
    DISPOSITION_TEXT,
    RELATED_DISPOSITIONS,
    SENTENCE_TEXT,
    CaseFacts,
    ChargeInfo,
    Decision,
    Event,
    Msg,
    Text,
    TraceStep,
    disposition_text,
    event_text,
    sentence_text,
    statutory_max_text,
)
from .kernel import joined
from .policy import Policy

PAPER = "论文：成年人轻微犯罪记录附条件封存（2025）"
SRC_EXCL = {
    "A-EXCL-NATSEC": "刑法分则第一章（危害国家安全罪）；" + PAPER,
    "A-EXCL-TERROR": "刑法（恐怖活动犯罪）；" + PAPER,
    "A-EXCL-ORG": "刑法第二百九十四条（黑社会性质的组织犯罪）；" + PAPER,
    "A-EXCL-DRUG": "刑法分则第六章第七节（毒品犯罪）；" + PAPER,
}
MICRO_KINDS = ("fine", "surveillance", "detention")  # statutory maximum 拘役 or lighter
LIGHTER_SENTENCE_KINDS = ("detention", "surveillance", "fine_only")

MICRO = "micro"
LIGHT = "light"
SERIOUS = "serious"


# --- A-RELATED --------------------------------------------------------------------------------

RELATED = Msg(
    "A-RELATED", "处理结果为{disposition}，未经人民法院定罪，不属于犯罪记录；其相关记录按同一罪名的免予刑事处罚案件处理（微罪、轻罪依罪名划分，以决定生效之日为起算日）",
    "The case ended in: {disposition}. No court convicted the person, so this is not a criminal record; the related "
    "records are handled as a case of the same charges exempted from criminal punishment (classed as a micro or "
    "light crime by its charges, the period counted from the day the decision took effect)")


def a_related(facts: CaseFacts) -> TraceStep:
    """An adult not prosecuted / not punished / withdrawn / coercive measure only: no conviction; the
    related records are treated as a 免予刑事处罚 case of the same charges."""
    return TraceStep(
        "A-RELATED", PAPER, "applies", RELATED(disposition=disposition_text(facts.disposition)),
        {"disposition": facts.disposition, "judgment_effective_date": facts.judgment_effective_date},
    )


# --- A-EXCL ---------------------------------------------------------------------------------

EXCL_NATSEC = Msg("A-EXCL-NATSEC", "罪名{charges}属于危害国家安全罪，依其犯罪性质一律不适用成年人犯罪记录附条件封存",
                  "Charge(s) {charges}: crimes endangering national security, to which, by the nature of the "
                  "crime, conditional sealing of adults' criminal records never applies")
EXCL_TERROR = Msg("A-EXCL-TERROR", "罪名{charges}属于恐怖活动犯罪，依其犯罪性质一律不适用成年人犯罪记录附条件封存",
                  "Charge(s) {charges}: terrorist crimes, to which, by the nature of the crime, conditional sealing "
                  "of adults' criminal records never applies")
EXCL_ORG = Msg("A-EXCL-ORG", "罪名{charges}属于黑社会性质的组织犯罪，依其犯罪性质一律不适用成年人犯罪记录附条件封存",
               "Charge(s) {charges}: crimes of organizations in the nature of a criminal syndicate, to which, by the "
               "nature of the crime, conditional sealing of adults' criminal records never applies")
EXCL_DRUG = Msg("A-EXCL-DRUG", "罪名{charges}属于毒品犯罪，依其犯罪性质一律不适用成年人犯罪记录附条件封存",
                "Charge(s) {charges}: drug crimes, to which, by the nature of the crime, conditional sealing of "
                "adults' criminal records never applies")
EXCL_FLAGS = (
    ("A-EXCL-NATSEC", "national_security", EXCL_NATSEC),
    ("A-EXCL-TERROR", "terrorism", EXCL_TERROR),
    ("A-EXCL-ORG", "organized_crime", EXCL_ORG),
    ("A-EXCL-DRUG", "drug", EXCL_DRUG),
)
EXCL_NONE = Msg("A-EXCL.none", "罪名均不属于危害国家安全、恐怖活动、黑社会性质组织或毒品犯罪{note}",
                "None of the charges is a crime endangering national security, a terrorist crime, a crime of an "
                "organization in the nature of a criminal syndicate or a drug crime{note}")
EXCL_UNCHECKED = Msg("A-EXCL.unchecked", "（{charges}不在罪名目录中，无法核对）",
                     " ({charges}: not in the catalogue of charges, could not be checked)")


def a_excl(charges: tuple[ChargeInfo, ...]) -> list[TraceStep]:
    """One step per excluded crime family found; a single passing step when none is."""
    steps = []
    for rule, flag, msg in EXCL_FLAGS:
        names = [c.name for c in charges if c.known and getattr(c, flag)]
        if names:
            steps.append(TraceStep(rule, SRC_EXCL[rule], "not_eligible", msg(charges=names), {"charges": names}))
    if steps:
        return steps
    unknown = [c.name for c in charges if not c.known]
    note = EXCL_UNCHECKED(charges=unknown) if unknown else ""
    return [TraceStep(
        "A-EXCL", PAPER, "not_applicable", EXCL_NONE(note=note),
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


MICRO_LEVEL_1_YEAR = Msg("A-CAT.level_1_year", "一年有期徒刑以下（含本数）",
                         "fixed-term imprisonment of one year or less")
MICRO_LEVEL_DETENTION = Msg("A-CAT.level_detention", "拘役或更轻", "criminal detention or lighter")


def _micro_wording(policy: Policy) -> Text:
    if policy.micro_definition == "statutory_max_1_year":
        return MICRO_LEVEL_1_YEAR()
    return MICRO_LEVEL_DETENTION()


CHARGE_NOT_IN_CATALOGUE = Msg("A-CAT.not_in_catalogue", "罪名“{name}”不在罪名目录中，法定最高刑不明",
                              '"{name}" is not in the catalogue of charges, so its statutory maximum is unknown')
CHARGE_NO_MAX = Msg("A-CAT.no_max", "罪名“{name}”未记录法定最高刑",
                    '"{name}" has no statutory maximum recorded')
CHARGE_NO_MAX_MONTHS = Msg("A-CAT.no_max_months", "罪名“{name}”未记录法定最高刑期（月）",
                           '"{name}" has no term (in months) recorded for its statutory maximum')


def _missing_charge_facts(charges, policy) -> tuple[list[str], list[Text]]:
    missing, notes = [], []
    for i, charge in enumerate(charges):
        if not charge.known:
            missing.append(f"charges[{i}].statutory_max")
            notes.append(CHARGE_NOT_IN_CATALOGUE(name=charge.name))
        elif charge.statutory_max is None:
            missing.append(f"charges[{i}].statutory_max")
            notes.append(CHARGE_NO_MAX(name=charge.name))
        elif charge_is_micro(charge, policy) is None:
            missing.append(f"charges[{i}].statutory_max_months")
            notes.append(CHARGE_NO_MAX_MONTHS(name=charge.name))
    return missing, notes


def _joined_notes(notes: list[Text]) -> Text:
    """The notes one after the other, separated by "；" ("; " in English)."""
    return joined(notes)


LEVEL_EXEMPTED = Msg("A-CAT.exempted", "免予刑事处罚，属轻于有期徒刑的处理",
                     "exempted from criminal punishment, an outcome lighter than fixed-term imprisonment")
LEVEL_RELATED = Msg("A-CAT.related", "处理结果为{disposition}，未判处主刑，按免予刑事处罚同等对待（A-RELATED）",
                    "the case ended in: {disposition}, with no principal punishment imposed, which is treated the "
                    "same as an exemption from criminal punishment (A-RELATED)")
LEVEL_UNRECORDED = Msg("A-CAT.sentence_unrecorded", "已判处刑罚但未记录所判刑罚",
                       "a punishment was imposed but the sentence is not recorded")
LEVEL_IMPOSED = Msg("A-CAT.imposed", "判处{sentence}", "sentenced to {sentence}")
LEVEL_NO_MONTHS = Msg("A-CAT.no_months", "判处有期徒刑但未记录刑期",
                      "sentenced to fixed-term imprisonment but the term is not recorded")
LEVEL_WITHIN = Msg("A-CAT.within", "判处{sentence}，在{limit}个月以下（含本数）{note}",
                   "sentenced to {sentence}, {limit} months or less{note}")
LEVEL_OVER = Msg("A-CAT.over", "判处{sentence}，超过{limit}个月{note}",
                 "sentenced to {sentence}, more than {limit} months{note}")
LEVEL_SUSPENDED = Msg("A-CAT.suspended", "（缓刑按所判刑期计算）",
                      " (a suspended sentence counts at the term imposed)")
LEVEL_LIGHTER = Msg("A-CAT.lighter", "判处{sentence}，轻于有期徒刑",
                    "sentenced to {sentence}, lighter than fixed-term imprisonment")


def imposed_sentence_level(facts: CaseFacts, policy: Policy) -> tuple[str | None, Text, list[str]]:
    """light / serious by the principal sentence imposed; (None, why, missing) when unknown."""
    if facts.disposition != "sentenced":
        if facts.disposition == "exempted":
            return LIGHT, LEVEL_EXEMPTED(), []
        return LIGHT, LEVEL_RELATED(disposition=disposition_text(facts.disposition)), []
    sentence = facts.sentence
    if sentence is None:
        return None, LEVEL_UNRECORDED(), ["sentence"]
    text = sentence_text(sentence)
    if sentence.kind in ("life", "death"):
        return SERIOUS, LEVEL_IMPOSED(sentence=text), []
    if sentence.kind == "fixed_term":
        if sentence.months is None:
            return None, LEVEL_NO_MONTHS(), ["sentence.months"]
        limit = policy.light_max_months
        note = LEVEL_SUSPENDED() if sentence.suspended else ""
        if sentence.months <= limit:
            return LIGHT, LEVEL_WITHIN(sentence=text, limit=limit, note=note), []
        return SERIOUS, LEVEL_OVER(sentence=text, limit=limit, note=note), []
    return LIGHT, LEVEL_LIGHTER(sentence=text), []


CAT_NO_CHARGES = Msg("A-CAT.no_charges", "未记录罪名，无法划分微罪、轻罪",
                     "No charge is recorded: whether it is a micro or a light crime cannot be determined")
CAT_SERIOUS_INCOMPLETE = Msg(
    "A-CAT.serious_incomplete", "{notes}；但已有罪名法定最高刑超过微罪标准，不属于微罪；{why}，不属于轻罪",
    "{notes}; but a charge already has a statutory maximum above the micro-crime level, so it is not a micro "
    "crime; {why}, so it is not a light crime")
CAT_MICRO_UNKNOWN = Msg("A-CAT.micro_unknown", "{notes}，无法判断是否属于微罪",
                        "{notes}: whether it is a micro crime cannot be determined")
CAT_CHARGE = Msg("A-CAT.charge", "{name}（法定最高刑{max}）", "{name} (statutory maximum: {max})")
CAT_MICRO = Msg("A-CAT.micro", "{charges}，全部罪名法定最高刑为{level}，属微罪",
                "{charges}: the statutory maximum of every charge is {level}, so it is a micro crime")
CAT_LEVEL_UNKNOWN = Msg("A-CAT.level_unknown", "不属于微罪；{why}，无法划分轻罪、重罪",
                        "Not a micro crime; {why}: whether it is a light or a serious crime cannot be determined")
CAT_LIGHT = Msg("A-CAT.light", "{charges}，不属于微罪；{why}，属轻罪",
                "{charges}: not a micro crime; {why}, so it is a light crime")
CAT_SERIOUS = Msg("A-CAT.serious", "{charges}，不属于微罪；{why}，不属于轻罪",
                  "{charges}: not a micro crime; {why}, so it is not a light crime")


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
        return None, TraceStep("A-CAT", PAPER, "undetermined", CAT_NO_CHARGES(), used), ["charges"]
    missing, notes = _missing_charge_facts(charges, policy)
    if missing:
        # One charge above micro level settles "not micro"; a serious sentence then needs nothing more.
        if any(charge_is_micro(c, policy) is False for c in charges):
            level, why, _ = imposed_sentence_level(facts, policy)
            if level == SERIOUS:
                return SERIOUS, TraceStep(
                    "A-CAT", PAPER, SERIOUS, CAT_SERIOUS_INCOMPLETE(notes=_joined_notes(notes), why=why), used,
                ), []
        return None, TraceStep(
            "A-CAT", PAPER, "undetermined", CAT_MICRO_UNKNOWN(notes=_joined_notes(notes)), used,
        ), missing
    listing = [CAT_CHARGE(name=c.name, max=statutory_max_text(c)) for c in charges]
    if all(charge_is_micro(c, policy) for c in charges):
        return MICRO, TraceStep(
            "A-CAT", PAPER, MICRO, CAT_MICRO(charges=listing, level=_micro_wording(policy)), used,
        ), []
    level, why, missing = imposed_sentence_level(facts, policy)
    used.update({"disposition": facts.disposition,
                 "sentence": None if facts.sentence is None else dataclasses.asdict(facts.sentence)})
    if level is None:
        return None, TraceStep("A-CAT", PAPER, "undetermined", CAT_LEVEL_UNKNOWN(why=why), used), missing
    if level == LIGHT:
        return LIGHT, TraceStep("A-CAT", PAPER, LIGHT, CAT_LIGHT(charges=listing, why=why), used), []
    return SERIOUS, TraceStep("A-CAT", PAPER, SERIOUS, CAT_SERIOUS(charges=listing, why=why), used), []


# --- A-SERIOUS / A-MICRO / A-LIGHT ----------------------------------------------------------

SERIOUS_STEP = Msg("A-SERIOUS", "既非微罪也非轻罪，不适用附条件封存",
                   "Neither a micro nor a light crime: conditional sealing does not apply")
MICRO_STEP = Msg("A-MICRO", "微罪且不属于排除罪名，原则上全面封存（不以初犯为条件）",
                 "A micro crime and not an excluded charge: as a rule the record is sealed in full (being a first "
                 "offender is not a condition)")


def a_serious() -> TraceStep:
    return TraceStep("A-SERIOUS", PAPER, "not_eligible", SERIOUS_STEP(), {})


def a_micro() -> TraceStep:
    return TraceStep("A-MICRO", PAPER, "eligible", MICRO_STEP(), {})


LIGHT_NEGLIGENT = Msg("A-LIGHT.negligent", "{name}（过失犯罪）", "{name} (a negligent crime)")
LIGHT_HIGH_INCIDENCE = Msg("A-LIGHT.high_incidence", "{name}（高发型轻罪）", "{name} (a high-incidence light crime)")
LIGHT_MICRO_LEVEL = Msg("A-LIGHT.micro_level", "{name}（法定最高刑{level}）", "{name} (statutory maximum: {level})")
CIRCUMSTANCE_TEXT = {
    "plea": Msg("A-LIGHT.plea", "认罪认罚", "a guilty plea with acceptance of punishment"),
    "surrender": Msg("A-LIGHT.surrender", "自首", "voluntary surrender"),
}
LIGHT_CHARGES = Msg("A-LIGHT.charges", "罪名均为{charges}", "the charges are all {charges}")
LIGHT_CIRCUMSTANCES = Msg("A-LIGHT.circumstances", "具有{circumstances}情节",
                          "the circumstances include {circumstances}")
LIGHT_BOTH = Msg("A-LIGHT.both", "{charges}，{circumstances}", "{charges}, and {circumstances}")
LIGHT_ELIGIBLE = Msg("A-LIGHT.eligible", "轻罪，不属于排除罪名，系初犯、偶犯，且{reasons}，符合附条件封存条件",
                     "A light crime, not an excluded charge, by a first-time and occasional offender, and {reasons}: "
                     "the conditions for conditional sealing are met")
LIGHT_PRIOR = Msg("A-LIGHT-PRIOR", "轻罪须为初犯、偶犯，本人有{count}次前科，不符合附条件封存条件",
                  "A light crime qualifies only for a first-time and occasional offender; this person has {count} "
                  "prior conviction(s): the conditions for conditional sealing are not met")
LIGHT_CONDITION = Msg(
    "A-LIGHT-CONDITION", "罪名{charges}既非过失犯罪、高发型轻罪，也非微罪级别罪名，且无认罪认罚或自首情节，不符合轻罪附条件封存条件",
    "Charge(s) {charges}: neither a negligent crime nor a high-incidence light crime, nor a charge at micro-crime "
    "level, and there is neither a guilty plea with acceptance of punishment nor a voluntary surrender: the "
    "conditions for conditional sealing of a light crime are not met")


def a_light(facts: CaseFacts, policy: Policy) -> tuple[bool, list[TraceStep]]:
    """Light: first offender AND (every charge negligent / high-incidence / micro-level, OR plea/surrender)."""
    qualifying, failing = [], []
    for charge in facts.charges:
        if charge.negligent:
            qualifying.append(LIGHT_NEGLIGENT(name=charge.name))
        elif charge.high_incidence:
            qualifying.append(LIGHT_HIGH_INCIDENCE(name=charge.name))
        elif charge_is_micro(charge, policy):
            qualifying.append(LIGHT_MICRO_LEVEL(name=charge.name, level=_micro_wording(policy)))
        else:
            failing.append(charge.name)
    charge_ok = not failing
    circumstances = sorted(set(facts.circumstances) & {"plea", "surrender"})
    first_offender = facts.prior_convictions == 0
    used = {
        "prior_convictions": facts.prior_convictions,
        "charges_qualifying": [text.zh() for text in qualifying],
        "charges_not_qualifying": failing,
        "circumstances": sorted(facts.circumstances),
    }
    if first_offender and (charge_ok or circumstances):
        reasons = []
        if charge_ok:
            reasons.append(LIGHT_CHARGES(charges=qualifying))
        if circumstances:
            reasons.append(LIGHT_CIRCUMSTANCES(circumstances=[CIRCUMSTANCE_TEXT[c]() for c in circumstances]))
        reason = reasons[0] if len(reasons) == 1 else LIGHT_BOTH(charges=reasons[0], circumstances=reasons[1])
        return True, [TraceStep("A-LIGHT", PAPER, "eligible", LIGHT_ELIGIBLE(reasons=reason), used)]
    steps = []
    if not first_offender:
        steps.append(TraceStep(
            "A-LIGHT-PRIOR", PAPER, "not_eligible", LIGHT_PRIOR(count=facts.prior_convictions), used,
        ))
    if not (charge_ok or circumstances):
        steps.append(TraceStep(
            "A-LIGHT-CONDITION", PAPER, "not_eligible", LIGHT_CONDITION(charges=failing), used,
        ))
    return False, steps


# --- A-START --------------------------------------------------------------------------------

START_NO_EFFECTIVE = Msg("A-START.no_effective", "{what}，起算日为判决（决定）生效之日，但未记录生效日期",
                         "Outcome: {what}. The start date is the day the judgment (decision) took effect, but that "
                         "date is not recorded")
START_EFFECTIVE = Msg("A-START.effective", "{what}，以判决（决定）生效之日{effective}为起算日",
                      "Outcome: {what}. The start date is the day the judgment (decision) took effect, {effective}")
START_NO_SENTENCE = Msg("A-START.no_sentence", "未记录所判刑罚，无法确定起算日",
                        "The sentence imposed is not recorded: the start date cannot be determined")
START_SUSPENDED_NO_EFFECTIVE = Msg(
    "A-START.suspended_no_effective", "缓刑考验期自判决生效之日起算，但未记录生效日期",
    "The probation period runs from the day the judgment took effect, but that date is not recorded")
START_NO_PROBATION = Msg("A-START.no_probation", "宣告缓刑但未记录缓刑考验期",
                         "A suspended sentence was pronounced but the probation period is not recorded")
START_PROBATION = Msg("A-START.probation", "宣告缓刑，判决于{effective}生效，考验期{months}个月，以考验期满之日{start}为起算日",
                      "Suspended sentence: the judgment took effect on {effective}, with {months} months of "
                      "probation; the start date is the day the probation ends, {start}")
START_COMPLETED = Msg("A-START.completed", "刑罚于{completed}执行完毕，以该日为起算日",
                      "The sentence was fully served on {completed}, which is the start date")
START_SERVING = Msg("A-START.serving", "判处{sentence}，判决于{effective}生效，刑罚尚在执行中（按刑期推算约于{expected}执行完毕），待执行完毕之日起算",
                    "Sentenced to {sentence}; the judgment took effect on {effective} and the sentence is still being "
                    "served (by its term, it should be completed around {expected}); the period starts on the day "
                    "it is completed")
START_NO_COMPLETION = Msg("A-START.no_completion", "起算日为刑罚执行完毕之日，但未记录刑满日期",
                          "The start date is the day the sentence was fully served, but that date is not recorded")


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
        if facts.disposition == "sentenced":
            what = SENTENCE_TEXT["fine_only"]()
        else:
            what = disposition_text(facts.disposition) if facts.disposition in DISPOSITION_TEXT else ""
        if effective is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", START_NO_EFFECTIVE(what=what), used,
            ), ["judgment_effective_date"]
        return "known", effective, TraceStep(
            "A-START", PAPER, "start", START_EFFECTIVE(what=what, effective=effective), used,
        ), []
    if sentence is None:
        return "undetermined", None, TraceStep(
            "A-START", PAPER, "undetermined", START_NO_SENTENCE(), used,
        ), ["sentence"]
    used.update({"sentence_kind": sentence.kind, "sentence_months": sentence.months,
                 "suspended": sentence.suspended, "probation_months": sentence.probation_months})
    if sentence.suspended:
        if effective is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", START_SUSPENDED_NO_EFFECTIVE(), used,
            ), ["judgment_effective_date"]
        if sentence.probation_months is None:
            return "undetermined", None, TraceStep(
                "A-START", PAPER, "undetermined", START_NO_PROBATION(), used,
            ), ["sentence.probation_months"]
        start = dates.add_months(effective, sentence.probation_months)
        return "known", start, TraceStep(
            "A-START", PAPER, "start",
            START_PROBATION(effective=effective, months=sentence.probation_months, start=start), used,
        ), []
    completed = facts.sentence_completed_date
    if completed is not None:
        return "known", completed, TraceStep(
            "A-START", PAPER, "start", START_COMPLETED(completed=completed), used,
        ), []
    if effective is not None and sentence.months is not None:
        expected = dates.add_months(effective, sentence.months)
        used["expected_completion"] = expected
        if expected > as_of:
            return "serving", None, TraceStep(
                "A-START", PAPER, "pending",
                START_SERVING(sentence=sentence_text(sentence), effective=effective, expected=expected), used,
            ), []
    return "undetermined", None, TraceStep(
        "A-START", PAPER, "undetermined", START_NO_COMPLETION(), used,
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


OBS_MICRO = Msg("A-OBS.micro", "微罪", "A micro crime")
OBS_LIGHT_SHORT = Msg("A-OBS.light_short", "轻罪，所判刑罚在{months}个月以下或为更轻的处理",
                      "A light crime with a sentence of {months} months or less, or a lighter outcome")
OBS_LIGHT_LONG = Msg("A-OBS.light_long", "轻罪，所判有期徒刑超过{months}个月",
                     "A light crime with fixed-term imprisonment of more than {months} months")
OBS_TIER = Msg("A-OBS.tier", "{why}，考察期{tier}个月", "{why}: an observation period of {tier} months")
OBS_ACTUAL = Msg("A-OBS.actual", "{obs}；实际考察期{remaining}个月，自{start}次日起至{end}（含当日）",
                 "{obs}; the actual observation period is {remaining} months, from the day after {start} to {end} "
                 "(that day included)")


def a_obs(category: str, facts: CaseFacts, policy: Policy) -> tuple[int, TraceStep]:
    if category == MICRO:
        tier, why = policy.observation_micro_months, OBS_MICRO()
    elif short_sentence(facts, policy):
        tier = policy.observation_light_short_months
        why = OBS_LIGHT_SHORT(months=policy.light_short_sentence_max_months)
    else:
        tier = policy.observation_light_long_months
        why = OBS_LIGHT_LONG(months=policy.light_short_sentence_max_months)
    return tier, TraceStep(
        "A-OBS", PAPER, "period", OBS_TIER(why=why, tier=tier), {"category": category, "tier_months": tier},
    )


OBS_GOOD = Msg("A-OBS-GOOD", "服刑期间表现良好（有减刑或奖励记录），考察期减少{months}个月",
               "Good conduct while serving the sentence (a sentence reduction or a reward is on record): the "
               "observation period is reduced by {months} months")


def a_obs_good(category: str, policy: Policy) -> tuple[int, TraceStep]:
    months = (policy.good_conduct_reduction_micro_months if category == MICRO
              else policy.good_conduct_reduction_light_months)
    return months, TraceStep("A-OBS-GOOD", PAPER, "reduced", OBS_GOOD(months=months), {"reduction_months": months})


CS = Msg("A-CS", "经核实社区服务{hours}小时，每{per_month}小时折抵1个月，最多折抵考察期的1/{denominator}（{cap}个月），考察期减少{months}个月{capped}",
         "{hours} hours of community service verified; every {per_month} hours count as 1 month, up to "
         "1/{denominator} of the observation period ({cap} months): the observation period is reduced by {months} "
         "months{capped}")
CS_CAPPED = Msg("A-CS.capped", "，已达上限", ", the maximum allowed")


def a_cs(hours: int, tier: int, policy: Policy) -> tuple[int, TraceStep]:
    earned = hours // policy.community_service_hours_per_month
    cap = tier // policy.community_service_max_fraction_denominator
    months = min(earned, cap)
    capped = CS_CAPPED() if earned > cap else ""
    return months, TraceStep(
        "A-CS", PAPER, "reduced",
        CS(hours=hours, per_month=policy.community_service_hours_per_month,
           denominator=policy.community_service_max_fraction_denominator, cap=cap, months=months, capped=capped),
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


REVOKE = Msg("A-REVOKE", "考察期内（{start}至{end}，含首尾两日）于{date}记录{event}（判决生效），{effect}",
             "During the observation period ({start} to {end}, both days included), {event} was recorded on {date} "
             "(the judgment has taken effect): {effect}")
REVOKE_REOPENED = Msg("A-REVOKE.reopened", "撤销附条件封存，记录恢复公开",
                      "the conditional sealing is revoked and the record is open again")
REVOKE_NOT_SEALED = Msg("A-REVOKE.not_sealed", "撤销附条件封存，考察期满后不予封存，记录保持公开",
                        "the conditional sealing is revoked, the record will not be sealed when the observation "
                        "period ends, and it stays open")


def a_revoke(event: Event, start: dt.date, end: dt.date, policy: Policy) -> TraceStep:
    """A new intentional crime whose judgment takes effect during observation (end date included)."""
    effect = REVOKE_REOPENED() if policy.mode == "seal_then_observe" else REVOKE_NOT_SEALED()
    return TraceStep(
        "A-REVOKE", PAPER, "revoked",
        REVOKE(start=start, end=end, date=event.date, event=event_text(event.kind), effect=effect),
        {"event_date": event.date, "event_kind": event.kind, "start": start, "observation_end": end},
    )


EXTEND = Msg(
    "A-EXTEND", "考察期内于{date}记录{event}，考察期延长{extension}个月（第{count}次延长，自起算日{start}重新计算共{months}个月），由{end}延至{new_end}",
    "During the observation period, {event} was recorded on {date}: the observation period is extended by "
    "{extension} months (extension no. {count}, counted again from the start date {start}: {months} months in all), "
    "from {end} to {new_end}")


def a_extend(event: Event, start: dt.date, end: dt.date, months: int, extensions: int,
             policy: Policy) -> tuple[dt.date, TraceStep]:
    """A negligent crime or administrative detention during observation: +6 months (policy), once per
    event, always counted from the start date (never chained from the earlier end date)."""
    new_end = period_end(start, months)
    return new_end, TraceStep(
        "A-EXTEND", PAPER, "extended",
        EXTEND(date=event.date, event=event_text(event.kind), extension=policy.extension_months,
               count=extensions, start=start, months=months, end=end, new_end=new_end),
        {"event_date": event.date, "event_kind": event.kind, "observation_end_before": end,
         "observation_end_after": new_end, "extensions": extensions, "period_months": months},
    )


# The two sentences below are written under A-REVOKE (an intentional crime) or A-EXTEND (any other event).
EVENT_AFTER_END = Msg(
    "A-EVENT.after_end", "{date}记录{event}，在考察期届满（{end}）之后，封存已自{final}起成为正式封存，不因此解除或延长（正式封存仅因发现漏罪或再审改判超出微罪、轻罪范围而解除）",
    "{date}: {event} recorded after the observation period ended ({end}); the sealing has been final since {final} "
    "and is neither lifted nor extended because of it (a final sealing is lifted only when an earlier crime left out "
    "of the judgment is discovered, or when a retrial changes the judgment to one beyond micro and light crimes)")
EVENT_BEFORE_START = Msg("A-EVENT.before_start", "{date}记录{event}，早于起算日{start}，不在考察期内，不适用撤销或延长",
                         "{date}: {event} recorded before the start date {start}, outside the observation period: "
                         "neither revocation nor extension applies")


def a_event_after_end(event: Event, end: dt.date) -> TraceStep:
    return TraceStep(
        _event_rule(event), PAPER, "no_effect",
        EVENT_AFTER_END(date=event.date, event=event_text(event.kind), end=end, final=final_from(end)),
        {"event_date": event.date, "event_kind": event.kind, "observation_end": end},
    )


def a_event_before_start(event: Event, start: dt.date) -> TraceStep:
    return TraceStep(
        _event_rule(event), PAPER, "no_effect",
        EVENT_BEFORE_START(date=event.date, event=event_text(event.kind), start=start),
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

MODE_PENDING_SERVING = Msg("A-MODE.pending_serving", "符合条件，待刑罚执行完毕后起算考察期并封存",
                           "The conditions are met: once the sentence has been served, the observation period starts "
                           "and the record is sealed")
MODE_PENDING_SEAL_FIRST = Msg(
    "A-MODE.pending_seal_first", "符合条件，将于起算日{start}先行附条件封存，考察期至{end}，届满未撤销即自{final}起正式封存",
    "The conditions are met: the record will be conditionally sealed first, on the start date {start}, with "
    "observation until {end}; if not revoked by then, it is finally sealed from {final}")
MODE_PENDING_OBSERVE_FIRST = Msg(
    "A-MODE.pending_observe_first", "符合条件，考察期自{start}次日起至{end}，届满后自{final}起封存",
    "The conditions are met: the observation period runs from the day after {start} to {end}; once it is over, "
    "the record is sealed from {final}")
MODE_PROVISIONALLY_SEALED = Msg(
    "A-MODE.provisionally_sealed", "先封存后考察：自{start}起附条件封存（与正式封存同样不予公开），考察期至{end}（含当日），届满未撤销即自{final}起转为正式封存",
    "Seal first, then observe: conditionally sealed from {start} (not disclosed, just like a final sealing), with "
    "observation until {end} (that day included); if not revoked by then, the sealing becomes final from {final}")
MODE_OBSERVING = Msg(
    "A-MODE.observing", "先考察后封存：考察期自{start}次日起至{end}（含当日），期间记录不封存，届满后自{final}起封存",
    "Observe first, then seal: the observation period runs from the day after {start} to {end} (that day "
    "included); the record is not sealed meanwhile, and once the period is over it is sealed from {final}")
MODE_REVOKED_SEAL_FIRST = Msg(
    "A-MODE.revoked_seal_first", "先封存后考察：自{start}起的附条件封存因考察期内撤销而解除，记录恢复公开，不再转为正式封存",
    "Seal first, then observe: the conditional sealing from {start} is lifted because it was revoked during the "
    "observation period; the record is open again and will not become finally sealed")
MODE_REVOKED_OBSERVE_FIRST = Msg(
    "A-MODE.revoked_observe_first", "先考察后封存：考察期（至{end}）内被撤销，记录不予封存，保持公开",
    "Observe first, then seal: revoked during the observation period (until {end}); the record is not sealed "
    "and stays open")
MODE_SEALED = Msg("A-MODE.sealed", "考察期已于{end}届满且未被撤销，自{final}起正式封存",
                  "The observation period ended on {end} without revocation: the record is finally sealed from "
                  "{final}")
MODE_IMMEDIATE_SERVING = Msg(
    "A-MODE.immediate_serving", "即时封存：符合条件，待刑罚执行完毕之日即正式封存，不设考察期，不适用考察期折抵、撤销与延长",
    "Immediate sealing: the conditions are met, and the record is finally sealed on the day the sentence has been "
    "served; there is no observation period, so no reduction, revocation or extension of it applies")
MODE_IMMEDIATE_PENDING = Msg(
    "A-MODE.immediate_pending", "即时封存：符合条件，将于起算日{start}正式封存，不设考察期，不适用考察期折抵、撤销与延长",
    "Immediate sealing: the conditions are met, and the record will be finally sealed on the start date {start}; "
    "there is no observation period, so no reduction, revocation or extension of it applies")
MODE_IMMEDIATE_SEALED = Msg(
    "A-MODE.immediate_sealed", "即时封存：自起算日{start}起正式封存，不设考察期，不适用考察期折抵、撤销与延长",
    "Immediate sealing: finally sealed from the start date {start}; there is no observation period, so no "
    "reduction, revocation or extension of it applies")


def a_mode(policy: Policy, status: str, start: dt.date | None, end: dt.date | None) -> TraceStep:
    used = {"mode": policy.mode, "start": start, "observation_end": end}
    if end is not None:
        used["final_from"] = final_from(end)
    if policy.mode == "seal_immediately":
        return TraceStep("A-MODE", PAPER, status, _immediate_message(status, start), used)
    if status == "pending" and start is None:
        message = MODE_PENDING_SERVING()
    elif status == "pending":
        if policy.mode == "seal_then_observe":
            message = MODE_PENDING_SEAL_FIRST(start=start, end=end, final=final_from(end))
        else:
            message = MODE_PENDING_OBSERVE_FIRST(start=start, end=end, final=final_from(end))
    elif status == "provisionally_sealed":
        message = MODE_PROVISIONALLY_SEALED(start=start, end=end, final=final_from(end))
    elif status == "observing":
        message = MODE_OBSERVING(start=start, end=end, final=final_from(end))
    elif status == "revoked" and policy.mode == "seal_then_observe":
        message = MODE_REVOKED_SEAL_FIRST(start=start)
    elif status == "revoked":
        message = MODE_REVOKED_OBSERVE_FIRST(end=end)
    else:  # sealed
        message = MODE_SEALED(end=end, final=final_from(end))
    return TraceStep("A-MODE", PAPER, status, message, used)


def _immediate_message(status: str, start: dt.date | None) -> Text:
    if status == "pending" and start is None:
        return MODE_IMMEDIATE_SERVING()
    if status == "pending":
        return MODE_IMMEDIATE_PENDING(start=start)
    return MODE_IMMEDIATE_SEALED(start=start)


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
        OBS_ACTUAL(obs=obs.text, remaining=remaining, start=start, end=base_end),
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
