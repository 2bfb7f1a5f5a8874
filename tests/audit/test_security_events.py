"""Security events reach the chain: logins and failures (never a password), role and permission changes with
who made them, accounts deactivated or given a new password, policy and catalogue changes, exports and key
rotation."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from accounts.factories import DEMO_PASSWORD
from accounts.roles import REVIEWER
from audit import services
from audit.models import AuditEntry, AuditKind
from audit.verify import verify
from oversight.models import OversightPolicy
from queries.models import LegalBasis
from sealing.models import Charge
from tests.audit.conftest import T0


def entries(kind, since=0):
    return list(AuditEntry.objects.filter(kind=kind, seq__gt=since).order_by("seq"))


def last_seq():
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@pytest.fixture
def acting_as():
    """Changes made during a request made by ``user`` (what simple_history's middleware records)."""
    def _as(user):
        request = RequestFactory().get("/admin/")
        request.user = user
        HistoricalRecords.context.request = request
    yield _as
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def test_a_login_is_recorded_with_the_user_and_the_address(client, cast):
    since = last_seq()
    client.post(reverse("login"), {"username": "clerk_a", "password": DEMO_PASSWORD})
    [login] = entries(AuditKind.LOGIN, since)
    assert (login.actor_id, login.actor_username, login.detail) == (cast.clerk_a.pk, "clerk_a", {"ip": "127.0.0.1"})
    before = last_seq()
    client.post(reverse("logout"))  # a logout writes nothing
    assert last_seq() == before


def test_a_failed_login_records_the_username_tried_never_the_password(client, cast):
    since = last_seq()
    client.post(reverse("login"), {"username": "clerk_a", "password": "Wrong-Secret-42"})
    [failure] = entries(AuditKind.LOGIN_FAILED, since)
    assert failure.actor_id is None and failure.actor_username == "clerk_a"
    assert not AuditEntry.objects.filter(seq__gt=since, detail__icontains="Wrong-Secret").exists()
    assert "Wrong-Secret" not in str(list(AuditEntry.objects.filter(seq__gt=since).values()))


def test_role_changes_name_the_roles_and_who_changed_them(cast, acting_as):
    acting_as(cast.supervisor_x)
    since = last_seq()
    reviewers = Group.objects.get(name=REVIEWER)
    cast.clerk_a.groups.add(reviewers)
    cast.clerk_a.groups.remove(reviewers)
    roles = sorted(cast.clerk_a.groups.values_list("name", flat=True))
    cast.clerk_a.groups.clear()
    reviewers.user_set.add(cast.clerk_b)
    changes = entries(AuditKind.ROLE_CHANGE, since)
    assert [(e.object_type, e.object_id, e.detail) for e in changes] == [
        ("accounts.user", str(cast.clerk_a.pk), {"action": "add", "groups": [REVIEWER]}),
        ("accounts.user", str(cast.clerk_a.pk), {"action": "remove", "groups": [REVIEWER]}),
        ("accounts.user", str(cast.clerk_a.pk), {"action": "clear", "groups": roles}),
        ("auth.group", str(reviewers.pk), {"action": "add", "users": [cast.clerk_b.pk]}),
    ]
    assert {e.actor_id for e in changes} == {cast.supervisor_x.pk}


def test_a_role_created_and_deleted(cast, acting_as):
    acting_as(cast.supervisor_x)
    since = last_seq()
    role = Group.objects.create(name="临时角色")
    role.user_set.add(cast.clerk_a)
    pk = role.pk
    role.delete()  # the membership goes with it, without an m2m signal: the deletion itself is the trace
    assert [(e.object_id, e.detail) for e in entries(AuditKind.ROLE_CHANGE, since)] == [
        (str(pk), {"action": "created", "name": "临时角色"}),
        (str(pk), {"action": "add", "users": [cast.clerk_a.pk]}),
        (str(pk), {"action": "deleted", "name": "临时角色"}),
    ]


def test_a_deleted_account_is_recorded(cast, django_user_model):
    user = django_user_model.objects.create_user("leaver", agency=cast.agency_a)
    since = last_seq()
    pk = user.pk
    user.delete()
    [deleted] = entries(AuditKind.ACCOUNT_CHANGE, since)
    assert (deleted.object_id, deleted.detail) == (str(pk), {"deleted": True})


def test_permission_changes_of_a_user_and_of_a_role(cast):
    since = last_seq()
    permission = Permission.objects.get(codename="view_accesslog", content_type__app_label="sealing")
    cast.clerk_a.user_permissions.add(permission)
    group = Group.objects.get(name=REVIEWER)
    if group.permissions.filter(pk=permission.pk).exists():
        group.permissions.remove(permission)
    else:
        group.permissions.add(permission)
    changes = entries(AuditKind.PERMISSION_CHANGE, since)
    assert [(e.object_type, e.detail["permissions"]) for e in changes] == [
        ("accounts.user", ["sealing.view_accesslog"]), ("auth.group", ["sealing.view_accesslog"])]
    assert changes[0].actor_id is None  # made outside a request


def test_accounts_created_deactivated_and_given_a_new_password(cast, acting_as, django_user_model):
    acting_as(cast.supervisor_x)
    since = last_seq()
    user = django_user_model.objects.create_user("newcomer", password="First-Secret-1", agency=cast.agency_a)
    user.is_active = False
    user.save()
    user.set_password("Second-Secret-2")
    user.save()
    accounts = entries(AuditKind.ACCOUNT_CHANGE, since)
    assert accounts[0].detail == {"created": True, "is_active": True, "is_staff": False, "is_superuser": False,
                                  "agency_id": cast.agency_a.pk}
    assert accounts[1].detail == {"is_active": [True, False]}
    [password] = entries(AuditKind.PASSWORD_CHANGE, since)
    assert password.object_id == str(user.pk) and password.detail == {} and password.actor_id == cast.supervisor_x.pk
    assert "Secret" not in str(list(AuditEntry.objects.filter(seq__gt=since).values()))


def test_a_login_alone_is_no_account_change(client, cast):
    since = last_seq()
    client.force_login(cast.clerk_a)  # writes last_login
    assert entries(AuditKind.ACCOUNT_CHANGE, since) == [] and len(entries(AuditKind.LOGIN, since)) == 1


def test_policy_versions_and_catalogue_entries(cast, acting_as):
    acting_as(cast.supervisor_x)
    since = last_seq()
    policy = OversightPolicy.objects.create(version=2, read_volume_threshold=3, note="test")
    charge = Charge.objects.get(name="抢劫罪")
    charge.save()
    basis = LegalBasis.objects.order_by("code").first()
    basis.active = False
    basis.save()
    [policy_entry] = entries(AuditKind.POLICY_CHANGE, since)
    assert (policy_entry.object_id, policy_entry.detail) == (str(policy.pk), {"action": "created", "version": 2})
    catalogue = entries(AuditKind.CATALOGUE_CHANGE, since)
    assert [(e.object_type, e.detail) for e in catalogue] == [
        ("sealing.charge", {"action": "changed", "name": "抢劫罪"}),
        ("queries.legalbasis", {"action": "changed", "code": basis.code, "active": False}),
    ]
    assert {e.actor_id for e in catalogue} == {cast.supervisor_x.pk}


def test_a_console_export_is_recorded(cast, client):
    client.force_login(cast.supervisor_x)
    since = last_seq()
    response = client.get(reverse("oversight:console_export"),
                          {"first": "2026-05", "last": "2026-07", "format": "csv", "table": "2"})
    assert response.status_code == 200
    [export] = entries(AuditKind.EXPORT, since)
    assert export.actor_id == cast.supervisor_x.pk
    assert export.detail == {"what": "console", "format": "csv", "table": 2,
                             "rows": len(response.content.decode("utf-8-sig").strip().splitlines()) - 1}
    client.get(reverse("oversight:console_export"), {"first": "2026-05", "last": "2026-07", "format": "xlsx"})
    assert [e.detail["format"] for e in entries(AuditKind.EXPORT, since)] == ["csv", "xlsx"]


def test_key_rotation_is_recorded(db):
    since = last_seq()
    call_command("rotate_field_keys", verbosity=0)
    [rotation] = entries(AuditKind.KEY_ROTATION, since)
    assert set(rotation.detail) == {"values", "keys"}


def test_a_lockout_can_be_recorded_by_the_login_guard(db):
    entry = services.record_security_event(AuditKind.LOCKOUT, username="clerk_a", detail={"failures": 5}, at=T0)
    assert (entry.actor_id, entry.actor_username, entry.detail) == (None, "clerk_a", {"failures": 5})


def test_the_chain_verifies_after_every_kind_of_event(cast, client, acting_as):
    client.post(reverse("login"), {"username": "clerk_a", "password": "nope"})
    client.force_login(cast.supervisor_x)
    acting_as(cast.supervisor_x)
    cast.clerk_a.groups.clear()
    OversightPolicy.objects.create(version=2, note="test")
    client.get(reverse("oversight:console_export"), {"first": "2026-05", "last": "2026-07", "format": "xlsx"})
    report = verify()
    assert report.ok, report.to_dict()
