"""`manage.py generate_cases N [--as-of DATE] [--seed S] [--queries Q] [--scan]`: a province of generated cases
for the benchmarks (sealing/generate.py), one JSON summary out.

COPY on PostgreSQL; bulk inserts elsewhere. Exit 2 with a JSON error naming the field on bad input.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time

from django.core.management.base import BaseCommand

from common.jsoncommand import EXIT_INVALID_INPUT, beijing_today


class Command(BaseCommand):
    help = "Generate N cases of a province as of a date (benchmark data) and print a JSON summary."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("count", help="number of cases")
        parser.add_argument("--as-of", dest="as_of", help="the date the data is as of, YYYY-MM-DD (default: today)")
        parser.add_argument("--seed", default="20261201", help="random seed (the same seed gives the same data)")
        parser.add_argument("--queries", default=None, help="query requests to take (default: one per 500 cases)")
        parser.add_argument("--scan", action="store_true", help="then run the supervision scan as of the date")
        parser.add_argument("--chunk", default="5000", help="cases written per transaction")
        parser.add_argument("--jobs", default="1", help="processes writing at once (PostgreSQL)")

    def _fail(self, field: str, message: str):
        error = {"error": message, "field": field}
        self.stdout.write(json.dumps(error, ensure_ascii=False))
        sys.stderr.write(json.dumps(error, ensure_ascii=False) + "\n")
        sys.exit(EXIT_INVALID_INPUT)

    def _int(self, field: str, value, *, low: int, high: int) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            self._fail(field, "not a whole number")
        if not low <= number <= high:
            self._fail(field, f"must be between {low} and {high}")
        return number

    def handle(self, *args, count, as_of=None, seed, queries, scan, chunk, **options):
        number = self._int("count", count, low=1, high=50_000_000)
        seed = self._int("seed", seed, low=0, high=2**31 - 1)
        chunk = self._int("chunk", chunk, low=1, high=100_000)
        jobs = self._int("jobs", options.get("jobs", "1"), low=1, high=64)
        queries = None if queries is None else self._int("queries", queries, low=0, high=1_000_000)
        if as_of is None:
            day = beijing_today()
        else:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                self._fail("as_of", "not a date (YYYY-MM-DD)")
            if not 2000 <= day.year <= 2200:
                self._fail("as_of", "the year must be between 2000 and 2200")
        from sealing.generate import generate

        started = time.perf_counter()

        done = 0

        def progress(size):
            nonlocal done
            done += size
            elapsed = time.perf_counter() - started
            sys.stderr.write(f"{done} cases, {elapsed:.0f} s, {done / elapsed:.0f} cases/s\n")

        result = generate(number, as_of=day, seed=seed, chunk=chunk, queries=queries, jobs=jobs,
                          progress=progress if options.get("verbosity", 1) > 1 else None)
        result["seconds"] = round(time.perf_counter() - started, 1)
        if scan:
            from oversight import services as oversight

            begun = time.perf_counter()
            result["scan"] = oversight.scan(day)
            result["scan"]["seconds"] = round(time.perf_counter() - begun, 1)
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
