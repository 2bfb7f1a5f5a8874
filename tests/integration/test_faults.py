"""Faults in the middle of a request, on the real PostgreSQL: the connection dropped inside a service call
rolls back everything the call wrote and ends on a clear page (503, try again), and the next request works."""
from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from sealing import services
from sealing.models import Case, Defendant, Person
from tests.cast import make_cast
from tests.sealing.test_case_entry import post_data
from tests.services import require_postgres

pytestmark = [pytest.mark.postgres]


def terminate_own_backend() -> None:
    """Cut this connection from the server side, as a restart or a network cut would."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}},
                         autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_connection_dropped_inside_case_entry_rolls_back_and_shows_a_clear_page(transactional_db, client,
                                                                                    monkeypatch):
    require_postgres()
    cast = make_cast()
    client.force_login(cast.clerk_a)
    real = services.evaluate_file
    calls = []

    def cut_then_evaluate(defendant, **kwargs):
        calls.append(defendant.pk)
        assert Case.objects.filter(pk=defendant.case_id).exists()  # the case row is written, not committed
        terminate_own_backend()
        return real(defendant, **kwargs)

    monkeypatch.setattr(services, "evaluate_file", cut_then_evaluate)
    response = client.post(reverse("sealing:case_create"), post_data())
    assert calls, "the service was not reached"
    assert response.status_code == 503 and response["Retry-After"] == "30"
    page = response.content.decode()
    assert "本次操作已全部撤销" in page and "被告人1" not in page
    # nothing of the case was committed; the next request gets a new connection and works
    assert not Case.objects.exists() and not Defendant.objects.exists() and not Person.objects.exists()
    monkeypatch.setattr(services, "evaluate_file", real)
    again = client.post(reverse("sealing:case_create"), post_data())
    assert again.status_code == 302 and Case.objects.count() == 1
