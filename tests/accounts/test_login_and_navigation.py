"""Logging in, in Chinese by default, and a navigation that shows each role what it may do."""
from django.urls import reverse

from accounts.factories import DEMO_PASSWORD


def test_login_page_is_chinese_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-hans"' in page


def test_english_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    page = client.get(reverse("login")).content.decode()
    assert "Log in" in page and 'lang="en"' in page


def test_clerk_logs_in_and_sees_case_entry(client, cast):
    response = client.post(reverse("login"), {"username": "clerk_a", "password": DEMO_PASSWORD}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "新建案件" in page and "越秀区人民法院" in page


def test_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post(reverse("login"), {"username": "clerk_a", "password": "wrong"})
    assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()


def test_reviewer_navigation_has_no_case_entry(login, cast):
    page = login(cast.reviewer_a).get(reverse("home")).content.decode()
    assert "案件" in page and "新建案件" not in page


def test_pages_need_login(client, db):
    response = client.get(reverse("sealing:case_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_password_change(login, cast):
    client = login(cast.clerk_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "Xq7!seal-2026", "new_password2": "Xq7!seal-2026"},
    )
    assert response.status_code == 302
    cast.clerk_a.refresh_from_db()
    assert cast.clerk_a.check_password("Xq7!seal-2026")


def test_logout(login, cast):
    client = login(cast.clerk_a)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_browser_language_does_not_override_chinese(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page
