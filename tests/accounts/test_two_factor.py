"""Reviewers, supervisors, policy administrators, auditors and administrators log in with a TOTP code after the
password: enrolment in the browser on the first login, a code on every later one. Clerks are not asked.

These tests log in through the login page (client.force_login passes the second factor: tests/conftest.py)."""
import base64
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.factories import DEMO_PASSWORD, UserFactory
from accounts.roles import AUDITOR, POLICY_ADMIN
from tests.otp import code_for, confirmed_device


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a right code straight after a wrong one (the delay is django-otp's)


def log_in(client, username, next_url=None):
    data = {"username": username, "password": DEMO_PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    if next_url:
        data["next"] = next_url
    return client.post(url, data, follow=True)


def path_of(response):
    return response.redirect_chain[-1][0].split("?")[0] if response.redirect_chain else response.request["PATH_INFO"]


def secret_on(page: str) -> bytes:
    return base64.b32decode(re.search(r'data-secret="([A-Z2-7]+)"', page).group(1))


def enrolled_code(user, page: str) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return code_for(device, key=secret_on(page))


def test_a_reviewer_without_a_device_is_sent_to_enrolment(client, cast):
    response = log_in(client, "reviewer_a")
    assert path_of(response) == reverse("otp_enrol")
    page = response.content.decode()
    assert "<svg" in page and 'data-testid="otp-secret"' in page
    assert client.get(reverse("sealing:case_list")).status_code == 302
    assert client.get(reverse("sealing:case_list"))["Location"].startswith(reverse("otp_enrol"))


def test_the_enrolment_page_has_no_inline_script_and_keeps_its_secret_on_reload(client, cast):
    first = log_in(client, "reviewer_a").content.decode()
    again = client.get(reverse("otp_enrol")).content.decode()
    assert secret_on(first) == secret_on(again)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", again)
    assert "otpauth" not in again  # the URL is in the QR code only; the key is shown for manual entry


def test_enrolment_with_a_wrong_code_fails_and_with_the_right_code_verifies(client, cast):
    page = log_in(client, "reviewer_a", next_url="/queries/").content.decode()
    wrong = client.post(reverse("otp_enrol"), {"token": "000000", "next": "/queries/"})
    assert wrong.status_code == 200 and "token" in wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(user=cast.reviewer_a, confirmed=True).exists()
    right = client.post(reverse("otp_enrol"), {"token": enrolled_code(cast.reviewer_a, page), "next": "/queries/"})
    assert right.status_code == 302 and right["Location"] == "/queries/"
    assert TOTPDevice.objects.filter(user=cast.reviewer_a, confirmed=True).count() == 1
    assert client.get(reverse("home")).status_code == 200


def test_a_confirmed_device_is_not_shown_again(client, cast):
    confirmed_device(cast.reviewer_a)
    log_in(client, "reviewer_a")
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))


def test_a_reviewer_with_a_device_is_asked_for_the_code(client, cast):
    device = confirmed_device(cast.reviewer_a)
    response = log_in(client, "reviewer_a")
    assert path_of(response) == reverse("otp_verify")
    wrong = client.post(reverse("otp_verify"), {"token": "123456"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_verify"))
    right = client.post(reverse("otp_verify"), {"token": code_for(device)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_code_is_accepted_once(client, cast):
    device = confirmed_device(cast.reviewer_a)
    log_in(client, "reviewer_a")
    code = code_for(device)
    client.post(reverse("otp_verify"), {"token": code})
    client.post(reverse("logout"))
    log_in(client, "reviewer_a")
    assert client.post(reverse("otp_verify"), {"token": code}).status_code == 200


def test_a_clerk_is_not_asked(client, cast):
    response = log_in(client, "clerk_a")
    assert path_of(response) == reverse("home") and response.status_code == 200


@pytest.mark.parametrize("who", ["supervisor", POLICY_ADMIN, AUDITOR, "staff", "superuser"])
def test_every_sensitive_role_and_administrators_are_asked(client, cast, who):
    if who == "supervisor":
        username = "supervisor_x"
    elif who in ("staff", "superuser"):
        username = who
        UserFactory(username=who, agency=None, is_staff=True, is_superuser=who == "superuser")
    else:
        username = who
        UserFactory(username=who, agency=cast.agency_a, roles=[who])
    assert path_of(log_in(client, username)) == reverse("otp_enrol")


def test_the_admin_needs_the_second_factor_too(client, cast):
    UserFactory(username="root", agency=None, is_staff=True, is_superuser=True)
    log_in(client, "root")
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("otp_enrol"))


def test_before_the_second_factor_one_can_log_out_and_change_language(client, cast):
    log_in(client, "reviewer_a")
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_is_sent_to_the_page_not_swapped(client, cast):
    log_in(client, "reviewer_a")
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("otp_enrol")


def test_the_requirement_can_be_turned_off(client, cast, settings):
    settings.FENGCUN_2FA_REQUIRED = False
    assert path_of(log_in(client, "reviewer_a")) == reverse("home")


def test_a_clerk_is_not_offered_an_enrolment(login, cast):
    response = login(cast.clerk_a).get(reverse("otp_enrol"))
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=cast.clerk_a).exists()


def test_a_next_address_elsewhere_is_not_followed(client, cast):
    device = confirmed_device(cast.reviewer_a)
    log_in(client, "reviewer_a")
    response = client.post(reverse("otp_verify"), {"token": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_admin_does_not_show_a_users_key(client, cast, django_user_model):
    device = confirmed_device(cast.reviewer_a)
    admin = django_user_model.objects.create_superuser("root", "", "Adm1n-pass-2026")
    client.force_login(admin)
    # django-otp's device pages are not in the admin (a lost phone is reset from the users' list)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 404
    page = client.get(reverse("admin:accounts_user_change", args=[cast.reviewer_a.pk])).content.decode()
    assert page.count("</html>") == 1 and device.key not in page
