"""Retention: entries older than 180 days go, the kept chain still verifies from its new start, and a purge
that would keep less than the law's six months is refused."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from audit import services
from audit.models import AuditEntry, AuditKind
from audit.services import append_only_lifted
from audit.tasks import purge_audit
from sealing import disclosure
from tests.audit.conftest import tamper, verify_audit

AS_OF = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.timezone.utc)
CUTOFF = dt.datetime(2026, 6, 4, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # AS_OF - 180 days, Beijing


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def old_and_new(cast, record):
    """Whatever set-up wrote (today's clock), then entries written on fixed dates around the cut-off; the
    set-up's entries are moved into the distant past so the cut is exactly where the test says."""
    with append_only_lifted():
        AuditEntry.objects.update(at=_at(dt.date(2025, 1, 1)))
    old = [services.record_security_event(AuditKind.EXPORT, detail={"n": n}, at=_at(dt.date(2026, 6, 2)))
           for n in range(3)]
    read = disclosure.log_read(cast.clerk_a, record=record)
    with append_only_lifted():
        AuditEntry.objects.filter(access_log_id=read.pk).update(at=_at(dt.date(2026, 6, 3), 23))
    boundary = services.record_security_event(AuditKind.EXPORT, detail={"n": 9}, at=CUTOFF)
    new = [services.record_security_event(AuditKind.EXPORT, detail={"n": n}, at=_at(dt.date(2026, 11, 30)))
           for n in range(2)]
    # the tamper above changed the read's entry: rebuild a clean chain with the same times
    _rehash_all()
    return old, read, boundary, new


def _rehash_all():
    """Recompute every hash in order (the fixture moved times; this is what an honest writer would have)."""
    from audit import chain
    from audit.models import AuditHead

    prev = chain.GENESIS
    for entry in AuditEntry.objects.order_by("seq").values():
        fields = {k: v for k, v in entry.items() if k != "hash"}
        fields["prev_hash"] = prev
        prev = chain.entry_hash(**fields)
        tamper("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
               [fields["prev_hash"], prev, entry["seq"]])
    AuditHead.objects.filter(pk=1).update(last_hash=prev)


def test_the_chain_fixture_verifies(old_and_new):
    assert verify_audit()[0] == 0


def test_entries_older_than_180_days_are_purged_and_the_chain_verifies_from_its_new_start(old_and_new):
    old, read, boundary, new = old_and_new
    summary = services.purge(as_of=AS_OF, retention_days=180, now=NOW)
    assert summary["start_seq"] == boundary.seq and summary["deleted"] == boundary.seq - 1
    assert AuditEntry.objects.order_by("seq").first().seq == boundary.seq
    assert not AuditEntry.objects.filter(at__lt=CUTOFF).exists()
    purge = AuditEntry.objects.get(seq=summary["purge_seq"])
    assert purge.kind == AuditKind.PURGE and purge.at == NOW
    assert purge.detail["start_prev_hash"] == AuditEntry.objects.get(seq=boundary.seq).prev_hash
    assert purge.detail["access_log_floor"] == read.pk
    code, result, err = verify_audit()
    assert code == 0, (result, err)
    assert result["first_seq"] == boundary.seq


def test_the_access_log_itself_is_kept(old_and_new):
    _old, read, _boundary, _new = old_and_new
    services.purge(as_of=AS_OF, retention_days=180, now=NOW)
    assert read.__class__.objects.filter(pk=read.pk).exists()


def test_a_second_purge_on_the_same_day_changes_nothing(old_and_new):
    services.purge(as_of=AS_OF, retention_days=180, now=NOW)
    count = AuditEntry.objects.count()
    assert services.purge(as_of=AS_OF, retention_days=180, now=NOW)["deleted"] == 0
    assert AuditEntry.objects.count() == count


def test_a_longer_retention_keeps_more(old_and_new):
    assert services.purge(as_of=AS_OF, retention_days=365, now=NOW)["deleted"] > 0  # only the 2025 set-up
    assert AuditEntry.objects.filter(at__lt=CUTOFF, at__gte=_at(dt.date(2026, 1, 1))).exists()


def test_purging_everything_starts_the_chain_at_the_purge_entry(old_and_new):
    summary = services.purge(as_of=dt.date(2028, 1, 1), retention_days=180, now=NOW)
    assert AuditEntry.objects.count() == 1 and summary["start_seq"] == summary["purge_seq"]
    assert verify_audit()[0] == 0


def test_deleting_entries_after_a_purge_is_still_caught(old_and_new):
    summary = services.purge(as_of=AS_OF, retention_days=180, now=NOW)
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [summary["start_seq"]])
    code, result, _err = verify_audit()
    assert code == 1 and result["broken"]["seq"] == summary["start_seq"] and result["broken"]["code"] == "missing"


def test_less_than_180_days_is_refused(db):
    with pytest.raises(services.AuditError):
        services.purge(as_of=AS_OF, retention_days=179, now=NOW)


def test_the_task_and_the_command_purge_with_the_configured_retention(old_and_new, settings):
    settings.FENGCUN_AUDIT_RETENTION_DAYS = 180
    assert purge_audit.delay(as_of=AS_OF.isoformat()).get()["deleted"] > 0
    out = io.StringIO()
    call_command("purge_audit", "--as-of", AS_OF.isoformat(), stdout=out)
    assert json.loads(out.getvalue())["deleted"] == 0


@pytest.mark.parametrize("args, days, field", [(["--as-of", "2026-13-01"], 180, "as_of"),
                                               (["--as-of", "2026-12-01"], 90, "FENGCUN_AUDIT_RETENTION_DAYS")])
def test_the_command_refuses_bad_input_with_a_json_error(db, settings, args, days, field):
    settings.FENGCUN_AUDIT_RETENTION_DAYS = days
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("purge_audit", *args, stdout=out, stderr=io.StringIO())
    assert exit_.value.code == 2 and json.loads(out.getvalue())["field"] == field


def test_the_purge_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="audit.purge")
    assert task.enabled and task.crontab.hour == "3" and task.crontab.day_of_month == "*"


def test_a_retention_under_180_days_fails_the_system_checks(settings):
    from audit.checks import retention_is_long_enough

    settings.FENGCUN_AUDIT_RETENTION_DAYS = 120
    assert [e.id for e in retention_is_long_enough()] == ["audit.E001"]
    settings.FENGCUN_AUDIT_RETENTION_DAYS = 180
    assert retention_is_long_enough() == []
