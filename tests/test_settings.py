"""Safe defaults: DEBUG off unless asked for, static files and local hosts still work, error pages and
request logs show no data, upload limits for the form validators."""
import logging
import runpy
from io import StringIO

import pytest
from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import include, path

from tests.commands import ROOT

SECRET = "110101200501011234"  # an ID number: must never reach an error page or a log line


def fresh_settings(monkeypatch, **env):
    """config/settings.py evaluated again under the given environment (unset variables take their default)."""
    for name in ("DEBUG", "ALLOWED_HOSTS", "FENGCUN_UPLOAD_MAX_BYTES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_debug_is_off_unless_explicitly_turned_on(monkeypatch):
    assert fresh_settings(monkeypatch)["DEBUG"] is False
    for off in ("0", "false", "no", "", "off"):
        assert fresh_settings(monkeypatch, DEBUG=off)["DEBUG"] is False, off
    for on in ("1", "true", "True", "yes", "on"):
        assert fresh_settings(monkeypatch, DEBUG=on)["DEBUG"] is True, on


def test_local_hosts_are_allowed_by_default(monkeypatch):
    hosts = fresh_settings(monkeypatch)["ALLOWED_HOSTS"]
    assert {"127.0.0.1", "localhost"} <= set(hosts) and "*" not in hosts
    assert fresh_settings(monkeypatch, ALLOWED_HOSTS="fengcun.example")["ALLOWED_HOSTS"] == ["fengcun.example"]


def test_the_development_run_does_not_turn_debug_on():
    code = [line for line in (ROOT / "bin" / "run").read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "DEBUG" in line]


def test_static_files_are_served_with_debug_off(client):
    assert settings.DEBUG is False
    response = client.get("/static/css/fengcun.css")
    assert response.status_code == 200 and "text/css" in response["Content-Type"]
    assert client.get("/static/vendor/bootstrap-5.3.9/bootstrap.min.css").status_code == 200


def test_upload_limits_for_the_form_validators(monkeypatch):
    assert settings.FENGCUN_UPLOAD_MAX_BYTES == 10 * 1024 * 1024
    extensions = {ext for exts in settings.FENGCUN_UPLOAD_TYPES.values() for ext in exts}
    assert extensions == {".pdf", ".jpg", ".jpeg", ".png"}
    assert set(settings.FENGCUN_UPLOAD_TYPES) == {"application/pdf", "image/jpeg", "image/png"}
    # a file within the limit is read in memory, never spooled to a temporary file
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.FENGCUN_UPLOAD_MAX_BYTES
    assert 0 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert fresh_settings(monkeypatch, FENGCUN_UPLOAD_MAX_BYTES="1048576")["FENGCUN_UPLOAD_MAX_BYTES"] == 1048576


# Views that fail with personal data in hand; the test URLconf puts them in front of the project's.
def not_found(request):
    raise Http404(f"no person with ID number {SECRET}")


def server_error(request):
    id_number = request.POST.get("id_number")  # a local that Django's debug report would show
    if id_number:
        raise ValueError("the sealing file could not be read")
    return HttpResponse("")


urlpatterns = [
    path("settings-test/missing/", not_found),
    path("settings-test/broken/", server_error),
    path("", include("config.urls")),
]


def console(logger):
    """The handler the settings configure (the test run adds pytest's own capture handlers beside it)."""
    return next((h for h in logger.handlers if type(h) is logging.StreamHandler), None)


@pytest.mark.urls("tests.test_settings")
@pytest.mark.django_db
def test_not_found_page_shows_no_data(client):
    response = client.get("/settings-test/missing/")
    page = response.content.decode()
    assert response.status_code == 404
    assert SECRET not in page and "Traceback" not in page and "URLconf" not in page


@pytest.mark.urls("tests.test_settings")
@pytest.mark.django_db
def test_server_error_page_and_log_show_no_data(client):
    handler = console(logging.getLogger("django.request"))
    log = StringIO()
    previous = handler.setStream(log)
    try:
        client.raise_request_exception = False
        response = client.post("/settings-test/broken/", {"id_number": SECRET, "name": "张三"})
    finally:
        handler.setStream(previous)
    page = response.content.decode()
    assert response.status_code == 500 and "服务器错误" in page
    assert SECRET not in page and "张三" not in page and "Traceback" not in page
    logged = log.getvalue()
    assert "Internal Server Error: /settings-test/broken/" in logged  # the failure is logged ...
    assert "the sealing file could not be read" in logged
    assert SECRET not in logged and "张三" not in logged  # ... without the request body or the locals


def test_request_errors_go_to_a_plain_handler_only():
    from django.utils.log import AdminEmailHandler

    logger = logging.getLogger("django.request")
    assert console(logger) is not None and not logger.propagate
    assert not any(isinstance(h, AdminEmailHandler) for name in ("", "django", "django.request")
                   for h in logging.getLogger(name).handlers)
