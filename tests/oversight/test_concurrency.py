"""Two scans at once (PostgreSQL, two processes): every cause still has exactly one open finding."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count

from accounts.models import Agency
from oversight.models import Finding
from tests.cast import TODAY, defendant_data, enter_case, make_cast
from tests.commands import ROOT
from tests.services import require_postgres

JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
CASES = 12


def _waiting_for_findings() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND query LIKE '%%\"oversight_finding\"%%'")
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_two_scans_at_once_create_each_finding_once(transactional_db):
    require_postgres()
    cast = make_cast()
    Agency.objects.create(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    for n in range(CASES):
        enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{100 + n}号", offense_date=dt.date(2023, 5, 6),
                   defendants=[defendant_data(name="少年", serial=100 + n, **JUVENILE)])
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    command = [sys.executable, "manage.py", "scan_oversight", "--as-of", (TODAY + dt.timedelta(days=4)).isoformat()]
    with transaction.atomic():
        with connection.cursor() as cursor:  # both runs select their causes, then wait to lock the findings
            cursor.execute("LOCK TABLE oversight_finding IN EXCLUSIVE MODE")
        procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        deadline = time.monotonic() + 120
        while _waiting_for_findings() < 2:
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "the scans did not start"
            time.sleep(0.1)
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    summaries = [json.loads(out) for out, _err in outputs]
    expected = CASES * 3  # per case: the court's own copy open, two notices not received
    by_rule = {rule: sum(s["by_rule"][rule]["created"] for s in summaries) for rule in summaries[0]["by_rule"]}
    # each finding created by exactly one of the two runs: the runs' counts add up to the findings there are
    assert sum(s["created"] for s in summaries) == Finding.objects.filter(state="open").count(), by_rule
    assert by_rule["S-UNSEALED"] + by_rule["S-UNDELIVERED"] == expected, by_rule
    assert not Finding.objects.values("key").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert all(f.history.count() == 1 for f in Finding.objects.all())
