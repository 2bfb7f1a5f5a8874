"""Case imports from the browser: every write of an ``ImportJob`` (created, checked, confirmed, imported,
failed) and who may import. The checking and the import themselves are sealing/imports.py's (the dry run
writes nothing; the import is one transaction).

Progress crosses the import's transaction through ``Progress``: outside a transaction (the check) it updates the
job's row; inside one (the import) on PostgreSQL it writes the row through a connection of its own, in autocommit,
so the page polling the job sees it at once (two runs of a job are serialised by an advisory lock, not the row's
lock, which that connection would wait for); on SQLite, whose write lock the import holds, it is kept in the
cache, which the progress page reads too (in-process only, unless CACHES is shared).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from pathlib import PurePath

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _, gettext_noop

from . import permissions
from .models import ImportJob

log = logging.getLogger(__name__)

State = ImportJob.State
PREVIEW_ROWS = 200
PROGRESS_EVERY = 0.5  # seconds between two progress writes at most


def max_bytes() -> int:
    """The largest file accepted: an upload within FILE_UPLOAD_MAX_MEMORY_SIZE stays in memory (never spooled to a
    temporary file: it holds names and ID numbers)."""
    return int(getattr(settings, "FENGCUN_IMPORT_MAX_BYTES", settings.FENGCUN_UPLOAD_MAX_BYTES))


def inline_max_bytes() -> int:
    """Files up to this size are checked while the clerk waits; larger ones by the task queue."""
    return int(getattr(settings, "FENGCUN_IMPORT_INLINE_MAX_BYTES", 1024 * 1024))


def inline_max_rows() -> int:
    """Files of up to this many rows are imported while the clerk waits; larger ones by the task queue."""
    return int(getattr(settings, "FENGCUN_IMPORT_INLINE_MAX_ROWS", 2000))


class ImportJobError(Exception):
    """A move the job's state does not allow (a second confirmation, a job already imported)."""


def jobs_for(user) -> QuerySet[ImportJob]:
    """The imports of the user's agency (no other agency's), newest first; the file's bytes are not loaded."""
    if not permissions.can_import_cases(user)[0]:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(agency_id=user.agency_id).defer("data", "preview").select_related("created_by")


def _move(job: ImportJob, state: str, **fields) -> ImportJob:
    """Change the state (along ImportJob.TRANSITIONS) and the given fields, on the locked row, with a history
    reason. The row is re-read under the lock: a concurrent task or request may have moved it."""
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().defer("data").get(pk=job.pk)
        if not current.can_move_to(state):
            raise ImportJobError(f"an import cannot go from {current.state} to {state}")
        current.state = state
        for name, value in fields.items():
            setattr(current, name, value)
        current._change_reason = f"import {state}"
        current.save(update_fields=["state", *fields])
    cache.delete(_cache_key(job.pk))  # a new phase counts from its start
    for name in ("state", *fields):
        setattr(job, name, getattr(current, name))
    return job


def create_job(*, user, file_name: str, data: bytes, as_of: dt.date, background: bool) -> ImportJob:
    ok, reason = permissions.can_import_cases(user)
    if not ok:
        raise ImportJobError(gettext(reason))
    job = ImportJob(agency_id=user.agency_id, created_by=user, file_name=PurePath(file_name).name[:200], data=data,
                    sha256=hashlib.sha256(data).hexdigest(), size=len(data), as_of=as_of, background=background)
    job._change_reason = gettext_noop("import uploaded")
    job.save()
    cache.delete(_cache_key(job.pk))  # a number used before (a database restored, a test run) starts at zero
    return job


def _preview(plan) -> str:
    def row(planned):
        return {"row": planned.row, "case_number": planned.case_number, "name": planned.name,
                "changes": [[str(h), _text(old), _text(new)] for h, old, new in (planned.changes or [])]}

    return json.dumps({"creates": [row(p) for p in plan.creates[:PREVIEW_ROWS]],
                       "updates": [row(p) for p in plan.updates[:PREVIEW_ROWS]]}, ensure_ascii=False)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def errors_json(errors) -> list[dict]:
    """Row, column and message only: never the cell's value."""
    return [{"row": e.row, "column": str(e.column), "message": str(e.message)} for e in errors]


