"""Security events from Django's own signals: logins and failures; role and permission changes (roles
created or deleted, group membership, a user's or a role's permissions); accounts created, deactivated,
deleted or given a new password; policy versions and catalogue entries saved or deleted. Connected in
AuditConfig.ready(). A logout writes nothing (it ends a session; the permission matrix counts the POST that
sends a user back to the login page as a refusal, which must change nothing).

The acting user of a change is the request's user (simple_history's middleware keeps the request in a
context local); a change made outside a request (a command, a migration's post_migrate) has none."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from simple_history.models import HistoricalRecords

from .models import AuditEntry, AuditKind
from .services import record_security_event

POLICY_MODELS = ("sealing.SealingPolicy", "oversight.OversightPolicy")
CATALOGUE_MODELS = ("sealing.Charge", "queries.LegalBasis")
ROLE_MODELS = ("auth.Group",)  # a role created, renamed or deleted (deleting one drops its members silently)
ACCOUNT_FIELDS = ("is_active", "is_staff", "is_superuser", "agency_id")

_table_ready = False


def _ready() -> bool:
    """False while the audit table does not exist yet (a partial migrate's post_migrate handlers)."""
    global _table_ready
    if not _table_ready:
        _table_ready = AuditEntry._meta.db_table in connection.introspection.table_names()
    return _table_ready


def request_user():
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def _ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45] if request is not None else ""


# --- logins ------------------------------------------------------------------------------------------------

def on_login(sender, request, user, **kwargs):
    record_security_event(AuditKind.LOGIN, actor=user, obj=user, detail={"ip": _ip(request)})


def on_login_failed(sender, credentials, request=None, **kwargs):
    """The username attempted, as typed (never the password, which Django has already masked)."""
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    record_security_event(AuditKind.LOGIN_FAILED, username=username[:150], detail={"ip": _ip(request)})


# --- roles and permissions ----------------------------------------------------------------------------------

def _names(model, pks) -> list[str]:
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    if model._meta.model_name == "permission":
        return sorted(f"{app}.{code}" for app, code in
                      model.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename"))
    return sorted(pks)


def _m2m(kind: str, member_key: str):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if not _ready():
            return
        if action == "pre_clear":
            instance._audit_cleared = list(getattr(instance, _field_for(sender, instance)).values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        pks = instance.__dict__.pop("_audit_cleared", []) if action == "post_clear" else sorted(pk_set or [])
        if not pks:
            return
        key = member_key if not reverse else model._meta.model_name + "s"
        record_security_event(kind, actor=request_user(), obj=instance,
                              detail={"action": action[5:], key: _names(model, pks)})
    return handler


def _field_for(through, instance) -> str:
    """The accessor on ``instance`` for the m2m relation whose through model is ``through``."""
    for field in instance._meta.get_fields():
        if field.many_to_many and getattr(getattr(instance, field.get_accessor_name() if field.auto_created
                                                  else field.name, None), "through", None) is through:
            return field.get_accessor_name() if field.auto_created else field.name
    raise LookupError(through)


# --- accounts ---------------------------------------------------------------------------------------------

def remember_account(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    instance._audit_before = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FIELDS, "password").first()


def on_account_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not _ready():
        return
    before = instance.__dict__.pop("_audit_before", None)
    actor = request_user()
    if created:
        record_security_event(AuditKind.ACCOUNT_CHANGE, actor=actor, obj=instance,
                              detail={"created": True, **{f: getattr(instance, f) for f in ACCOUNT_FIELDS}})
        return
    if before is None:
        return
    changed = {f: [before[f], getattr(instance, f)] for f in ACCOUNT_FIELDS if before[f] != getattr(instance, f)}
    if changed:
        record_security_event(AuditKind.ACCOUNT_CHANGE, actor=actor, obj=instance, detail=changed)
    if before["password"] != instance.password:
        record_security_event(AuditKind.PASSWORD_CHANGE, actor=actor, obj=instance, detail={})


def on_account_deleted(sender, instance, **kwargs):
    if _ready():
        record_security_event(AuditKind.ACCOUNT_CHANGE, actor=request_user(), obj=instance, detail={"deleted": True})


# --- policy and catalogues ----------------------------------------------------------------------------------

def _version_detail(instance) -> dict:
    detail = {}
    for name in ("version", "code", "name", "active"):
        value = getattr(instance, name, None)
        if isinstance(value, (str, int, bool)):
            detail[name] = value
    return detail


def _changed(kind: str):
    def on_saved(sender, instance, created=False, raw=False, **kwargs):
        if raw or not _ready():
            return
        action = "deleted" if kwargs.get("signal") is post_delete else ("created" if created else "changed")
        record_security_event(kind, actor=request_user(), obj=instance,
                              detail={"action": action, **_version_detail(instance)})
    return on_saved


def connect() -> None:
    user_model = get_user_model()
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    m2m_changed.connect(_m2m(AuditKind.ROLE_CHANGE, "groups"), sender=user_model.groups.through,
                        dispatch_uid="audit.user_groups", weak=False)
    m2m_changed.connect(_m2m(AuditKind.PERMISSION_CHANGE, "permissions"), sender=user_model.user_permissions.through,
                        dispatch_uid="audit.user_permissions", weak=False)
    m2m_changed.connect(_m2m(AuditKind.PERMISSION_CHANGE, "permissions"), sender=Group.permissions.through,
                        dispatch_uid="audit.group_permissions", weak=False)
    pre_save.connect(remember_account, sender=user_model, dispatch_uid="audit.account_before")
    post_save.connect(on_account_saved, sender=user_model, dispatch_uid="audit.account")
    post_delete.connect(on_account_deleted, sender=user_model, dispatch_uid="audit.account_deleted")
    for labels, kind in ((POLICY_MODELS, AuditKind.POLICY_CHANGE), (CATALOGUE_MODELS, AuditKind.CATALOGUE_CHANGE),
                         (ROLE_MODELS, AuditKind.ROLE_CHANGE)):
        handler = _changed(kind)
        for label in labels:
            post_save.connect(handler, sender=label, dispatch_uid=f"audit.saved.{label}", weak=False)
            post_delete.connect(handler, sender=label, dispatch_uid=f"audit.deleted.{label}", weak=False)
