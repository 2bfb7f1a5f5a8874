"""common.bulk: the sweep's bulk writes leave the rows and their history as save() would (issue 16 part 3)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from common.bulk import update_rows, write_history
from sealing.models import FileStatus, SealingFile
from tests.cast import TODAY
from tests.sweepdata import build_due_files


def test_update_rows_writes_what_the_objects_hold_and_the_history_follows(cast):
    ids = build_due_files(3, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    files = list(SealingFile.objects.filter(pk__in=ids).order_by("pk"))
    when = timezone.now().replace(microsecond=123456)
    for number, file in enumerate(files):
        file.status = FileStatus.SEALED
        file.evaluated_at = when
        file.evaluated_as_of = TODAY
        file.next_change = None if number else TODAY + dt.timedelta(days=1)
        file.eligible = [True, False, None][number]
        file.missing = ["birth_date"] if number == 2 else []
        file.decision = {**file.decision, "status": "sealed", "note": f"引号\"与'换行\n{number}"}
        file._change_reason = "re-evaluated by the sealing sweep"
    files[0]._history_user = cast.clerk_a
    update_rows(SealingFile, files, ["status", "evaluated_at", "evaluated_as_of", "next_change", "eligible", "missing",
                                     "decision"])
    write_history(SealingFile, files, update=True)
    for file in files:
        row = SealingFile.objects.get(pk=file.pk)
        for name in ("status", "evaluated_at", "evaluated_as_of", "next_change", "eligible", "missing", "decision"):
            assert getattr(row, name) == getattr(file, name), name
        history = SealingFile.history.get(id=file.pk)
        assert history.history_type == "~" and history.history_change_reason == "re-evaluated by the sealing sweep"
        assert history.decision == file.decision and history.evaluated_at == when
        assert history.history_user_id == (cast.clerk_a.pk if file is files[0] else None)


def test_insert_rows_writes_what_the_objects_hold_and_gives_them_their_keys(cast):
    from common.bulk import insert_rows
    from sealing.models import NoticeBasis, SealingNotice

    ids = build_due_files(2, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    sent_at = timezone.now().replace(microsecond=654321)
    notices = [SealingNotice(serial=f"FCTZ-2026-{900000 + n}", sealing_file_id=file_id, from_agency_id=cast.agency_a.pk,
                             to_agency_id=cast.procuratorate_x.pk, basis=NoticeBasis.RECEIPT, sent_on=TODAY,
                             sent_at=sent_at, deadline=TODAY + dt.timedelta(days=n), withdrawn_reason="")
               for n, file_id in enumerate(ids)]
    for notice in notices:
        notice._change_reason = "sealing notice sent"
    insert_rows(SealingNotice, notices)
    write_history(SealingNotice, notices, update=False)
    for notice in notices:
        assert notice.pk and not notice._state.adding
        row = SealingNotice.objects.get(pk=notice.pk)
        assert (row.serial, row.sealing_file_id, row.sent_at, row.deadline, row.received_at, row.execution_end) == (
            notice.serial, notice.sealing_file_id, sent_at, notice.deadline, None, None)
        history = SealingNotice.history.get(id=notice.pk)
        assert (history.history_type, history.history_change_reason, history.serial) == (
            "+", "sealing notice sent", notice.serial)


def test_write_history_keeps_each_objects_reason_and_order(cast):
    ids = build_due_files(4, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    files = list(SealingFile.objects.filter(pk__in=ids).order_by("-pk"))
    for number, file in enumerate(files):
        file._change_reason = f"reason {number}" if number != 2 else None
        file._history_user = cast.clerk_a if number % 2 else None
    write_history(SealingFile, files, update=True)
    written = list(SealingFile.history.filter(id__in=ids, history_type="~").order_by("history_id")
                   .values_list("id", "history_change_reason", "history_user_id"))
    by_user = {None: [], cast.clerk_a.pk: []}
    for pk, reason, user_id in written:
        by_user[user_id].append((pk, reason))
    # each user's rows in the objects' order, each with its own reason (none: empty)
    assert by_user == {None: [(files[0].pk, "reason 0"), (files[2].pk, "")],
                       cast.clerk_a.pk: [(files[1].pk, "reason 1"), (files[3].pk, "reason 3")]}


@pytest.mark.postgres
def test_analyze_gives_the_planner_the_rows_the_transaction_wrote(cast):
    from django.db import connection

    from common.bulk import analyze
    from tests.services import require_postgres

    require_postgres()
    build_due_files(30, as_of=TODAY, court=cast.agency_a, user=cast.clerk_a)
    analyze(SealingFile)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [SealingFile._meta.db_table])
        assert cursor.fetchone()[0] >= 30
