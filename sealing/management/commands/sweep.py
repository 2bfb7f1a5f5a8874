"""`manage.py sweep [--as-of DATE] [--retro]`: the scheduled sealing work, run here, one JSON summary out.

The same code as the Celery tasks (sealing/sweep.py); a second run on the same date changes nothing
and says so (``"changed": 0``). Exit 2 with a JSON error naming the field on a bad date.
"""
from __future__ import annotations

from common.jsoncommand import OperationalCommand
from sealing import sweep
from sealing.rules import MAX_YEAR, MIN_YEAR


class Command(OperationalCommand):
    help = "Run the sealing sweep as of a date (default: today in Beijing) and print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="evaluation date, YYYY-MM-DD")
        parser.add_argument("--retro", action="store_true", help="also re-examine cases decided before 2013 (J-RETRO)")

    def handle(self, *args, as_of=None, retro=False, **options):
        day = self.date_option(as_of, years=(MIN_YEAR, MAX_YEAR))
        self.emit_summary(sweep.run_inline(as_of=day, retro=retro))
