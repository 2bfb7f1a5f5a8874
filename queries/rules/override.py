"""Q-OVERRIDE: which departures from the recommendation disclose more than it (RULES.md §4).

A reviewer may depart from the recommendation with a written reason; a departure that discloses more
than recommended takes effect only when a second reviewer approves it. The web app asks this module.
"""
from __future__ import annotations

from typing import Any, Iterable

from .facts import RECOMMENDATIONS

# A permit where one of these was recommended discloses what the recommendation withheld.
WITHHOLDING = frozenset({"refuse", "answer_no_record", "issue_certificate"})


def _key(record_id: Any) -> str:
    # the web form gives ids as strings, the engine as given: "7" and 7 are the same record
    return str(record_id).strip()


def discloses_more(recommended: str, recommended_ids: Iterable[Any], decided: str, decided_ids: Iterable[Any]) -> bool:
    """Q-OVERRIDE: True when the decision discloses more than the recommendation.

    That is: the decision is a `permit` where `refuse`, `answer_no_record` or `issue_certificate` was
    recommended, or `decided_ids` holds a record id that is not in `recommended_ids` (records beyond
    those recommended). Such a departure takes effect only when a second reviewer, who neither took
    nor first decided the request, approves it. Disclosing fewer records, or refusing where a permit
    was recommended, discloses nothing more. Ids compare by their text (7 and "7" are one record).

    Raises ValueError for an outcome that is not one of RECOMMENDATIONS.
    """
    for word in (recommended, decided):
        if word not in RECOMMENDATIONS:
            raise ValueError(f"unknown outcome {word!r}")
    if decided == "permit" and recommended in WITHHOLDING:
        return True
    return bool({_key(i) for i in decided_ids} - {_key(i) for i in recommended_ids})
