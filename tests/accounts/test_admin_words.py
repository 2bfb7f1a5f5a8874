"""The system administrator's admin in words: roles by their names, permissions in the reader's language, the
login lockout's records, the password without its hash, a lost phone's reset."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.factories import UserFactory
from accounts.models import LoginAttempt, Role
from accounts.roles import AUDITOR, CLERK, SYSTEM_ADMIN, assignable_permissions, ensure_role_groups, permission_label
from audit.models import AuditEntry, AuditKind
from tests.test_every_word_translated import visible_text


@pytest.fixture
def sysadmin(db):
    ensure_role_groups()
    return UserFactory(username="sysadmin", agency=None, roles=[SYSTEM_ADMIN], is_staff=True)


def _page(client, url, language="zh-hans"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(None):
        response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def test_a_permission_reads_in_the_readers_language(db):
    add_case = Permission.objects.get(content_type__app_label="sealing", codename="add_case")
    decide = Permission.objects.get(content_type__app_label="queries", codename="decide_queryrequest")
    with translation.override("zh-hans"):
        assert permission_label(add_case) == "封存 · 案件 · 添加案件"
        assert permission_label(decide).endswith("审核查询申请") or "Can" not in permission_label(decide)
    with translation.override("en"):
        assert permission_label(add_case).endswith("add case")
        assert permission_label(decide).endswith("Can decide query requests")


def test_only_the_projects_own_permissions_are_given(db):
    labels = {f"{p.content_type.app_label}.{p.content_type.model}" for p in assignable_permissions()}
    assert {"sealing.case", "queries.queryrequest", "accounts.role", "accounts.loginattempt"} <= labels
    assert not {label for label in labels if label.split(".")[1].startswith("historical")}
    assert not {"auth.group", "sessions.session", "axes.accessattempt", "django_celery_beat.periodictask",
                "sealing.caseuserobjectpermission", "common.serialcounter"} & labels


def test_the_roles_read_by_their_names_and_a_role_is_not_renamed(client, sysadmin):
    superuser = UserFactory(username="root", agency=None, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    listing = _page(client, reverse("admin:accounts_role_changelist"))
    assert "书记员" in listing or "clerk" not in listing
    assert "system_admin" not in listing and "clerk" not in listing.split()
    clerk = Role.objects.get(name=CLERK)
    page = _page(client, reverse("admin:accounts_role_change", args=[clerk.pk]))
    assert "添加案件" in page and "Can add" not in page and "historical" not in page
    english = _page(client, reverse("admin:accounts_role_change", args=[clerk.pk]), "en")
    assert "add case" in english
    with translation.override(None):
        client.post(reverse("admin:accounts_role_change", args=[clerk.pk]),
                    {"name": "renamed", "permissions": [p.pk for p in clerk.permissions.all()]})
    assert Group.objects.filter(name=CLERK).exists() and not Group.objects.filter(name="renamed").exists()


def test_the_user_list_filters_by_role_in_words(client, sysadmin, cast):
    client.force_login(sysadmin)
    text = _page(client, reverse("admin:accounts_user_changelist"))
    assert "system_admin" not in text and "reviewer" not in text.split()
    with translation.override(None):
        response = client.get(reverse("admin:accounts_user_changelist"), {"role": "reviewer"})
    shown = {user.username for user in response.context["cl"].result_list}
    assert shown and shown == set(Group.objects.get(name="reviewer").user_set.values_list("username", flat=True))


def test_the_password_is_said_to_be_set_without_its_hash(client, sysadmin, cast):
    client.force_login(sysadmin)
    text = _page(client, reverse("admin:accounts_user_change", args=[cast.clerk_b.pk]))
    assert "已设置密码" in text
    algorithm = cast.clerk_b.password.split("$")[0]
    assert algorithm not in text and cast.clerk_b.password.split("$")[2][:6] not in text


def test_a_lost_phone_is_reset_by_another_administrator(client, sysadmin, cast):
    reviewer = cast.reviewer_a
    TOTPDevice.objects.create(user=reviewer, name="TOTP", confirmed=True)
    TOTPDevice.objects.create(user=sysadmin, name="TOTP", confirmed=True)
    generation = type(reviewer).objects.get(pk=reviewer.pk).session_generation
    client.force_login(sysadmin)
    with translation.override(None):
        response = client.post(reverse("admin:accounts_user_changelist"),
                               {"action": "reset_second_factor", "_selected_action": [reviewer.pk, sysadmin.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert TOTPDevice.objects.filter(user=sysadmin).exists()  # nobody resets their own
    assert type(reviewer).objects.get(pk=reviewer.pk).session_generation == generation + 1
    entry = AuditEntry.objects.filter(kind=AuditKind.ACCOUNT_CHANGE, object_id=str(reviewer.pk)).latest("seq")
    assert entry.detail["second_factor_reset"] is True and entry.actor_username == "sysadmin"
    client.force_login(UserFactory(username="auditor", agency=None, roles=[AUDITOR], is_staff=True))
    trail = _page(client, reverse("admin:audit_auditentry_change", args=[entry.seq]))
    assert "身份验证器已重置" in trail and "second_factor" not in trail


def test_the_lockout_is_read_in_words_and_lifted_by_the_system_administrator(client, sysadmin):
    attempt = AccessAttempt.objects.create(username="clerk_x", ip_address="10.0.0.7", user_agent="Mozilla/5.0",
                                           http_accept="*/*", path_info="/accounts/login/",
                                           get_data="", post_data="",
                                           failures_since_start=settings.AXES_FAILURE_LIMIT)
    # (its time is now: django-axes cleans up attempts older than the cool-off at each request)
    client.force_login(sysadmin)
    text = _page(client, reverse("admin:accounts_loginattempt_changelist"))
    assert "登录失败计数" in text and "clerk_x" in text and "10.0.0.7" in text
    page = _page(client, reverse("admin:accounts_loginattempt_change", args=[attempt.pk]))
    assert "clerk_x（来自 10.0.0.7）" in page and "Attempted" not in page and "Mozilla" not in page.split("浏览器")[0]
    with translation.override(None):
        client.post(reverse("admin:accounts_loginattempt_changelist"),
                    {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert not LoginAttempt.objects.filter(pk=attempt.pk).exists()
    with translation.override(None):  # django-axes's own pages are gone: the records are read here only
        assert client.get("/admin/axes/accessattempt/").status_code == 404
        assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def test_the_admin_is_fengcuns_and_greets_by_the_whole_name(client, sysadmin):
    sysadmin.last_name, sysadmin.first_name = "欧阳", "明"
    sysadmin.save()
    client.force_login(sysadmin)
    text = _page(client, reverse("admin:index"))
    assert "封存系统 · 系统管理" in text and "Django" not in text
    assert "欢迎， 欧阳明" in text or "欢迎，欧阳明" in text  # not the given name alone
    assert "Fengcun · Administration" in _page(client, reverse("admin:index"), "en")
