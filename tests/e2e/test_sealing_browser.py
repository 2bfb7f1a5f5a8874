"""In the browser: a clerk opens a decision, reads the trace, seals, and the record disappears from other views."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD
from tests.cast import defendant_data, enter_case

pytestmark = pytest.mark.browser
SECRET = "被告人少年丁于2023年6月盗窃电动车一辆"


def test_clerk_reads_the_trace_and_seals(page, log_in, cast, transactional_db):
    data = defendant_data(name="少年丁", birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    case, record = enter_case(cast.clerk_a, defendants=[data], content=SECRET)

    log_in("clerk_a", DEMO_PASSWORD)
    page.click("nav a[href='/cases/sealing/']")
    queue = page.inner_text("[data-testid=queue]")
    assert case.case_number in queue and "少年丁" not in queue
    page.click("[data-testid=queue] a.btn")

    trace = page.inner_text("[data-testid=trace]")
    assert "J-AGE" in trace and "J-SENT" in trace and "J-WHEN" in trace and "第二百八十六条" in trace
    assert page.inner_text("[data-testid=policy-version]") == "v1"
    assert page.inner_text("[data-testid=seal-date]") == "2024-06-01"
    page.click("[data-testid=seal-button]")
    page.click("[data-testid=confirm-seal]")  # the seal happens only once confirmed
    page.wait_for_selector(".alert-success")
    assert "已封存" in page.inner_text("[data-testid=copies]")

    page.goto(f"/cases/records/{record.pk}/")
    assert SECRET not in page.content()
    assert "封存" in page.inner_text("[data-testid=record-content]")
    page.goto("/cases/")
    assert "少年丁" not in page.inner_text("#case-rows")
    page.goto("/cases/sealing/")
    assert case.case_number not in page.inner_text("[data-testid=queue]")
