"""`manage.py scan_oversight [--as-of DATE]`: the supervision scans, one JSON summary out
(``{"created": n, "open": n, "closed": n, "by_rule": {...}}``); a re-run creates nothing. Exit 2 with a JSON
error naming the field on a bad date."""
from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand

from common.jsoncommand import EXIT_INVALID_INPUT, beijing_today
from oversight import services
from oversight.models import ScanRun


class Command(BaseCommand):
    help = "Run the supervision scans as of a date (default: today in Beijing) and print a JSON summary."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="scan date, YYYY-MM-DD")

    def handle(self, *args, as_of=None, **options):
        if as_of is None:
            day = beijing_today()
        else:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                text = json.dumps({"error": "not a date (YYYY-MM-DD)", "field": "as_of"}, ensure_ascii=False)
                self.stdout.write(text)
                self.stderr.write(text, style_func=lambda s: s)
                sys.exit(EXIT_INVALID_INPUT)
        summary = services.scan(day, trigger=ScanRun.Trigger.COMMAND)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
