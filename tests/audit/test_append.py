"""Appending: consecutive numbers, each entry linked to the previous one, reads mirrored with their digest."""
import pytest
from django.db import transaction

from audit import chain, services
from audit.models import AuditEntry, AuditHead, AuditKind
from sealing import disclosure
from sealing.models import AccessAction, AccessLog
from tests.audit.conftest import T0


def test_appends_get_consecutive_numbers_and_link_to_the_previous_hash(db):
    before = AuditHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first() or (0, chain.GENESIS)
    first = services.append(AuditKind.KEY_ROTATION, detail={"values": 3}, at=T0)
    second = services.append(AuditKind.KEY_ROTATION, detail={"values": 0}, at=T0)
    assert (first.seq, second.seq) == (before[0] + 1, before[0] + 2)
    assert first.prev_hash == before[1] and second.prev_hash == first.hash
    assert AuditHead.objects.get(pk=1).last_hash == second.hash
    stored = AuditEntry.objects.values().get(seq=second.seq)
    assert chain.entry_hash(**{k: v for k, v in stored.items() if k != "hash"}) == second.hash


def test_an_entry_rolls_back_with_its_event(db):
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.append(AuditKind.EXPORT, detail={"rows": 1}, at=T0)
        raise RuntimeError
    assert AuditEntry.objects.count() == count
    after = services.append(AuditKind.EXPORT, detail={"rows": 1}, at=T0)
    assert not AuditEntry.objects.filter(seq__gt=after.seq).exists()
    assert after.prev_hash == AuditEntry.objects.get(seq=after.seq - 1).hash if after.seq > 1 else chain.GENESIS


def test_the_head_row_is_recreated_where_the_chain_ends(db):
    last = services.append(AuditKind.EXPORT, detail={}, at=T0)
    AuditHead.objects.all().delete()
    following = services.append(AuditKind.EXPORT, detail={}, at=T0)
    assert (following.seq, following.prev_hash) == (last.seq + 1, last.hash)


def test_unknown_kinds_and_unsafe_details_are_refused(db):
    with pytest.raises(services.AuditError):
        services.append("coffee_break", at=T0)
    with pytest.raises(services.AuditError):
        services.record_security_event(AuditKind.READ, at=T0)  # reads come from the access log only
    with pytest.raises(TypeError):
        services.append(AuditKind.EXPORT, detail={"share": 0.5}, at=T0)


def test_every_access_log_row_is_mirrored_with_its_digest(cast, record):
    log = disclosure.log_read(cast.clerk_a, record=record, reason="核对前科，当事人张三", reference="Q-1")
    entry = AuditEntry.objects.get(access_log_id=log.pk)
    assert entry.kind == AuditKind.READ and entry.actor_id == cast.clerk_a.pk
    assert (entry.object_type, entry.object_id) == ("sealing.record", str(record.pk))
    row = AccessLog.objects.values(*chain.ACCESS_LOG_FIELDS).get(pk=log.pk)
    assert entry.access_log_digest == chain.access_log_digest(row)
    # ids only: what the user typed (it may name a person) stays in the access log
    assert "张三" not in str(entry.detail) and "Q-1" not in str(entry.detail)


def test_a_break_the_glass_read_is_its_own_kind(cast, record):
    log = disclosure.log_read(cast.clerk_a, action=AccessAction.BREAK_GLASS, defendant=record.defendant,
                              reason="紧急核查案件情况需要")
    entry = AuditEntry.objects.get(access_log_id=log.pk)
    assert entry.kind == AuditKind.BREAK_GLASS
    assert (entry.object_type, entry.object_id) == ("sealing.defendant", str(record.defendant_id))
