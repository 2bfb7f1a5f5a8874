"""Which real services this run has; tests that need one skip without it, and fail in CI."""
from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require(available: bool, reason: str) -> None:
    if available:
        return
    if in_ci():
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    require(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


def require_redis() -> None:
    url = settings.REDIS_URL
    require(bool(url) and _reachable(url, 6379), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")


def require_chromium() -> None:
    require(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"needs Chromium at {CHROMIUM}")
