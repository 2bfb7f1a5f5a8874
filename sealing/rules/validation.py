"""One validation for the case form and `evaluate_sealing`: input that is impossible or that the
Criminal Law does not allow (DESIGN.md "Machine interfaces": the command refuses what the form refuses).

Pure functions returning `Problem`s: a field (named as in the JSON case: `sentence.months`,
`events[1].date`), a stable `code`, `params` for the message, and an English `message`. The form maps
each code to a translated message on its own field; the JSON command raises the first as InputError
(`problem.to_input_error()`).

Only what cannot be is refused: a fact that is merely missing (a sentence without its months, a
suspended sentence without its probation) stays a missing fact, and the engine answers `undetermined`.

    problems = check_sentence("sentenced", "detention", 7, charge_count=1)
    [p.code for p in problems] == ["sentence_months_range"]

Codes:
  identity:  identity_required, id_number_shape, id_number_birth_date, id_number_checksum,
             birth_date_mismatch
  charges:   charges_required, charge_unknown
  sentence:  sentence_not_sentenced, sentence_months_range, sentence_months_not_applicable,
             sentence_not_suspendable, probation_range, probation_without_suspension
  dates:     offense_not_after_birth, offense_start_not_after_birth, offense_start_after_offense,
             offense_in_future, effective_before_offense, effective_in_future,
             completed_before_effective, completed_in_future, completed_without_sentence,
             event_not_after_birth
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from sealing.identity import IdNumberError, parse_id_number

from .kernel import InputError, suggest

# --- the Criminal Law's bounds (RULES.md §1 "principal sentence"; CL arts. 38, 42, 45, 69, 72, 73) ------

# (shortest, longest) months for one crime, and the longest when several crimes are combined (数罪并罚).
SENTENCE_MONTHS = {
    "fixed_term": (6, 180),  # art. 45: 6 months to 15 years
    "detention": (1, 6),  # art. 42
    "surveillance": (3, 24),  # art. 38; RULES.md: 3 months – 2 years
}
COMBINED_MAX_MONTHS = {"fixed_term": 300, "detention": 12, "surveillance": 24}  # art. 69
KINDS_WITHOUT_MONTHS = ("fine_only", "life", "death")
# art. 72: only detention or fixed-term imprisonment of 3 years or less can be suspended
SUSPENDABLE_MAX_MONTHS = {"detention": None, "fixed_term": 36}
# art. 73: probation — detention 2–12 months, fixed term 12–60 months; never shorter than the sentence
PROBATION_MONTHS = {"detention": (2, 12), "fixed_term": (12, 60)}
CONVICTIONS = ("sentenced", "exempted")  # a court's judgment always names its crimes


@dataclass(frozen=True)
class Problem:
    field: str  # the JSON case's field path, e.g. "sentence.months", "events[0].date"
    code: str  # stable, see the module docstring
    message: str  # English, for the JSON command
    params: dict = field(default_factory=dict)

    def to_input_error(self, index: int | None = None) -> InputError:
        return InputError(self.field, self.message, index=index, code=self.code)


def raise_first(problems: Sequence[Problem]) -> None:
    """The JSON command's use: the first problem, as an InputError naming its field."""
    if problems:
        raise problems[0].to_input_error()


def sentence_month_bounds(kind: str, charge_count: int = 1) -> tuple[int, int] | None:
    """(shortest, longest) months of a principal sentence; None for a kind without months."""
    if kind not in SENTENCE_MONTHS:
        return None
    low, high = SENTENCE_MONTHS[kind]
    if charge_count > 1:
        high = COMBINED_MAX_MONTHS[kind]
    return low, high


def is_suspendable(kind: str, months: int | None) -> bool | None:
    """Can this sentence be suspended? None when the months are needed and unknown."""
    if kind not in SUSPENDABLE_MAX_MONTHS:
        return False
    limit = SUSPENDABLE_MAX_MONTHS[kind]
    if limit is None:
        return True
    if months is None:
        return None
    return months <= limit


