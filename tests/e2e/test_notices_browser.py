"""In the browser: a juvenile's judgment takes effect, the court's copy is sealed and the police receive a sealing
notice; the police clerk finds it in the inbox, acknowledges it (签收), seals the copy after the confirmation,
and the file page shows the police copy sealed. A notice acknowledged long ago and still open is overdue."""
import datetime as dt

import pytest

from accounts.factories import DEMO_PASSWORD, AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from sealing import notices, services
from sealing.identity import make_id_number
from sealing.models import AccessAction, AccessLog, RecordKind, RecordSeal
from tests.cast import TODAY, defendant_data, enter_case

pytestmark = pytest.mark.browser
SECRET = "被告人少年庚于2024年1月盗窃电动车一辆"
BIRTH = dt.date(2007, 3, 1)


def _judgment(cast, police_clerk, *, number, name, serial):
    """Entered while the judgment is not yet effective; on the day it takes effect (the sweep's J-WHEN) the
    court's copy is sealed and the notices go out."""
    data = defendant_data(name=name, birth=BIRTH, charge="盗窃罪", sentence_months=10, serial=serial,
                          id_number=make_id_number("440104", BIRTH, serial), judgment_effective_date=TODAY,
                          sentence_completed_date=None)
    case, _record = enter_case(cast.clerk_a, number=number, defendants=[data], content=SECRET,
                               offense_date=dt.date(2024, 1, 10), today=TODAY - dt.timedelta(days=20))
    defendant = case.defendants.get()
    services.create_record(user=police_clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": f"越公刑〔2024〕{serial}号",
        "defendant": defendant, "content": SECRET})
    file, _applied = services.evaluate_file(defendant, as_of=TODAY)
    assert file.status == "sealed"
    return file


def test_police_clerk_acknowledges_and_seals_the_copy_and_sees_the_overdue_one(page, log_in, cast, transactional_db):
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    police_clerk = UserFactory(username="police_x", agency=police, roles=[CLERK])
    fresh = _judgment(cast, police_clerk, number="（2024）粤0104刑初401号", name="少年庚", serial=41)
    stale = _judgment(cast, police_clerk, number="（2024）粤0104刑初402号", name="少年辛", serial=42)
    fresh_notice = fresh.notices.get(to_agency=police)
    stale_notice = stale.notices.get(to_agency=police)
    court_copy = fresh.defendant.case.records.get(holding_agency=cast.agency_a)
    assert RecordSeal.objects.filter(record=court_copy).exists()  # the court sealed on the seal date
    # acknowledged on the day it was sent and never sealed: its deadline (TODAY + 3) has long passed
    notices.acknowledge_notice(stale_notice, user=police_clerk,
                               now=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))

    log_in("police_x", DEMO_PASSWORD)
    assert page.inner_text("[data-testid=notice-count]") == "2"
    page.click("nav a[href='/cases/notices/']")
    rows = page.locator("[data-testid=notice-row]")
    assert rows.count() == 2
    first = rows.nth(0)  # overdue first, marked
    assert first.get_attribute("data-serial") == stale_notice.serial
    assert "table-danger" in first.get_attribute("class")
    assert first.locator("[data-testid=notice-state]").get_attribute("data-state") == "overdue"
    assert int(first.locator("[data-testid=notice-state]").get_attribute("data-days")) > 0
    second = rows.nth(1)
    assert second.locator("[data-testid=notice-state]").get_attribute("data-state") == "unacknowledged"
    inbox = page.inner_text("[data-testid=notices]")
    assert "（2024）粤0104刑初401号" in inbox and "少年庚" not in inbox and "少年辛" not in inbox

    second.locator("a", has_text=fresh_notice.serial).click()
    page.click("[data-testid=acknowledge]")
    page.wait_for_selector(".alert-success")
    assert police_clerk.display_name in page.inner_text("[data-testid=step-received]")
    assert page.locator("[data-testid=deadline]").inner_text() != ""

    with page.expect_download() as download:
        page.click("[data-testid=pdf]")
    assert download.value.suggested_filename == f"{fresh_notice.serial}.pdf"
    assert AccessLog.objects.filter(user=police_clerk, action=AccessAction.DOCUMENT,
                                    reference=fresh_notice.serial).count() == 1

    page.click("[data-testid=seal]")
    summary = page.inner_text("[data-testid=seal-summary]")
    assert "越秀区公安分局" in summary and "1" in summary
    assert page.locator("[data-testid=seal-item]").count() == 1
    page.click("[data-testid=confirm-seal]")
    page.wait_for_selector(".alert-success")
    state = page.locator("[data-testid=notice-status] [data-testid=notice-state]")
    assert state.get_attribute("data-state") == "sealed"
    assert police_clerk.display_name in page.inner_text("[data-testid=step-sealed]")

    page.goto(f"/cases/files/{fresh.pk}/")
    matrix = page.locator("[data-testid=matrix-row][data-agency='越秀区公安分局']")
    assert matrix.get_attribute("data-state") == "sealed"
    assert fresh_notice.serial in matrix.inner_text()
    copies = page.inner_text("[data-testid=copies]")
    assert "越秀区公安分局" in copies and "少年庚" not in page.content()

    page.goto("/cases/notices/")
    assert page.locator("[data-testid=notice-row]").count() == 1  # only the overdue one is left to do
    assert page.inner_text("[data-testid=notice-count]") == "1"