def preview_of(job: ImportJob) -> dict:
    return json.loads(job.preview) if job.preview else {"creates": [], "updates": []}


def record_plan(job: ImportJob, plan, *, now: dt.datetime) -> ImportJob:
    """The dry run's outcome: counts, errors (row, column, message) and the first rows to create and change."""
    return _move(job, State.PLANNED, counts=dict(plan.counts), errors=errors_json(plan.errors),
                 preview=_preview(plan), total_rows=plan.total_rows, progress_done=plan.total_rows,
                 progress_total=plan.total_rows, planned_at=now)


def create_checked_job(*, user, file_name: str, data: bytes, as_of: dt.date, plan, now: dt.datetime) -> ImportJob:
    """A small file checked while the clerk waited: the job and its check, saved together."""
    with transaction.atomic():
        job = create_job(user=user, file_name=file_name, data=data, as_of=as_of, background=False)
        return record_plan(job, plan, now=now)


def start_planning(job: ImportJob) -> ImportJob:
    return _move(job, State.PLANNING, progress_done=0, progress_total=None)


def refuse(job: ImportJob, message: str, *, now: dt.datetime, errors=None) -> ImportJob:
    fields = {"message": str(message)[:300], "finished_at": now}
    if errors is not None:
        fields["errors"] = errors_json(errors)
    return _move(job, State.REFUSED, **fields)


def fail(job: ImportJob, message: str, *, now: dt.datetime) -> ImportJob:
    if job.state in {State.DONE, State.FAILED, State.REFUSED}:
        return job
    return _move(job, State.FAILED, message=str(message)[:300], finished_at=now)


def runs_in_background(job: ImportJob) -> bool:
    return job.background or (job.total_rows or 0) > inline_max_rows()


def confirm(job: ImportJob, *, user, valid_only: bool, now: dt.datetime) -> ImportJob:
    """The clerk chose what to import: the job waits for the import (inline or by the task queue)."""
    job.refresh_from_db(fields=["state", "counts", "total_rows"])  # a task or another request may have moved it
    if job.state != State.PLANNED:
        raise ImportJobError(f"an import in state {job.state} cannot be confirmed")
    if not valid_only and job.counts.get("error"):
        raise ImportJobError("a file with errors cannot be imported whole")
    mode = ImportJob.Mode.VALID_ONLY if valid_only else ImportJob.Mode.WHOLE
    return _move(job, State.IMPORTING, mode=mode, started_at=now, progress_done=0,
                 progress_total=job.total_rows)


def run_import(job_id: int, *, now=timezone.now) -> ImportJob | None:
    """Import a confirmed job: the import and the job's "done" commit in one transaction, so a second run (a
    redelivered task, a double click) finds the job done and does nothing. A refusal (the file has errors after
    all) or a failure is written after the rollback."""
    from . import imports

    job = ImportJob.objects.get(pk=job_id)
    if job.state != State.IMPORTING:
        return None
    progress = Progress(job.pk)
    try:
        with transaction.atomic():
            _lock(job.pk)
            job = ImportJob.objects.get(pk=job_id)
            if job.state != State.IMPORTING:
                return None
            summary = imports.apply_import(bytes(job.data), job.file_name, user=job.created_by, today=job.as_of,
                                           valid_only=job.mode == ImportJob.Mode.VALID_ONLY, progress=progress)
            summary = _plain(summary)
            _move(job, State.DONE, summary=summary, finished_at=now(), progress_done=job.total_rows or 0)
    except imports.ImportRefused as refused:
        progress.close()
        return refuse(job, _("The file has errors: nothing was imported."), now=now(), errors=refused.plan.errors)
    finally:
        progress.close()
    return job


def _plain(summary: dict) -> dict:
    """The summary as stored: counts and ids, the errors' row, column and message (str of lazy messages)."""
    summary = dict(summary)
    summary["errors"] = [{"row": e["row"], "column": str(e["column"]), "message": str(e["message"])}
                         for e in summary.get("errors", [])]
    summary["statuses"] = {str(k): v for k, v in (summary.get("statuses") or {}).items()}
    summary["case_ids"] = list(summary.get("case_ids") or [])
    return summary


