"""The administrator's sweep (issue 13, "Sweeps from the browser"): what a run as of a date would take up,
starting one, and the rows the run pages show.

The engine is sealing/sweep.py; this module only creates the run (trigger "admin") and hands it to the
worker after the commit (``tasks.plan_sweep`` selects what is due and fans out), so the request returns
at once and the page follows the run's counters.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from . import permissions, sweep, tasks
from .models import SealingFile, SweepFailure, SweepRun

log = logging.getLogger(__name__)


class SweepError(Exception):
    """A sweep the user may not start; the message (a message id) says why."""


@dataclass(frozen=True)
class Preview:
    """What a run as of ``as_of`` would take up if it started now (the run selects again when it starts)."""

    as_of: dt.date
    retro: bool
    new_defendants: int
    due: int
    backlog: int
    retro_files: int
    running: int

    @property
    def total(self) -> int:
        return self.new_defendants + self.due + self.backlog + self.retro_files


def preview(*, as_of: dt.date, retro: bool) -> Preview:
    """The counts the confirmation names, by the engine's own selections, each file counted once."""
    due_ids = sweep.due_files(as_of).values("pk")
    backlog = sweep.notice_backlog(as_of).exclude(pk__in=due_ids)
    retro_count = 0
    if retro:
        retro_count = (sweep.retro_files().exclude(pk__in=due_ids)
                       .exclude(pk__in=sweep.notice_backlog(as_of).values("pk")).count())
    return Preview(
        as_of=as_of, retro=retro,
        new_defendants=sweep.unevaluated_defendants().count(),
        due=sweep.due_files(as_of).count(),
        backlog=backlog.count(),
        retro_files=retro_count,
        running=running_runs().count(),
    )


def running_runs() -> QuerySet[SweepRun]:
    return SweepRun.objects.filter(state=SweepRun.State.RUNNING)


def start_admin_sweep(*, user, as_of: dt.date, retro: bool, now: dt.datetime) -> SweepRun:
    """Create the administrator's run and, once it is committed, ask the worker to plan and run it.

    The run is created unplanned (``chunks == 0``): ``tasks.plan_sweep`` selects what is due when it
    starts, so the request does not wait for the selection of a large database."""
    ok, reason = permissions.can_run_sweep(user)
    if not ok:
        raise SweepError(reason)
    with transaction.atomic():
        run = SweepRun.objects.create(as_of=as_of, trigger=SweepRun.Trigger.ADMIN, retro=retro, started_by=user,
                                      started_at=now)
        run.dispatched = None  # once committed: whether the task queue took the run (the page says so)

        def send():
            run.dispatched = _dispatch(run.pk)

        transaction.on_commit(send)
    return run


def _dispatch(run_id: int) -> bool:
    """Hand the run to the task queue; False when the queue cannot be reached (Redis down): the run is saved
    and ``tasks.resume_runs`` hands it over once the queue is back."""
    try:
        tasks.plan_sweep.delay(run_id)
    except Exception as error:  # noqa: BLE001 — the run exists; the page says it waits for the queue
        log.error("sweep %s: could not hand the run to the task queue: %s", run_id, type(error).__name__)
        return False
    return True


def runs() -> QuerySet[SweepRun]:
    """Every run, newest first, with the administrator who started it."""
    return SweepRun.objects.select_related("started_by").order_by("-started_at", "-id")


def duration(run: SweepRun, *, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the run took (or has taken so far, with ``now``); whole seconds."""
    end = run.finished_at or now
    if end is None:
        return None
    return dt.timedelta(seconds=max(0, int((end - run.started_at).total_seconds())))


@dataclass(frozen=True)
class FailureRow:
    failure: SweepFailure
    label: str           # case number and masked name: never a person's name
    file_id: int | None
    visible: bool        # the user may open the file's decision page


def failure_rows(run: SweepRun, user) -> list[FailureRow]:
    """The run's failures per file, labelled for any page: the case number and the masked name only."""
    from .selectors import files_for

    failures = list(run.failures.select_related("sealing_file__defendant__case", "sealing_file__defendant__person"))
    file_ids = {f.sealing_file_id for f in failures if f.sealing_file_id}
    visible = set(files_for(user).filter(pk__in=file_ids).values_list("pk", flat=True)) if file_ids else set()
    rows = []
    for failure in failures:
        file: SealingFile | None = failure.sealing_file
        label = str(file.defendant) if file is not None else ""  # Defendant.__str__: case number · masked name
        rows.append(FailureRow(failure=failure, label=label, file_id=failure.sealing_file_id,
                               visible=failure.sealing_file_id in visible))
    return rows


def stalled(run: SweepRun, *, now: dt.datetime, after: dt.timedelta = dt.timedelta(minutes=2)) -> bool:
    """A running run no worker has planned yet, some time after it was started: the page says so."""
    return run.state == SweepRun.State.RUNNING and run.chunks == 0 and now - run.started_at > after
