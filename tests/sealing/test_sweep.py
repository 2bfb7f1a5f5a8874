"""The sealing sweep (issue 13, Tasks and `manage.py sweep`): each selection and its effect, run through the
Celery tasks eagerly; the double run; two runs at once in two processes on PostgreSQL; a run that fails on
one file; the time limits; the command; the queries per file. The real worker is in
tests/integration/test_sweep_worker.py."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from sealing import services, sweep, tasks
from sealing.models import (
    Charge, Defendant, FileStatus, RecordKind, RecordSeal, SealingFile, SealingMode, SealingNotice, SealingPolicy,
    SweepChunk, SweepRun,
)
from tests.cast import TODAY, defendant_data, enter_case, make_cast
from tests.commands import ROOT
from tests.services import require_postgres
from tests.sweepdata import build_due_files

# An adult's dangerous driving, three months' detention completed on 2026-03-01: a micro crime whose
# observation (12 months) starts on that day (A-START) and ends on 2027-03-01.
ADULT_MICRO = dict(charge="危险驾驶罪", sentence_kind="detention", sentence_months=3,
                   judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2026, 3, 1))
START = dt.date(2026, 3, 1)
OBSERVATION_END = dt.date(2027, 3, 1)
# A juvenile's theft, ten months, judgment effective on 2026-07-01: sealed that day (J-SENT, J-WHEN).
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2026, 7, 1))
EFFECTIVE = dt.date(2026, 7, 1)


def sweep_as_of(day: dt.date) -> dict:
    """The scheduled task, run eagerly (chunks too), and the summary of the run it made."""
    result = tasks.sweep_files(as_of=day.isoformat())
    return sweep.summary(SweepRun.objects.get(pk=result["run"]))


def history_rows() -> tuple[int, int, int]:
    return SealingFile.history.count(), RecordSeal.history.count(), SealingNotice.history.count()


def adult_case(cast, number="（2024）粤0104刑初11号", entered=dt.date(2026, 1, 1), **overrides):
    case, record = enter_case(cast.clerk_a, number=number, defendants=[defendant_data(**{**ADULT_MICRO, **overrides})],
                              today=entered)
    return case.defendants.get().sealing_file, record


def juvenile_case(cast, number="（2026）粤0104刑初21号", entered=TODAY, **overrides):
    case, record = enter_case(cast.clerk_a, number=number, defendants=[defendant_data(**{**JUVENILE, **overrides})],
                              today=entered)
    return case.defendants.get().sealing_file, record


@pytest.fixture
def police_x(cast):
    return Agency.objects.create(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)


def use_mode(mode: str) -> SealingPolicy:
    return SealingPolicy.objects.create(version=2, mode=mode, note=f"timing: {mode}")


# --- each selection and its effect ---------------------------------------------------------------------

def test_a_defendant_without_a_file_gets_one(cast):
    file, _ = juvenile_case(cast, judgment_effective_date=dt.date(2024, 6, 1))
    defendant = file.defendant
    SealingFile.objects.filter(pk=file.pk).delete()
    assert list(sweep.unevaluated_defendants()) == [defendant]
    summary = sweep_as_of(TODAY)
    file = SealingFile.objects.get(defendant=defendant)
    assert file.status == FileStatus.SEALED
    assert file.history.first().history_change_reason == "evaluated by the sealing sweep"
    assert summary["selected"] == 1 and summary["changed"] == 1 and summary["sealed"] == 1
    assert summary["state"] == "finished" and summary["errors"] == []
    assert not sweep.unevaluated_defendants().exists()


def test_a_pending_file_is_provisionally_sealed_on_its_start_date(cast):
    file, _ = adult_case(cast)
    assert file.status == FileStatus.PENDING and file.next_change == START
    assert sweep_as_of(START - dt.timedelta(days=1))["changed"] == 0  # the day before: nothing due
    file.refresh_from_db()
    assert file.status == FileStatus.PENDING
    summary = sweep_as_of(START)
    file.refresh_from_db()
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end == OBSERVATION_END
    assert file.next_change == OBSERVATION_END + dt.timedelta(days=1)
    assert file.history.first().history_change_reason == "re-evaluated by the sealing sweep"
    assert (summary["selected"], summary["changed"], summary["provisionally_sealed"]) == (1, 1, 1)


def test_a_pending_file_is_sealed_on_its_start_date_when_sealing_at_once(cast):
    use_mode(SealingMode.SEAL_IMMEDIATELY)
    file, record = adult_case(cast)
    assert file.status == FileStatus.PENDING and file.policy.mode == SealingMode.SEAL_IMMEDIATELY
    summary = sweep_as_of(START)
    file.refresh_from_db()
    record.refresh_from_db()
    assert file.status == FileStatus.SEALED and file.next_change is None
    assert record.seal.active and record.seal.sealed_by is None  # the court's copy, sealed by the sweep
    assert (summary["changed"], summary["sealed"], summary["copies_sealed"]) == (1, 1, 1)


def test_a_pending_file_goes_under_observation_on_its_start_date_when_observing_first(cast):
    use_mode(SealingMode.OBSERVE_THEN_SEAL)
    file, record = adult_case(cast)
    summary = sweep_as_of(START)
    file.refresh_from_db()
    assert file.status == FileStatus.OBSERVING and file.observation_end == OBSERVATION_END
    assert not RecordSeal.objects.filter(record=record).exists()  # observed, not hidden
    assert (summary["changed"], summary["observing"]) == (1, 1)
    # the day after the observation ends the file is sealed, and its copy with it
    assert sweep_as_of(OBSERVATION_END)["changed"] == 0
    summary = sweep_as_of(OBSERVATION_END + dt.timedelta(days=1))
    file.refresh_from_db()
    assert file.status == FileStatus.SEALED and RecordSeal.objects.filter(record=record).exists()
    assert (summary["changed"], summary["sealed"]) == (1, 1)


def test_a_provisional_seal_becomes_final_the_day_after_the_observation_ends(cast):
    file, record = adult_case(cast, entered=TODAY)  # past the start date: provisionally sealed at entry
    assert file.status == FileStatus.PROVISIONALLY_SEALED and file.observation_end == OBSERVATION_END
    # enter_case registers the court's judgment after the file was decided: the backlog seals that copy
    assert sweep_as_of(TODAY)["copies_sealed"] == 1
    record.refresh_from_db()
    assert record.seal.active
    rows = file.history.count()
    summary = sweep_as_of(OBSERVATION_END)  # the end date itself: still provisional, not even selected
    file.refresh_from_db()
    assert file.status == FileStatus.PROVISIONALLY_SEALED and summary["selected"] == 0
    assert file.history.count() == rows
    summary = sweep_as_of(OBSERVATION_END + dt.timedelta(days=1))
    file.refresh_from_db()
    assert file.status == FileStatus.SEALED and file.next_change is None
    assert (summary["selected"], summary["changed"], summary["sealed"]) == (1, 1, 1)
    assert file.history.count() == rows + 1


def test_a_juvenile_judgment_taking_effect_seals_the_file_the_court_copy_and_sends_the_notices(cast, police_x):
    file, record = juvenile_case(cast)
    assert file.status == FileStatus.PENDING and file.next_change == EFFECTIVE
    assert sweep_as_of(EFFECTIVE - dt.timedelta(days=1))["selected"] == 0
    summary = sweep_as_of(EFFECTIVE)
    file.refresh_from_db()
    record.refresh_from_db()
    assert file.status == FileStatus.SEALED and file.seal_date == EFFECTIVE and file.notified_on == EFFECTIVE
    assert record.seal.sealing_file == file and record.seal.sealed_by is None
    notices = {n.to_agency: n for n in SealingNotice.objects.filter(sealing_file=file)}
    assert set(notices) == {cast.procuratorate_x, police_x}  # the region's procuratorate and police, not region y's
    for notice in notices.values():
        assert notice.from_agency == cast.agency_a and notice.sent_on == EFFECTIVE and notice.basis == "receipt"
        assert notice.received_at is None and notice.deadline is None  # the deadline runs from the receipt
    assert (summary["changed"], summary["sealed"], summary["copies_sealed"], summary["notices"]) == (1, 1, 1, 2)


def test_a_copy_registered_later_by_another_agency_gets_its_notice_from_the_backlog(cast):
    file, _ = juvenile_case(cast, judgment_effective_date=dt.date(2024, 6, 1))
    assert file.status == FileStatus.SEALED and file.notified_on == TODAY
    assert set(file.notices.values_list("to_agency", flat=True)) == {cast.procuratorate_x.pk}
    # enter_case registers the court's judgment after the file was decided: the backlog seals that copy
    assert sweep_as_of(TODAY)["copies_sealed"] == 1
    assert sweep_as_of(TODAY)["changed"] == 0  # notified and sealed: nothing in the backlog
    # a police station of another district registers its copy of the judgment after the seal
    police_y = Agency.objects.create(name="广州市公安局天河区分局", kind=Agency.Kind.POLICE, region=cast.agency_b.region)
    police_clerk = UserFactory(username="police_y_clerk", agency=police_y, roles=[CLERK])
    copy = services.create_record(user=police_clerk, case=file.defendant.case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": file.defendant,
        "content": "侦查卷宗内容"})
    assert list(sweep.notice_backlog(TODAY)) == [file]
    later = TODAY + dt.timedelta(days=2)
    summary = sweep_as_of(later)
    notice = SealingNotice.objects.get(sealing_file=file, to_agency=police_y)
    assert notice.sent_on == later and notice.from_agency == cast.agency_a
    assert not RecordSeal.objects.filter(record=copy).exists()  # the police seal their own copy on the notice
    file.refresh_from_db()
    assert file.status == FileStatus.SEALED
    assert (summary["selected"], summary["changed"], summary["notices"], summary["sealed"]) == (1, 1, 1, 0)
    assert not sweep.notice_backlog(later).exists()
    assert sweep_as_of(later)["changed"] == 0


def test_a_copy_registered_later_by_the_deciding_court_is_sealed_by_the_backlog(cast):
    file, judgment = juvenile_case(cast, judgment_effective_date=dt.date(2024, 6, 1))
    assert not RecordSeal.objects.filter(record=judgment).exists()  # registered after the file was decided
    second = services.create_record(user=cast.clerk_a, case=file.defendant.case, data={
        "kind": RecordKind.SOCIAL_INVESTIGATION, "title": "社会调查报告", "document_number": "",
        "defendant": file.defendant, "content": "社会调查报告内容"})
    summary = sweep_as_of(TODAY)
    for copy in (judgment, second):
        copy.refresh_from_db()
        assert copy.seal.active and copy.seal.sealed_by is None and copy.seal.sealing_file == file
    assert (summary["changed"], summary["copies_sealed"], summary["notices"], summary["sealed"]) == (1, 2, 0, 0)


def test_nothing_due_changes_nothing(cast):
    adult_case(cast)                                          # pending until 2026-03-01
    juvenile_case(cast, number="（2026）粤0104刑初22号")        # pending until 2026-07-01
    enter_case(cast.clerk_a, number="（2024）粤0104刑初23号")   # an adult robbery: not eligible, never due
    rows = history_rows()
    summary = sweep_as_of(dt.date(2026, 2, 1))
    assert summary["selected"] == 0 and summary["changed"] == 0
    assert summary["state"] == "finished" and summary["finished_at"] is not None
    assert history_rows() == rows


# --- twice, in any order ----------------------------------------------------------------------------------

def test_a_second_run_on_the_same_date_changes_nothing(cast, police_x):
    adult_case(cast)
    juvenile_case(cast, number="（2026）粤0104刑初22号", judgment_effective_date=TODAY,
                  entered=TODAY - dt.timedelta(days=1))
    build_due_files(5, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    first = sweep_as_of(TODAY)
    assert first["changed"] == 7 and first["sealed"] == 6 and first["provisionally_sealed"] == 1
    assert first["notices"] == 14 and first["copies_sealed"] == 7
    rows, notices = history_rows(), SealingNotice.objects.count()
    second = sweep_as_of(TODAY)
    assert (second["selected"], second["changed"], second["notices"], second["copies_sealed"]) == (0, 0, 0, 0)
    assert history_rows() == rows and SealingNotice.objects.count() == notices


def test_a_run_whose_files_another_run_did_meanwhile_changes_nothing(cast, police_x):
    """A beat tick delivered twice: both runs select the same files; the one that comes second finds each
    file done when it locks it and re-checks it (a redelivered chunk behaves the same way)."""
    ids = build_due_files(3, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    late = sweep.start_run(as_of=TODAY, trigger=SweepRun.Trigger.SCHEDULE)  # planned, its chunks not yet run
    assert late.total == 3
    first = sweep_as_of(TODAY)
    assert first["changed"] == 3
    rows = history_rows()
    tasks.plan_sweep(late.pk)  # its chunks now run
    late_summary = sweep.summary(late)
    assert late_summary["state"] == "finished" and late_summary["processed"] == 3 and late_summary["changed"] == 0
    assert history_rows() == rows
    assert SealingNotice.objects.filter(sealing_file_id__in=ids).count() == 6
    # a chunk delivered again after it finished is skipped
    chunk = late.sweep_chunks.get()
    tasks.sweep_chunk(chunk.pk)
    assert sweep.summary(late)["processed"] == 3


def test_a_stalled_run_is_sent_again_by_the_next_scheduled_sweep(cast, police_x):
    ids = build_due_files(3, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    long_ago = dt.datetime(2026, 5, 31, 1, 0, tzinfo=dt.timezone.utc)
    lost = sweep.start_run(as_of=TODAY, trigger=SweepRun.Trigger.SCHEDULE, now=long_ago)  # its chunk task was lost
    summary = sweep_as_of(TODAY)
    lost_summary = sweep.summary(lost)
    assert lost_summary["state"] == "finished" and lost_summary["processed"] == 3
    assert lost_summary["changed"] + summary["changed"] == 3
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == 3


@pytest.mark.postgres
def test_two_runs_at_once_in_two_processes_process_every_due_file_once(transactional_db):
    """Two `manage.py sweep` processes select the same 300 due files and start on them at the same moment
    (held back by a lock on the chunk table until both have selected): every file is sealed once, with one
    history row for the seal, its copy sealed once, one notice per agency; the runs' "changed" add up."""
    require_postgres()
    cast = make_cast()
    police = Agency.objects.create(name="广州市公安局越秀区分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    due = 300
    ids = build_due_files(due, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}")
    command = [sys.executable, "manage.py", "sweep", "--as-of", TODAY.isoformat()]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE sealing_sweepchunk IN EXCLUSIVE MODE")
        procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        deadline = time.monotonic() + 120
        while _waiting_for_the_chunk_table() < 2:  # both have selected and wait to write their chunks
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "the runs did not start"
            time.sleep(0.1)
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    summaries = [json.loads(out) for out, _err in outputs]
    print("two runs at once: changed", [s["changed"] for s in summaries])
    for summary in summaries:
        assert summary["state"] == "finished" and summary["selected"] == summary["processed"] == due
        assert summary["failed"] == 0 and summary["changed"] > 0  # both took part
    assert sum(s["changed"] for s in summaries) == due
    assert sum(s["sealed"] for s in summaries) == due
    assert sum(s["notices"] for s in summaries) == 2 * due and sum(s["copies_sealed"] for s in summaries) == due
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == due
    seal_rows = (SealingFile.history.filter(id__in=ids, status=FileStatus.SEALED).values("id")
                 .annotate(n=Count("history_id")).values_list("n", flat=True))
    assert sorted(seal_rows) == [1] * due  # one history row for each file's seal
    assert RecordSeal.history.filter(sealing_file_id__in=ids).count() == due
    notices = SealingNotice.objects.filter(sealing_file_id__in=ids)
    assert notices.count() == 2 * due and SealingNotice.history.filter(sealing_file_id__in=ids).count() == 2 * due
    assert notices.values("sealing_file", "to_agency").distinct().count() == 2 * due
    assert set(notices.values_list("to_agency", flat=True)) == {cast.procuratorate_x.pk, police.pk}
    assert notices.values("serial").distinct().count() == 2 * due


def _waiting_for_the_chunk_table() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached for the transaction otherwise
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"sealing_sweepchunk\"%'")
        return cursor.fetchone()[0]


