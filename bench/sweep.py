"""Benchmark of the sealing sweep: `manage.py sweep` over N due files against the same writes in hand-written
SQL (history rows included), in one run, on PostgreSQL.

Usage: DATABASE_URL=postgres://… python bench/sweep.py [--files 10000]

It works in a database of its own (the test database of DATABASE_URL, ``test_<name>``: created, migrated,
dropped at the end). Two sets of N files are built with bulk inserts (tests/sweepdata.py): juveniles whose
twelve-month judgment takes effect on the day, each with the court's copy; the region has a procuratorate
and a police station. The first set is swept by the engine (sealing.sweep.run_inline, what `manage.py
sweep` runs); the second by one transaction of set-based SQL making the same writes: each file sealed and
its history row, the court's copy sealed and its history row, two sealing notices with serial numbers and
their history rows, the run's row. Then the rows both wrote are compared, and a second engine run on the
same date shows what a night with nothing due costs.
"""
import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

AS_OF = dt.date(2026, 6, 1)
REASON_FILE = "re-evaluated by the sealing sweep"
REASON_COPY = "copy sealed by the deciding agency on the seal date (J-WHEN)"
REASON_NOTICE = "sealing notice sent"

SQL_SWEEP = [
    # the run
    """INSERT INTO sealing_sweeprun (as_of, trigger, retro, started_at, state, total, processed, changed, sealed,
           provisionally_sealed, observing, other, notices, copies_sealed, failed, chunks, chunks_done)
       VALUES (%(as_of)s, 'command', false, now(), 'running', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
       RETURNING id""",
    # what is due, by the indexed date
    """CREATE TEMP TABLE due ON COMMIT DROP AS
       SELECT f.id, f.defendant_id, c.agency_id, a.region_id
         FROM sealing_sealingfile f JOIN sealing_defendant d ON d.id = f.defendant_id
         JOIN sealing_case c ON c.id = d.case_id JOIN accounts_agency a ON a.id = c.agency_id
        WHERE f.next_change <= %(as_of)s AND f.status = 'pending'""",
    # the files and their history
    """UPDATE sealing_sealingfile f
          SET status = 'sealed', next_change = NULL, notified_on = %(as_of)s, evaluated_at = now(),
              evaluated_as_of = %(as_of)s,
              decision = jsonb_set(jsonb_set(f.decision, '{status}', '"sealed"'), '{as_of}', to_jsonb(%(as_of)s::text))
         FROM due WHERE f.id = due.id""",
    """INSERT INTO sealing_historicalsealingfile (id, status, regime, category, eligible, seal_date, observation_end,
           missing, decision, evaluated_at, evaluated_as_of, facts_due, next_change, notified_on, unseal_ground,
           unseal_document, defendant_id, policy_id, history_date, history_change_reason, history_type, history_user_id)
       SELECT f.id, f.status, f.regime, f.category, f.eligible, f.seal_date, f.observation_end, f.missing, f.decision,
              f.evaluated_at, f.evaluated_as_of, f.facts_due, f.next_change, f.notified_on, f.unseal_ground,
              f.unseal_document, f.defendant_id, f.policy_id, now(), %(reason_file)s, '~', NULL
         FROM sealing_sealingfile f JOIN due ON due.id = f.id""",
    # the deciding court's open copies and their history
    """WITH sealed AS (
         INSERT INTO sealing_recordseal (record_id, sealing_file_id, sealed_at, sealed_by_id, notice_id, lifted_at,
                                         lifted_reason)
         SELECT r.id, due.id, now(), NULL, NULL, NULL, ''
           FROM due JOIN sealing_record r ON r.defendant_id = due.defendant_id AND r.holding_agency_id = due.agency_id
          WHERE NOT EXISTS (SELECT 1 FROM sealing_recordseal s WHERE s.record_id = r.id)
         RETURNING *)
       INSERT INTO sealing_historicalrecordseal (id, sealed_at, lifted_at, lifted_reason, record_id, sealing_file_id,
           sealed_by_id, notice_id, history_date, history_change_reason, history_type, history_user_id)
       SELECT id, sealed_at, lifted_at, lifted_reason, record_id, sealing_file_id, sealed_by_id, notice_id, now(),
              %(reason_copy)s, '+', NULL FROM sealed""",
    # serial numbers: the counter row, locked
    """INSERT INTO common_serialcounter (prefix, year, last) VALUES ('FCTZ', %(year)s, 0)
       ON CONFLICT (prefix, year) DO NOTHING""",
    """CREATE TEMP TABLE recipients ON COMMIT DROP AS
       SELECT due.id AS file_id, due.agency_id AS from_id, a.id AS to_id,
              (SELECT last FROM common_serialcounter WHERE prefix = 'FCTZ' AND year = %(year)s FOR UPDATE)
                + row_number() OVER (ORDER BY due.id, a.id) AS number
         FROM due JOIN accounts_agency a ON a.region_id = due.region_id AND a.kind IN ('procuratorate', 'police')""",
    """WITH sent AS (
         INSERT INTO sealing_sealingnotice (serial, sealing_file_id, from_agency_id, to_agency_id, basis, sent_on,
                                            sent_at, withdrawn_reason)
         SELECT 'FCTZ-' || %(year)s || '-' || lpad(number::text, 6, '0'), file_id, from_id, to_id, 'receipt',
                %(as_of)s, now(), ''
           FROM recipients
         RETURNING *)
       INSERT INTO sealing_historicalsealingnotice (id, serial, basis, sent_on, sent_at, received_at, received_on,
           execution_end, deadline, copy_sealed_at, withdrawn_at, withdrawn_reason, sealing_file_id, from_agency_id,
           to_agency_id, received_by_id, copy_sealed_by_id, history_date, history_change_reason, history_type,
           history_user_id)
       SELECT id, serial, basis, sent_on, sent_at, received_at, received_on, execution_end, deadline, copy_sealed_at,
              withdrawn_at, withdrawn_reason, sealing_file_id, from_agency_id, to_agency_id, received_by_id,
              copy_sealed_by_id, now(), %(reason_notice)s, '+', NULL FROM sent""",
    """UPDATE common_serialcounter SET last = last + (SELECT count(*) FROM recipients)
        WHERE prefix = 'FCTZ' AND year = %(year)s""",
    # the run's summary
    """UPDATE sealing_sweeprun
          SET total = (SELECT count(*) FROM due), processed = (SELECT count(*) FROM due),
              changed = (SELECT count(*) FROM due), sealed = (SELECT count(*) FROM due),
              notices = (SELECT count(*) FROM recipients),
              copies_sealed = (SELECT count(*) FROM sealing_recordseal s JOIN due ON due.id = s.sealing_file_id),
              state = 'finished', finished_at = now()
        WHERE id = %(run)s""",
]


