"""Page timings for `make bench`: each page of a working day against the stock admin changelist of the same
model and filter, request for request (interleaved), through the whole Django stack in this process (the
test client: middleware, sessions, templates; no network).

Used by bench/run.py; the data comes from sealing/generate.py (the generated province: usernames
``g<region code>_<kind>_<role>``)."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

SUPERUSER = "bench_superuser"


@dataclass(frozen=True)
class Page:
    """A page and its reference. ``target_ms`` bounds its p95; ``versus_admin``: the p95 must also not exceed the
    reference's; ``at_every_size``: the target holds at each data size (a page whose cost does not grow with the
    cases), not only at 1,000,000; without a target the figures are reported only."""
    name: str
    label: str
    url: str
    user: str
    admin_url: str
    target_ms: float | None
    versus_admin: bool = True
    at_every_size: bool = False

    def target(self) -> str | None:
        if self.target_ms is None:
            return None
        return f"≤ {self.target_ms:.0f} ms" + (" and ≤ admin" if self.versus_admin else "")

    def met(self, mine: dict, theirs: dict) -> bool | None:
        if self.target_ms is None:
            return None
        return mine["p95"] <= self.target_ms and (not self.versus_admin or mine["p95"] <= theirs["p95"])


def pages(district: str, court_id: int, police_id: int) -> list[Page]:
    """The six pages of issue 16, for the first generated district (its court's clerk and reviewer, its police
    clerk) and the provincial procuratorate's supervisor (the console over the whole province); then issue 18's:
    the new-case form with the whole charge catalogue behind its picker (≤ 300 ms, against the stock admin's
    defendant form, which lists every charge), the picker's search as a clerk types, and each role's home page
    (its work list), reported against the admin's index."""
    court = f"g{district}_court"
    police = f"g{district}_police"
    return [
        Page("case_list", "clerk's case list, page 1", "/cases/", f"{court}_clerk",
             f"/bench-admin/sealing/case/?agency__id__exact={court_id}", 150),
        Page("record_list", "records list, page 1", "/cases/records/", f"{court}_clerk",
             f"/bench-admin/sealing/record/?holding_agency__id__exact={court_id}", 150),
        Page("work_queue", "work queue \"to seal\"", "/cases/sealing/", f"{police}_clerk",
             "/bench-admin/sealing/sealingfile/?status__exact=sealed", 150),
        Page("notice_inbox", "notice inbox", "/cases/notices/", f"{police}_clerk",
             f"/bench-admin/sealing/sealingnotice/?to_agency__id__exact={police_id}", 150),
        Page("reviewer_queue", "reviewer queue", "/queries/", f"{court}_reviewer",
             f"/bench-admin/queries/queryrequest/?agency__id__exact={court_id}", 150),
        Page("console", "supervision console (province)", "/oversight/console/", "g440000_procuratorate_supervisor",
             "/bench-admin/oversight/finding/?state__exact=open", 500, versus_admin=False),
        Page("case_entry", "new case form", "/cases/new/", f"{court}_clerk", "/bench-admin/sealing/defendant/add/",
             300, versus_admin=False, at_every_size=True),
        Page("charge_search", "charge picker search (\"盗窃\")", "/cases/charges/search/?q=%E7%9B%97%E7%AA%83",
             f"{court}_clerk", "/bench-admin/sealing/charge/?q=%E7%9B%97%E7%AA%83", None),
        Page("home_police_clerk", "home page (police clerk's work list)", "/", f"{police}_clerk", "/bench-admin/",
             None),
        Page("home_reviewer", "home page (court reviewer's work list)", "/", f"{court}_reviewer", "/bench-admin/",
             None),
        Page("home_supervisor", "home page (district supervisor's work list)", "/",
             f"g{district}_procuratorate_supervisor", "/bench-admin/", None),
    ]


def client_for(username: str):
    from django.test import Client

    from accounts.models import User
    from tests.otp import mark_verified

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    mark_verified(client, user)
    return client


def ensure_superuser():
    from accounts.models import User

    user, created = User.objects.get_or_create(username=SUPERUSER, defaults={"is_staff": True, "is_superuser": True})
    if created:
        user.set_unusable_password()
        user.save()
    return user


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def summary(timings: list[float]) -> dict:
    return {"n": len(timings), "p50": statistics.median(timings), "p95": percentile(timings, 0.95),
            "max": max(timings)}


def timed_get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise AssertionError(f"GET {url}: {response.status_code}")
    return elapsed


def measure(page: Page, requests: int, warmup: int = 5, budget: float | None = None) -> dict:
    """p50/p95 of the page and of its admin reference, ``requests`` of each, interleaved; with a ``budget`` (seconds)
    fewer when a page is so slow that the budget runs out first (the count is reported)."""
    client, admin = client_for(page.user), client_for(SUPERUSER)
    for _ in range(warmup):
        timed_get(client, page.url)
        timed_get(admin, page.admin_url)
    mine, theirs = [], []
    started = time.perf_counter()
    for _ in range(requests):
        mine.append(timed_get(client, page.url))
        theirs.append(timed_get(admin, page.admin_url))
        if budget is not None and time.perf_counter() - started > budget and len(mine) >= 10:
            break
    return {"page": summary(mine), "admin": summary(theirs)}


def measure_alone(client, url: str, requests: int, stop=None) -> list[float]:
    """Timings of one page, ``requests`` of them or until ``stop()`` says so."""
    timings = []
    while len(timings) < requests and not (stop and stop()):
        timings.append(timed_get(client, url))
    return timings


def query_count(page: Page) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(page.user)
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    return len(captured)
