"""The policy numbers of RULES.md §4 (Q-DEADLINE): each answering agency's time limit.

An administrator may change them (RULES.md: every number marked "(policy)"); the engine takes them
as a frozen dataclass and never reads a database.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_WORKING_DAYS = 3  # RULES.md §4 Q-DEADLINE: police, 3 working days (policy)
DEFAULT_PROCURATORATE_DAYS = 7  # SPP Rules art. 484: 7 days
DEFAULT_COURT_WORKING_DAYS = 3  # policy: the law says "promptly"
MAX_POLICY_DAYS = 366


@dataclass(frozen=True)
class DeadlinePolicy:
    """Q-DEADLINE time limits by `answering_agency`.

    police: working days under the holiday calendar, make-up days counted, the day of receipt not
    counted; procuratorate: calendar days after receipt, moved to the next working day when the last
    one is not a working day (CPL art. 105); court: working days, as the police.
    """

    police_working_days: int = DEFAULT_WORKING_DAYS
    procuratorate_days: int = DEFAULT_PROCURATORATE_DAYS
    court_working_days: int = DEFAULT_COURT_WORKING_DAYS

    def __post_init__(self):
        for name in ("police_working_days", "procuratorate_days", "court_working_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_POLICY_DAYS:
                raise ValueError(f"DeadlinePolicy.{name} must be an integer from 1 to {MAX_POLICY_DAYS}, not {value!r}")

    def with_police_working_days(self, days: int | None) -> "DeadlinePolicy":
        """The same policy with the police number replaced (the older `working_days=` keyword)."""
        return self if days is None else replace(self, police_working_days=days)


DEFAULT_DEADLINE_POLICY = DeadlinePolicy()
