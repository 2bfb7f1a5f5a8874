"""A real Celery worker on Redis runs the scheduled heartbeat against the real database."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from common.models import Heartbeat
from config.celery import app as celery_app
from tests.services import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(transactional_db, settings):
    require_postgres()
    require_redis()
    env = dict(os.environ)
    db = connection.settings_dict
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env["REDIS_URL"] = settings.REDIS_URL
    queue = f"test-{os.getpid()}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", queue, "--without-gossip", "--without-mingle", "--hostname", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        if proc.returncode not in (0, -15):
            print(output)


def test_worker_on_redis_records_the_heartbeat(worker):
    from common.tasks import heartbeat

    result = heartbeat.apply_async(kwargs={"name": "integration"}, queue=worker)
    stamp = result.get(timeout=60)
    beat = Heartbeat.objects.get(name="integration")
    assert beat.last_seen.isoformat() == stamp
    # a second run is harmless and moves the stamp forward
    time.sleep(0.01)
    heartbeat.apply_async(kwargs={"name": "integration"}, queue=worker).get(timeout=60)
    assert Heartbeat.objects.filter(name="integration").count() == 1
    assert Heartbeat.objects.get(name="integration").last_seen > beat.last_seen
