"""Scheduled sealing: beat says "sweep now"; the database decides what is due (sealing/sweep.py).

The run is planned into chunks; each chunk is its own task (acks_late, rejected on a lost worker, so a
killed worker's chunk is redelivered) with time limits below the broker's visibility timeout, so a chunk
is never handed to a second worker while it still runs. A chunk that has used its time budget stops
between two files, keeps what it did and hands the rest to a new chunk.

Every task here goes to the ``sweep`` queue (settings.FENGCUN_TASK_QUEUES), the chunks the orchestrator fans
out included; with ``CELERY_QUEUE`` in the environment, to that one queue instead.
"""
import datetime as dt
import logging
import time

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils import timezone

from . import services, sweep
from .models import SweepChunk, SweepRun

log = logging.getLogger(__name__)

LONGEST_CHUNK = 300  # seconds a chunk of sweep.CHUNK_SIZE files may take at most, with a broker that allows it


def chunk_time_limits(visibility_timeout: int | None) -> tuple[int, int]:
    """(soft, hard) time limits of a chunk in seconds: at most half the visibility timeout, so a chunk has
    ended (or been cut at the soft limit, its rest sent as a new chunk) long before the broker would hand
    its message to another worker. No visibility timeout (the filesystem broker): the longest chunk."""
    if visibility_timeout is None:
        hard = LONGEST_CHUNK
    elif visibility_timeout < 10:
        raise ImproperlyConfigured(
            f"CELERY_VISIBILITY_TIMEOUT={visibility_timeout}: the sweep needs at least 10 seconds per chunk")
    else:
        hard = min(LONGEST_CHUNK, visibility_timeout // 2)
    return hard * 4 // 5, hard


def visibility_timeout() -> int | None:
    return (settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}).get("visibility_timeout")


CHUNK_SOFT_LIMIT, CHUNK_HARD_LIMIT = chunk_time_limits(visibility_timeout())
# Seconds of work after which a chunk stops between two files and sends the rest as a new chunk: the soft
# limit, which interrupts whatever runs (a query included), is only the backstop for one very slow file.
CHUNK_BUDGET = CHUNK_SOFT_LIMIT / 2


def stalled_after() -> dt.timedelta:
    """How long after its start a run that is still running has lost a task: every chunk could have been
    redelivered once and run to its hard limit."""
    return dt.timedelta(seconds=(visibility_timeout() or 0) + 2 * CHUNK_HARD_LIMIT)


@shared_task(name="sealing.sweep_files")
def sweep_files(as_of: str | None = None, retro: bool = False) -> dict:
    """The scheduled sweep as of ``as_of`` (ISO date; the Beijing date today when beat calls it).

    A tick delivered twice makes two runs: the second finds nothing due, or skips the rows the first holds.
    Runs that stalled (a lost chunk task) are handed to the tasks again first."""
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    now = timezone.now()
    for stalled_id in sweep.stalled_runs(now=now, after=stalled_after()).values_list("pk", flat=True):
        log.warning("sweep %s: still running, its open chunks are sent again", stalled_id)
        plan_sweep.delay(stalled_id)
    run = sweep.start_run(as_of=today, trigger=SweepRun.Trigger.SCHEDULE, retro=retro, now=now)
    dispatch(run)
    return {"run": run.pk, "selected": run.total, "chunks": run.chunks}


@shared_task(name="sealing.plan_sweep", ignore_result=True)
def plan_sweep(run_id: int) -> None:
    """An administrator's run, created by the view: select what is due, then fan out. Sent again for a
    planned run (redelivered, or stalled), it sends the chunks not done yet."""
    run = SweepRun.objects.get(pk=run_id)
    if run.state != SweepRun.State.RUNNING:
        return
    if run.chunks == 0:
        run = sweep.plan_run(run)
    elif sweep.finish_if_done(run.pk):
        return
    dispatch(run)


RESUME_AFTER = dt.timedelta(minutes=5)


