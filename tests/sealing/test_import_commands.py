"""`manage.py import_cases` and `manage.py export_cases`: one JSON summary on stdout, exit 0 / 1 / 2, never a
traceback."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from sealing.models import Case
from tests.cast import enter_case
from tests.commands import ROOT
from tests.sealing.test_export import three_rows
from tests.sealing.test_import import history_rows
from tests.sealing.test_import_files import csv_file, row

AS_OF = "2026-06-01"


def run(name: str, *args) -> tuple[int, dict]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


@pytest.fixture
def cases_file(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(three_rows())
    return path


def test_import_prints_the_summary_and_writes(cast, cases_file):
    code, result = run("import_cases", str(cases_file), "--agency", cast.agency_a.name, "--as-of", AS_OF)
    assert code == 0
    assert (result["created"], result["updated"], result["unchanged"], result["errors"]) == (3, 0, 0, [])
    assert sum(result["statuses"].values()) == 3
    assert set(Case.objects.values_list("agency", flat=True)) == {cast.agency_a.pk}
    assert Case.objects.first().created_by == cast.clerk_a  # the agency's first active clerk
    code, again = run("import_cases", str(cases_file), "--agency", str(cast.agency_a.pk), "--as-of", AS_OF)
    assert code == 0 and (again["created"], again["unchanged"]) == (0, 3)


def test_a_dry_run_writes_nothing(cast, cases_file):
    before = history_rows()
    code, result = run("import_cases", str(cases_file), "--dry-run", "--user", "clerk_b", "--as-of", AS_OF)
    assert code == 0 and result["created"] == 3 and result["dry_run"] is True
    assert not Case.objects.exists() and history_rows() == before


def test_row_errors_refuse_the_whole_file_with_exit_1(cast, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file([row(), row(案号="（2024）粤0104刑初300号", 罪名="盗窃")]))
    code, result = run("import_cases", str(path), "--agency", cast.agency_a.name, "--as-of", AS_OF)
    assert code == 1 and result["created"] == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "罪名")]
    assert "盗窃罪" in result["errors"][0]["message"]
    assert not Case.objects.exists()
    code, result = run("import_cases", str(path), "--agency", cast.agency_a.name, "--as-of", AS_OF, "--valid-only")
    assert code == 0 and result["created"] == 1 and len(result["errors"]) == 1
    assert Case.objects.count() == 1


@pytest.mark.parametrize("args, field", [
    (["--agency", "no such agency"], "agency"),
    (["--user", "nobody"], "user"),
    ([], "agency"),
    (["--agency", "越秀区人民法院", "--as-of", "2026-13-01"], "as_of"),
    (["--user", "supervisor_x"], "user"),  # a supervisor does not enter cases
])
def test_bad_arguments_exit_2_naming_the_field(cast, cases_file, args, field):
    code, result = run("import_cases", str(cases_file), *args)
    assert code == 2 and result["field"] == field and result["error"]
    assert not Case.objects.exists()


def test_a_bad_file_exits_2_naming_the_file(cast, tmp_path):
    path = tmp_path / "cases.xlsx"
    path.write_bytes(three_rows())  # a CSV renamed .xlsx
    code, result = run("import_cases", str(path), "--agency", cast.agency_a.name)
    assert code == 2 and result["field"] == "FILE" and result["code"] == "not_xlsx"
    code, result = run("import_cases", str(tmp_path / "missing.csv"), "--agency", cast.agency_a.name)
    assert code == 2 and result["field"] == "FILE"


@override_settings(IMPORT_MAX_BYTES=100)
def test_a_file_over_the_limit_exits_2(cast, cases_file):
    code, result = run("import_cases", str(cases_file), "--agency", cast.agency_a.name)
    assert code == 2 and result["code"] == "too_large"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_writes_the_file_and_the_import_of_it_changes_nothing(cast, cases_file, tmp_path, suffix):
    run("import_cases", str(cases_file), "--agency", cast.agency_a.name, "--as-of", AS_OF)
    enter_case(cast.clerk_b, number="（2024）粤0106刑初5号")  # another agency's: not exported
    target = tmp_path / f"export.{suffix}"
    code, result = run("export_cases", str(target), "--agency", cast.agency_a.name)
    assert code == 0 and result == {"exported": 3}
    before = history_rows()
    code, result = run("import_cases", str(target), "--agency", cast.agency_a.name, "--as-of", AS_OF)
    assert code == 0 and (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert history_rows() == before


def test_export_with_an_unknown_extension_exits_2(cast, tmp_path):
    code, result = run("export_cases", str(tmp_path / "export.txt"), "--agency", cast.agency_a.name)
    assert code == 2 and result["field"] == "format"


def test_the_commands_as_real_processes_print_json_errors_not_tracebacks(process_env, tmp_path):
    env, _db = process_env
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_file([row()]))
    done = subprocess.run([sys.executable, "manage.py", "import_cases", str(path), "--agency", "越秀区人民法院"],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["field"] == "agency"
    assert b"Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "manage.py", "export_cases", str(tmp_path / "x.csv"), "--user", "nobody"],
                          cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert done.returncode == 2 and json.loads(done.stdout.decode("utf-8"))["field"] == "user"
