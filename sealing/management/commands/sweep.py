"""`manage.py sweep [--as-of DATE] [--retro]`: the scheduled sealing work, run here, one JSON summary out.

The same code as the Celery tasks (sealing/sweep.py); a second run on the same date changes nothing
and says so (``"changed": 0``). Exit 2 with a JSON error naming the field on a bad date.
"""
from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from common.jsoncommand import EXIT_INVALID_INPUT, beijing_today
from sealing import sweep


class Command(BaseCommand):
    help = "Run the sealing sweep as of a date (default: today in Beijing) and print a JSON summary."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="evaluation date, YYYY-MM-DD")
        parser.add_argument("--retro", action="store_true", help="also re-examine cases decided before 2013 (J-RETRO)")

    def handle(self, *args, as_of=None, retro=False, **options):
        if as_of is None:
            day = beijing_today()
        else:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                error = {"error": "not a date (YYYY-MM-DD)", "field": "as_of"}
                self.stdout.write(json.dumps(error, ensure_ascii=False))
                sys.stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
                sys.exit(EXIT_INVALID_INPUT)
        result = sweep.run_inline(as_of=day, retro=retro)
        self.stdout.write(json.dumps(result, ensure_ascii=False))