@shared_task(name="sealing.resume_runs", ignore_result=True)
def resume_runs() -> int:
    """Runs an administrator started that no task has planned yet, five minutes or more after they were started:
    the task queue could not be reached then (Redis down). Beat sends this every five minutes, so such a run
    starts within minutes of the queue being back. Planning twice is harmless (sweep.plan_run locks the run)."""
    cutoff = timezone.now() - RESUME_AFTER
    ids = list(SweepRun.objects.filter(state=SweepRun.State.RUNNING, chunks=0, started_at__lt=cutoff)
               .values_list("pk", flat=True))
    for run_id in ids:
        log.warning("sweep %s: not planned yet, handed to the tasks again", run_id)
        plan_sweep.delay(run_id)
    return len(ids)


def dispatch(run: SweepRun) -> None:
    for chunk_id in run.sweep_chunks.filter(done_at__isnull=True).order_by("number").values_list("pk", flat=True):
        sweep_chunk.delay(chunk_id)


@shared_task(bind=True, name="sealing.sweep_chunk", acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             soft_time_limit=CHUNK_SOFT_LIMIT, time_limit=CHUNK_HARD_LIMIT, max_retries=10)
def sweep_chunk(self, chunk_id: int) -> None:
    """Sweep one chunk, a batch of files per transaction (sweep.process_batch). A failing file is the run's to list;
    what escapes here is the database or the broker failing: the connections are dropped and the chunk is
    sent again (what it did already is skipped)."""
    try:
        _sweep_chunk(chunk_id)
    except Exception as error:
        log.warning("sweep chunk %s: %s; sent again", chunk_id, error)
        _drop_connections()
        raise self.retry(exc=error, countdown=min(300, 5 * 2 ** self.request.retries))


def _sweep_chunk(chunk_id: int) -> None:
    chunk = SweepChunk.objects.select_related("run").get(pk=chunk_id)
    if chunk.done_at is not None:
        return
    clock = time.monotonic()
    done: list[int] = []
    batch: list[int] = []
    try:
        for batch in sweep.batches(chunk):
            if done and time.monotonic() - clock > CHUNK_BUDGET:
                break  # time to hand the rest on, between two batches, well before the soft limit
            sweep.process_batch(chunk, batch)
            done.extend(batch)
        else:
            sweep.finish_chunk(chunk)
            return
    except SoftTimeLimitExceeded:
        # a batch so slow that the budget could not stop the chunk in time; the limit may have struck in the
        # middle of a query, leaving the connection unusable: start again on a new one
        _drop_connections()
        if not done and len(batch) == 1:  # the first item alone took the whole time: list it as failed, go on
            sweep.give_up(chunk, chunk.ids[0], f"took longer than the chunk's soft time limit ({CHUNK_SOFT_LIMIT} s)")
            done = chunk.ids[:1]
        elif not done:
            # the first batch was cut and rolled back: its first file goes on alone (if it is the one that
            # takes the whole time, its own chunk lists it), the others in a chunk of their own
            rests = sweep.split_chunk(chunk, done, first_alone=True)
            log.info("sweep %s: chunk %s cut in its first batch, sent again as chunks %s",
                     chunk.run_id, chunk.number, [rest.number for rest in rests])
            for rest in rests:
                sweep_chunk.delay(rest.pk)
            return
    for rest in sweep.split_chunk(chunk, done):
        log.info("sweep %s: chunk %s stopped after %s items, the rest is chunk %s",
                 chunk.run_id, chunk.number, len(done), rest.number)
        sweep_chunk.delay(rest.pk)


def _drop_connections() -> None:
    """Close this worker's database connections (a new one is opened on the next query). A connection in a
    transaction is the caller's (an eager run inside a test or a shell transaction): left alone."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


@shared_task(name="sealing.expire_permits")
def expire_permits() -> int:
    """Take back read access to sealed records whose permit has run out."""
    return services.expire_permits(now=timezone.now())


@shared_task(name="sealing.run_import", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_import(job_id: int, as_of: str | None = None) -> None:
    """Check or import one uploaded spreadsheet, whichever the job waits for (imports_jobs.process_job): a job
    checked (waiting for the clerk) or finished is left as it is, so a redelivered task does nothing. ``as_of``
    is the date the view gave the job, which the job keeps and the import uses. A failure marks the job failed."""
    from . import imports_jobs

    _drop_connections()
    try:
        imports_jobs.process_job(job_id, before_failure=_drop_connections)
    finally:
        _drop_connections()
