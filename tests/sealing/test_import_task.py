"""The import task (sealing.tasks.run_import), run for real (eagerly, in this process): it checks an uploaded file,
imports a confirmed one, does nothing the second time, refuses an unreadable file, marks a failure; its progress
is seen from outside the import's transaction (PostgreSQL); the file it keeps is encrypted and rotated."""
from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, connections

from sealing import imports, imports_jobs, spreadsheet, tasks
from sealing.models import Case, FileStatus, ImportJob
from tests.cast import TODAY
from tests.services import require_postgres
from tests.sealing.test_import_views import row

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc)


def _job(clerk, rows, *, name="cases.xlsx", data=None) -> ImportJob:
    data = data if data is not None else spreadsheet.table_bytes(rows, "xlsx")
    return imports_jobs.create_job(user=clerk, file_name=name, data=data, as_of=TODAY, background=True)


def _state(job) -> str:
    return ImportJob.objects.values_list("state", flat=True).get(pk=job.pk)


def test_the_task_checks_then_imports_and_a_second_run_does_nothing(cast):
    job = _job(cast.clerk_a, [row(1), row(2), row(3, charges="没有这个罪")])
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    job.refresh_from_db()
    assert job.state == "planned" and job.counts == {"create": 2, "update": 0, "unchanged": 0, "error": 1}
    assert job.errors == [{"row": 4, "column": "罪名", "message": job.errors[0]["message"]}]
    assert job.progress_done == 3 and job.percent == 100
    assert not Case.objects.exists()
    tasks.run_import.delay(job.pk, TODAY.isoformat())  # planned: waits for the clerk, the task leaves it
    assert _state(job) == "planned"

    imports_jobs.confirm(job, user=cast.clerk_a, valid_only=True, now=NOW)
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    job.refresh_from_db()
    assert job.state == "done" and job.summary["created"] == 2 and len(job.summary["errors"]) == 1
    assert job.summary["statuses"] == {FileStatus.SEALED: 2}
    assert sorted(job.summary["case_ids"]) == sorted(Case.objects.values_list("pk", flat=True))
    tasks.run_import.delay(job.pk, TODAY.isoformat())  # redelivered: nothing twice
    assert Case.objects.count() == 2
    assert [h.history_change_reason for h in job.history.order_by("history_id")] == [
        "import uploaded", "import planning", "import planned", "import importing", "import done"]


def test_an_unreadable_file_is_refused_with_the_reason(cast):
    job = _job(cast.clerk_a, [], name="cases.csv", data="案号,姓名\n1,张三\n".encode("gb18030"))
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    job.refresh_from_db()
    assert job.state == "refused" and "罪名" in job.message  # the missing columns named
    assert not Case.objects.exists()


def test_a_whole_file_that_turns_out_to_have_errors_is_refused_and_nothing_written(cast, monkeypatch):
    job = _job(cast.clerk_a, [row(1)])
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    imports_jobs.confirm(job, user=cast.clerk_a, valid_only=False, now=NOW)
    bad = spreadsheet.table_bytes([row(1), row(2, charges="没有这个罪")], "xlsx")
    ImportJob.objects.filter(pk=job.pk).update(data=bad)  # as if the file had changed since its check
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    job.refresh_from_db()
    assert job.state == "refused" and job.errors[0]["row"] == 3
    assert not Case.objects.exists()


def test_a_failure_marks_the_job_failed_and_writes_nothing(cast, monkeypatch):
    job = _job(cast.clerk_a, [row(1)])
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    imports_jobs.confirm(job, user=cast.clerk_a, valid_only=False, now=NOW)
    real = imports.apply_import

    def broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("王一1 440104199001010011")  # a message with values: never stored nor logged

    monkeypatch.setattr(imports, "apply_import", broken)
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    job.refresh_from_db()
    assert job.state == "failed" and job.message == "RuntimeError"
    assert not Case.objects.exists()


def test_a_job_moves_only_forward(cast):
    job = _job(cast.clerk_a, [row(1)])
    with pytest.raises(imports_jobs.ImportJobError):
        imports_jobs.confirm(job, user=cast.clerk_a, valid_only=False, now=NOW)  # not checked yet
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    imports_jobs.confirm(job, user=cast.clerk_a, valid_only=False, now=NOW)
    with pytest.raises(imports_jobs.ImportJobError):
        imports_jobs.confirm(job, user=cast.clerk_a, valid_only=True, now=NOW)


def test_the_uploaded_file_is_encrypted_at_rest_and_rotated_with_the_keys(cast, settings):
    data = spreadsheet.table_bytes([row(1, name="欧阳明远")], "csv")
    job = _job(cast.clerk_a, [], name="cases.csv", data=data)
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, preview FROM sealing_importjob")
        raw, preview = cursor.fetchone()
    assert "欧阳明远".encode() not in bytes(raw) and "欧阳明远" not in preview
    assert "欧阳明远" in ImportJob.objects.get().preview  # the preview is decrypted for the page
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    call_command("rotate_field_keys", verbosity=0)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key retired
    job = ImportJob.objects.get()
    assert bytes(job.data) == data and "欧阳明远" in job.preview


@pytest.mark.postgres
def test_progress_is_seen_from_outside_the_import_transaction(transactional_db, monkeypatch):
    """While the import's one transaction runs, another connection (the polling page) reads the rows done."""
    require_postgres()
    from tests.cast import make_cast

    cast = make_cast()
    monkeypatch.setattr(imports_jobs, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    job = _job(cast.clerk_a, [row(n) for n in range(1, 9)])
    tasks.run_import.delay(job.pk, TODAY.isoformat())
    imports_jobs.confirm(job, user=cast.clerk_a, valid_only=False, now=NOW)
    seen = []
    watcher = connections.create_connection("default")
    real = imports.apply_import

    def watched(*args, progress, **kwargs):
        def report(done, total):
            progress(done, total)
            with watcher.cursor() as cursor:  # another session: sees only what is committed
                cursor.execute("SELECT progress_done FROM sealing_importjob WHERE id = %s", [job.pk])
                done_seen = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM sealing_case")
                seen.append((done_seen, cursor.fetchone()[0]))

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(imports, "apply_import", watched)
    try:
        tasks.run_import.delay(job.pk, TODAY.isoformat())
    finally:
        watcher.close()
    assert [done for done, _cases in seen] == [2, 4, 6, 8, 8]  # every step seen while the import ran …
    assert {cases for _done, cases in seen} == {0}  # … whose cases nobody saw before the commit
    assert _state(job) == "done" and Case.objects.count() == 8


def test_the_progress_is_kept_in_the_cache_where_no_side_connection_exists(cast):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL writes the row itself (test_progress_is_seen_from_outside_the_import_transaction)")
    job = _job(cast.clerk_a, [row(1)])
    ImportJob.objects.filter(pk=job.pk).update(state="importing", progress_total=10)
    job.refresh_from_db()
    progress = imports_jobs.Progress(job.pk)
    from django.db import transaction

    with transaction.atomic():
        progress.write(7, 10)
    assert imports_jobs.progress_of(job) == (7, 10) and imports_jobs.percent(job) == 70
