"""In the browser: a clerk logs in, enters a case with two defendants, and sees it listed."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD
from sealing.identity import make_id_number
from sealing.models import Case

pytestmark = pytest.mark.browser


def fill_defendant(page, index, name, id_number, charge, months="10", completed="2025-04-01"):
    prefix = f"#id_defendants-{index}-"
    page.fill(prefix + "name", name)
    page.fill(prefix + "id_number", id_number)
    page.select_option(prefix + "charges", label=charge)
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
