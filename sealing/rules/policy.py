"""Every (policy) number and switch of RULES.md §2–3, with the defaults the rules state.

An administrator changes them in the admin (versioned); a decision records `version`.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

MICRO_DEFINITIONS = ("statutory_max_detention", "statutory_max_1_year")
# A-MODE: seal first then observe (the paper), observe then seal, or seal at once with no observation
# period (the Supreme People's Procuratorate's 2025 design).
MODES = ("seal_then_observe", "observe_then_seal", "seal_immediately")

# The catalogue's default high-incidence light crimes (RULES.md §3, policy): the flag lives on
# each catalogue charge (ChargeInfo.high_incidence); this list seeds it.
HIGH_INCIDENCE_DEFAULTS = (
    "盗窃罪",
    "诈骗罪",
    "帮助信息网络犯罪活动罪",
    "掩饰、隐瞒犯罪所得、犯罪所得收益罪",
    "故意伤害罪",
    "开设赌场罪",
    "寻衅滋事罪",
    "妨害公务罪",
)


@dataclass(frozen=True)
class Policy:
    version: str = "default"
    # §2 juvenile regime
    juvenile_seal_within_days: int = 3  # J-WHEN
    juvenile_max_months: int = 60  # J-SENT / J-OVER: "five years or less"
    # §3 adult regime: categories
    micro_definition: str = "statutory_max_detention"  # or "statutory_max_1_year"
    light_max_months: int = 36
    # §3 timing
    mode: str = "seal_then_observe"  # or "observe_then_seal", "seal_immediately"
    # §3 observation periods (A-OBS)
    observation_micro_months: int = 12
    observation_light_short_months: int = 24
    observation_light_long_months: int = 36
    light_short_sentence_max_months: int = 12
    good_conduct_reduction_micro_months: int = 3
    good_conduct_reduction_light_months: int = 6
    # A-CS: one month per this many verified hours, at most 1/denominator of the tier's period
    community_service_hours_per_month: int = 10
    community_service_max_fraction_denominator: int = 4
    # A-EXTEND
    extension_months: int = 6

    def __post_init__(self) -> None:
        if self.micro_definition not in MICRO_DEFINITIONS:
            raise ValueError(f"micro_definition must be one of {MICRO_DEFINITIONS}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        for f in dataclasses.fields(self):
            if f.type in ("int", int):
                value = getattr(self, f.name)
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{f.name} must be a non-negative integer")
        for name in ("community_service_hours_per_month", "community_service_max_fraction_denominator"):
            if getattr(self, name) == 0:
                raise ValueError(f"{name} must be positive")
        if not isinstance(self.version, str) or not self.version:
            raise ValueError("version must be a non-empty string")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Policy":
        """Build from a stored dict; missing keys take the defaults, unknown keys are ignored."""
        data = dict(data or {})
        names = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in names}
        if "version" in kwargs:
            kwargs["version"] = str(kwargs["version"])
        return cls(**kwargs)

    def replace(self, **changes: Any) -> "Policy":
        return dataclasses.replace(self, **changes)


DEFAULT_POLICY = Policy()