def sql_sweep(connection, as_of: dt.date) -> int:
    params = {"as_of": as_of, "year": as_of.year, "reason_file": REASON_FILE, "reason_copy": REASON_COPY,
              "reason_notice": REASON_NOTICE}
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(SQL_SWEEP[0], params)
        params["run"] = run = cursor.fetchone()[0]
        for statement in SQL_SWEEP[1:]:
            cursor.execute(statement, params)
    return run


def written(file_ids) -> dict:
    """The rows a sweep wrote for these files."""
    from sealing.models import RecordSeal, SealingFile, SealingNotice

    return {
        "files sealed": SealingFile.objects.filter(pk__in=file_ids, status="sealed").count(),
        "file history rows": SealingFile.history.filter(id__in=file_ids).count(),
        "copies sealed": RecordSeal.objects.filter(sealing_file_id__in=file_ids).count(),
        "copy history rows": RecordSeal.history.filter(sealing_file_id__in=file_ids).count(),
        "notices": SealingNotice.objects.filter(sealing_file_id__in=file_ids).count(),
        "notice history rows": SealingNotice.history.filter(sealing_file_id__in=file_ids).count(),
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main() -> int:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="due files in each set (default 10000)")
    args = parser.parse_args()
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench/sweep.py: skipped, it measures PostgreSQL: set DATABASE_URL=postgres://…")
        return 0
    import platform

    from accounts.factories import AgencyFactory, RegionFactory, UserFactory
    from accounts.models import Agency
    from sealing import sweep
    from tests.sweepdata import build_due_files

    original = connection.settings_dict["NAME"]
    started = time.perf_counter()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database {name} created and migrated: {time.perf_counter() - started:.1f} s")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        print(f"PostgreSQL {server}, Python {platform.python_version()}, {platform.machine()}, "
              f"{os.cpu_count()} CPUs, {platform.platform()}")
        region = RegionFactory(code="440104", name="越秀区")
        court = AgencyFactory(name="越秀区人民法院", kind=Agency.Kind.COURT, region=region)
        AgencyFactory(name="越秀区人民检察院", kind=Agency.Kind.PROCURATORATE, region=region)
        AgencyFactory(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=region)
        clerk = UserFactory(username="bench_clerk", agency=court)

        started = time.perf_counter()
        engine_ids = build_due_files(args.files, as_of=AS_OF, court=court, user=clerk, prefix="PY")
        print(f"built {args.files} due files: {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = sweep.run_inline(as_of=AS_OF)
        engine = time.perf_counter() - started
        assert result["changed"] == args.files and result["failed"] == 0, result
        started = time.perf_counter()
        again = sweep.run_inline(as_of=AS_OF)
        idle = time.perf_counter() - started
        assert again["changed"] == 0, again

        next_day = AS_OF + dt.timedelta(days=1)
        sql_ids = build_due_files(args.files, as_of=next_day, court=court, user=clerk, prefix="SQL")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        sql_sweep(connection, next_day)
        sql = time.perf_counter() - started

        engine_rows, sql_rows = written(engine_ids), written(sql_ids)
        print(f"rows written, engine: {engine_rows}")
        print(f"rows written, SQL:    {sql_rows}")
        assert engine_rows == sql_rows, "the two sweeps did not make the same writes"
        print(f"sweep (engine, manage.py sweep): {args.files} files in {engine:.2f} s = "
              f"{args.files / engine:.0f} files/s, {counter.count / args.files:.1f} queries per file")
        print(f"same writes in hand-written SQL: {args.files} files in {sql:.2f} s = {args.files / sql:.0f} files/s")
        print(f"ratio engine/SQL: {engine / sql:.1f}x")
        print(f"second run on the same date: {idle:.2f} s, changed {again['changed']}")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