def test_a_run_whose_last_chunk_finished_without_finishing_it_is_finished_when_sent_again(cast, police_x):
    build_due_files(2, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    run = sweep.start_run(as_of=TODAY, trigger=SweepRun.Trigger.SCHEDULE)
    for chunk in run.sweep_chunks.all():
        tasks.sweep_chunk(chunk.pk)
    assert sweep.summary(run)["state"] == "finished"
    SweepRun.objects.filter(pk=run.pk).update(state=SweepRun.State.RUNNING, finished_at=None)  # a crash in between
    tasks.plan_sweep(run.pk)
    assert sweep.summary(run)["state"] == "finished" and sweep.summary(run)["processed"] == 2


# --- failures and time limits -----------------------------------------------------------------------------

def test_a_failing_file_is_listed_and_the_run_finishes(cast, police_x, monkeypatch):
    ids = build_due_files(4, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    broken = SealingFile.objects.get(pk=ids[1]).defendant_id
    evaluate = services.evaluate_file

    def failing(defendant, **kwargs):
        if defendant.pk == broken:
            raise ValueError("the record store did not answer")
        return evaluate(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", failing)
    summary = sweep_as_of(TODAY)
    assert summary["state"] == "finished" and summary["processed"] == 4
    assert (summary["changed"], summary["failed"]) == (3, 1)
    assert summary["errors"] == [{"file": ids[1], "message": "ValueError: the record store did not answer"}]
    assert SealingFile.objects.get(pk=ids[1]).status == FileStatus.PENDING
    assert not RecordSeal.objects.filter(sealing_file_id=ids[1]).exists()  # its transaction rolled back
    monkeypatch.setattr(services, "evaluate_file", evaluate)
    assert sweep_as_of(TODAY)["changed"] == 1  # still due: the next run does it


def test_a_move_the_file_may_not_make_is_listed_not_swallowed(cast):
    file, _ = adult_case(cast, entered=TODAY)
    assert file.status == FileStatus.PROVISIONALLY_SEALED
    # the facts changed behind the services' back: now five years' imprisonment, never eligible; a
    # provisional seal only ends as final or revoked
    defendant = Defendant.objects.get(pk=file.defendant_id)
    defendant.charges.set(Charge.objects.filter(name="抢劫罪"))
    Defendant.objects.filter(pk=defendant.pk).update(sentence_kind="fixed_term", sentence_months=48)
    summary = sweep_as_of(OBSERVATION_END + dt.timedelta(days=1))
    file.refresh_from_db()
    assert file.status == FileStatus.PROVISIONALLY_SEALED
    assert summary["state"] == "finished" and summary["changed"] == 0 and summary["failed"] == 1
    assert summary["errors"] == [
        {"file": file.pk, "message": "a sealing file cannot go from provisionally_sealed to not_eligible"}]


def test_a_chunk_out_of_time_keeps_what_it_did_and_sends_the_rest(cast, police_x, monkeypatch):
    monkeypatch.setattr(sweep, "BATCH_SIZE", 1)  # file by file: the limit strikes after two files are committed
    ids = build_due_files(5, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    evaluate = services.evaluate_file
    calls = []

    def slow(defendant, **kwargs):
        calls.append(defendant.pk)
        if len(calls) == 3:  # the soft time limit strikes while the third file is under way
            raise SoftTimeLimitExceeded()
        return evaluate(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", slow)
    summary = sweep_as_of(TODAY)
    run = SweepRun.objects.get(pk=summary["run"])
    assert summary["state"] == "finished" and summary["failed"] == 0  # the interrupted file is not a failure
    assert (summary["processed"], summary["changed"], summary["sealed"]) == (5, 5, 5)
    chunks = list(run.sweep_chunks.order_by("number").values_list("ids", flat=True))
    assert chunks == [ids[:2], ids[2:]] and run.chunks == run.chunks_done == 2
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == 5


def test_a_chunk_that_used_its_time_budget_stops_between_two_files(cast, police_x, monkeypatch):
    monkeypatch.setattr(sweep, "BATCH_SIZE", 1)  # the budget is checked between two batches, here two files
    ids = build_due_files(3, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    monkeypatch.setattr(tasks, "CHUNK_BUDGET", 0)  # every file uses up the budget: one file per chunk
    summary = sweep_as_of(TODAY)
    run = SweepRun.objects.get(pk=summary["run"])
    assert list(run.sweep_chunks.order_by("number").values_list("ids", flat=True)) == [[i] for i in ids]
    assert summary["state"] == "finished" and (summary["processed"], summary["changed"]) == (3, 3)
    assert run.chunks == run.chunks_done == 3


def test_a_batch_cut_by_the_time_limit_is_rolled_back_and_sent_again_its_first_file_alone(cast, police_x,
                                                                                          monkeypatch):
    """The soft limit strikes in the middle of the chunk's first batch (one transaction): nothing of it stays;
    its first file goes on in a chunk of its own, the others in another; every file is sealed once."""
    ids = build_due_files(5, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    evaluate = services.evaluate_file
    calls = []

    def slow(defendant, **kwargs):
        calls.append(defendant.pk)
        if len(calls) == 3:
            raise SoftTimeLimitExceeded()
        return evaluate(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", slow)
    summary = sweep_as_of(TODAY)
    run = SweepRun.objects.get(pk=summary["run"])
    assert summary["state"] == "finished" and summary["failed"] == 0
    assert (summary["processed"], summary["changed"], summary["sealed"], summary["notices"]) == (5, 5, 5, 10)
    assert list(run.sweep_chunks.order_by("number").values_list("ids", flat=True)) == [[], ids[:1], ids[1:]]
    assert run.chunks == run.chunks_done == 3
    assert SealingFile.history.filter(id__in=ids).count() == 5  # the rolled-back batch left no history row


def test_a_file_that_alone_outlasts_the_time_limit_is_listed_and_the_rest_goes_on(cast, police_x, monkeypatch):
    ids = build_due_files(3, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    stuck = SealingFile.objects.get(pk=ids[0]).defendant_id
    evaluate = services.evaluate_file

    def slow(defendant, **kwargs):
        if defendant.pk == stuck:
            raise SoftTimeLimitExceeded()
        return evaluate(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", slow)
    summary = sweep_as_of(TODAY)
    assert summary["state"] == "finished" and summary["processed"] == 3
    assert (summary["changed"], summary["failed"]) == (2, 1)
    assert summary["errors"][0]["file"] == ids[0] and "soft time limit" in summary["errors"][0]["message"]


def test_time_limits_stay_below_the_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
    soft, hard = tasks.sweep_chunk.soft_time_limit, tasks.sweep_chunk.time_limit
    assert 0 < soft < hard and (visibility is None or hard < visibility)
    assert tasks.sweep_chunk.acks_late and tasks.sweep_chunk.reject_on_worker_lost
    assert tasks.chunk_time_limits(3600) == (240, 300)
    assert tasks.chunk_time_limits(None) == (240, 300)
    for visibility in (10, 11, 20, 45, 60, 599, 600, 601, 86400):
        soft, hard = tasks.chunk_time_limits(visibility)
        assert 0 < soft < hard <= visibility // 2
    with pytest.raises(ImproperlyConfigured):
        tasks.chunk_time_limits(9)
    assert 0 < tasks.CHUNK_BUDGET < tasks.CHUNK_SOFT_LIMIT
    assert tasks.stalled_after() > dt.timedelta(seconds=tasks.CHUNK_HARD_LIMIT)


def test_time_limits_follow_the_visibility_timeout_of_the_environment(tmp_path):
    """A worker started with CELERY_VISIBILITY_TIMEOUT=20 (the fault test's) gets limits below it."""
    env = dict(os.environ, REDIS_URL="redis://127.0.0.1:6379/7", CELERY_VISIBILITY_TIMEOUT="20",
               DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    code = ("import django; django.setup(); from django.conf import settings; from sealing import tasks; "
            "print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], "
            "tasks.sweep_chunk.soft_time_limit, tasks.sweep_chunk.time_limit)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
                         env=dict(env, DJANGO_SETTINGS_MODULE="config.settings")).stdout.split()
    assert out == ["20", "8", "10"]


# --- the command ------------------------------------------------------------------------------------------

def run_sweep_command(*args) -> tuple[int, dict]:
    out = io.StringIO()
    code = 0
    try:
        call_command("sweep", *args, stdout=out)
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def test_the_command_prints_one_summary_and_a_second_run_changes_nothing(cast, police_x):
    juvenile_case(cast)
    code, first = run_sweep_command("--as-of", EFFECTIVE.isoformat())
    assert code == 0 and first["changed"] == 1 and first["sealed"] == 1 and first["notices"] == 2
    assert first["trigger"] == "command" and first["state"] == "finished" and first["as_of"] == "2026-07-01"
    assert first["started_at"] <= first["finished_at"] and first["errors"] == []
    code, second = run_sweep_command("--as-of", EFFECTIVE.isoformat())
    assert code == 0 and second["changed"] == 0 and second["selected"] == 0


def test_the_command_refuses_a_bad_date(db):
    code, error = run_sweep_command("--as-of", "2026-02-30")
    assert code == 2 and error == {"error": "not a date (YYYY-MM-DD)", "field": "as_of"}
    assert not SweepRun.objects.exists()


@pytest.mark.parametrize("year", ["0001", "1899", "2201", "9999"])
def test_the_command_refuses_a_year_the_calendar_cannot_reckon_with(db, year):
    code, error = run_sweep_command("--as-of", f"{year}-12-31")
    assert code == 2 and error == {"error": "the year must be between 1900 and 2200", "field": "as_of"}
    assert not SweepRun.objects.exists()


# --- lean per file ----------------------------------------------------------------------------------------

QUERIES_PER_FILE = 24  # measured 20 on PostgreSQL (a batch of one file; 38 before the batches)


def test_queries_per_file_are_bounded(cast, police_x):
    """A due juvenile file alone (a batch of one, as a failing batch is done again): lock, evaluate (facts,
    rules, write, history), seal the court's copy, two notices with serials, the run's counters. The count
    does not grow with the number of files (no N+1)."""
    ids = build_due_files(11, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    run = sweep.start_run(as_of=TODAY, trigger=SweepRun.Trigger.COMMAND)
    chunk = SweepChunk.objects.select_related("run").get(run=run)
    sweep.process(chunk, ids[0])  # the first file warms the policy and the serial counter
    with CaptureQueriesContext(connection) as queries:
        for file_id in ids[1:]:
            sweep.process(chunk, file_id)
    per_file = len(queries.captured_queries) / 10
    print(f"sweep: {per_file:.1f} queries per file on {connection.vendor}")
    assert per_file <= QUERIES_PER_FILE
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == 11


def _queries_of_a_sweep(count: int, day: dt.date, cast) -> int:
    ids = build_due_files(count, as_of=day, court=cast.agency_a, user=cast.clerk_a, prefix=f"Q{count}")
    with CaptureQueriesContext(connection) as queries:
        summary = sweep.run_inline(as_of=day)
    assert (summary["changed"], summary["sealed"], summary["notices"], summary["failed"]) == (count, count, 2 * count, 0)
    assert SealingFile.objects.filter(pk__in=ids, status=FileStatus.SEALED).count() == count
    return len(queries.captured_queries)


QUERIES_PER_BATCH = 45  # measured 38 on PostgreSQL for a whole run of one batch (the run, its chunk, the summary)


def test_the_queries_of_a_batch_do_not_grow_with_its_files(cast, police_x):
    """A batch (a chunk's files in one transaction) reads the facts and writes the seals, notices, serials and
    history rows in bulk: sweeping 40 due files costs the queries of sweeping 10."""
    ten = _queries_of_a_sweep(10, TODAY, cast)
    forty = _queries_of_a_sweep(40, TODAY + dt.timedelta(days=1), cast)
    print(f"sweep: {ten} queries for 10 due files, {forty} for 40 on {connection.vendor}")
    assert forty <= ten + 2 and forty <= QUERIES_PER_BATCH


def test_a_batch_with_a_failing_file_seals_the_others_and_lists_the_failure(cast, police_x, monkeypatch):
    """One file of the batch fails: the batch's transaction is rolled back (no history row, no serial used)
    and its files are done again one per transaction: the others sealed once, with their copy, their two
    notices with serials that follow each other, one history row each; the failing file listed and left
    as it was, still due."""
    ids = build_due_files(6, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    broken = SealingFile.objects.get(pk=ids[2]).defendant_id
    evaluate = services.evaluate_file

    def failing(defendant, **kwargs):
        if defendant.pk == broken:
            raise ValueError("the record store did not answer")
        return evaluate(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", failing)
    summary = sweep_as_of(TODAY)
    assert summary["state"] == "finished" and summary["processed"] == 6
    assert (summary["changed"], summary["sealed"], summary["failed"]) == (5, 5, 1)
    assert (summary["notices"], summary["copies_sealed"]) == (10, 5)
    assert summary["errors"] == [{"file": ids[2], "message": "ValueError: the record store did not answer"}]
    others = [i for i in ids if i != ids[2]]
    assert SealingFile.objects.filter(pk__in=others, status=FileStatus.SEALED).count() == 5
    assert SealingFile.objects.get(pk=ids[2]).status == FileStatus.PENDING
    assert sorted(SealingFile.history.filter(id__in=ids).values_list("id", flat=True)) == sorted(others)
    assert set(SealingFile.history.filter(id__in=ids).values_list("history_change_reason", flat=True)) == {
        "re-evaluated by the sealing sweep"}
    assert RecordSeal.history.filter(sealing_file_id__in=ids).count() == 5
    assert not RecordSeal.objects.filter(sealing_file_id=ids[2]).exists()
    notices = SealingNotice.objects.filter(sealing_file_id__in=ids)
    assert notices.count() == SealingNotice.history.filter(sealing_file_id__in=ids).count() == 10
    numbers = sorted(int(serial.rsplit("-", 1)[1]) for serial in notices.values_list("serial", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 10))  # the rolled-back batch's block is not lost
    monkeypatch.setattr(services, "evaluate_file", evaluate)
    again = sweep_as_of(TODAY)
    assert (again["changed"], again["failed"]) == (1, 0)  # still due: the next run does it
