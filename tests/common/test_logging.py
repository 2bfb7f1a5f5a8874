"""Structured logs (issue 15, point 5): one JSON object per line with time, level, logger, request id and user
id; no query string, request object or body in them; gunicorn's access lines the same."""
from __future__ import annotations

import datetime as dt
import json
import logging
import runpy
import sys
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path

from common.logging import JsonFormatter, StripQueryString
from tests.commands import ROOT

ID_NUMBER = "110101200501011234"
NAME = "欧阳秀英"


def app_view(request):
    logging.getLogger("fengcun.test").warning("a view logged this")
    return HttpResponse("")


urlpatterns = [
    path("logging-test/view/", app_view),
    path("", include("config.urls")),
]


@pytest.fixture
def captured():
    """The JSON lines the settings' formatter writes, for the loggers a request touches."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger(name) for name in ("", "django", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_the_settings_log_json_everywhere():
    formatters = settings.LOGGING["formatters"]
    for name, handler in settings.LOGGING["handlers"].items():
        assert formatters[handler["formatter"]]["()"] == "common.logging.JsonFormatter", name
    for handler in logging.getLogger("django.request").handlers:
        if type(handler) is logging.StreamHandler:
            assert isinstance(handler.formatter, JsonFormatter)


@pytest.mark.urls("tests.common.test_logging")
@pytest.mark.django_db
def test_a_line_from_a_view_has_time_level_logger_request_and_user(client, cast, captured):
    client.force_login(cast.clerk_a)
    response = client.get("/logging-test/view/", {"q": NAME})
    line = next(entry for entry in captured() if entry["logger"] == "fengcun.test")
    assert set(line) >= {"time", "level", "logger", "message", "request_id", "user_id"}
    assert line["level"] == "WARNING" and line["message"] == "a view logged this"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == cast.clerk_a.pk
    assert dt.datetime.fromisoformat(line["time"]).utcoffset() == dt.timedelta(0)


@pytest.mark.django_db
def test_a_refused_request_is_logged_with_its_ids_and_without_its_query_string(client, cast, captured):
    client.force_login(cast.clerk_a)
    response = client.get(f"/no-such-page/{ID_NUMBER[:4]}/", {"name": NAME, "id_number": ID_NUMBER})
    assert response.status_code == 404
    line = next(entry for entry in captured() if entry["logger"] == "django.request")
    assert line["message"] == "Not Found: /no-such-page/1101/" and line["status_code"] == 404
    assert line["request_id"] == response["X-Request-ID"] and line["user_id"] == cast.clerk_a.pk
    text = json.dumps(captured(), ensure_ascii=False)
    assert NAME not in text and ID_NUMBER not in text and "WSGIRequest" not in text


def test_a_line_is_one_line_and_keeps_only_chosen_fields():
    try:
        raise ValueError("the file could not be read\nsecond line")
    except ValueError:
        record = logging.getLogger("fengcun.test").makeRecord(
            "fengcun.test", logging.ERROR, __file__, 1, "failed: %s", ("x",), sys.exc_info(),
            extra={"request": SimpleNamespace(id="abc", GET={"q": NAME}), "secret": ID_NUMBER, "status_code": 500})
    text = JsonFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "failed: x" and entry["level"] == "ERROR" and entry["status_code"] == 500
    assert entry["request_id"] == "abc" and "ValueError: the file could not be read" in entry["exc_info"]
    assert NAME not in text and ID_NUMBER not in text


def test_runserver_access_lines_lose_their_query_string():
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET /cases/?id_number={ID_NUMBER}&name=x HTTP/1.1", "200", "1234"), None)
    StripQueryString().filter(record)
    assert record.getMessage() == '"GET /cases/ HTTP/1.1" 200 1234'


def test_gunicorn_access_lines_are_json_without_query_string():
    from gunicorn.config import Config

    from common.logging import GunicornLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = GunicornLogger(cfg)
    stream = StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    response = SimpleNamespace(status="200 OK", sent=512,
                               headers=[("Content-Type", "text/html"), ("X-Request-ID", "f" * 32)])
    request = SimpleNamespace(headers=[("HOST", "fengcun.example.gov.cn")])
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/cases/", "QUERY_STRING": f"id_number={ID_NUMBER}",
               "RAW_URI": f"/cases/?id_number={ID_NUMBER}", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.1.2.3"}
    logger.access(response, request, environ, dt.timedelta(seconds=1, microseconds=250000))
    entry = json.loads(stream.getvalue())
    assert entry["logger"] == "gunicorn.access" and entry["level"] == "INFO"
    assert entry["method"] == "GET" and entry["path"] == "/cases/" and entry["status"] == 200
    assert entry["request_id"] == "f" * 32 and entry["duration_ms"] == 1250 and entry["bytes"] == 512
    assert entry["forwarded_for"] == "10.1.2.3" and "time" in entry
    assert ID_NUMBER not in stream.getvalue()


def test_gunicorn_config_is_the_production_entry_point(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert conf["wsgi_app"] == "config.wsgi:application"
    assert conf["bind"] == ["127.0.0.1:8000"]  # behind the proxy, on the loopback only
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert conf["logger_class"] == "common.logging.GunicornLogger" and conf["accesslog"] == "-"
    assert 1 <= conf["workers"] <= 9
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/fengcun.sock")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert conf["bind"] == ["unix:/run/fengcun.sock"] and conf["workers"] == 3


@pytest.mark.parametrize("text", [ID_NUMBER, "44010420061123077X", "44010420061123077x", "110101850101123"])
def test_anything_shaped_like_an_id_number_is_masked(text):
    record = logging.LogRecord("fengcun.test", logging.WARNING, __file__, 1, "Not Found: /cases/%s/", (text,), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Not Found: /cases/[ID number]/"


def test_other_numbers_are_kept():
    record = logging.LogRecord("fengcun.test", logging.INFO, __file__, 1, "sweep %s: chunk %s of run %s",
                               (12, "FCTZ-2026-1234567", "0123456789abcdef0123456789abcdef"), None)
    assert json.loads(JsonFormatter().format(record))["message"] == (
        "sweep 12: chunk FCTZ-2026-1234567 of run 0123456789abcdef0123456789abcdef")
