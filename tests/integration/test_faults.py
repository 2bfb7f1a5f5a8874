"""Faults while the app runs, on the real PostgreSQL and Redis: the connection dropped inside a service call
rolls back everything the call wrote and ends on a clear page (503, try again), and the next request works;
Redis stopped leaves the pages working and an administrator's sweep saved with a warning, run by a real worker
once Redis is back. (Two schedulers ticking at once: tests/sealing/test_sweep.py, two runs in two processes.)"""
from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from sealing import services
from sealing.models import Case, Defendant, Person
from tests.cast import make_cast
from tests.sealing.test_case_entry import post_data
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres]


def terminate_own_backend() -> None:
    """Cut this connection from the server side, as a restart or a network cut would."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}},
                         autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_connection_dropped_inside_case_entry_rolls_back_and_shows_a_clear_page(transactional_db, client,
                                                                                    monkeypatch):
    require_postgres()
    cast = make_cast()
    client.force_login(cast.clerk_a)
    real = services.evaluate_file
    calls = []

    def cut_then_evaluate(defendant, **kwargs):
        calls.append(defendant.pk)
        assert Case.objects.filter(pk=defendant.case_id).exists()  # the case row is written, not committed
        terminate_own_backend()
        return real(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", cut_then_evaluate)
    response = client.post(reverse("sealing:case_create"), post_data())
    assert calls, "the service was not reached"
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "本次操作已全部撤销" in page and "被告人1" not in page
    # nothing of the case was committed; the next request gets a new connection and works
    assert not Case.objects.exists() and not Defendant.objects.exists() and not Person.objects.exists()
    monkeypatch.setattr(services, "evaluate_file", real)
    again = client.post(reverse("sealing:case_create"), post_data())
    assert again.status_code == 302 and Case.objects.count() == 1


# --- Redis stopped while the web app runs ------------------------------------------------------------------------

REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def _redis_up() -> bool:
    import subprocess

    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True,
                          timeout=5).returncode == 0


def _wait(condition, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return condition()


@pytest.fixture
def redis_stopped():
    """Stop the machine's Redis for the test and start it again afterwards, whatever happens (the same command
    as .ci/run and the machine's start-up)."""
    import shutil
    import subprocess

    from tests.services import require_redis

    require_redis()
    if shutil.which("redis-server") is None or not _redis_up():
        pytest.skip("needs the local redis-server to stop and start it")
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True,
                   timeout=10)
    assert _wait(lambda: not _redis_up(), 10), "Redis did not stop"

    def start():
        if not _redis_up():
            subprocess.run(REDIS_START, check=True, capture_output=True, timeout=30)
        assert _wait(_redis_up, 30), "Redis did not come back"

    try:
        yield start
    finally:
        start()


@pytest.mark.redis
def test_redis_stopped_pages_work_the_sweep_waits_visibly_and_runs_once_redis_is_back(transactional_db, client,
                                                                                       settings, tmp_path,
                                                                                       redis_stopped):
    """With Redis down a user's pages answer and an administrator's sweep is saved with a warning instead of
    failing; once Redis is back the resume task (beat, every five minutes) hands it to a real worker, which
    seals the due files."""
    import datetime as dt

    from accounts.factories import UserFactory
    from accounts.roles import POLICY_ADMIN
    from config.celery import app as celery_app
    from sealing import tasks
    from sealing.models import FileStatus, SealingFile, SweepRun
    from tests.cast import TODAY
    from tests.integration.test_sweep_worker import Worker, wait_for
    from tests.sweepdata import build_due_files

    require_postgres()
    cast = make_cast()
    ids = build_due_files(5, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    admin = UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)
    client.force_login(cast.clerk_a)
    assert client.get(reverse("sealing:case_list")).status_code == 200  # pages work without Redis
    client.force_login(admin)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = Worker(settings, tmp_path)
    try:
        response = client.post(reverse("sealing:sweep_start"), {"as_of": TODAY.isoformat(), "confirm": "1"})
        assert response.status_code == 302
        run = SweepRun.objects.get()
        assert run.state == SweepRun.State.RUNNING and run.chunks == 0
        page = client.get(response["Location"])
        assert page.status_code == 200 and "alert-warning" in page.content.decode()
        redis_stopped()  # Redis is back
        worker.start()
        SweepRun.objects.filter(pk=run.pk).update(started_at=run.started_at - dt.timedelta(minutes=6))
        resumed = tasks.resume_runs.apply_async(queue=worker.queue)
        wait_for(lambda: SweepRun.objects.get(pk=run.pk).state == SweepRun.State.FINISHED, timeout=180,
                 worker=worker, what="the resumed run finishes")
        assert resumed.id
        assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == 5
        assert SweepRun.objects.get(pk=run.pk).sealed == 5
    finally:
        celery_app.conf.task_always_eager = previous
        worker.stop()
        worker.purge()
