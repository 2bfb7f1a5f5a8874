"""In the browser, under the Content-Security-Policy (no inline script, no <style> elements): the pages load
without a single violation, the htmx search swaps its rows in, and the language switch still submits."""
import pytest

from accounts.factories import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Collected in the page by a script Playwright injects (the page's policy does not apply to it).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "")));
"""


def violations(page):
    return page.evaluate("window.__violations || []")


def test_pages_htmx_and_the_language_switch_work_under_the_policy(page, log_in, cast, transactional_db):
    page.add_init_script(WATCH_VIOLATIONS)
    response = page.goto("/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in("clerk_a", DEMO_PASSWORD)
    assert violations(page) == []

    page.goto("/cases/")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
        page.click("form[hx-get] button[type=submit]")  # htmx, not a full page load, sends the search
    page.wait_for_selector("#case-rows")
    assert violations(page) == []

    page.select_option("select[name=language]", "en")  # submits its form from static/js
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert violations(page) == []
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # htmx injected no <style>