# --- identity -------------------------------------------------------------------------------------

def check_identity(id_number: str | None, birth_date: dt.date | None) -> tuple[dt.date | None, list[Problem]]:
    """The birth date the person has: from the resident ID number when there is one (its check digit
    verified), else the one given. Returns (birth date or None, problems)."""
    if not id_number:
        if birth_date is None:
            return None, [Problem("birth_date", "identity_required", "birth_date or id_number is required")]
        return birth_date, []
    try:
        parsed = parse_id_number(id_number)
    except IdNumberError as exc:
        return birth_date, [Problem(
            "id_number", f"id_number_{exc.code}", f"invalid resident ID number ({exc.code}): {exc}",
            {"reason": exc.code},
        )]
    if birth_date is not None and birth_date != parsed.birth_date:
        return parsed.birth_date, [Problem(
            "id_number", "birth_date_mismatch",
            f"the birth date in the ID number ({parsed.birth_date.isoformat()}) "
            f"differs from birth_date ({birth_date.isoformat()})",
            {"id_birth_date": parsed.birth_date, "birth_date": birth_date},
        )]
    return parsed.birth_date, []


# --- charges --------------------------------------------------------------------------------------

def check_charges(
    names: Sequence[str],
    is_known: Callable[[str], bool] | None,
    catalogue_names: Iterable[str] = (),
    disposition: str | None = None,
) -> list[Problem]:
    """A conviction names at least one charge; every name must be in the catalogue (the nearest
    catalogue name is suggested). `is_known=None`: no catalogue to check against."""
    problems = []
    if not names and disposition in CONVICTIONS:
        problems.append(Problem("charges", "charges_required", "a judgment names at least one charge"))
    if is_known is None:
        return problems
    candidates = list(catalogue_names)
    for i, name in enumerate(names):
        if is_known(name):
            continue
        near = suggest(name, candidates, n=3, cutoff=0.5)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        problems.append(Problem(
            f"charges[{i}]", "charge_unknown", f"{name!r} is not a charge in the catalogue{hint}",
            {"name": name, "suggestions": near},
        ))
    return problems


# --- sentence -------------------------------------------------------------------------------------

def check_sentence(
    disposition: str | None,
    kind: str | None,
    months: int | None = None,
    suspended: bool = False,
    probation_months: int | None = None,
    *,
    charge_count: int = 1,
) -> list[Problem]:
    """A principal sentence the Criminal Law allows; `kind=None` means no sentence was given."""
    if kind is None:
        return []
    if disposition is not None and disposition != "sentenced":
        return [Problem("sentence", "sentence_not_sentenced",
                        f"a sentence is given but the disposition is {disposition!r}: only a sentenced "
                        "defendant has a principal sentence")]
    problems = []
    bounds = sentence_month_bounds(kind, charge_count)
    if bounds is None:
        if months is not None:
            problems.append(Problem("sentence.months", "sentence_months_not_applicable",
                                    f"a {kind} sentence has no length in months"))
    elif months is not None and not bounds[0] <= months <= bounds[1]:
        low, high = bounds
        scope = "for several crimes combined" if charge_count > 1 else "for one crime"
        problems.append(Problem("sentence.months", "sentence_months_range",
                                f"a {kind} sentence lasts from {low} to {high} months {scope}",
                                {"low": low, "high": high, "kind": kind}))
    if suspended:
        if is_suspendable(kind, months) is False:
            problems.append(Problem("sentence.suspended", "sentence_not_suspendable",
                                    "only detention or fixed-term imprisonment of 36 months or less can be suspended",
                                    {"kind": kind}))
        elif probation_months is not None:
            low, high = PROBATION_MONTHS[kind]
            if not low <= probation_months <= high or (months is not None and probation_months < months):
                problems.append(Problem(
                    "sentence.probation_months", "probation_range",
                    f"the probation of a suspended {kind} sentence is {low} to {high} months "
                    "and not shorter than the sentence",
                    {"low": low, "high": high, "kind": kind, "months": months},
                ))
    elif probation_months is not None:
        problems.append(Problem("sentence.probation_months", "probation_without_suspension",
                                "only a suspended sentence has a probation period"))
    return problems