def plan_job(job_id: int, *, now=timezone.now) -> ImportJob | None:
    """The dry run of an uploaded job, by the task queue. A file that cannot be read is refused with the reason."""
    from . import imports, spreadsheet

    job = ImportJob.objects.get(pk=job_id)
    if job.state not in {State.UPLOADED, State.PLANNING}:
        return None
    if job.state == State.UPLOADED:
        start_planning(job)
    progress = Progress(job.pk)
    try:
        plan = imports.plan_import(bytes(job.data), job.file_name, user=job.created_by, today=job.as_of,
                                   progress=progress)
    except spreadsheet.FileProblem as problem:
        return refuse(job, problem.message, now=now())
    finally:
        progress.close()
    return record_plan(job, plan, now=now())


def process_job(job_id: int, *, before_failure=None) -> ImportJob | None:
    """Whatever the job waits for: an uploaded job is checked, a confirmed one imported; a job checked (waiting
    for the clerk) or finished is left as it is. An unexpected error marks the job failed with the error's kind
    (never its message, which may hold a cell's value) and is not raised: the job's page says it failed."""
    try:
        job = ImportJob.objects.defer("data").get(pk=job_id)
        if job.state in {State.UPLOADED, State.PLANNING}:
            return plan_job(job_id)
        if job.state == State.IMPORTING:
            return run_import(job_id)
        return None
    except ImportJob.DoesNotExist:
        log.warning("import %s: no such job", job_id)
        return None
    except Exception as error:  # noqa: BLE001 — recorded on the job
        log.error("import %s failed: %s", job_id, type(error).__name__)
        if before_failure is not None:
            before_failure()
        job = ImportJob.objects.defer("data").get(pk=job_id)
        return fail(job, type(error).__name__, now=timezone.now())


def _lock(job_id: int) -> None:
    """Serialise two runs of one job without locking its row (the progress connection updates that row while the
    import runs): a transaction-scoped advisory lock on PostgreSQL; SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x46430001, job_id])


def dispatch(job: ImportJob, as_of: dt.date) -> None:
    """Hand the job to the task queue once the request's transaction has committed."""
    from . import tasks

    def send():
        try:
            tasks.run_import.delay(job.pk, as_of.isoformat())
        except Exception as error:  # noqa: BLE001 — the job is saved; the page says it waits for the queue
            log.error("import %s: could not hand the job to the task queue: %s", job.pk, type(error).__name__)

    transaction.on_commit(send)


# --- progress --------------------------------------------------------------------------------------------

def _cache_key(job_id: int) -> str:
    return f"fengcun:import-progress:{job_id}"


def progress_of(job: ImportJob) -> tuple[int, int | None]:
    """(rows done, rows in all) as far as anyone can see now: the job's row, or the cache when it is further."""
    done, total = job.progress_done, job.progress_total
    cached = cache.get(_cache_key(job.pk))
    if cached and job.state in {State.PLANNING, State.IMPORTING, State.UPLOADED} and cached[0] > done:
        done, total = cached
    return done, total


def percent(job: ImportJob) -> int:
    if job.state in {State.DONE, State.PLANNED}:
        return 100
    done, total = progress_of(job)
    return min(100, done * 100 // total) if total else 0


class Progress:
    """The ``progress(done, total)`` callable the import calls, written at most every PROGRESS_EVERY seconds."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        self.side = None  # the connection of its own, opened on the first write inside a transaction

    def __call__(self, done: int, total: int | None = None) -> None:
        clock = time.monotonic()
        if clock - self.last < PROGRESS_EVERY and (total is None or done < total):
            return
        self.last = clock
        self.write(done, total)

    def write(self, done: int, total: int | None) -> None:
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(progress_done=done, progress_total=total)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection("default")
            with self.side.cursor() as cursor:  # autocommit: visible to the polling page at once
                cursor.execute("UPDATE sealing_importjob SET progress_done = %s, progress_total = %s WHERE id = %s",
                               [done, total, self.job_id])
        else:  # SQLite holds its write lock for the whole import: no other connection could write the row
            cache.set(_cache_key(self.job_id), (done, total), timeout=3600)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None
