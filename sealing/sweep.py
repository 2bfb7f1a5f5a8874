"""The sealing sweep: the scheduled work of J-WHEN and §3 over time, the same code for Celery, the shell
(``manage.py sweep``) and the administrator's button.

It selects only what is due, by indexed columns: defendants without a file yet, files whose
``next_change`` (the day the calendar alone moves them) has come, and hidden files whose copies are not
all sealed or notified. The selection is cut into chunks (``SweepChunk`` rows, so a redelivered task
finds the same ids); the files of a chunk are processed in batches (``BATCH_SIZE``), each batch in one
transaction under row locks taken with ``skip_locked`` (PostgreSQL), re-checked after locking, so a second
run, a second worker or a task redelivered after a crash finds nothing left to do. A batch reads its facts
in a few queries, has the rules decide every file (services.evaluate_file, one file at a time) and writes in
bulk (the files and their history rows, the copies' seals, the notices with a block of serials); if
anything in it fails, it is rolled back and its files are done again one per transaction, so one bad file
is listed as failed and never blocks the others. Counters are raised in the batch's transaction.
"""
from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import services
from .models import (
    HIDDEN_STATES, Defendant, FileStatus, IllegalTransition, Record, SealingFile, SealingNotice, SweepChunk,
    SealingPolicy, SweepFailure, SweepRun,
)
from .selectors import RETRO_CUTOFF

log = logging.getLogger(__name__)

CHUNK_SIZE = 200
BATCH_SIZE = 200  # files per transaction (one chunk); 1 is the file-by-file sweep
COUNTED = {FileStatus.SEALED: "sealed", FileStatus.PROVISIONALLY_SEALED: "provisionally_sealed",
           FileStatus.OBSERVING: "observing"}


# --- what is due ------------------------------------------------------------------------------------

def unevaluated_defendants():
    return Defendant.objects.filter(sealing_file__isnull=True)


def due_files(as_of: dt.date):
    """Files the calendar moves on by ``as_of`` (rules.files.next_change)."""
    return SealingFile.objects.filter(next_change__lte=as_of)


def notice_backlog(as_of: dt.date):
    """Hidden files whose seal date has come and whose J-WHEN work is not done: never notified, or a copy
    the file covers is open at an agency that has no notice in force (a copy registered later)."""
    hidden = SealingFile.objects.filter(status__in=HIDDEN_STATES, seal_date__lte=as_of)
    notice_in_force = SealingNotice.objects.filter(
        sealing_file_id=OuterRef(OuterRef("pk")), to_agency_id=OuterRef("holding_agency_id"), withdrawn_at__isnull=True)
    open_copy = Record.objects.filter(seal__isnull=True, defendant_id=OuterRef("defendant_id")).filter(
        Q(holding_agency_id=OuterRef("defendant__case__agency_id")) | ~Exists(notice_in_force))
    return hidden.filter(Q(notified_on__isnull=True) | Exists(open_copy))


def retro_files():
    """J-RETRO: files of cases decided before 2013 that are not hidden and not closed for good: the
    administrator's re-examination evaluates them again."""
    return SealingFile.objects.filter(defendant__judgment_effective_date__lt=RETRO_CUTOFF).exclude(
        status__in=[*HIDDEN_STATES, FileStatus.REVOKED, FileStatus.UNSEALED])


# --- a run ------------------------------------------------------------------------------------------

def start_run(*, as_of: dt.date, trigger: str, user=None, retro: bool = False, chunk_size: int = CHUNK_SIZE,
              now: dt.datetime | None = None) -> SweepRun:
    """Create the run and its chunks: every defendant without a file gets one first (in chunks too)."""
    now = now or timezone.now()
    run = SweepRun.objects.create(as_of=as_of, trigger=trigger, retro=retro, started_by=user, started_at=now)
    plan_run(run, chunk_size=chunk_size)
    return run


