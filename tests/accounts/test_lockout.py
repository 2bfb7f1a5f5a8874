"""Repeated wrong passwords lock the user name (from any address) and the address (for any user name); an
administrator unlocks; the page never tells whether a user name exists."""
import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        attempt(client, username, "wrong-password", address)


def test_five_failures_lock_the_user_name_and_the_right_password_is_then_refused(client, cast):
    fail(client, "clerk_a", 4)
    assert attempt(client, "clerk_a", "wrong-password").status_code == 429  # the fifth failure locks
    response = attempt(client, "clerk_a", DEMO_PASSWORD)
    assert response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    from audit.models import AuditEntry, AuditKind

    lockouts = AuditEntry.objects.filter(kind=AuditKind.LOCKOUT)
    assert lockouts.count() >= 1 and lockouts.first().actor_username == "clerk_a"  # in the tamper-evident chain


def test_the_lock_holds_from_another_address(client, cast):
    fail(client, "clerk_a", 5, address="10.0.0.1")
    assert attempt(client, "clerk_a", DEMO_PASSWORD, address="10.9.9.9").status_code == 429


def test_four_failures_do_not_lock(client, cast):
    fail(client, "clerk_a", 4)
    assert attempt(client, "clerk_a", DEMO_PASSWORD).status_code == 302


def test_a_locked_user_name_does_not_lock_the_colleagues(client, cast):
    fail(client, "clerk_a", 5)
    assert attempt(client, "clerk_b", DEMO_PASSWORD).status_code == 302


@override_settings(FENGCUN_LOCKOUT_ADDRESS_LIMIT=8)
def test_an_address_spraying_user_names_is_locked_for_every_user_name(client, cast):
    for n in range(8):
        attempt(client, f"guess{n}", "wrong-password", address="10.6.6.6")
    assert attempt(client, "clerk_a", DEMO_PASSWORD, address="10.6.6.6").status_code == 429
    assert attempt(client, "clerk_a", DEMO_PASSWORD, address="10.0.0.2").status_code == 302


def test_an_unknown_user_name_is_refused_and_locked_like_a_real_one(client, cast):
    unknown = attempt(client, "nobody", "wrong-password").content.decode()
    known = attempt(client, "clerk_a", "wrong-password").content.decode()
    assert "用户名或密码错误" in unknown and "用户名或密码错误" in known
    fail(client, "nobody", 4)
    fail(client, "clerk_a", 4)
    for username in ("nobody", "clerk_a"):
        response = attempt(client, username, "x")
        assert response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()
        assert username not in response.content.decode()


def test_a_disabled_account_gets_the_same_answer_as_a_wrong_password(client, cast):
    cast.clerk_a.is_active = False
    cast.clerk_a.save()
    page = attempt(client, "clerk_a", DEMO_PASSWORD).content.decode()
    assert "用户名或密码错误" in page


def test_the_lockout_ends_after_the_cool_off(client, cast, settings):
    fail(client, "clerk_a", 5)
    last = AccessAttempt.objects.get(username="clerk_a").attempt_time
    AccessAttempt.objects.update(attempt_time=last - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
    assert attempt(client, "clerk_a", DEMO_PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_user_in_the_admin(client, cast, django_user_model):
    fail(client, "clerk_a", 5)
    admin = django_user_model.objects.create_superuser("root", "", "Adm1n-pass-2026")
    client.force_login(admin)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "unlock_login", "_selected_action": [cast.clerk_a.pk]}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "clerk_a", DEMO_PASSWORD).status_code == 302


def test_the_lockout_admin_lists_the_attempts_and_deleting_one_unlocks(client, cast, django_user_model):
    fail(client, "clerk_a", 5)
    admin = django_user_model.objects.create_superuser("root", "", "Adm1n-pass-2026")
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_loginattempt_changelist"), REMOTE_ADDR="10.0.0.5")
    assert page.status_code == 200 and "clerk_a" in page.content.decode()
    pk = AccessAttempt.objects.get(username="clerk_a").pk
    client.post(reverse("admin:accounts_loginattempt_delete", args=[pk]), {"post": "yes"}, REMOTE_ADDR="10.0.0.5")
    client.post(reverse("logout"))
    assert attempt(client, "clerk_a", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_axes_reset_username_command_unlocks(client, cast):
    fail(client, "clerk_a", 5)
    call_command("axes_reset_username", "clerk_a")
    assert attempt(client, "clerk_a", DEMO_PASSWORD).status_code == 302
