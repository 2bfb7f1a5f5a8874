"""A session ends after 30 minutes without a request, 12 hours after the login, and at once when its user is
deactivated or loses a role. The middleware's clock is moved, nothing sleeps."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import security
from accounts.roles import CLERK, REVIEWER

@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock; `clock.move(minutes=...)` moves it."""

    class Clock:
        now = timezone.now()

        def move(self, **delta):
            self.now += dt.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(security, "now", lambda: c.now)
    return c


def logged_out(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_29_minutes_without_a_request_keep_the_session(login, cast, clock):
    client = login(cast.clerk_a)
    client.get(reverse("home"))
    clock.move(minutes=29)
    assert client.get(reverse("home")).status_code == 200


def test_31_minutes_without_a_request_end_the_session(login, cast, clock):
    client = login(cast.clerk_a)
    client.get(reverse("home"))
    clock.move(minutes=31)
    response = client.get(reverse("sealing:case_list"))
    assert logged_out(response) and "next=" in response["Location"]
    assert client.get(reverse("home")).status_code == 302  # and it stays ended


def test_activity_moves_the_idle_limit(login, cast, clock):
    client = login(cast.clerk_a)
    for _ in range(5):
        clock.move(minutes=20)
        assert client.get(reverse("home")).status_code == 200


def test_the_session_ends_12_hours_after_the_login_however_active(login, cast, clock):
    client = login(cast.clerk_a)
    client.get(reverse("home"))  # the session started at the login, on the test's clock
    for _ in range(12 * 3 - 1):
        clock.move(minutes=20)
        assert client.get(reverse("home")).status_code == 200  # 11 h 40 min
    clock.move(minutes=21)  # 12 h 1 min after the login, 21 minutes after the last request
    assert logged_out(client.get(reverse("home")))


def test_the_idle_limit_is_a_setting(login, cast, clock, settings):
    settings.FENGCUN_SESSION_IDLE_MINUTES = 10
    client = login(cast.clerk_a)
    client.get(reverse("home"))
    clock.move(minutes=11)
    assert logged_out(client.get(reverse("home")))


def test_the_session_cookie_expires_with_the_browser_and_after_the_idle_limit(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == settings.FENGCUN_SESSION_IDLE_MINUTES * 60 == 30 * 60


def test_deactivation_ends_the_session_at_the_next_request(login, cast):
    client = login(cast.clerk_a)
    assert client.get(reverse("home")).status_code == 200
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    assert logged_out(client.get(reverse("home")))


def test_deactivation_through_a_stale_copy_cannot_bring_sessions_back(login, cast, django_user_model):
    client = login(cast.clerk_a)
    stale = django_user_model.objects.get(pk=cast.clerk_a.pk)
    cast.clerk_a.is_active = False
    cast.clerk_a.save(update_fields=["is_active"])
    stale.first_name = "新"  # saved from a copy read before the deactivation: is_active comes back True
    stale.save()
    assert logged_out(client.get(reverse("home")))


def test_losing_a_role_ends_the_session(login, cast):
    client = login(cast.reviewer_a)
    assert client.get(reverse("home")).status_code == 200
    cast.reviewer_a.groups.remove(Group.objects.get(name=REVIEWER))
    assert logged_out(client.get(reverse("home")))


def test_removing_the_user_from_the_group_ends_the_session(login, cast):
    client = login(cast.clerk_a)
    Group.objects.get(name=CLERK).user_set.clear()
    assert logged_out(client.get(reverse("home")))


def test_gaining_a_role_keeps_the_session(login, cast):
    client = login(cast.clerk_a)
    cast.clerk_a.groups.add(Group.objects.get(name=REVIEWER))
    assert client.get(reverse("home")).status_code in (200, 302)
    assert "_auth_user_id" in client.session


def test_losing_a_role_in_the_admin_ends_the_session(client, login, cast, django_user_model):
    reviewer_client = login(cast.reviewer_a)
    from django.test import Client

    admin_client = Client()
    admin = django_user_model.objects.create_superuser("root", "", "Adm1n-pass-2026")
    admin_client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[cast.reviewer_a.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                               "user_permissions", "last_login",
                                                                               "date_joined")}
    data.update({"groups": [], "user_permissions": [], "agency": cast.agency_a.pk,
                 "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert logged_out(reviewer_client.get(reverse("home")))


def test_a_password_change_keeps_the_own_session(login, cast):
    client = login(cast.clerk_a)
    from accounts.factories import DEMO_PASSWORD

    client.post(reverse("password_change"), {"old_password": DEMO_PASSWORD, "new_password1": "Xq7!seal-2026",
                                             "new_password2": "Xq7!seal-2026"})
    assert client.get(reverse("home")).status_code == 200
