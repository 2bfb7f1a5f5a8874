"""`manage.py evaluate_sealing [FILE|-]`: cases as JSON in, decisions as JSON out (DESIGN.md "Machine interfaces").

Reads only: the charge catalogue and the policy in force; the same engine as the web app.
"""
from __future__ import annotations

from functools import partial
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError

from common.jsoncommand import JsonCommand, beijing_today
from sealing.catalogue import charge_lookup
from sealing.models import SealingPolicy
from sealing.policy import in_force_on
from sealing.rules import InputError, Policy, evaluate_payload


class Command(JsonCommand):
    help = (
        "Evaluate one sealing case (a JSON object) or a list of cases read from FILE or stdin "
        "and print the decisions as JSON. Writes nothing to the database; exit status 2 on invalid input."
    )
    item_name = "case"
    engine_errors = (InputError,)

    def prepare(self) -> None:
        self.lookup, self.policy = self.load_reference_data()

    def evaluate(self, payload: Any) -> Any:
        # a case without `as_of` is evaluated as of today in Beijing: the command is the edge that reads the clock
        return evaluate_payload(payload, self.lookup, self.policy, beijing_today())

    @staticmethod
    def load_reference_data():
        try:
            lookup = charge_lookup()
            # current_policy() would create version 1 when none exists: this command never writes. Each case is
            # decided under the version in force on its as_of date (sealing.policy.in_force_on).
            versions = [(v.version, v.effective_from, v.to_policy()) for v in SealingPolicy.objects.all()]
            if versions:
                policy = partial(in_force_on, versions)
            else:
                policy = Policy(version="v1")  # exactly what migration 0004 creates: RULES.md defaults
        except DatabaseError as exc:
            raise CommandError(f"cannot read the charge catalogue or the sealing policy: {exc}") from None
        return lookup, policy
