"""The harness shared by the tests of the JSON commands (`evaluate_sealing`, `evaluate_query`)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"}


def run_command(name: str, data, *args) -> tuple[int, str, str]:
    """Run command `name` with `data` (JSON-encoded unless already text) on stdin: (exit code, stdout, stderr)."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(name, *args, stdin=io.StringIO(text), stdout=stdout, stderr=stderr)
    except SystemExit as exc:
        code = exc.code
    return code, stdout.getvalue(), stderr.getvalue()


def decide_with(name: str, data, *args):
    code, out, err = run_command(name, data, *args)
    assert code == 0, out + err
    return json.loads(out)


def rules(decision: dict) -> list[str]:
    return [step["rule"] for step in decision["trace"]]


@pytest.fixture
def no_writes():
    """Fails the test on any write statement, and checks that no table changed its row count."""
    writes = []

    def guard(execute, sql, params, many, context):
        if sql.lstrip().split(None, 1)[0].upper() in WRITES:
            writes.append(sql)
            raise AssertionError(f"the command wrote to the database: {sql}")
        return execute(sql, params, many, context)

    def counts():
        return {model._meta.label: model._base_manager.count() for model in apps.get_models()}

    before = counts()
    with connection.execute_wrapper(guard):
        yield
    assert writes == []
    assert counts() == before


def run_process(env: dict, name: str, text: str) -> subprocess.CompletedProcess:
    """The command as a real process, `text` on its stdin."""
    return subprocess.run([sys.executable, "manage.py", name, "-"], cwd=ROOT, env=env,
                          input=text.encode("utf-8"), capture_output=True, timeout=120)
