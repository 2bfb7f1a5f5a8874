"""`manage.py verify_audit`: walk the audit trail's hash chain. Prints one JSON summary on stdout; exit 0 when
the chain is intact, exit 1 naming the first broken entry (``{"ok": false, "broken": {"seq": n, "code": …,
"message": …}}``, the message on stderr too), exit 2 on bad arguments or a database that cannot be read."""
from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from audit.verify import CHUNK, verify

EXIT_BROKEN = 1
EXIT_INVALID_INPUT = 2


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 naming the first broken entry."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="JSON on stdout (the default; kept for scripts)")
        parser.add_argument("--chunk", default=str(CHUNK), help=f"entries read per query (default {CHUNK})")

    def handle(self, *args, chunk=str(CHUNK), **options):
        try:
            size = int(chunk)
            if size < 1:
                raise ValueError
        except ValueError:
            self._fail({"error": "not a positive integer", "field": "chunk"}, EXIT_INVALID_INPUT)
        try:
            report = verify(chunk=size)
        except DatabaseError as exc:
            self._fail({"error": f"the audit trail cannot be read: {type(exc).__name__}"}, EXIT_INVALID_INPUT)
        self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False))
        if not report.ok:
            problem = report.problem
            where = f"entry {problem.seq}" if problem.seq is not None else "access log"
            self.stderr.write(f"audit chain broken at {where}: {problem.message}", style_func=lambda s: s)
            sys.exit(EXIT_BROKEN)

    def _fail(self, error: dict, code: int):
        text = json.dumps(error, ensure_ascii=False)
        self.stdout.write(text)
        self.stderr.write(text, style_func=lambda s: s)
        sys.exit(code)
