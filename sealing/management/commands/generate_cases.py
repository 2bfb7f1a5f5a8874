"""`manage.py generate_cases N [--as-of DATE] [--seed S] [--queries Q] [--scan]`: a province of generated cases
for the benchmarks (sealing/generate.py), one JSON summary out.

COPY on PostgreSQL; bulk inserts elsewhere. Exit 2 with a JSON error naming the field on bad input.
"""
from __future__ import annotations

import json
import sys
import time

from common.jsoncommand import OperationalCommand


class Command(OperationalCommand):
    help = "Generate N cases of a province as of a date (benchmark data) and print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("count", help="number of cases")
        parser.add_argument("--as-of", dest="as_of", help="the date the data is as of, YYYY-MM-DD (default: today)")
        parser.add_argument("--seed", default="20261201", help="random seed (the same seed gives the same data)")
        parser.add_argument("--queries", default=None, help="query requests to take (default: one per 500 cases)")
        parser.add_argument("--scan", action="store_true", help="then run the supervision scan as of the date")
        parser.add_argument("--chunk", default="5000", help="cases written per transaction")
        parser.add_argument("--jobs", default="1", help="processes writing at once (PostgreSQL)")

    def handle(self, *args, count, as_of=None, seed, queries, scan, chunk, **options):
        number = self.int_option("count", count, low=1, high=50_000_000)
        seed = self.int_option("seed", seed, low=0, high=2**31 - 1)
        chunk = self.int_option("chunk", chunk, low=1, high=100_000)
        jobs = self.int_option("jobs", options.get("jobs", "1"), low=1, high=64)
        queries = None if queries is None else self.int_option("queries", queries, low=0, high=1_000_000)
        day = self.date_option(as_of, years=(2000, 2200))  # the generator's calendar starts in 2000
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
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str), style_func=lambda s: s)
