"""Concurrent writers (PostgreSQL, threads with their own connections) get consecutive numbers and a chain
that verifies."""
import threading

import pytest
from django.db import connection

from audit import services
from audit.models import AuditEntry, AuditKind
from audit.verify import verify
from tests.audit.conftest import T0
from tests.services import require_postgres

WRITERS, EACH = 8, 5


@pytest.mark.postgres
def test_concurrent_appends_get_consecutive_numbers_and_verify(transactional_db):
    require_postgres()
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    barrier, errors = threading.Barrier(WRITERS), []

    def write(n):
        try:
            barrier.wait(timeout=30)
            for i in range(EACH):
                services.record_security_event(AuditKind.EXPORT, detail={"writer": n, "i": i}, at=T0)
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    seqs = list(AuditEntry.objects.filter(seq__gt=start).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(start + 1, start + WRITERS * EACH + 1))
    assert {(e["writer"], e["i"]) for e in AuditEntry.objects.filter(seq__gt=start).values_list("detail", flat=True)} \
        == {(n, i) for n in range(WRITERS) for i in range(EACH)}
    report = verify()
    assert report.ok, report.to_dict()
