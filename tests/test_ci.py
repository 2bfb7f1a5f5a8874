"""The CI script and the development run: valid shell, and they stop only the processes they started."""
import re
import shutil
import subprocess

import pytest

from tests.commands import ROOT

SCRIPTS = [ROOT / ".ci" / "run", ROOT / "bin" / "run"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_is_valid_bash(script):
    done = subprocess.run([shutil.which("bash") or "/bin/bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_script_never_kills_by_name(script):
    code = "\n".join(line for line in script.read_text().splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\b(pkill|killall)\b", code)


def test_ci_runs_the_suite_under_faketime_and_stops_the_smoke_run_by_process_group():
    script = (ROOT / ".ci" / "run").read_text()
    assert "missing+=(faketime)" in script
    assert re.search(r"faketime \"\$ahead\" \.venv/bin/python -m pytest", script)
    assert "setsid make run" in script and 'kill -s "$sig" -- "-$pgid"' in script
