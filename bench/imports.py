"""The case import (issue 17) on PostgreSQL: rows/s of ``sealing.imports.apply_import`` (the whole file in one
transaction: persons with encrypted names and ID numbers and their blind index, cases, defendants, charges,
record copies, history rows, each defendant evaluated for sealing) and the importing process's peak memory,
at several sizes; the memory must stay flat (the file is read as a stream).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fengcun python bench/imports.py [--rows 1000 --rows 10000]
    DATABASE_URL=… python bench/run.py --only import [--import-rows 10000 --import-rows 100000]

Method, in a database of its own (``<name>_bench_import``, dropped, created and migrated): a court of 越秀区 and
its clerk; for each size, an XLSX file in the template's columns (sealing.spreadsheet.table_bytes) of valid,
varied rows (names from the generator's surnames and given names, ID numbers with their check digit, charges
micro, light and serious, sentences, exemptions, non-prosecutions, juveniles), each size with case numbers of its
own; then a child process (``--child``) reads the file and runs apply_import as the clerk, timing the call alone
(Django's start excluded) and reports its own peak memory (VmHWM, bench/peak.py: not ru_maxrss, which Linux
carries over from the parent that started it).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FENGCUN_DEV", "1")

AS_OF = dt.date(2026, 6, 1)
CLERK = "bench_import_clerk"
DISTRICT = "440104"
TARGET_RATE = 500  # rows/s


def rows(count: int, *, series: int, seed: int = 17):
    """``count`` valid rows (lists in spreadsheet.COLUMNS order), one defendant a case, varied outcomes; the case
    numbers' serials (six digits at most) start at ``series`` × 300,000, so that each size's file creates cases
    of its own."""
    from sealing import spreadsheet
    from sealing.generate import GIVEN, LIGHT, MICRO, SERIOUS, SURNAMES
    from sealing.identity import make_id_number

    labels = {key: dict(spreadsheet.choice_labels(key)) for key in ("disposition", "sentence_kind", "record_kind")}
    rng = random.Random(seed)
    keys = [c.key for c in spreadsheet.COLUMNS]
    for n in range(count):
        juvenile = rng.random() < 0.1
        offense = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365))
        age = rng.randint(14, 17) if juvenile else rng.randint(18, 60)
        birth = dt.date(offense.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        effective = offense + dt.timedelta(days=rng.randint(60, 300))
        kind = rng.random()
        row = {
            "case_number": f"（{offense.year}）粤0104刑初{series * 300_000 + n + 1}号",
            "offense_date": offense,
            "summary": "",
            "name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            "id_number": make_id_number(DISTRICT, birth, n % 999 + 1),
            "judgment_effective_date": effective,
            "plea": rng.choice([spreadsheet.YES, spreadsheet.NO]),
            "prior_convictions": 0,
            "record_kind": labels["record_kind"]["judgment"],
            "record_title": "刑事判决书",
            "record_number": f"（{offense.year}）粤0104刑初{series * 300_000 + n + 1}号",
        }
        if kind < 0.45:  # drunk driving, fined or detained
            row.update(charges=rng.choice(MICRO[:1]), disposition=labels["disposition"]["sentenced"],
                       sentence_kind=labels["sentence_kind"][rng.choice(["fine_only", "detention"])])
            if row["sentence_kind"] == labels["sentence_kind"]["detention"]:
                row["sentence_months"] = rng.randint(1, 6)
                row["sentence_completed_date"] = effective + dt.timedelta(days=30 * row["sentence_months"])
        elif kind < 0.8:  # theft, fraud …: a fixed term, often suspended
            months = rng.randint(6, 36)
            suspended = rng.random() < 0.5
            row.update(charges=rng.choice(LIGHT[:2]), disposition=labels["disposition"]["sentenced"],
                       sentence_kind=labels["sentence_kind"]["fixed_term"], sentence_months=months,
                       suspended=spreadsheet.YES if suspended else spreadsheet.NO)
            if suspended:
                row["probation_months"] = months + 6
            else:
                row["sentence_completed_date"] = effective + dt.timedelta(days=30 * months)
        elif kind < 0.9:
            row.update(charges=rng.choice(LIGHT[:2]), disposition=labels["disposition"]["not_prosecuted"],
                       record_kind=labels["record_kind"]["non_prosecution"], record_title="不起诉决定书")
        else:  # serious: robbery, five years
            row.update(charges=SERIOUS[0], disposition=labels["disposition"]["sentenced"],
                       sentence_kind=labels["sentence_kind"]["fixed_term"], sentence_months=60,
                       sentence_completed_date=effective + dt.timedelta(days=1800))
        if row.get("sentence_completed_date") and row["sentence_completed_date"] > AS_OF:
            del row["sentence_completed_date"]  # still being served
        yield [row.get(key) for key in keys]


def write_file(count: int, path: Path, *, series: int) -> float:
    from sealing import spreadsheet

    started = time.perf_counter()
    path.write_bytes(spreadsheet.table_bytes(rows(count, series=series), "xlsx"))
    return time.perf_counter() - started


def prepare_database(name: str) -> None:
    """``name`` dropped, created, migrated; the court, its region's procuratorate and police, and the clerk."""
    import run as bench

    bench.psql(f'DROP DATABASE IF EXISTS "{name}"')
    bench.psql(f'CREATE DATABASE "{name}"')
    subprocess.run([bench.PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=bench.child_env(name), check=True)
    bench.use_database(name)
    from accounts.factories import AgencyFactory, RegionFactory, UserFactory
    from accounts.models import Agency
    from accounts.roles import CLERK as CLERK_ROLE
    from accounts.roles import ensure_role_groups

    ensure_role_groups()
    region = RegionFactory(code=DISTRICT, name="越秀区")
    court = AgencyFactory(name="越秀区人民法院", kind=Agency.Kind.COURT, region=region)
    AgencyFactory(name="越秀区人民检察院", kind=Agency.Kind.PROCURATORATE, region=region)
    AgencyFactory(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=region)
    UserFactory(username=CLERK, agency=court, roles=[CLERK_ROLE])


def child_import(name: str, path: Path) -> tuple[dict, int]:
    """apply_import of ``path`` in a child process: (its summary with the seconds, its peak memory in KB as the
    child reads it at its end, bench/peak.py)."""
    import run as bench

    child = subprocess.Popen([bench.PYTHON, str(Path(__file__)), "--child", str(path)], cwd=ROOT,
                             env=bench.child_env(name), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"import failed: {err.decode()[-2000:]}")
    summary = json.loads(out)
    return summary, summary["peak_kb"]


def import_figures(sizes: list[int], results, name: str) -> dict:
    prepare_database(name)
    measured = {}
    with tempfile.TemporaryDirectory(prefix="fengcun-bench-import-") as folder:
        for index, size in enumerate(sizes):
            path = Path(folder) / f"cases-{size}.xlsx"
            built = write_file(size, path, series=index + 1)
            print(f"import: {size:,} rows written to an XLSX of {path.stat().st_size / 1024 / 1024:.1f} MB in "
                  f"{built:.0f} s", flush=True)
            summary, peak = child_import(name, path)
            if summary["created"] != size or summary["errors"]:
                raise AssertionError(f"the import did not create every row: {summary}")
            rate = size / summary["seconds"]
            measured[size] = {"rate": rate, "peak_kb": peak, **summary}
            print(f"import: {size:,} rows in {summary['seconds']:.1f} s, statuses {summary['statuses']}", flush=True)
            results.add(f"import of {size:,} rows (XLSX, one transaction: encryption, history, evaluation)", rate,
                        "rows/s", target=f"≥ {TARGET_RATE} rows/s", met=rate >= TARGET_RATE)
            results.add(f"import peak memory at {size:,} rows (child process, VmHWM)", peak / 1024, "MB")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        peak_small, peak_large = measured[small]["peak_kb"], measured[large]["peak_kb"]
        results.add(f"import peak memory at {large:,} rows against {small:,}", peak_large / 1024, "MB",
                    reference=peak_small / 1024, target=f"≤ 1.2 × the peak at {small:,}",
                    met=peak_large <= 1.2 * peak_small)
    return measured


def child(path: str) -> int:
    """In the child: import the file as the bench clerk; print the summary, the seconds and the peak RSS."""
    import django

    django.setup()
    from accounts.models import User
    from peak import peak_kb
    from sealing import imports

    data = Path(path).read_bytes()
    clerk = User.objects.get(username=CLERK)
    started = time.perf_counter()
    summary = imports.apply_import(data, Path(path).name, user=clerk, today=AS_OF)
    seconds = time.perf_counter() - started
    print(json.dumps({"created": summary["created"], "updated": summary["updated"], "errors": len(summary["errors"]),
                      "statuses": {str(k): v for k, v in summary["statuses"].items()}, "seconds": seconds,
                      "peak_kb": peak_kb()}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="sizes to import (repeatable; 10,000 and 100,000)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/imports.py measures PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    import django

    django.setup()
    from django.db import connection

    import run as bench

    results = bench.Results()
    import_figures(sorted(args.rows or [10_000, 100_000]), results, f"{connection.settings_dict['NAME']}_bench_import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
