"""`manage.py evaluate_query [FILE|-]`: query requests as JSON in, recommendations as JSON out
(DESIGN.md "Machine interfaces"; RULES.md §4).

Reads only: the charge catalogue (names, to refuse an unknown charge, and relevance categories), the
legal-basis catalogue (entries in force), the working calendar and the policy's response time; the
same engine as the reviewer's page. Invalid input exits 2 with a JSON error naming the field.
"""
from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from common.jsoncommand import JsonCommand
from queries.rules import InputError, evaluate_payload
from queries.rules import DEFAULT_WORKING_DAYS, DeadlinePolicy
from queries.selectors import basis_lookup, deadline_policy
from queries.workdays import database_calendar
from sealing.catalogue import charge_categories


def charge_names() -> frozenset[str]:
    """The names in the charge catalogue, read once."""
    from sealing.models import Charge

    return frozenset(Charge.objects.values_list("name", flat=True))


def deadline_policies():
    """Q-DEADLINE's numbers as a function of the day a request was received: every version read once, the one in
    force on that day chosen (sealing.policy.in_force_on); the defaults when no version exists."""
    from sealing.models import SealingPolicy
    from sealing.policy import in_force_on

    versions = [(v, start, DeadlinePolicy(police_working_days=days or DEFAULT_WORKING_DAYS))
                for v, start, days in SealingPolicy.objects.values_list(
                    "version", "effective_from", "query_response_working_days")]
    if not versions:
        return deadline_policy()
    return lambda received: in_force_on(versions, received)


class Command(JsonCommand):
    help = (
        "Recommend decisions on one query request (a JSON object) or a list of them read from FILE or "
        "stdin and print them as JSON. Writes nothing to the database; exit status 2 on invalid input."
    )
    item_name = "request"
    engine_errors = (InputError,)

    def prepare(self) -> None:
        try:
            self.bases, self.categories, self.names = basis_lookup(), charge_categories(), charge_names()
            self.calendar = database_calendar()
            self.policy = deadline_policies()  # the reviewer's page reads the same, on the day received
        except DatabaseError as exc:
            raise CommandError(
                "cannot read the legal-basis catalogue, the charge catalogue, the working calendar "
                f"or the policy: {exc}"
            ) from None

    def evaluate(self, payload: Any) -> Any:
        return evaluate_payload(payload, self.bases, self.categories, self.calendar,
                                policy=self.policy, charge_names=self.names)
