"""The database refuses UPDATE and DELETE on the audit trail and the access log (PostgreSQL's trigger), except
inside the purge's lifted block."""
import pytest
from django.db import DatabaseError, transaction

from audit import services
from audit.models import AuditEntry, AuditKind
from sealing import disclosure
from sealing.models import AccessLog
from tests.audit.conftest import T0
from tests.services import require_postgres

pytestmark = pytest.mark.postgres


@pytest.fixture
def entry(db):
    require_postgres()
    return services.record_security_event(AuditKind.EXPORT, detail={"rows": 1}, at=T0)


def test_an_update_of_an_entry_is_refused(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).update(detail={"rows": 2})
    assert AuditEntry.objects.get(seq=entry.seq).detail == {"rows": 1}


def test_a_delete_of_an_entry_is_refused(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).delete()
    assert AuditEntry.objects.filter(seq=entry.seq).exists()


def test_access_log_rows_cannot_be_changed_or_deleted(entry, cast, record):
    log = disclosure.log_read(cast.clerk_a, record=record)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=log.pk).update(reason="")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=log.pk).delete()


def test_the_lift_ends_with_its_block(entry):
    with services.append_only_lifted():
        AuditEntry.objects.filter(seq=entry.seq).update(detail={"rows": 2})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=entry.seq).update(detail={"rows": 3})
    assert AuditEntry.objects.get(seq=entry.seq).detail == {"rows": 2}
