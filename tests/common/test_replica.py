"""The read replica: reads go there only inside ``reading_from_replica()`` (the supervision console), every write
and every read inside a transaction stays on the primary.

The "replica" alias is the test database on a connection of its own (config/settings_test.py, Django's TEST
MIRROR); the tests install the router as REPLICA_DATABASE_URL would. They commit (transactional database): the
replica's connection sees only committed rows, as a real replica does."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Agency, Region
from audit.models import AuditEntry
from common.replica import reading_from_replica, replica_reads_wanted
from sealing.disclosure import log_read
from sealing.models import AccessLog
from tests.cast import make_cast
from tests.test_settings import fresh_settings

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(autouse=True)
def _router(settings):
    settings.DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]


class Captured:
    def __init__(self, primary, replica):
        self._primary, self._replica = primary, replica

    @property
    def primary(self) -> list[str]:
        return [q["sql"] for q in self._primary.captured_queries]

    @property
    def replica(self) -> list[str]:
        return [q["sql"] for q in self._replica.captured_queries]


@contextmanager
def queries():
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        yield Captured(primary, replica)


def on(sqls: list[str], table: str) -> list[str]:
    return [sql for sql in sqls if f'"{table}"' in sql]


def writes(sqls: list[str]) -> list[str]:
    return [sql for sql in sqls if sql.lstrip().upper().startswith(WRITES)]


def test_reads_go_to_the_replica_only_inside_the_context():
    make_cast()
    with queries() as q:
        before = Region.objects.count()
        with reading_from_replica():
            assert replica_reads_wanted()
            inside = Region.objects.count()
        after = Region.objects.count()
    assert before == inside == after > 0
    assert len(on(q.replica, "accounts_region")) == 1
    assert len(on(q.primary, "accounts_region")) == 2


def test_the_decorator_form_and_nesting():
    @reading_from_replica()
    def figures():
        with reading_from_replica():
            pass
        return Region.objects.count()  # still inside the outer context

    make_cast()
    with queries() as q:
        figures()
    assert on(q.replica, "accounts_region") and not on(q.primary, "accounts_region")
    assert not replica_reads_wanted()


def test_a_write_inside_the_context_goes_to_the_primary():
    region = make_cast().agency_a.region
    with queries() as q, reading_from_replica():
        agency = Agency.objects.create(name="越秀区司法局", kind=Agency.Kind.JUSTICE, region=region)
        loaded = Agency.objects.get(pk=agency.pk)  # read on the replica (committed: no transaction here)
        assert loaded._state.db == "replica"
        loaded.name = "越秀区司法局（新）"
        loaded.save()  # an object read from the replica is still written to the primary
    assert not writes(q.replica)
    assert [sql.split()[0] for sql in on(writes(q.primary), "accounts_agency")] == ["INSERT", "UPDATE"]
    assert Agency.objects.get(pk=agency.pk).name == "越秀区司法局（新）"


def test_a_transaction_inside_the_context_reads_the_primary():
    make_cast()
    with queries() as q, reading_from_replica():
        with transaction.atomic():
            Region.objects.count()
            list(Region.objects.select_for_update().all()[:1])
    assert not q.replica
    assert len(on(q.primary, "accounts_region")) == 2


def test_a_related_object_of_a_replica_row_is_read_on_the_primary_outside_the_context():
    make_cast()
    with reading_from_replica():
        agency = Agency.objects.order_by("pk").first()
    with queries() as q:
        agency.region  # noqa: B018  (loads the foreign key)
    assert on(q.primary, "accounts_region") and not q.replica


def test_an_access_log_write_inside_the_context_goes_to_the_primary():
    cast = make_cast()
    with queries() as q, reading_from_replica():
        log = log_read(cast.supervisor_x, reason="核实")
    assert not q.replica  # the row, and its audit entry chained to the last one, read and written on the primary
    assert on(writes(q.primary), "sealing_accesslog") and on(writes(q.primary), "audit_auditentry")
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_the_flag_holds_for_its_own_thread_only():
    make_cast()
    seen = {}

    def other_request():
        seen["wanted"] = replica_reads_wanted()
        seen["db"] = Region.objects.all()[:1].get()._state.db
        connections.close_all()

    with reading_from_replica():
        thread = threading.Thread(target=other_request)
        thread.start()
        thread.join()
    assert seen == {"wanted": False, "db": "default"}


def test_the_console_reads_its_figures_from_the_replica(client):
    cast = make_cast()
    client.force_login(cast.supervisor_x)
    with queries() as q:
        response = client.get(reverse("oversight:console"))
    assert response.status_code == 200
    assert on(q.replica, "accounts_agency")  # the agencies supervised
    for table in ("sealing_sealingnotice", "oversight_finding", "sealing_accesslog"):  # the figures
        assert on(q.replica, table), table
        assert not on(q.primary, table), table
    assert not writes(q.replica)
    # the request's own reads (session, the user and the agency the permission check reads) stay on the primary
    assert on(q.primary, "django_session") and on(q.primary, "accounts_user")


def test_the_console_export_reads_from_the_replica_and_audits_on_the_primary(client):
    cast = make_cast()
    client.force_login(cast.supervisor_x)
    entries = AuditEntry.objects.count()
    with queries() as q:
        response = client.get(reverse("oversight:console_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert on(q.replica, "sealing_sealingnotice") and not on(q.primary, "sealing_sealingnotice")
    assert not writes(q.replica) and not on(q.replica, "audit_auditentry")
    assert on(writes(q.primary), "audit_auditentry")
    assert AuditEntry.objects.count() == entries + 1


def test_without_a_replica_url_one_database_and_no_router(monkeypatch):
    monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
    plain = fresh_settings(monkeypatch)
    assert set(plain["DATABASES"]) == {"default"} and "DATABASE_ROUTERS" not in plain
    replica = fresh_settings(monkeypatch, DATABASE_URL="postgres://app@primary:5432/fengcun",
                             REPLICA_DATABASE_URL="postgres://reader@standby:5432/fengcun")
    assert replica["DATABASES"]["replica"]["HOST"] == "standby"
    assert replica["DATABASES"]["default"]["HOST"] == "primary"
    assert replica["DATABASE_ROUTERS"] == ["config.routers.ReplicaRouter"]