# --- dates ----------------------------------------------------------------------------------------

def check_offense_dates(
    offense_date: dt.date | None,
    offense_start_date: dt.date | None = None,
    *,
    today: dt.date | None = None,
) -> list[Problem]:
    """The first act is not after the last; with `today` (the form), the last act is not in the future."""
    problems = []
    if offense_start_date is not None and offense_date is not None and offense_start_date > offense_date:
        problems.append(Problem("offense_start_date", "offense_start_after_offense",
                                "is after offense_date (the last act)"))
    if today is not None and offense_date is not None and offense_date > today:
        problems.append(Problem("offense_date", "offense_in_future", "is in the future"))
    return problems


def check_case_dates(
    *,
    birth_date: dt.date | None,
    offense_date: dt.date | None,
    offense_start_date: dt.date | None = None,
    judgment_effective_date: dt.date | None = None,
    sentence_completed_date: dt.date | None = None,
    disposition: str | None = None,
    event_dates: Sequence[dt.date] = (),
    today: dt.date | None = None,
    include_offense_order: bool = True,
) -> list[Problem]:
    """Dates in an order that can be: born before the first act, the judgment effective on or after
    the last act, the sentence completed on or after it takes effect, events after birth.

    `today` is given by the form only (a clerk enters what has happened); the JSON command evaluates
    as of any date, so a future effective or completion date is `pending` there, not an error.
    """
    problems = []
    if include_offense_order:
        problems += check_offense_dates(offense_date, offense_start_date, today=today)
    if birth_date is not None:
        if offense_date is not None and offense_date <= birth_date:
            problems.append(Problem("offense_date", "offense_not_after_birth", "is not after the birth date"))
        if offense_start_date is not None and offense_start_date <= birth_date:
            problems.append(Problem("offense_start_date", "offense_start_not_after_birth",
                                    "is not after the birth date"))
    effective, completed = judgment_effective_date, sentence_completed_date
    if effective is not None:
        if offense_date is not None and effective < offense_date:
            problems.append(Problem("judgment_effective_date", "effective_before_offense",
                                    "is before offense_date: a judgment takes effect after the offence"))
        if today is not None and effective > today:
            problems.append(Problem("judgment_effective_date", "effective_in_future", "is in the future"))
    if completed is not None:
        if disposition is not None and disposition != "sentenced":
            problems.append(Problem("sentence_completed_date", "completed_without_sentence",
                                    f"only a sentence can be completed (disposition is {disposition!r})"))
        if effective is not None and completed < effective:
            problems.append(Problem("sentence_completed_date", "completed_before_effective",
                                    "is before judgment_effective_date: a sentence is served after it takes effect"))
        if today is not None and completed > today:
            problems.append(Problem("sentence_completed_date", "completed_in_future", "is in the future"))
    if birth_date is not None:
        for i, day in enumerate(event_dates):
            if day is not None and day <= birth_date:
                problems.append(Problem(f"events[{i}].date", "event_not_after_birth",
                                        "is not after the birth date"))
    return problems


def first(problems: Iterable[Problem], *codes: str) -> Problem | None:
    """The first problem with one of `codes` (all problems when none is named)."""
    for problem in problems:
        if not codes or problem.code in codes:
            return problem
    return None


__all__ = [
    "COMBINED_MAX_MONTHS",
    "KINDS_WITHOUT_MONTHS",
    "PROBATION_MONTHS",
    "SENTENCE_MONTHS",
    "Problem",
    "check_case_dates",
    "check_charges",
    "check_identity",
    "check_offense_dates",
    "check_sentence",
    "first",
    "is_suspendable",
    "raise_first",
    "sentence_month_bounds",
]
