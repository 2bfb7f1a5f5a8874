"""In the browser, issue 14's walk: a supervisor opens the console and sees its chart drawn, drills into a police
copy left open past its deadline (the S-UNSEALED finding of the scan), drafts a correction notice (纠正违法通知书)
from the finding, a second supervisor holding the approver right approves it, it is issued, the police clerk
replies from the agency's inbox, the supervisor accepts the reply, and once the clerk has sealed the copy the next
scan closes the finding.

The data is prepared through the services with fixed dates around tests.cast.TODAY; the console is asked for
fixed months so its chart does not depend on the day the test runs."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission

from accounts.factories import DEMO_PASSWORD, AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, SUPERVISOR
from oversight import services as oversight_services
from oversight.models import Finding, Instrument, InstrumentKind, InstrumentState, ReplyDecision, State
from sealing import notices, services
from sealing.identity import make_id_number
from sealing.models import RecordKind
from tests.cast import TODAY, defendant_data, enter_case

pytestmark = pytest.mark.browser
BIRTH = dt.date(2007, 3, 1)
NAME = "少年壬"
CASE_NUMBER = "（2024）粤0104刑初451号"
FACTS = "越秀区公安分局于2026年6月1日签收封存通知书，逾期未封存其持有的侦查卷宗。"


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo("Asia/Shanghai"))


def _police_notice(cast, police, police_clerk, *, number, name, serial):
    """A juvenile judgment effective on TODAY: the court's copy is sealed and the police get a notice, which
    they acknowledge the same day (deadline TODAY + 3)."""
    data = defendant_data(name=name, birth=BIRTH, charge="盗窃罪", sentence_months=10, serial=serial,
                          id_number=make_id_number("440104", BIRTH, serial), judgment_effective_date=TODAY,
                          sentence_completed_date=None)
    case, _record = enter_case(cast.clerk_a, number=number, defendants=[data], content="判决书正文",
                               offense_date=dt.date(2024, 1, 10), today=TODAY - dt.timedelta(days=20))
    defendant = case.defendants.get()
    services.create_record(user=police_clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": f"越公刑〔2024〕{serial}号",
        "defendant": defendant, "content": "侦查卷宗正文"})
    file, _applied = services.evaluate_file(defendant, as_of=TODAY)
    assert file.status == "sealed"
    notice = file.notices.get(to_agency=police)
    notice = notices.acknowledge_notice(notice, user=police_clerk, now=at(TODAY))
    assert notice.deadline == TODAY + dt.timedelta(days=3)
    return notice


def _switch_user(page, log_in, username):
    page.context.clear_cookies()
    log_in(username, DEMO_PASSWORD)


def _confirm(page):
    """The action pages say what will happen; the button does it and the detail page reports success."""
    page.wait_for_selector("[data-testid=confirmation]")
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")


def test_console_to_correction_notice_to_closed_finding(page, log_in, cast, transactional_db):
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    police_clerk = UserFactory(username="police_s", agency=police, roles=[CLERK])
    chief = UserFactory(username="chief_s", agency=cast.procuratorate_x, roles=[SUPERVISOR])
    chief.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
    # one copy sealed on time (the chart has a bar), one left open past its deadline (the finding)
    on_time = _police_notice(cast, police, police_clerk, number="（2024）粤0104刑初450号", name="少年癸", serial=44)
    notices.seal_notice_copy(on_time, user=police_clerk, now=at(TODAY, 15))
    notice = _police_notice(cast, police, police_clerk, number=CASE_NUMBER, name=NAME, serial=45)
    detected = TODAY + dt.timedelta(days=10)
    oversight_services.scan(detected)
    finding = Finding.objects.get(rule="S-UNSEALED", sealing_notice=notice, state=State.OPEN)
    assert finding.agency == police

    # the console: the chart of copies sealed is drawn, the police row shows the overdue copy
    log_in("supervisor_x", DEMO_PASSWORD)
    page.goto("/oversight/console/?first=2026-01&last=2026-06")
    chart = page.locator("svg[data-testid=sealed-chart]")
    chart.wait_for()
    on_time_bar = chart.locator("rect[data-series=on_time][data-value='1']")
    assert on_time_bar.count() == 1
    assert chart.locator("rect[data-series=late]").count() == 0
    assert notice.serial in page.inner_text("[data-testid=overdue]")
    assert NAME not in page.content()
    police_row = page.locator(f"[data-testid=now] tr[data-agency='{police.pk}']")
    assert police_row.count() == 1
    police_row.locator("a").first.click()

    # drill down: the open S-UNSEALED findings of the police, then the finding itself
    page.wait_for_url("**/oversight/findings/?**")
    row = page.locator("[data-testid=findings] tr[data-rule='S-UNSEALED']", has_text=finding.serial)
    row.locator("a", has_text=finding.serial).click()
    page.wait_for_url(f"**/oversight/findings/{finding.pk}/")
    assert page.locator("[data-testid=finding-state]").get_attribute("data-code") == State.OPEN
    assert page.locator("[data-testid=finding-object]", has_text=notice.serial).count() == 1
    assert NAME not in page.content()

    # draft the correction notice from the finding: agency and finding come chosen
    page.click("[data-testid=draft-instrument]")
    page.wait_for_selector("form [data-testid=save]")
    assert page.locator("select[name=agency]").input_value() == str(police.pk)
    assert page.locator(f"input[name=findings][value='{finding.pk}']").is_checked()
    page.select_option("select[name=kind]", InstrumentKind.NOTICE)
    page.fill("textarea[name=facts]", FACTS)
    page.fill("textarea[name=legal_basis]", "《关于未成年人犯罪记录封存的实施办法》第十二条、第二十四条")
    page.fill("textarea[name=correction_required]", "收到本通知书后立即封存该案侦查卷宗，并书面回复。")
    page.click("[data-testid=save]")
    page.wait_for_selector(".alert-success")
    instrument = Instrument.objects.get(findings=finding)
    assert instrument.kind == InstrumentKind.NOTICE and instrument.agency == police
    assert instrument.state == InstrumentState.DRAFT
    assert page.locator("[data-testid=approve]").count() == 0  # the drafter does not approve
    page.click("[data-testid=submit]")
    _confirm(page)
    assert page.locator("[data-testid=instrument-state]").get_attribute("data-code") == \
        InstrumentState.AWAITING_APPROVAL
    assert page.locator("[data-testid=approve]").count() == 0

    # a second supervisor with the approver right approves and issues it
    _switch_user(page, log_in, "chief_s")
    page.goto(f"/oversight/instruments/{instrument.pk}/")
    page.click("[data-testid=approve]")
    _confirm(page)
    assert page.locator("[data-testid=instrument-state]").get_attribute("data-code") == InstrumentState.APPROVED
    page.click("[data-testid=issue]")
    _confirm(page)
    assert page.locator("[data-testid=instrument-state]").get_attribute("data-code") == InstrumentState.ISSUED
    assert page.inner_text("[data-testid=deadline]").strip() != ""
    instrument.refresh_from_db()
    assert instrument.approved_by == chief and instrument.issued_on is not None

    # the police clerk finds it in the agency's inbox and replies
    _switch_user(page, log_in, "police_s")
    page.goto("/oversight/inbox/")
    page.locator("[data-testid=instruments] a", has_text=instrument.serial).click()
    page.wait_for_url(f"**/oversight/inbox/{instrument.pk}/")
    assert FACTS in page.inner_text("[data-testid=facts]")
    page.click("[data-testid=reply]")
    page.wait_for_selector("[data-testid=confirmation]")
    page.check("input[name=outcome][value=adopted]")
    page.fill("textarea[name=actions]", "已安排专人封存该案侦查卷宗，并对经办人员进行了批评教育。")
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=reply-card]").count() == 1
    assert page.locator("[data-testid=reply]").count() == 0  # one reply owed, one sent

    # the drafting supervisor accepts the reply: the notice is closed
    _switch_user(page, log_in, "supervisor_x")
    page.goto(f"/oversight/instruments/{instrument.pk}/")
    assert page.locator("[data-testid=instrument-state]").get_attribute("data-code") == InstrumentState.REPLIED
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=confirmation]")
    page.fill("textarea[name=note]", "回复属实，予以采纳。")
    page.click("[data-testid=confirm]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=instrument-state]").get_attribute("data-code") == InstrumentState.CLOSED
    instrument.refresh_from_db()
    assert instrument.state == InstrumentState.CLOSED
    assert instrument.replies.get().decision == ReplyDecision.ACCEPTED

    # the finding stays open while the copy is open; the clerk seals it and the next scan closes it
    oversight_services.scan(detected + dt.timedelta(days=1))
    finding.refresh_from_db()
    assert finding.state == State.OPEN
    notices.seal_notice_copy(notice, user=police_clerk, now=at(detected + dt.timedelta(days=1)))
    closing = detected + dt.timedelta(days=2)
    summary = oversight_services.scan(closing)
    assert summary["by_rule"]["S-UNSEALED"]["closed"] >= 1
    page.goto(f"/oversight/findings/{finding.pk}/")
    assert page.locator("[data-testid=finding-state]").get_attribute("data-code") == State.CLOSED
    assert page.locator("[data-testid=draft-instrument]").count() == 0
    finding.refresh_from_db()
    assert finding.state == State.CLOSED and finding.closed_on == closing

    # the console counts the copy as sealed late
    page.goto("/oversight/console/?first=2026-01&last=2026-06")
    late_bar = page.locator("svg[data-testid=sealed-chart] rect[data-series=late]")
    late_bar.first.wait_for()
    assert late_bar.count() == 1 and late_bar.get_attribute("data-value") == "1"
