"""Separation of duties (三员分立, GB/T 22239-2019 8.1.5): the system administrator manages accounts and roles
and reads no case content; the security (policy) administrator manages policies and catalogues, not accounts;
the auditor reads and changes nothing; nobody changes their own roles or rights."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.roles import AUDITOR, CLERK, POLICY_ADMIN, ROLE_PERMISSIONS, SYSTEM_ADMIN, ensure_role_groups

ACCOUNT_PERMS = {"accounts.add_user", "accounts.change_user", "accounts.view_user", "accounts.view_role"}
CONTENT_PAGES = ["sealing:case_list", "sealing:record_list", "sealing:work_queue", "sealing:notice_inbox",
                 "queries:request_list", "oversight:console", "oversight:finding_list"]


@pytest.fixture
def sysadmin(db):
    ensure_role_groups()
    return UserFactory(username="sysadmin", agency=None, roles=[SYSTEM_ADMIN], is_staff=True)


def test_only_the_system_administrator_manages_accounts_and_it_holds_nothing_else():
    for role, perms in ROLE_PERMISSIONS.items():
        holds = ACCOUNT_PERMS & set(perms)
        assert (role == SYSTEM_ADMIN) == bool(holds), role
    assert all(p.split(".")[0] in {"accounts", "auth", "axes"} for p in ROLE_PERMISSIONS[SYSTEM_ADMIN])


def test_the_auditor_reads_only():
    assert ROLE_PERMISSIONS[AUDITOR] and all(p.split(".")[1].startswith("view_") for p in ROLE_PERMISSIONS[AUDITOR])


def test_the_system_administrator_manages_accounts_but_reads_no_case_content(cast, client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
    for name in CONTENT_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    for name in ("admin:sealing_sealingfile_changelist", "admin:queries_queryrequest_changelist",
                 "admin:oversight_finding_changelist", "admin:sealing_sealingpolicy_changelist"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_security_administrator_does_not_manage_accounts(db, client):
    ensure_role_groups()
    admin = UserFactory(username="secadmin", agency=None, roles=[POLICY_ADMIN], is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:sealing_sealingpolicy_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def _change(client, user, **overrides):
    """Post the admin's change form of ``user`` as it stands, with ``overrides``."""
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            data[name] = [str(v.pk if hasattr(v, "pk") else v) for v in (value.all() if hasattr(value, "all") else value)]
        elif hasattr(value, "tzinfo") and hasattr(value, "hour"):  # a split date-time widget
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value.pk if hasattr(value, "pk") else value)
    data.update(overrides)
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_nobody_gives_themselves_a_role(cast, client, sysadmin):
    client.force_login(sysadmin)
    policy = Group.objects.get(name=POLICY_ADMIN)
    _change(client, sysadmin, groups=[str(g.pk) for g in sysadmin.groups.all()] + [str(policy.pk)])
    sysadmin.refresh_from_db()
    assert set(sysadmin.groups.values_list("name", flat=True)) == {SYSTEM_ADMIN}


def test_the_system_administrator_gives_roles_to_others_but_makes_no_superuser(cast, client, sysadmin):
    client.force_login(sysadmin)
    clerk = cast.clerk_b
    reviewer = Group.objects.get(name="reviewer")
    response = _change(client, clerk, groups=[str(Group.objects.get(name=CLERK).pk), str(reviewer.pk)],
                       is_superuser="on")
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert set(clerk.groups.values_list("name", flat=True)) == {CLERK, "reviewer"}
    assert not clerk.is_superuser
