"""A sealed person's name and ID number never reach a log line (issue 15, point 5).

The walk's sealed-only person (tests/test_sealed_walk.py) goes through pages, searches by name and ID number,
documents, refusals with the ID number in the path, a permitted read and a break-the-glass read, as several
roles; then the log of the run so far is read for them. The test run writes every JSON log line at INFO to one
file (config/settings_test.py; the commands the tests start as processes append to it too), and
tests/conftest.py reads the whole file again when the run ends, so a leak anywhere in the suite fails the run.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from sealing import services
from sealing.identity import make_id_number
from tests.test_sealed_walk import BIRTH, NAME, SECRET, _urls, world  # noqa: F401

# The walk's person, known before any test runs (the end-of-run check needs no database).
ID_NUMBER = make_id_number("440104", BIRTH, 77)
SEALED = [NAME, ID_NUMBER, ID_NUMBER.lower(), SECRET]


def log_path() -> Path | None:
    name = os.environ.get("LOG_FILE")
    return Path(name) if name else None


def leaks() -> list[str]:
    """The log lines of the run that carry a sealed value (the value, then the line)."""
    path = log_path()
    if path is None or not path.exists():
        return []
    found = []
    with path.open(encoding="utf-8", errors="replace") as log:
        for line in log:
            for secret in SEALED:
                if secret in line:
                    found.append(f"{secret}: {line.strip()[:300]}")
    return found


def test_no_log_line_names_a_sealed_person(world, client):  # noqa: F811
    assert log_path() is not None, "the test settings write the run's log to LOG_FILE"
    assert world.id_number == ID_NUMBER  # the person the end-of-run check looks for
    request_ids = set()

    def get(url, **params):
        response = client.get(url, params)
        request_ids.add(response["X-Request-ID"])
        return response

    for who in ("clerk_a", "supervisor_x", "police_x"):
        client.force_login(world.users[who])
        for url in _urls(world):
            get(url)
        get(reverse("sealing:case_list"), id_number=world.id_number, name=NAME)
        get(f"/cases/{world.id_number}/")  # refused: the ID number in the path of a 404 (masked in the line)
        get(reverse("sealing:file_detail", args=[world.file.pk]))
    client.force_login(world.users["superuser"])
    for model in admin.site._registry:
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        get(changelist, q=NAME)
        get(changelist, q=world.id_number)
    # reads in clear: a permit and a break-the-glass, each logged in the access log, not in the log lines
    officer = world.users["police_x"]
    services.grant_permit(record=world.record, user=officer, expires_at=timezone.now() + dt.timedelta(days=30),
                          reference="CX-2026-000009", purpose="认定事实、适用法律", granted_by=world.cast.reviewer_a)
    client.force_login(officer)
    assert NAME in get(reverse("sealing:record_detail", args=[world.record.pk])).content.decode()
    client.force_login(world.cast.clerk_a)
    opened = client.post(reverse("sealing:file_open", args=[world.file.pk]),
                         {"reason": f"核实{NAME}是否存在漏罪以决定是否解除封存"})
    assert NAME in opened.content.decode()

    lines = [json.loads(line) for line in log_path().read_text(encoding="utf-8").splitlines() if line.strip()]
    assert any(line.get("request_id") in request_ids for line in lines), "the walk's refusals were logged"
    assert all({"time", "level", "logger", "request_id", "user_id"} <= set(line) for line in lines)
    assert leaks() == []
