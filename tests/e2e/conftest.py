import os

import pytest

from tests.services import CHROMIUM, require_chromium

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in_on(page, username, password, *, language: str | None = None):
    """Logs in on ``page`` through the login page (in ``language`` when given: the switch on the login page), and
    through the second factor when the role needs one: on the first login the enrolment page (its key gives the
    code), later the code of the user's device."""
    page.goto("/login/")
    if language:
        with page.expect_navigation():  # the switch submits itself
            page.select_option("select[name=language]", language)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    if "/two-factor/" in page.url:
        page.fill("input[name=token]", _second_factor_code(page, username))
        page.click("[data-testid=otp-submit]")  # not the first submit button: the navigation's is "log out"
    page.wait_for_url("**/")
    return page


@pytest.fixture
def log_in(page):
    def _log_in(username, password):
        return log_in_on(page, username, password)

    return _log_in


def _second_factor_code(page, username) -> str:
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.otp import code_for

    if "/two-factor/enrol/" in page.url:
        key = base64.b32decode(page.get_attribute("[data-testid=otp-secret]", "data-secret"))
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        return code_for(device, key=key)
    return code_for(TOTPDevice.objects.get(user__username=username, confirmed=True))