def plan_run(run: SweepRun, *, chunk_size: int = CHUNK_SIZE) -> SweepRun:
    as_of = run.as_of
    new_ids = list(unevaluated_defendants().order_by("pk").values_list("pk", flat=True))
    file_q = Q(pk__in=due_files(as_of).values("pk")) | Q(pk__in=notice_backlog(as_of).values("pk"))
    if run.retro:
        file_q |= Q(pk__in=retro_files().values("pk"))
    file_ids = list(SealingFile.objects.filter(file_q).order_by("next_change", "pk").values_list("pk", flat=True))
    chunks = []
    number = 0
    for kind, ids in (("defendants", new_ids), ("files", file_ids)):
        for start in range(0, len(ids), chunk_size):
            number += 1
            chunks.append(SweepChunk(run=run, number=number, kind=kind, ids=ids[start:start + chunk_size]))
    with transaction.atomic():
        locked = SweepRun.objects.select_for_update().get(pk=run.pk)
        if locked.chunks or locked.state != SweepRun.State.RUNNING:
            # planned meanwhile by the same task sent twice (redelivered, or resumed after the queue came back)
            run.refresh_from_db()
            return run
        SweepChunk.objects.bulk_create(chunks)
        SweepRun.objects.filter(pk=run.pk).update(total=len(new_ids) + len(file_ids), chunks=len(chunks))
        if not chunks:
            SweepRun.objects.filter(pk=run.pk).update(state=SweepRun.State.FINISHED, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def run_chunk(chunk_id: int) -> None:
    """Process one chunk, in batches; a failure is recorded and the rest goes on. Finishing twice is
    harmless: only the first completion counts."""
    chunk = SweepChunk.objects.select_related("run").get(pk=chunk_id)
    if chunk.done_at is not None:
        return
    for batch in batches(chunk):
        process_batch(chunk, batch)
    finish_chunk(chunk)


def batches(chunk) -> list[list[int]]:
    """The chunk's ids cut into the batches process_batch takes: files BATCH_SIZE at a time, defendants one
    at a time (each is its own transaction anyway)."""
    size = max(1, BATCH_SIZE) if chunk.kind == "files" else 1
    return [chunk.ids[start:start + size] for start in range(0, len(chunk.ids), size)]


def process(chunk, item_id: int) -> None:
    process_batch(chunk, [item_id])


def process_batch(chunk, item_ids: list[int]) -> None:
    """Defendants one per transaction (a file is created for each, rare after the first night); files in one
    transaction for the batch, falling back to one per transaction when the batch fails."""
    if chunk.kind == "defendants":
        for item_id in item_ids:
            _process_defendant(chunk.run, item_id)
    else:
        _process_files(chunk.run, item_ids)


def finish_chunk(chunk) -> None:
    """The chunk is done: counted once, and the run finished with its last chunk, in one transaction (the
    run's row, locked by the first update, makes concurrent last chunks see each other's count)."""
    with transaction.atomic():
        if SweepChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(done_at=timezone.now()) != 1:
            return
        SweepRun.objects.filter(pk=chunk.run_id).update(processed=F("processed") + len(chunk.ids),
                                                         chunks_done=F("chunks_done") + 1)
        finish_if_done(chunk.run_id)


def finish_if_done(run_id: int) -> bool:
    """A running run whose chunks are all done is finished (also when some of its files failed)."""
    return bool(SweepRun.objects.filter(pk=run_id, chunks_done__gte=F("chunks"), chunks__gt=0,
                                        state=SweepRun.State.RUNNING).update(
        state=SweepRun.State.FINISHED, finished_at=timezone.now()))


def split_chunk(chunk, done_ids: list[int], *, first_alone: bool = False) -> list["SweepChunk"]:
    """A chunk that ran out of time: it keeps what it did; the rest becomes a new chunk of the run (two with
    ``first_alone``: the first file left on its own, so that a file that alone takes the whole time is
    found and listed, and the others go on without it). Returns the new chunks."""
    done = set(done_ids)
    rest = [i for i in chunk.ids if i not in done]
    parts = [rest[:1], rest[1:]] if first_alone and len(rest) > 1 else [rest]
    with transaction.atomic():
        locked = SweepChunk.objects.select_for_update().get(pk=chunk.pk)
        number = (SweepChunk.objects.filter(run_id=chunk.run_id).order_by("-number")
                  .values_list("number", flat=True).first() or 0)
        new = [SweepChunk.objects.create(run_id=chunk.run_id, number=number + n, kind=chunk.kind, ids=ids)
               for n, ids in enumerate(parts, start=1)]
        locked.ids = [i for i in chunk.ids if i in done]
        locked.save(update_fields=["ids"])
        SweepRun.objects.filter(pk=chunk.run_id).update(chunks=F("chunks") + len(parts))
    finish_chunk(locked)
    return new


def give_up(chunk, item_id: int, message: str) -> None:
    """An item that alone took a chunk's whole time: the run lists it as failed and goes on without it."""
    file_id = item_id if chunk.kind == "files" else None
    _fail(chunk.run, file_id, message if file_id else f"defendant {item_id}: {message}")


def stalled_runs(*, now: dt.datetime, after: dt.timedelta):
    """Runs still running long after they started (``after``: longer than a chunk may take, plus the
    broker's redelivery delay): a chunk's task was lost (a hard time limit, a purged queue) or the run was
    never planned. Handing them to the tasks again is harmless: a chunk done already is skipped, and its
    files are locked and re-checked one by one."""
    return SweepRun.objects.filter(state=SweepRun.State.RUNNING, started_at__lt=now - after)


def _count(run: SweepRun, **fields) -> None:
    SweepRun.objects.filter(pk=run.pk).update(**{name: F(name) + value for name, value in fields.items() if value})


def _fail(run: SweepRun, file_id, message: str) -> None:
    with transaction.atomic():
        file = SealingFile.objects.filter(pk=file_id).first() if file_id else None
        SweepFailure.objects.create(run=run, sealing_file=file, message=message[:300])
        _count(run, failed=1)


def _error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _lock(queryset):
    """Row lock that skips rows another worker holds (PostgreSQL); SQLite serialises writers anyway."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset.select_for_update()


def _process_defendant(run: SweepRun, defendant_id: int) -> None:
    try:
        with transaction.atomic():
            defendant = _lock(Defendant.objects.filter(pk=defendant_id, sealing_file__isnull=True)).select_related(
                "case", "person").first()
            # a file created meanwhile (another run, a clerk) is seen by a fresh statement once the row is ours
            if defendant is None or SealingFile.objects.filter(defendant_id=defendant_id).exists():
                return
            file, _applied = services.evaluate_file(defendant, as_of=run.as_of,
                                                    reason=gettext_noop("evaluated by the sealing sweep"))
            _count(run, changed=1, **{COUNTED.get(file.status, "other"): 1})
    except SoftTimeLimitExceeded:
        raise  # the task cuts the chunk here; this defendant's transaction is rolled back and goes to the rest
    except Exception as error:  # noqa: BLE001 — one file's failure is recorded; the run goes on
        log.exception("sweep %s: defendant %s failed", run.pk, defendant_id)
        _fail(run, None, f"defendant {defendant_id}: {_error(error)}")


def _process_files(run: SweepRun, file_ids: list[int]) -> None:
    try:
        refused = _sweep_files(run, file_ids)
    except SoftTimeLimitExceeded:
        raise  # the task cuts the chunk here; this batch's transaction is rolled back and goes to the rest
    except Exception as error:  # noqa: BLE001 — one file's failure is recorded; the run goes on
        if len(file_ids) > 1:
            # one of them failed, and the batch was rolled back: each again in its own transaction
            log.warning("sweep %s: a batch of %s files failed (%s); one by one", run.pk, len(file_ids), _error(error))
            for file_id in file_ids:
                _process_files(run, [file_id])
            return
        log.exception("sweep %s: file %s failed", run.pk, file_ids[0])
        _fail(run, file_ids[0], _error(error))
        return
    for file_id, message in refused:
        # the rules give a status the file may not move to: never swallowed, the run lists it (and the next
        # run again, the file staying due, until someone acts on it)
        log.warning("sweep %s: file %s: %s", run.pk, file_id, message)
        _fail(run, file_id, message)


def _sweep_files(run: SweepRun, file_ids: list[int]) -> list[tuple[int, str]]:
    """One transaction for the batch: lock the files (skipping those another worker holds: it does them),
    re-check that each is due, have the rules decide each, write in bulk, count. Returns the refused moves
    (file id, message), to be listed once the transaction is committed."""
    as_of = run.as_of
    refused = []
    with transaction.atomic():
        # the facts evaluate_file reads come with the lock: the defendant, its case, agency and person (not the
        # encrypted name and ID number, which the rules do not read); the few policy versions are shared
        locked = {f.pk: f for f in _lock(SealingFile.objects.filter(pk__in=file_ids)).select_related(
            "defendant__case__agency", "defendant__person").defer(
            "defendant__person__name", "defendant__person__id_number")}
        files = [locked[pk] for pk in file_ids if pk in locked]  # the chunk's order (serials follow it)
        if not files:
            return refused
        policies = SealingPolicy.objects.in_bulk({f.policy_id for f in files if f.policy_id})
        for file in files:
            if file.policy_id:
                file.policy = policies[file.policy_id]
        late = [f.pk for f in files if f.next_change is None or f.next_change > as_of]
        backlog = set(notice_backlog(as_of).filter(pk__in=late).values_list("pk", flat=True)) if late else set()
        due = [f for f in files
               if (f.next_change is not None and f.next_change <= as_of) or f.pk in backlog
               or (run.retro and f.status not in HIDDEN_STATES)]
        if not due:
            return refused  # done already (a second run, a redelivered chunk)
        facts = services.facts_for_many([f.defendant for f in due])
        writes = services.DeferredWrites(as_of=as_of)
        before = {f.pk: f.status for f in due}
        applied = []
        for file in due:
            outcome = services.evaluate_file(file.defendant, as_of=as_of, file=file, facts=facts[file.defendant_id],
                                             writes=writes, reason=gettext_noop("re-evaluated by the sealing sweep"))
            file, ok = outcome
            if ok:
                applied.append(file)
            else:
                refused.append((file.pk, str(IllegalTransition(file.status, outcome.refused))))
        writes.flush_files()
        # a file that moved was sealed and notified with the rest; one that did not may still owe the
        # backlog's work: a copy registered later (another agency's, or the deciding agency's)
        still = [f.pk for f in applied if f.hidden and f.status == before[f.pk]]
        if still:
            for pk in notice_backlog(as_of).filter(pk__in=still).values_list("pk", flat=True):
                writes.notify(locked[pk])
        work = writes.flush_notices()
        counts = {}
        for file in applied:
            moved = file.status != before[file.pk]
            copies, sent = work.get(file.pk, (0, 0))
            if moved or copies or sent:
                counts["changed"] = counts.get("changed", 0) + 1
                counts["copies_sealed"] = counts.get("copies_sealed", 0) + copies
                counts["notices"] = counts.get("notices", 0) + sent
                if moved:
                    outcome_name = COUNTED.get(file.status, "other")
                    counts[outcome_name] = counts.get(outcome_name, 0) + 1
        if counts:
            _count(run, **counts)
    return refused


def summary(run: SweepRun) -> dict:
    run.refresh_from_db()
    return {
        "run": run.pk,
        "as_of": run.as_of.isoformat(),
        "trigger": run.trigger,
        "retro": run.retro,
        "state": run.state,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "selected": run.total,
        "processed": run.processed,
        "changed": run.changed,
        "sealed": run.sealed,
        "provisionally_sealed": run.provisionally_sealed,
        "observing": run.observing,
        "other": run.other,
        "notices": run.notices,
        "copies_sealed": run.copies_sealed,
        "failed": run.failed,
        "errors": [{"file": f.sealing_file_id, "message": f.message} for f in run.failures.all()],
    }


def run_inline(*, as_of: dt.date, trigger: str = SweepRun.Trigger.COMMAND, user=None, retro: bool = False) -> dict:
    """The whole sweep in this process (the shell command): the same chunks the tasks run."""
    run = start_run(as_of=as_of, trigger=trigger, user=user, retro=retro)
    for chunk_id in run.sweep_chunks.filter(done_at__isnull=True).order_by("number").values_list("pk", flat=True):
        run_chunk(chunk_id)
    return summary(run)
