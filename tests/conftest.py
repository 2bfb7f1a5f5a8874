import os
import subprocess
import sys

import pytest

from config.celery import app as celery_app
from tests.cast import make_cast
from tests.commands import ROOT, no_writes  # noqa: F401  (a fixture for the command tests)


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; the integration tests start a real worker instead."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """``client.force_login`` skips the login page, password and all: it skips the second factor too (a confirmed
    device, marked verified in the session). The production default stays on: tests of the login itself post to
    the login page and meet the second factor there (tests/accounts/test_two_factor.py)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from tests.otp import mark_verified

        mark_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def process_env(tmp_path_factory):
    """A migrated SQLite database of its own for commands run as real processes, so they neither need nor
    touch the developer's one; migrated once for the whole session."""
    db = tmp_path_factory.mktemp("commands") / "db.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", PYTHONIOENCODING="ascii")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    return env, db


def pytest_sessionfinish(session, exitstatus):
    """The log of the whole run (config/settings_test.py writes it) names no sealed person: a leak fails the
    run, even when the test that looks for one ran before the test that leaked (tests/test_logs_sealed.py).
    The log of a failed run is kept for reading; a clean run's is removed."""
    import shutil

    try:
        from tests.test_logs_sealed import leaks, log_path
    except Exception:  # Django did not start: the run has failed already, and said why
        return
    found = leaks()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if found:
        if reporter:
            reporter.ensure_newline()
            reporter.write_line(f"{len(found)} log line(s) of this run name a sealed person ({log_path()}):", red=True)
            for line in found[:20]:
                reporter.write_line("  " + line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    path = log_path()
    if exitstatus == 0 and path is not None and path.parent.name.startswith("fengcun-test-log-"):
        shutil.rmtree(path.parent, ignore_errors=True)  # the run's own temporary log, nothing in it to keep
