"""verify_audit: an untouched chain passes; a modified, a deleted and a reordered entry are each named, and so
is an access-log row changed, deleted or written behind the chain's back."""
import pytest

from audit import services
from audit.models import AuditEntry, AuditHead, AuditKind
from sealing import disclosure
from sealing.models import AccessLog
from tests.audit.conftest import T0, tamper, verify_audit


@pytest.fixture
def trail(cast, record):
    """Ten entries after whatever the cast's set-up wrote: reads of sealed content and security events."""
    entries = []
    for n in range(10):
        if n % 3 == 0:
            log = disclosure.log_read(cast.clerk_a, record=record, reference=f"R-{n}")
            entries.append(AuditEntry.objects.get(access_log_id=log.pk))
        else:
            entries.append(services.record_security_event(AuditKind.EXPORT, actor=cast.supervisor_x,
                                                          detail={"rows": n}, at=T0))
    return entries


def test_an_untouched_chain_passes(trail):
    code, summary, err = verify_audit()
    assert code == 0, (summary, err)
    assert summary["ok"] is True and summary["last_seq"] == trail[-1].seq and summary["access_log_rows"] >= 4
    assert summary["entries"] == AuditEntry.objects.count()


def test_a_modified_entry_is_named(trail):
    victim = trail[4]
    tamper('UPDATE audit_auditentry SET detail = %s WHERE seq = %s', ['{"rows": 400}', victim.seq])
    code, summary, err = verify_audit()
    assert code == 1
    assert summary["broken"]["seq"] == victim.seq and summary["broken"]["code"] == "modified"
    assert f"entry {victim.seq}" in err


def test_a_deleted_entry_is_named(trail):
    victim = trail[5]
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [victim.seq])
    code, summary, _err = verify_audit()
    assert code == 1
    assert summary["broken"] == {"seq": victim.seq, "code": "missing",
                                 "message": f"entry {victim.seq} missing (deleted)"}


def test_a_deleted_entry_whose_followers_were_renumbered_breaks_the_link(trail):
    victim = trail[5]
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [victim.seq])
    for entry in trail[6:]:
        tamper("UPDATE audit_auditentry SET seq = seq - 1 WHERE seq = %s", [entry.seq])
    tamper("UPDATE audit_audithead SET last_seq = last_seq - 1")
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == victim.seq
    assert summary["broken"]["code"] == "link_broken"


def test_a_reordered_entry_is_named(trail):
    a, b = trail[6], trail[7]
    tamper("UPDATE audit_auditentry SET seq = 0 WHERE seq = %s", [a.seq])
    tamper("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    tamper("UPDATE audit_auditentry SET seq = %s WHERE seq = 0", [b.seq])
    code, summary, err = verify_audit()
    assert code == 1
    assert summary["broken"]["seq"] == a.seq and summary["broken"]["code"] == "link_broken"
    assert "reordered" in summary["broken"]["message"] and f"entry {a.seq}" in err


def test_an_entry_deleted_at_the_end_is_named(trail):
    tamper("DELETE FROM audit_auditentry WHERE seq = %s", [trail[-1].seq])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == trail[-1].seq and summary["broken"]["code"] == "missing"


def test_the_first_entries_deleted_are_named(trail):
    first = AuditEntry.objects.order_by("seq").first().seq
    tamper("DELETE FROM audit_auditentry WHERE seq <= %s", [first + 1])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == first and summary["broken"]["code"] == "missing"


def test_an_access_log_row_modified_behind_the_chain_is_named(trail):
    mirrored = trail[3]
    tamper("UPDATE sealing_accesslog SET user_id = %s WHERE id = %s",
           [AuditEntry.objects.filter(actor_id__isnull=False).exclude(actor_id=mirrored.actor_id).first().actor_id,
            mirrored.access_log_id])
    code, summary, _err = verify_audit()
    assert code == 1
    assert summary["broken"] == {"seq": mirrored.seq, "code": "access_log_modified",
                                 "access_log_id": mirrored.access_log_id,
                                 "message": f"access-log row {mirrored.access_log_id} of entry {mirrored.seq} "
                                            f"has been modified"}


def test_an_access_log_row_deleted_is_named(trail):
    mirrored = trail[6]
    tamper("DELETE FROM sealing_accesslog WHERE id = %s", [mirrored.access_log_id])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["code"] == "access_log_deleted"
    assert summary["broken"]["access_log_id"] == mirrored.access_log_id


def test_an_access_log_row_written_behind_the_chain_is_named(trail, cast, record):
    row = AccessLog.objects.create(user=cast.clerk_b, record=record)  # not through disclosure.log_read
    code, summary, _err = verify_audit()
    assert code == 1
    assert summary["broken"]["code"] == "access_log_unchained" and summary["broken"]["access_log_id"] == row.pk


def test_a_corrupt_value_is_a_broken_entry_not_a_traceback(trail):
    tamper("UPDATE audit_auditentry SET detail = %s WHERE seq = %s", ['[1.5, "x"]', trail[2].seq])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == trail[2].seq


def test_small_chunks_walk_the_same_chain(trail):
    assert verify_audit("--chunk", "3")[:2] == verify_audit()[:2]


@pytest.mark.parametrize("chunk", ["0", "many"])
def test_a_bad_chunk_size_is_a_json_error(db, chunk):
    code, error, _err = verify_audit("--chunk", chunk)
    assert code == 2 and error["field"] == "chunk"


def test_an_empty_trail_passes(db):
    tamper("DELETE FROM audit_auditentry")
    AuditHead.objects.all().delete()
    code, summary, _err = verify_audit()
    assert code == 0 and summary["entries"] == 0


def test_the_first_problem_in_sequence_order_is_named(trail):
    """An access-log row changed under entry 3 and entry 8 modified, both in one chunk: entry 3's comes first."""
    mirrored, later = trail[3], trail[8]
    tamper("UPDATE sealing_accesslog SET reference = %s WHERE id = %s", ["X", mirrored.access_log_id])
    tamper("UPDATE audit_auditentry SET detail = %s WHERE seq = %s", ['{"rows": 0}', later.seq])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == mirrored.seq
    assert summary["broken"]["code"] == "access_log_modified"


def test_the_last_entry_rewritten_with_a_fresh_hash_is_caught_by_the_head(trail):
    from audit import chain

    last = AuditEntry.objects.values().get(seq=trail[-1].seq)
    forged = {**{k: v for k, v in last.items() if k != "hash"}, "detail": {"rows": 0}}
    tamper("UPDATE audit_auditentry SET detail = %s, hash = %s WHERE seq = %s",
           ['{"rows": 0}', chain.entry_hash(**forged), last["seq"]])
    code, summary, _err = verify_audit()
    assert code == 1 and summary["broken"]["seq"] == last["seq"] and summary["broken"]["code"] == "modified"


def test_a_purge_entry_that_no_longer_says_where_the_chain_starts_is_named(trail):
    purge = services.purge(as_of=trail[0].at.date(), retention_days=180, now=T0)  # nothing is that old
    assert purge["deleted"] == 0
    entry = services.append(AuditKind.PURGE, detail={"start_seq": "one"}, at=T0)
    code, summary, err = verify_audit()
    assert code == 1 and summary["broken"] == {"seq": entry.seq, "code": "modified", "message":
                                               f"entry {entry.seq} (a purge) does not say where the chain starts"}
    assert "Traceback" not in err


def test_verifying_writes_nothing(trail, no_writes):
    assert verify_audit()[0] == 0
