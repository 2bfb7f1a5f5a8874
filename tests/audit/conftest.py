import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from audit.services import append_only_lifted
from tests.cast import enter_case

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc)


def tamper(sql: str, params=()) -> None:
    """Change the trail behind the application's back (lifting the PostgreSQL trigger, as a DBA could)."""
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def verify_audit(*args) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def record(cast):
    _case, record = enter_case(cast.clerk_a)
    return record
