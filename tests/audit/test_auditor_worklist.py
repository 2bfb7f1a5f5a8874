"""The auditor's home page is a work list too (audit/selectors.py): the past seven days' sealed files opened with
a reason, reads of sealed content, lockouts, role and permission changes and exports, each counted from the rows
of the list it links to, over the window those lists show (the admin's own "past 7 days": midnight seven days
before today to the end of today)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.roles import AUDITOR
from audit import selectors
from audit.models import AuditKind
from audit.services import record_security_event
from sealing.disclosure import log_read
from sealing.models import AccessAction
from tests.cast import TODAY, enter_case

FIRST = TODAY - dt.timedelta(days=7)


def moment(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def auditor(cast):
    return UserFactory(username="auditor_w", agency=cast.procuratorate_x, roles=[AUDITOR], is_staff=True)


@pytest.fixture
def trail(cast, monkeypatch):
    """Reads and security events on both sides of each edge of the window."""
    _case, record = enter_case(cast.clerk_a)
    file = record.case.defendants.get().sealing_file

    def read(when, action=AccessAction.READ):
        with monkeypatch.context() as patched:
            patched.setattr(timezone, "now", lambda: when)
            if action == AccessAction.BREAK_GLASS:
                log_read(cast.clerk_a, action=action, defendant=file.defendant, reason="核查封存情况的理由")
            else:
                log_read(cast.clerk_a, action=action, record=record)

    read(moment(FIRST - dt.timedelta(days=1), 23, 59))  # the day before the window: not counted
    read(moment(FIRST, 0, 0))  # its first moment
    read(moment(TODAY, 23, 59))  # its last day
    read(moment(TODAY - dt.timedelta(days=2)), AccessAction.BREAK_GLASS)
    read(moment(FIRST - dt.timedelta(days=3)), AccessAction.BREAK_GLASS)  # before: not counted
    read(moment(TODAY + dt.timedelta(days=1), 0, 0))  # tomorrow (a clock ahead of the date asked): not counted
    record_security_event(AuditKind.LOCKOUT, username="someone", at=moment(FIRST, 0, 0))
    record_security_event(AuditKind.LOCKOUT, username="someone", at=moment(FIRST - dt.timedelta(days=1), 23, 59))
    record_security_event(AuditKind.ROLE_CHANGE, actor=cast.clerk_a, at=moment(TODAY, 8))


def _items(user):
    return {item.key: item for item in selectors.work_items(user, TODAY)}


def test_the_window_counts_seven_days_before_today_through_today(auditor, trail):
    items = _items(auditor)
    assert items["break-glass"].count == 1
    assert items["reads"].count == 3  # two reads and the opening with a reason
    assert items["trail-lockout"].count == 1
    assert items["trail-role_change"].count == 1
    assert items["trail-permission_change"].count == 0
    assert selectors.window(TODAY) == (FIRST, TODAY)


def test_each_count_is_the_number_of_rows_its_list_shows(auditor, trail, client):
    client.force_login(auditor)
    for key, item in _items(auditor).items():
        response = client.get(item.url)
        assert response.status_code == 200, key
        if key.startswith("trail-"):
            shown = response.context["cl"].result_count
        else:
            shown = len(response.context["rows"])
        assert shown == item.count, (key, shown, item.count)


def test_the_trail_links_choose_the_admins_own_past_seven_days(auditor, trail, client, monkeypatch):
    # the admin's date filter reckons "past 7 days" from its own clock: on the same day it shows the link's
    # window as the one chosen, so the auditor sees what the count covered
    monkeypatch.setattr(timezone, "now", lambda: moment(TODAY, 9))
    client.force_login(auditor)
    page = client.get(_items(auditor)["trail-lockout"].url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?at__gte=[^"]*">过去7天</a>', page), "past 7 days not chosen"


def test_only_an_auditor_gets_the_group_and_the_trail_only_with_the_admin(cast, trail):
    assert selectors.work_items(cast.clerk_a, TODAY) == []
    assert selectors.work_items(cast.supervisor_x, TODAY) == []  # the console is the supervisor's
    not_staff = UserFactory(username="auditor_ns", agency=cast.procuratorate_x, roles=[AUDITOR])
    assert set(_items(not_staff)) == {"break-glass", "reads"}


def test_the_auditors_home_page_in_both_languages(auditor, trail, client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    client.force_login(auditor)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审计" in page and "过去7天说明理由后查看的封存档案" in page and "过去7天被锁定的账户" in page
    assert 'data-testid="no-work"' not in page
    assert "已逾期" not in page and "最近期限" not in page  # counts to review: no deadline columns
    assert f'href="{reverse("oversight:access_log")}?action=break_glass&amp;since={FIRST}&amp;until={TODAY}"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "Sealed files opened with a reason, past 7 days" in page and "Overdue" not in page
