"""Settings that fail loudly and are secure by default (issue 15, point 4).

In production (DEBUG off, no FENGCUN_DEV) a missing or development key stops start-up, a boolean that is
not one is an error, and with only SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY and ALLOWED_HOSTS set
the settings are the HTTPS ones and `check --deploy --fail-level WARNING` passes. The test run itself is a
development run (config/settings_test.py), so these tests start Django in processes with an environment of
their own, or evaluate config/settings.py again under one.
"""
from __future__ import annotations

import os
import runpy
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.commands import ROOT

# Test values only, shaped like real ones (a Django key of 50+ varied characters, a Fernet key).
PRODUCTION = {
    "SECRET_KEY": "test-only-8Qz4vN1rXy7Lk2Wp9Ts6Hd3Fm0Bc5Jg-aEuRiOoYtMnQ",
    "FIELD_ENCRYPTION_KEYS": "VGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMhISE=",
    "BLIND_INDEX_KEY": "test-only-blind-index-key-0123456789abcdef",
    "ALLOWED_HOSTS": "fengcun.example.gov.cn",
}
DEV = {"SECRET_KEY": "dev-only-insecure-secret-key-change-me-in-production",
       "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE=",
       "BLIND_INDEX_KEY": "dev-only-blind-index-key"}
# Every variable the settings read that could make a run a development one or relax it.
RELAXING = ("DEBUG", "FENGCUN_DEV", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS")


def test_the_production_test_key_is_a_fernet_key():
    Fernet(PRODUCTION["FIELD_ENCRYPTION_KEYS"].encode())


def django_process(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Python with exactly this environment (and PATH): by default it sets Django up, as every entry point does."""
    command = list(args) or ["-c", "import django; django.setup(); print('started')"]
    full = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, *command], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=120)


def production_settings(monkeypatch, **env) -> dict:
    """config/settings.py evaluated again with DEBUG off, no development switch, the four variables and `env`."""
    for name in (*RELAXING, *PRODUCTION, "LOG_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION, **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_the_four_variables_start_django_in_production():
    done = django_process(PRODUCTION)
    assert done.returncode == 0 and "started" in done.stdout, done.stderr


@pytest.mark.parametrize("name,value,says", [
    ("SECRET_KEY", None, "SECRET_KEY is not set"),
    ("SECRET_KEY", DEV["SECRET_KEY"], "SECRET_KEY is the development key"),
    ("SECRET_KEY", "", "SECRET_KEY is not set"),
    ("FIELD_ENCRYPTION_KEYS", None, "FIELD_ENCRYPTION_KEYS is not set"),
    ("FIELD_ENCRYPTION_KEYS", DEV["FIELD_ENCRYPTION_KEYS"], "FIELD_ENCRYPTION_KEYS holds the development key"),
    ("FIELD_ENCRYPTION_KEYS", PRODUCTION["FIELD_ENCRYPTION_KEYS"] + "," + DEV["FIELD_ENCRYPTION_KEYS"],
     "FIELD_ENCRYPTION_KEYS holds the development key"),
    ("FIELD_ENCRYPTION_KEYS", "not-a-fernet-key", "not a Fernet key"),
    ("BLIND_INDEX_KEY", None, "BLIND_INDEX_KEY is not set"),
    ("BLIND_INDEX_KEY", DEV["BLIND_INDEX_KEY"], "BLIND_INDEX_KEY is the development key"),
    ("ALLOWED_HOSTS", None, "ALLOWED_HOSTS is not set"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_a_missing_or_development_key_stops_start_up(name, value, says):
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    if value is not None:
        env[name] = value
    done = django_process(env)
    assert done.returncode != 0 and "started" not in done.stdout
    assert "ImproperlyConfigured" in done.stderr and says in done.stderr, done.stderr
    if value != "not-a-fernet-key":
        assert "FENGCUN_DEV=1" in done.stderr  # the message says how to run locally


@pytest.mark.parametrize("name", ["DEBUG", "FENGCUN_DEV", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"])
def test_a_boolean_that_is_not_one_stops_start_up(name):
    done = django_process({**PRODUCTION, name: "maybe"})
    assert done.returncode != 0 and "ImproperlyConfigured" in done.stderr
    assert f"{name}='maybe' is not a boolean" in done.stderr, done.stderr


def test_a_development_run_takes_the_development_keys():
    done = django_process({"FENGCUN_DEV": "1"}, "-c",
                          "import django; django.setup(); from django.conf import settings; "
                          "print(settings.SECRET_KEY == settings.DEV_SECRET_KEY, settings.SECURE_SSL_REDIRECT)")
    assert done.returncode == 0 and done.stdout.split() == ["True", "False"], done.stderr


def test_check_deploy_passes_with_only_the_four_variables():
    """What CI runs too (.ci/run): the secure defaults leave nothing for Django's deployment checks."""
    done = django_process(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_a_relaxation():
    done = django_process({**PRODUCTION, "SECURE_SSL_REDIRECT": "0"},
                          "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0 and "security.W008" in done.stderr + done.stdout


def test_production_settings_are_the_https_ones(monkeypatch):
    s = production_settings(monkeypatch)
    assert s["DEBUG"] is False and s["DEVELOPMENT"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and s["SECURE_HSTS_PRELOAD"] is True
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["ALLOWED_HOSTS"] == ["fengcun.example.gov.cn"]
    assert s["CSRF_TRUSTED_ORIGINS"] == []
    assert "csp.middleware.CSPMiddleware" in s["MIDDLEWARE"]
    assert s["MIDDLEWARE"][0] == "common.middleware.RequestIdMiddleware"


def test_no_store_and_csp_sit_below_whitenoise(monkeypatch):
    middleware = production_settings(monkeypatch)["MIDDLEWARE"]
    whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert middleware.index("common.middleware.NoStoreMiddleware") > whitenoise  # static files stay cacheable
    assert middleware.index("csp.middleware.CSPMiddleware") > whitenoise


def test_script_src_has_no_unsafe_inline(monkeypatch):
    directives = production_settings(monkeypatch)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["style-src"]  # only style attributes: style-src-attr
    assert "'unsafe-eval'" not in str(directives)
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


def test_tls_ended_elsewhere_is_an_explicit_choice(monkeypatch):
    """A gateway that ends TLS, redirects to HTTPS itself and sends no X-Forwarded-Proto."""
    s = production_settings(monkeypatch, SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="")
    assert s["SECURE_SSL_REDIRECT"] is False and s["SECURE_PROXY_SSL_HEADER"] is None
    assert s["SESSION_COOKIE_SECURE"] is True and s["SECURE_HSTS_SECONDS"] > 0  # the rest stays strict


def test_each_relaxing_variable_works(monkeypatch):
    s = production_settings(monkeypatch, SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0", SECURE_HSTS_PRELOAD="no",
                            SECURE_HSTS_INCLUDE_SUBDOMAINS="off", SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme",
                            CSRF_TRUSTED_ORIGINS="https://fengcun.example.gov.cn, https://gw.example.gov.cn:8443")
    assert s["SESSION_COOKIE_SECURE"] is False and s["CSRF_COOKIE_SECURE"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0 and not s["SECURE_HSTS_PRELOAD"] and not s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_SCHEME", "https")
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://fengcun.example.gov.cn", "https://gw.example.gov.cn:8443"]
    assert s["SECURE_SSL_REDIRECT"] is True


def test_development_run_serves_plain_http(monkeypatch):
    s = production_settings(monkeypatch, FENGCUN_DEV="1", SECRET_KEY=None, FIELD_ENCRYPTION_KEYS=None,
                            BLIND_INDEX_KEY=None, ALLOWED_HOSTS=None)
    assert s["DEBUG"] is False  # the development switch is not debug mode
    assert s["SECRET_KEY"] == DEV["SECRET_KEY"] and s["FIELD_ENCRYPTION_KEYS"] == [DEV["FIELD_ENCRYPTION_KEYS"]]
    assert not s["SECURE_SSL_REDIRECT"] and not s["SESSION_COOKIE_SECURE"] and not s["SECURE_HSTS_SECONDS"]
    assert s["SECURE_PROXY_SSL_HEADER"] is None
    assert "127.0.0.1" in s["ALLOWED_HOSTS"]


def test_every_relaxing_variable_is_documented():
    readme = (ROOT / "README.md").read_text()
    production = readme[readme.index("## Production"):]
    for name in (*RELAXING, *PRODUCTION, "LOG_LEVEL", "LOG_FILE", "GUNICORN_BIND", "FORWARDED_ALLOW_IPS"):
        assert f"`{name}`" in production, name


def test_make_run_is_a_development_run():
    makefile = (ROOT / "Makefile").read_text()
    assert "FENGCUN_DEV=1 bash bin/run" in makefile


def test_ci_runs_the_deploy_check_with_only_the_four_variables():
    script = (ROOT / ".ci" / "run").read_text()
    line = next(line for line in script.splitlines() if "check --deploy" in line and not line.lstrip().startswith("#"))
    assert "env -i" in script and "--fail-level WARNING" in line


def test_every_variable_the_settings_read_is_in_the_deployment_guide():
    import re

    source = "".join((ROOT / "config" / name).read_text() for name in ("settings.py", "gunicorn.conf.py"))
    names = set(re.findall(r'(?:environ\.get|env_bool|env_int)\(\s*"([A-Z0-9_]+)"', source))
    names |= set(re.findall(r'"([A-Z0-9_]+)" not in os\.environ', source))
    guide = (ROOT / "docs" / "deploy.md").read_text()
    families = re.findall(r"`([A-Z0-9_]+)\*`", guide)  # `FENGCUN_PASSWORD_*` names a family
    assert len(names) > 30
    missing = {n for n in names if f"`{n}`" not in guide and not any(n.startswith(f) for f in families)}
    assert not missing
