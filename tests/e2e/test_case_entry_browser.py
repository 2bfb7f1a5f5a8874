"""In the browser: a clerk logs in, enters a case with two defendants, and sees it listed."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD
from sealing.identity import make_id_number
from sealing.models import Case, Charge
from tests.e2e.test_csp_browser import WATCH_VIOLATIONS, violations

pytestmark = pytest.mark.browser


def choose_charge(page, index, typed, charge):
    """Types into a block's charge picker and clicks the match: a chip with the charge's name appears."""
    page.fill(f"#id_defendants-{index}-charges", typed)
    page.click(f"#id_defendants-{index}-charges-options [data-charge-name='{charge}']")
    page.wait_for_selector(f"[name='defendants-{index}-charges'][value='{Charge.objects.get(name=charge).pk}']",
                           state="attached")


def chips(page, index):
    return page.inner_text(f"[data-charge-picker]:has(#id_defendants-{index}-charges) [data-charge-chips]")


def fill_defendant(page, index, name, id_number, charge, months="10", completed="2025-04-01"):
    prefix = f"#id_defendants-{index}-"
    page.fill(prefix + "name", name)
    page.fill(prefix + "id_number", id_number)
    choose_charge(page, index, charge[:2], charge)
    page.select_option(prefix + "disposition", "sentenced")
    page.select_option(prefix + "sentence_kind", "fixed_term")
    page.fill(prefix + "sentence_months", months)
    page.fill(prefix + "judgment_effective_date", "2024-06-01")
    page.fill(prefix + "sentence_completed_date", completed)


def test_clerk_enters_a_case_with_two_defendants(page, log_in, cast, transactional_db):
    log_in("clerk_a", DEMO_PASSWORD)
    page.click("text=新建案件")
    page.fill("#id_case_number", "(2024)粤0104刑初88号")
    page.fill("#id_offense_date", "2024-01-10")
    fill_defendant(page, 0, "王小明", make_id_number("440104", dt.date(2007, 4, 2), 11), "盗窃罪")
    page.click("text=添加被告人")
    # an adult robbery of four years, still being served: not eligible, the record stays open
    fill_defendant(page, 1, "赵大伟", make_id_number("440104", dt.date(1990, 8, 20), 12), "抢劫罪", "48", "")
    page.click("text=保存案件")

    page.wait_for_selector("[data-testid=defendants]")
    assert "（2024）粤0104刑初88号" in page.inner_text("h1")
    rows = page.inner_text("[data-testid=defendants]")
    # the juvenile's theft is sealed on the effective date: only the fact of a sealed record shows
    assert "赵大伟" in rows and "抢劫罪" in rows and "王**" in rows and "封存" in rows
    assert "王小明" not in rows and "盗窃罪" not in rows

    page.click("nav >> text=案件")
    listing = page.inner_text("#case-rows")
    assert "（2024）粤0104刑初88号" in listing and "赵大伟" in listing and "王小明" not in listing
    assert Case.objects.get().defendants.count() == 2


def test_invalid_id_number_shows_the_error_in_the_form(page, log_in, cast, transactional_db):
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/cases/new/")
    page.fill("#id_case_number", "（2024）粤0104刑初89号")
    page.fill("#id_offense_date", "2024-01-10")
    fill_defendant(page, 0, "王小明", "440104200704020110", "盗窃罪")
    page.click("text=保存案件")
    page.wait_for_selector(".invalid-feedback")
    assert "校验位" in page.inner_text("main form")
    assert not Case.objects.exists()


def test_charge_picker_keeps_the_chosen_charge_through_an_error(page, log_in, cast, transactional_db):
    """Search as you type, choose with the keyboard, remove a chip, remove a block; after an error the chip is
    still there, and the fixed form saves that charge only."""
    page.add_init_script(WATCH_VIOLATIONS)
    log_in("clerk_a", DEMO_PASSWORD)
    page.goto("/cases/new/")
    page.fill("#id_case_number", "（2024）粤0104刑初90号")
    page.fill("#id_offense_date", "2024-01-10")
    page.fill("#id_defendants-0-name", "赵大伟")
    page.fill("#id_defendants-0-id_number", make_id_number("440104", dt.date(1990, 8, 20), 12))

    box = "#id_defendants-0-charges"
    page.fill(box, "盗窃")
    page.wait_for_selector("#id_defendants-0-charges-options [data-charge-name='盗窃罪']")
    assert page.get_attribute(box, "aria-expanded") == "true"
    page.press(box, "ArrowDown")  # the exact name is listed first
    assert page.get_attribute(box, "aria-activedescendant") == page.get_attribute(
        "#id_defendants-0-charges-options [data-charge-name='盗窃罪']", "id")
    page.press(box, "Enter")  # chooses; it does not submit the form
    assert "盗窃罪" in chips(page, 0) and page.input_value(box) == ""
    assert page.get_attribute(box, "aria-expanded") == "false"
    choose_charge(page, 0, "263", "抢劫罪")  # by article
    assert "抢劫罪" in chips(page, 0)
    page.click("[data-charge-chips] [aria-label='移除 抢劫罪']")
    assert "抢劫罪" not in chips(page, 0) and "盗窃罪" in chips(page, 0)

    page.select_option("#id_defendants-0-disposition", "sentenced")
    page.select_option("#id_defendants-0-sentence_kind", "fixed_term")
    page.fill("#id_defendants-0-sentence_months", "10")
    page.fill("#id_defendants-0-judgment_effective_date", "2023-12-01")  # before the offence: an error
    page.click("text=添加被告人")  # a second block, removed again before saving
    choose_charge(page, 1, "危险", "危险驾驶罪")
    page.check("#id_defendants-1-DELETE")
    assert not page.is_visible("#id_defendants-1-name")
    page.click("text=保存案件")

    page.wait_for_selector(".invalid-feedback")
    assert not Case.objects.exists()
    assert "生效" in page.inner_text("main form")
    assert "盗窃罪" in chips(page, 0) and "抢劫罪" not in chips(page, 0)
    assert not page.is_visible("#id_defendants-1-name")  # still removed, folded away
    page.fill("#id_defendants-0-judgment_effective_date", "2024-06-01")
    page.click("text=保存案件")

    page.wait_for_selector("[data-testid=defendants]")
    defendant = Case.objects.get().defendants.get()
    assert [c.name for c in defendant.charges.all()] == ["盗窃罪"] and defendant.person.name == "赵大伟"
    assert violations(page) == []


def test_without_javascript_a_clerk_enters_a_case_by_typing_its_charge(browser, live_server, cast, transactional_db):
    """The picker's search needs JavaScript; without it the clerk types the charge in full and saves."""
    from tests.e2e.conftest import log_in_on

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in_on(page, "clerk_a", DEMO_PASSWORD)
        page.goto("/cases/new/")
        page.fill("#id_case_number", "（2024）粤0104刑初91号")
        page.fill("#id_offense_date", "2024-01-10")
        prefix = "#id_defendants-0-"
        page.fill(prefix + "name", "赵大伟")
        page.fill(prefix + "id_number", make_id_number("440104", dt.date(1990, 8, 20), 12))
        page.fill(prefix + "charges", "抢劫")  # the picker's box: a name in full, without 罪
        page.select_option(prefix + "disposition", "sentenced")
        page.select_option(prefix + "sentence_kind", "fixed_term")
        page.fill(prefix + "sentence_months", "48")
        page.fill(prefix + "judgment_effective_date", "2024-06-01")
        page.click("text=保存案件")
        page.wait_for_selector("[data-testid=defendants]")
        assert "抢劫罪" in page.inner_text("[data-testid=defendants]")
        assert list(Case.objects.get().defendants.get().charges.values_list("name", flat=True)) == ["抢劫罪"]
    finally:
        context.close()
