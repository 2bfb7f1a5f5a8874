"""Scheduled sealing: beat says "sweep now"; the database decides what is due (sealing/sweep.py).

The run is planned into chunks; each chunk is its own task (acks_late, rejected on a lost worker, so a
killed worker's chunk is redelivered) with a soft time limit well below the broker's visibility timeout.
A chunk that runs out of time keeps what it did and hands the rest to a new chunk.
"""
import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from . import services, sweep
from .models import SweepChunk, SweepRun

# Below CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] (3600 s): a chunk is never redelivered
# while it still runs.
CHUNK_SOFT_LIMIT = 240
CHUNK_HARD_LIMIT = 300


@shared_task(name="sealing.sweep_files")
def sweep_files(as_of: str | None = None, retro: bool = False) -> dict:
    """The scheduled sweep as of ``as_of`` (ISO date; the Beijing date today when beat calls it)."""
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    run = sweep.start_run(as_of=today, trigger=SweepRun.Trigger.SCHEDULE, retro=retro)
    dispatch(run)
    return {"run": run.pk, "selected": run.total, "chunks": run.chunks}


@shared_task(name="sealing.plan_sweep")
def plan_sweep(run_id: int) -> None:
    """An administrator's run, created by the view: select what is due, then fan out."""
    run = SweepRun.objects.get(pk=run_id)
    if run.chunks == 0 and run.state == SweepRun.State.RUNNING:
        run = sweep.plan_run(run)
    dispatch(run)


def dispatch(run: SweepRun) -> None:
    for chunk_id in run.sweep_chunks.filter(done_at__isnull=True).order_by("number").values_list("pk", flat=True):
        sweep_chunk.delay(chunk_id)


@shared_task(name="sealing.sweep_chunk", acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=CHUNK_SOFT_LIMIT, time_limit=CHUNK_HARD_LIMIT)
def sweep_chunk(chunk_id: int) -> None:
    chunk = SweepChunk.objects.select_related("run").get(pk=chunk_id)
    if chunk.done_at is not None:
        return
    done: list[int] = []
    try:
        for item_id in chunk.ids:
            sweep.process(chunk, item_id)
            done.append(item_id)
    except SoftTimeLimitExceeded:
        rest = sweep.split_chunk(chunk, done)
        sweep_chunk.delay(rest.pk)
        return
    sweep.finish_chunk(chunk)


@shared_task(name="sealing.expire_permits")
def expire_permits() -> int:
    """Take back read access to sealed records whose permit has run out."""
    return services.expire_permits(now=timezone.now())
