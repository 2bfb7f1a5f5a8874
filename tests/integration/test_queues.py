"""One queue per kind of work, on the real Redis: two real workers, one on the maintenance queue and one on the
oversight queue, each run the task routed to its own queue and never the other's; a task of a third kind (the
sweep) waits on its queue, which neither consumes.

The queue names get a prefix of this run (the sender's routes are the project's own, prefixed), so that the test
shares Redis with a running installation or another test run without taking their tasks or giving them its own.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from common.models import Heartbeat
from config.celery import app as celery_app
from tests.services import require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Worker:
    def __init__(self, queue: str, env: dict, logs: Path):
        self.queue = queue
        self.log = logs / f"{queue}.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
                 "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--hostname", f"{queue}@%h"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _use_routes(routes: dict) -> None:
    celery_app.conf.task_routes = routes
    celery_app.amqp.flush_routes()
    del celery_app.amqp.router  # built again from the routes at the next send


@pytest.fixture
def workers(transactional_db, settings, tmp_path):
    require_postgres()
    require_redis()
    prefix = f"test-{os.getpid()}-{secrets.token_hex(3)}-"
    db = connection.settings_dict
    env = dict(os.environ, REDIS_URL=settings.REDIS_URL, LOG_LEVEL="INFO",
               DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    for name in ("CELERY_QUEUE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    previous_routes, previous_eager = celery_app.conf.task_routes, celery_app.conf.task_always_eager
    _use_routes({task: {"queue": prefix + route["queue"]}
                 for task, route in django_settings.CELERY_TASK_ROUTES.items()})
    celery_app.conf.task_always_eager = False
    started: dict[str, Worker] = {}
    try:
        for kind in ("maintenance", "oversight"):
            started[kind] = Worker(prefix + kind, env, tmp_path)
        yield prefix, started
    finally:
        for worker in started.values():
            worker.stop()
        celery_app.conf.task_always_eager = previous_eager
        _use_routes(previous_routes)
        with celery_app.connection_for_write() as conn:  # this run's queues and their bindings, nothing else
            client = conn.default_channel.client
            keys = [k for pattern in (f"{prefix}*", f"_kombu.binding*.{prefix}*") for k in client.scan_iter(pattern)]
            if keys:
                client.delete(*keys)


def test_each_worker_runs_the_tasks_of_its_own_queue_only(workers):
    from common.tasks import heartbeat
    from queries.tasks import flag_overdue
    from sealing.tasks import resume_runs

    prefix, worker = workers
    upkeep = heartbeat.apply_async(kwargs={"name": "queues-test"})  # maintenance, by the routes
    watch = flag_overdue.apply_async()  # oversight, by the routes
    try:
        stamp = upkeep.get(timeout=120)
        assert watch.get(timeout=120) == 0
    except Exception:
        pytest.fail("a task did not come back:\n" + "\n".join(w.output()[-3000:] for w in worker.values()))
    assert Heartbeat.objects.get(name="queues-test").last_seen.isoformat() == stamp

    deadline = time.monotonic() + 30  # the worker logs the task's end just after storing its result
    while not (upkeep.id in worker["maintenance"].output() and watch.id in worker["oversight"].output()):
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    maintenance, oversight = worker["maintenance"].output(), worker["oversight"].output()
    assert upkeep.id in maintenance and upkeep.id not in oversight
    assert watch.id in oversight and watch.id not in maintenance

    # a sweep task goes to the sweep queue, which neither worker consumes: it waits there
    waiting = resume_runs.apply_async()
    with celery_app.connection_for_write() as conn:
        assert conn.default_channel.client.llen(prefix + "sweep") == 1
    time.sleep(2)
    assert waiting.id not in worker["maintenance"].output() + worker["oversight"].output()
