"""`manage.py scan_oversight [--as-of DATE]`, the Celery task and its schedule."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from oversight.models import Finding, ScanRun
from tests.cast import TODAY, defendant_data, enter_case

JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
RULE_IDS = ["S-UNSEALED", "S-UNDELIVERED", "S-OBS-OPEN", "S-QUERY-LATE", "S-OVERRIDE", "S-NO-BASIS",
            "S-READ-SCOPE", "S-READ-VOLUME", "S-CALENDAR", "S-OBJECTION-LATE", "S-ORAL-REPEAT"]


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("scan_oversight", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_the_command_prints_the_summary_and_a_rerun_creates_nothing(cast, others):
    enter_case(cast.clerk_a, defendants=[defendant_data(name="少年甲", serial=71, **JUVENILE)],
               offense_date=dt.date(2023, 5, 6))
    code, out, _err = run("--as-of", (TODAY + dt.timedelta(days=4)).isoformat())
    assert code == 0
    summary = json.loads(out)
    assert list(summary) == ["created", "open", "closed", "by_rule"]
    assert list(summary["by_rule"]) == RULE_IDS
    # the court's own copy open past the seal date, the notices to the procuratorate and the police not received
    assert summary["by_rule"]["S-UNSEALED"] == {"created": 1, "open": 1, "closed": 0}
    assert summary["by_rule"]["S-UNDELIVERED"] == {"created": 2, "open": 2, "closed": 0}
    assert summary["created"] == 3 and summary["open"] == 3 and summary["closed"] == 0
    code, out, _err = run("--as-of", (TODAY + dt.timedelta(days=4)).isoformat())
    again = json.loads(out)
    assert code == 0 and again["created"] == 0 and again["open"] == 3 and again["closed"] == 0
    assert Finding.objects.count() == 3
    run_row = ScanRun.objects.order_by("-pk").first()
    assert run_row.as_of == TODAY + dt.timedelta(days=4) and run_row.open == 3 and run_row.finished_at is not None


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "01/06/2026", "", "0001-01-01", "9999-12-31"])
def test_a_bad_date_exits_2_naming_the_field(db, bad):
    code, out, err = run("--as-of", bad)
    assert code == 2
    error = json.loads(out)
    assert error["field"] == "as_of" and error["error"]
    assert json.loads(err) == error
    assert not ScanRun.objects.exists()


def test_the_task_runs_the_same_scan(cast, others):
    from oversight.tasks import scan

    enter_case(cast.clerk_a, defendants=[defendant_data(name="少年甲", serial=72, **JUVENILE)],
               offense_date=dt.date(2023, 5, 6))
    result = scan.delay((TODAY + dt.timedelta(days=4)).isoformat()).get()
    assert result["created"] == 3
    assert scan.delay((TODAY + dt.timedelta(days=4)).isoformat()).get()["created"] == 0
    assert ScanRun.objects.filter(trigger="schedule").count() == 2


def test_the_daily_schedule_runs_after_the_sealing_sweep(db):
    from django_celery_beat.models import PeriodicTask

    scan = PeriodicTask.objects.get(task="oversight.scan")
    sweep = PeriodicTask.objects.get(task="sealing.sweep_files")
    assert scan.enabled and scan.crontab.hour == "2" and scan.crontab.minute == "0"
    assert str(scan.crontab.timezone) == "Asia/Shanghai"
    assert int(sweep.crontab.hour) < int(scan.crontab.hour)


def test_as_a_process(process_env):
    import subprocess
    import sys

    from tests.commands import ROOT

    env, _db = process_env
    bad = subprocess.run([sys.executable, "manage.py", "scan_oversight", "--as-of", "2026-13-01"], cwd=ROOT, env=env,
                         capture_output=True, timeout=120)
    assert bad.returncode == 2 and json.loads(bad.stdout)["field"] == "as_of"
    good = subprocess.run([sys.executable, "manage.py", "scan_oversight", "--as-of", "2026-06-01"], cwd=ROOT, env=env,
                          capture_output=True, timeout=120)
    assert good.returncode == 0, good.stderr
    summary = json.loads(good.stdout)
    assert summary["created"] == 0 and list(summary["by_rule"]) == RULE_IDS
