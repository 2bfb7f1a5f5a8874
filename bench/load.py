"""The bounded load run of issue 15: Locust against gunicorn on 127.0.0.1 with the production settings,
simulated clerks, reviewers and supervisors (bench/load/locustfile.py) for a fixed time; 0 errors expected, the
p95 of each page reported.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/fengcun python bench/load.py [--users 50] [--minutes 2]
       [--cases-per-district 150]

In a database of its own (``<name>_load``, dropped and created again): migrate, the demo data (seed_demo), a
confirmed TOTP device for every demo account whose role needs a second factor (the load users pass it as a
person with an authenticator app would), gunicorn with config/gunicorn.conf.py, then Locust headless. Writes
bench/load-results.json and prints the table; exits 1 on any failed request.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "load-results.json"

ACCOUNTS_SCRIPT = """
import itertools, json, os
from accounts.factories import DEMO_PASSWORD, UserFactory
from accounts.models import Agency
from accounts.security import second_factor_required
from django_otp.plugins.otp_totp.models import TOTPDevice
# one account per simulated user (a TOTP code is good once): clerks at every agency, reviewers at the courts,
# supervisors at the procuratorates, taken in turn
homes = {"clerk": list(Agency.objects.all()), "reviewer": list(Agency.objects.filter(kind="court")),
         "supervisor": list(Agency.objects.filter(kind="procuratorate"))}
out = []
for role, agencies in homes.items():
    for n, agency in zip(range(int(os.environ["FENGCUN_LOAD_ACCOUNTS"])), itertools.cycle(agencies)):
        user = UserFactory(username=f"load_{role}_{n:03d}", agency=agency, roles=[role])
        key = ""
        if second_factor_required(user):
            key = TOTPDevice.objects.create(user=user, name="load", confirmed=True).key
        out.append({"username": user.username, "password": DEMO_PASSWORD, "role": role, "otp_key": key})
json.dump(out, open(os.environ["FENGCUN_LOAD_USERS"], "w"))
print(len(out))
"""


def production_env(database_url: str) -> dict:
    """The production settings: DEBUG off and the secrets set; TLS is terminated by nobody here (plain HTTP on
    127.0.0.1), which the documented relaxing variables say."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    for name in ("CELERY_TASK_ALWAYS_EAGER", "FENGCUN_DEV", "DJANGO_SETTINGS_MODULE", "LOG_FILE"):
        env.pop(name, None)
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        # plain HTTP on the loopback: the relaxing variables of the README's production settings
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "GUNICORN_WORKERS": "4",
    })
    return env


def recreate_database(url: str) -> str:
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'fengcun'}_load"
    admin = dict(host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432, user=parsed.username or "postgres",
                 password=parsed.password or None, dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def run(cmd: list[str], env: dict, **kwargs) -> str:
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])}… failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer {url} within {seconds} s")


def read_stats(prefix: str) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append({"name": row["Name"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "p50_ms": float(row["50%"] or 0),
                         "p95_ms": float(row["95%"] or 0), "max_ms": float(row["Max Response Time"] or 0)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--cases-per-district", type=int, default=150)
    parser.add_argument("--port", type=int, default=8911)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    env = production_env(recreate_database(url))
    python = str(BIN / "python")
    print("migrating and loading the demo data …", flush=True)
    run([python, "manage.py", "migrate", "--noinput"], env)
    run([python, "manage.py", "seed_demo", "--cases-per-district", str(args.cases_per_district)], env)
    run([python, "manage.py", "collectstatic", "--noinput"], env)
    work = Path(tempfile.mkdtemp(prefix="fengcun-load-"))
    accounts = work / "accounts.json"
    count = run([python, "manage.py", "shell", "-c", ACCOUNTS_SCRIPT],
                dict(env, FENGCUN_LOAD_USERS=str(accounts), FENGCUN_LOAD_ACCOUNTS=str(args.users))).strip()
    print(f"{count} accounts", flush=True)
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{args.port}"], cwd=ROOT, env=env, stdout=open(work / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(host + "/login/")
        prefix = str(work / "locust")
        load_env = dict(env, FENGCUN_LOAD_USERS=str(accounts), FENGCUN_LOAD_OTP_PATH="/two-factor/")
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "locust"), "-f", "bench/load/locustfile.py", "--headless", "-u", str(args.users),
             "-r", str(max(1, args.users // 10)), "-t", f"{int(args.minutes * 60)}s", "--host", host,
             "--csv", prefix, "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=load_env, check=False)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    pages = read_stats(prefix)
    total = next((p for p in pages if p["name"] == "Aggregated"), None)
    failures = sum(p["failures"] for p in pages if p["name"] != "Aggregated")
    result = {
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}",
        "users": args.users, "minutes": args.minutes, "elapsed_s": round(elapsed, 1),
        "cases_per_district": args.cases_per_district, "server": "gunicorn (config/gunicorn.conf.py)",
        "pages": [p for p in pages if p["name"] != "Aggregated"], "total": total, "failures": failures,
    }
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(f"\n{'page':28} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for p in result["pages"]:
        print(f"{p['name']:28} {p['requests']:9d} {p['failures']:9d} {p['p50_ms']:8.0f} {p['p95_ms']:8.0f}")
    print(f"\n{failures} failed requests; results in {RESULTS.relative_to(ROOT)}; gunicorn log in {work}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
