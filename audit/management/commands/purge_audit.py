"""`manage.py purge_audit [--as-of DATE]`: the retention purge the Celery task runs daily (audit.purge),
one JSON summary out (``{"deleted": n, "cutoff": …, "start_seq": n}``); a second run deletes nothing. Exit 2
with a JSON error on a bad date or a retention shorter than the law allows."""
from __future__ import annotations

import datetime as dt
import json
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit import services
from common.jsoncommand import EXIT_INVALID_INPUT, beijing_today


class Command(BaseCommand):
    help = "Delete audit entries older than the retention period and record the chain's new start."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="purge date, YYYY-MM-DD (default: today in Beijing)")

    def handle(self, *args, as_of=None, **options):
        try:
            day = dt.date.fromisoformat(as_of) if as_of else beijing_today()
        except ValueError:
            self._fail({"error": "not a date (YYYY-MM-DD)", "field": "as_of"})
        try:
            summary = services.purge(as_of=day, retention_days=settings.FENGCUN_AUDIT_RETENTION_DAYS,
                                     now=timezone.now())
        except services.AuditError as exc:
            self._fail({"error": str(exc), "field": "FENGCUN_AUDIT_RETENTION_DAYS"})
        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    def _fail(self, error: dict):
        text = json.dumps(error, ensure_ascii=False)
        self.stdout.write(text)
        self.stderr.write(text, style_func=lambda s: s)
        sys.exit(EXIT_INVALID_INPUT)
