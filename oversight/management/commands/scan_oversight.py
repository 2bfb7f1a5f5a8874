"""`manage.py scan_oversight [--as-of DATE]`: the supervision scans, one JSON summary out
(``{"created": n, "open": n, "closed": n, "by_rule": {...}}``); a re-run creates nothing. Exit 2 with a JSON
error naming the field on a bad date."""
from __future__ import annotations

from common.jsoncommand import OperationalCommand
from oversight import services
from oversight.models import ScanRun
from sealing.rules import MAX_YEAR, MIN_YEAR


class Command(OperationalCommand):
    help = "Run the supervision scans as of a date (default: today in Beijing) and print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="scan date, YYYY-MM-DD")

    def handle(self, *args, as_of=None, **options):
        day = self.date_option(as_of, years=(MIN_YEAR, MAX_YEAR))
        self.emit_summary(services.scan(day, trigger=ScanRun.Trigger.COMMAND))
