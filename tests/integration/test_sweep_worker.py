"""The sealing sweep on a real Celery worker (prefork, two processes) on the real Redis and PostgreSQL: the
files are sealed in the database; and a worker SIGKILLed in the middle of 2,000 due files, started again,
leaves every file sealed exactly once (one history row for each seal, one notice per agency).

The worker runs with its own queue (``CELERY_QUEUE``: the chunks the orchestrator fans out go there too)
and a short visibility timeout (``CELERY_VISIBILITY_TIMEOUT``), so the chunks the killed worker held come
back within seconds; the chunk time limits follow it (sealing/tasks.py)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count

from accounts.models import Agency
from config.celery import app as celery_app
from sealing import tasks
from sealing.models import FileStatus, RecordSeal, SealingFile, SealingNotice, SweepRun
from tests.cast import TODAY, defendant_data, enter_case, make_cast
from tests.services import require_postgres, require_redis
from tests.sweepdata import build_due_files

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 20  # seconds; chunk limits 8 s soft / 10 s hard (tasks.chunk_time_limits)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Worker:
    """`celery worker` in its own process group, so that SIGKILL takes the pool's children with it."""

    def __init__(self, settings, logs: Path):
        db = connection.settings_dict
        self.log_dir = logs
        self.queue = f"sweep-test-{os.getpid()}"
        self.env = dict(
            os.environ, REDIS_URL=settings.REDIS_URL, CELERY_QUEUE=self.queue,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.proc = None
        self.logs: list[Path] = []

    def start(self):
        log = self.log_dir / f"worker-{len(self.logs)}.log"
        self.logs.append(log)
        with open(log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=2",
                 "--loglevel=INFO", "-Q", self.queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--hostname", f"{self.queue}-{len(self.logs)}@%h"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def output(self) -> str:
        return "\n".join(log.read_text(errors="replace")[-4000:] for log in self.logs)

    def unacked(self) -> int:
        with celery_app.connection_for_write() as conn:
            return conn.default_channel.client.hlen("unacked")

    def purge(self):
        """Leave nothing of this worker's queue in Redis (nor messages a dead worker held)."""
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete(self.queue, "unacked", "unacked_index")


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    require_postgres()
    require_redis()
    worker = Worker(settings, tmp_path)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = previous
        worker.stop()
        worker.purge()


def wait_for(condition, *, timeout: float, worker: Worker, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not after {timeout} s\n{worker.output()}")
        time.sleep(0.5)


def run_state(run_id: int) -> SweepRun:
    return SweepRun.objects.get(pk=run_id)


def test_a_worker_on_redis_seals_the_due_files(worker):
    cast = make_cast()
    police = Agency.objects.create(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    ids = build_due_files(30, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    # and a juvenile entered through the services the day before the judgment takes effect
    case, record = enter_case(cast.clerk_a, number="（2026）粤0104刑初31号", today=TODAY - dt.timedelta(days=1),
                              defendants=[defendant_data(birth=dt.date(2007, 3, 1), charge="盗窃罪",
                                                         sentence_months=10, judgment_effective_date=TODAY)])
    assert case.defendants.get().sealing_file.status == FileStatus.PENDING
    worker.start()
    started = tasks.sweep_files.apply_async(kwargs={"as_of": TODAY.isoformat()}, queue=worker.queue).get(timeout=120)
    assert started["selected"] == 30 + 1 and started["chunks"] == 1
    wait_for(lambda: run_state(started["run"]).state == SweepRun.State.FINISHED, timeout=180, worker=worker,
             what="the run finishes")
    run = run_state(started["run"])
    assert (run.processed, run.changed, run.sealed, run.failed) == (31, 31, 31, 0)
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == 30
    file = case.defendants.get().sealing_file
    file.refresh_from_db()
    record.refresh_from_db()
    assert file.status == FileStatus.SEALED and record.seal.active
    assert set(file.notices.values_list("to_agency", flat=True)) == {cast.procuratorate_x.pk, police.pk}
    # a second scheduled run on the same date finds nothing due
    again = tasks.sweep_files.apply_async(kwargs={"as_of": TODAY.isoformat()}, queue=worker.queue).get(timeout=120)
    assert again["selected"] == 0 and run_state(again["run"]).state == SweepRun.State.FINISHED


FAULT_FILES = 2000


def test_a_worker_killed_in_the_middle_of_a_batch_leaves_every_file_sealed_once(worker):
    cast = make_cast()
    police = Agency.objects.create(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    ids = build_due_files(FAULT_FILES, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    sealed = SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED)
    worker.start()
    started = tasks.sweep_files.apply_async(kwargs={"as_of": TODAY.isoformat()}, queue=worker.queue).get(timeout=120)
    assert started["selected"] == FAULT_FILES and started["chunks"] >= 10
    # in the middle of the batch: some files sealed, most not; then the whole worker dies at once
    wait_for(lambda: sealed.count() >= FAULT_FILES // 5, timeout=600, worker=worker, what="a fifth sealed")
    worker.kill()
    at_kill = sealed.count()
    run = run_state(started["run"])
    held = worker.unacked()  # the messages the dead worker had taken and not acknowledged
    print(f"killed with {at_kill} of {FAULT_FILES} files sealed, {run.chunks_done} of {run.chunks} chunks done, "
          f"{held} messages held")
    assert held >= 1
    assert at_kill < FAULT_FILES and run.state == SweepRun.State.RUNNING
    time.sleep(2)
    assert sealed.count() == at_kill  # nobody works on them now

    worker.start()
    wait_for(lambda: run_state(started["run"]).state == SweepRun.State.FINISHED, timeout=900, worker=worker,
             what="the run finishes after the restart")
    run = run_state(started["run"])
    assert sealed.count() == FAULT_FILES
    assert (run.processed, run.changed, run.sealed, run.failed) == (FAULT_FILES, FAULT_FILES, FAULT_FILES, 0)
    assert (run.copies_sealed, run.notices) == (FAULT_FILES, 2 * FAULT_FILES)
    # exactly once: one history row for each file's seal, one seal and its history row for each court copy,
    # one notice (and its history row) per file and agency
    seal_rows = (SealingFile.history.filter(id__in=ids, status=FileStatus.SEALED).values("id")
                 .annotate(n=Count("history_id")).values_list("n", flat=True))
    assert len(seal_rows) == FAULT_FILES and set(seal_rows) == {1}
    assert RecordSeal.objects.filter(sealing_file_id__in=ids).count() == FAULT_FILES
    assert RecordSeal.history.filter(sealing_file_id__in=ids).count() == FAULT_FILES
    notices = SealingNotice.objects.filter(sealing_file_id__in=ids)
    assert notices.count() == 2 * FAULT_FILES
    assert notices.values("sealing_file", "to_agency").distinct().count() == 2 * FAULT_FILES
    assert set(notices.values_list("to_agency", flat=True)) == {cast.procuratorate_x.pk, police.pk}
    assert SealingNotice.history.filter(sealing_file_id__in=ids).count() == 2 * FAULT_FILES
    assert notices.values("serial").distinct().count() == 2 * FAULT_FILES
