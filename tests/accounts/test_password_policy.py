"""The password policy (GB/T 22239-2019 8.1.4.1 a): 10 characters, three of four kinds, not like the user name,
not a common password, none of the last 5 again, a new one every 90 days. Every number is a setting."""
import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import security
from accounts.factories import DEMO_PASSWORD
from accounts.models import PasswordHistory


def refusals(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.fixture
def fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the demo hash still checks


def test_gzcourt88_is_refused():
    assert {"password_too_short", "password_too_simple"} <= refusals("gzcourt88")


def test_the_demo_password_passes():
    assert refusals(DEMO_PASSWORD) == set()


def test_nine_characters_are_too_short_ten_are_enough():
    assert refusals("Ab3$efghi") == {"password_too_short"}
    assert refusals("Ab3$efghij") == set()


def test_two_kinds_of_characters_are_too_simple_three_are_enough():
    assert refusals("sealingrecords2026") == {"password_too_simple"}
    assert refusals("SealingRecords2026") == set()
    assert refusals("sealing-records-2026") == set()


def test_a_password_like_the_user_name_is_refused(cast):
    assert "password_too_similar" in refusals("Reviewer_a-2026", cast.reviewer_a)


def test_a_common_password_is_refused():
    assert "password_too_common" in refusals("Password123")


def test_the_numbers_are_settings(settings):
    from django.contrib.auth import password_validation

    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 14}},
        {"NAME": "accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 4}},
    ]
    password_validation.get_default_password_validators.cache_clear()
    try:
        assert refusals("SealingRecords2026") == {"password_too_simple"}
        assert refusals("Ab3$efghij") == {"password_too_short"}
    finally:
        password_validation.get_default_password_validators.cache_clear()


def change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def test_none_of_the_last_5_passwords_may_come_back(login, cast, fast_hashes):
    client = login(cast.clerk_a)
    passwords = [DEMO_PASSWORD] + [f"Seal-record-{n}x" for n in range(1, 6)]
    for old, new in zip(passwords, passwords[1:]):
        assert change(client, old, new).status_code == 302
    current = passwords[-1]
    for earlier in passwords[-5:-1] + [current]:  # the current one and the four before it
        response = change(client, current, earlier)
        assert response.status_code == 200 and "new_password2" in response.context["form"].errors
    assert change(client, current, passwords[0]).status_code == 302  # six passwords ago: allowed again
    assert PasswordHistory.objects.filter(user=cast.clerk_a).count() == 6


def test_the_history_keeps_hashes_only(cast, fast_hashes):
    cast.clerk_a.set_password("Seal-record-9x")
    cast.clerk_a.save()
    stored = PasswordHistory.objects.get(user=cast.clerk_a).password
    assert "Seal-record-9x" not in stored and stored == cast.clerk_a.password


def test_a_password_change_through_the_page_is_validated(login, cast):
    response = change(login(cast.clerk_a), DEMO_PASSWORD, "gzcourt88")
    assert response.status_code == 200
    cast.clerk_a.refresh_from_db()
    assert cast.clerk_a.check_password(DEMO_PASSWORD)


def test_setting_a_password_stamps_its_date(cast, fast_hashes):
    before = timezone.now()
    cast.clerk_a.set_password("Seal-record-9x")
    cast.clerk_a.save()
    cast.clerk_a.refresh_from_db()
    assert cast.clerk_a.password_changed_at >= before


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = timezone.now()

        def move(self, **delta):
            self.now += dt.timedelta(**delta)

    c = Clock()
    monkeypatch.setattr(security, "now", lambda: c.now)
    return c


def test_a_password_older_than_90_days_forces_a_change(login, cast, clock, fast_hashes):
    client = login(cast.clerk_a)
    type(cast.clerk_a).objects.filter(pk=cast.clerk_a.pk).update(
        password_changed_at=clock.now - dt.timedelta(days=90, minutes=1))
    response = client.get(reverse("sealing:case_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    assert change(client, DEMO_PASSWORD, "Seal-record-9x").status_code == 302
    assert client.get(reverse("sealing:case_list")).status_code == 200


def test_a_password_of_89_days_is_still_good(login, cast, clock):
    client = login(cast.clerk_a)
    type(cast.clerk_a).objects.filter(pk=cast.clerk_a.pk).update(
        password_changed_at=clock.now - dt.timedelta(days=89))
    assert client.get(reverse("sealing:case_list")).status_code == 200


def test_a_password_never_changed_counts_from_the_account_creation(cast):
    user = cast.clerk_a
    assert user.password_changed_at is None
    assert security.password_expired(user, user.date_joined + dt.timedelta(days=91))
    assert not security.password_expired(user, user.date_joined + dt.timedelta(days=89))


def test_expiry_is_off_with_zero(cast, settings):
    settings.FENGCUN_PASSWORD_MAX_AGE_DAYS = 0
    assert not security.password_expired(cast.clerk_a, timezone.now() + dt.timedelta(days=3650))


def test_an_expired_password_is_changed_after_the_second_factor(client, cast, clock):
    from tests.otp import code_for, confirmed_device

    device = confirmed_device(cast.reviewer_a)
    type(cast.reviewer_a).objects.filter(pk=cast.reviewer_a.pk).update(
        password_changed_at=clock.now - dt.timedelta(days=100))
    client.post(reverse("login"), {"username": "reviewer_a", "password": DEMO_PASSWORD})
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"token": code_for(device)})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
