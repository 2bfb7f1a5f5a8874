"""The load run of issue 15: simulated clerks, reviewers and supervisors browsing their everyday pages on a
gunicorn server (bench/load.py starts it and this file with Locust). Each request is named by its page so that
Locust's statistics give the p95 per page.

The accounts come from the file named by ``FENGCUN_LOAD_USERS`` (written by bench/load.py): one JSON list of
{"username", "password", "role", "otp_key"}; a user whose role needs a second factor passes it with the TOTP
code computed from ``otp_key`` (hex), as the authenticator app would.
"""
from __future__ import annotations

import json
import os
import random
import re
import threading

from locust import HttpUser, between, task

ACCOUNTS = json.load(open(os.environ["FENGCUN_LOAD_USERS"]))
_lock = threading.Lock()
_next: dict[str, int] = {}


def _account(role: str) -> dict:
    """The accounts of ``role`` taken in turn, so that the simulated users spread over the agencies."""
    pool = [a for a in ACCOUNTS if a["role"] == role]
    with _lock:
        n = _next.get(role, 0)
        _next[role] = n + 1
    return pool[n % len(pool)]


def _csrf(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    return match.group(1) if match else ""


def _totp(hex_key: str) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(hex_key)):06d}"


class Office(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self):
        account = _account(self.role)
        page = self.client.get("/login/", name="login (form)")
        response = self.client.post("/login/", name="login", data={
            "username": account["username"], "password": account["password"], "csrfmiddlewaretoken": _csrf(page)},
            headers={"Referer": self.host + "/login/"})
        second = os.environ.get("FENGCUN_LOAD_OTP_PATH", "")
        if second and second in response.url and account.get("otp_key"):
            self.client.post(response.url, name="second factor", data={
                "token": _totp(account["otp_key"]), "csrfmiddlewaretoken": _csrf(response)},
                headers={"Referer": response.url})
        self.links: dict[str, list[str]] = {}

    def page(self, url: str, name: str, *, collect: str | None = None):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "/login/" in response.url:
                response.failure("logged out")
            elif collect:
                found = re.findall(collect, response.text)
                if found:
                    self.links[name] = found
        return response

    def detail(self, list_name: str, name: str):
        links = self.links.get(list_name)
        if links:
            self.page(random.choice(links), name)


class Clerk(Office):
    role = "clerk"
    weight = 3

    @task(4)
    def cases(self):
        self.page("/cases/", "case list", collect=r'href="(/cases/\d+/)"')

    @task(2)
    def case(self):
        self.detail("case list", "case detail")

    @task(3)
    def records(self):
        self.page("/cases/records/", "records list")

    @task(2)
    def work_queue(self):
        self.page("/cases/sealing/", "work queue")

    @task(2)
    def notices(self):
        self.page("/cases/notices/", "notice inbox")

    @task(1)
    def search(self):
        self.page("/cases/?q=" + random.choice(["粤0104", "刑初", "2024"]), "case search")


class Reviewer(Office):
    role = "reviewer"
    weight = 1

    @task(3)
    def queue(self):
        self.page("/queries/", "reviewer queue", collect=r'href="(/queries/\d+/)"')

    @task(2)
    def request(self):
        self.detail("reviewer queue", "query request")


class Supervisor(Office):
    role = "supervisor"
    weight = 1

    @task(2)
    def console(self):
        self.page("/oversight/console/", "supervision console")

    @task(2)
    def findings(self):
        self.page("/oversight/findings/", "findings", collect=r'href="(/oversight/findings/\d+/)"')

    @task(1)
    def finding(self):
        self.detail("findings", "finding detail")

    @task(1)
    def instruments(self):
        self.page("/oversight/instruments/", "instruments")

    @task(1)
    def access_log(self):
        self.page("/oversight/access-log/", "access log")
