"""Accessibility: axe-core (vendored from its npm package, tests/e2e/vendor) finds no serious or critical violation
on the main pages of each role — the home page's work list, the clerk's case form and work queue, the police
clerk's notice inbox, the reviewer's request list, the supervisor's console, the administrator's home — in
Chinese and in English; and the layout holds at 1024 and 1366 px (no page wider than the window).

The data is prepared through the services around tests.cast.TODAY, so each page has rows to check."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from accounts.factories import DEMO_PASSWORD, AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, POLICY_ADMIN
from sealing import services
from sealing.identity import make_id_number
from sealing.models import RecordKind
from tests.cast import TODAY, defendant_data, enter_case

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def a11y_page(browser, live_server):
    """A page whose context lets the test inject axe past the Content-Security-Policy (the app's own scripts
    still run under it: bypassing only allows the injected checker)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", bypass_csp=True,
                                  viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


@pytest.fixture
def world(cast):
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    police_clerk = UserFactory(username="police_x", agency=police, roles=[CLERK])
    birth = dt.date(2007, 3, 1)
    data = defendant_data(name="少年甲", birth=birth, charge="盗窃罪", sentence_months=10,
                          id_number=make_id_number("440104", birth, 31), judgment_effective_date=TODAY,
                          sentence_completed_date=None)
    case, _record = enter_case(cast.clerk_a, number="（2024）粤0104刑初31号", defendants=[data],
                               offense_date=dt.date(2024, 1, 10), today=TODAY)
    services.create_record(user=police_clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "越公刑〔2024〕31号", "defendant": None,
        "content": "侦查卷宗正文"})
    services.evaluate_file(case.defendants.get(), as_of=TODAY)
    enter_case(cast.clerk_a, number="（2024）粤0104刑初32号")  # an adult's open case beside it
    admin = UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)
    return {"police": police_clerk, "admin": admin}


PAGES = {
    "clerk_a": ["/", "/cases/new/", "/cases/sealing/", "/cases/"],
    "police_x": ["/", "/cases/notices/"],
    "reviewer_a": ["/", "/queries/"],
    "supervisor_x": ["/", "/oversight/console/?first=2026-01&last=2026-06"],
    "policy_admin": ["/"],
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", list(PAGES))
def test_no_serious_violation_on_the_main_pages(a11y_page, log_in_as, world, who, language):
    page = log_in_as(a11y_page, who, language)
    found = {}
    for path in PAGES[who]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.locator("main").count() == 1, path
        blocking = violations(page)
        if blocking:
            found[path] = blocking
        for width in (1024, 1366):  # the layout holds from 1024 px up: nothing wider than the window
            page.set_viewport_size({"width": width, "height": 768})
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                found.setdefault(path, []).append({"id": "overflow", "width": width, "pixels": overflow})
        page.set_viewport_size({"width": 1366, "height": 768})
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.fixture
def log_in_as():
    def _log_in_as(page, username, language):
        from tests.e2e.conftest import log_in_on

        log_in_on(page, username, DEMO_PASSWORD, language=None if language == "zh-hans" else language)
        assert page.locator("html").get_attribute("lang") == language
        return page

    return _log_in_as


def test_the_checker_finds_a_violation(a11y_page, live_server, db):
    """So the check can fail: an image without alternative text and an unlabelled field are serious."""
    a11y_page.goto(live_server.url + "/login/")
    a11y_page.evaluate("""() => {
        const img = document.createElement('img'); img.src = '/static/none.png'; document.body.appendChild(img);
        const input = document.createElement('input'); document.body.appendChild(input);
    }""")
    assert {v["id"] for v in violations(a11y_page)} & {"image-alt", "label"}
