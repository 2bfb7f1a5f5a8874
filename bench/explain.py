"""The query plans the indexes and the list queries were chosen from: `EXPLAIN (ANALYZE, BUFFERS)` of each list's
main queries on a generated data set, written to bench/plans/<size>/<name>.txt.

    DATABASE_URL=postgres://…/fengcun_bench_1000000 python bench/explain.py [--label 1000000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FENGCUN_DEV", "1")


def queries(today: dt.date) -> dict:
    """name -> (username, a function of the user giving the queryset)."""
    from queries import selectors as desk
    from sealing import selectors

    court, police = "g440111_court_clerk", "g440111_police_clerk"
    return {
        "case_list_page_ids": (court, lambda u: selectors.listed_cases(u).values_list("pk", flat=True)[:25]),
        "case_list_count": (court, lambda u: selectors.listed_cases(u).values_list("pk", flat=True).order_by()[:1001]),
        "record_list_page_ids": (court, lambda u: selectors.listed_records(u).values_list("pk", flat=True)[:25]),
        "record_list_count": (court,
                              lambda u: selectors.listed_records(u).values_list("pk", flat=True).order_by()[:1001]),
        "work_queue_to_seal": (police, lambda u: selectors.seal_queue(u, today)[:200]),
        "notice_inbox": (police, lambda u: selectors.notices_to_act_on(u, today)[:25]),
        "reviewer_queue": ("g440111_court_reviewer", lambda u: desk.review_queue(u)[:200]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default=None, help="folder name under bench/plans (default: the case count)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from sealing.models import Case

    label = args.label or str(Case.objects.count())
    folder = ROOT / "bench" / "plans" / label
    folder.mkdir(parents=True, exist_ok=True)
    today = dt.date.today()
    for name, (username, build) in queries(today).items():
        try:
            queryset = build(User.objects.get(username=username))
        except Exception as exc:  # a selector that does not exist in this version: say so, go on
            print(f"{name}: skipped ({exc})")
            continue
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        (folder / f"{name}.txt").write_text(f"-- {name} ({username}), {label} cases\n{sql % tuple(map(repr, params))}\n\n"
                                            f"{plan}\n")
        print(f"{name}: {plan.splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
