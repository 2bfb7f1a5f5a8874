"""The role groups and the model-level permissions each one holds.

Ordinary access is scoped by agency in the selectors; these permissions say what a role may do at all.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CLERK = "clerk"
REVIEWER = "reviewer"
SUPERVISOR = "supervisor"
POLICY_ADMIN = "policy_admin"
AUDITOR = "auditor"
SYSTEM_ADMIN = "system_admin"

# Separation of duties (三员分立, GB/T 22239-2019 8.1.5): the system administrator manages accounts and roles and
# reads no case content; the security administrator (the policy administrator) manages the policies, the
# catalogues and the keys; the auditor reads the audit and access logs and changes nothing. No role holds two
# of these duties. A superuser (the bootstrap account of `createsuperuser`) is outside this scheme: it reads
# the unsealed cases of every agency, so production keeps none active (docs/security.md).
ROLE_LABELS = {
    CLERK: _("clerk"),
    REVIEWER: _("reviewer"),
    SUPERVISOR: _("supervisor"),
    POLICY_ADMIN: _("security administrator (policies and keys)"),
    AUDITOR: _("auditor"),
    SYSTEM_ADMIN: _("system administrator (accounts and roles)"),
}
ADMINISTRATIVE_ROLES = (POLICY_ADMIN, AUDITOR, SYSTEM_ADMIN)


def role_label(name: str) -> str:
    """A role group's name in words (the stored name is the role's code); a group made by hand keeps its name."""
    return str(ROLE_LABELS.get(name, name))


# A model's own permissions (Django names them "Can add case" in English when it creates them) in words.
DEFAULT_ACTIONS = {
    "add": _("add %(model)s"),
    "change": _("change %(model)s"),
    "delete": _("delete %(model)s"),
    "view": _("view %(model)s"),
}


def assignable_permissions():
    """The permissions a role or a user may be given: those of the project's own models, not of their internal
    tables (django-axes's login records are given through the proxies of accounts.models). Django's and the
    libraries' own tables are the business of no role."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    from common.models import SerialCounter

    def internal(model) -> bool:
        # a history table, a many-to-many table, the per-object grants (written by the services, not given to a
        # role) and the serial-number counter
        return (model._meta.auto_created or hasattr(model, "instance_type") or model is SerialCounter
                or issubclass(model, (UserObjectPermissionBase, GroupObjectPermissionBase)))

    models = [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()
              if not internal(model)]
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
    return Permission.objects.filter(content_type__in=types).select_related("content_type")


PROJECT_APPS = ("common", "audit", "accounts", "sealing", "queries", "oversight")


def permission_what(app_label: str, codename: str, name: str = "") -> str | None:
    """What a permission allows, in the reader's language ("添加案件"; a Meta.permissions entry by its stored
    name, which is the msgid), or None when its model is gone and it has no name."""
    from django.apps import apps
    from django.utils.translation import gettext

    action, _sep, model_name = codename.partition("_")
    if action in DEFAULT_ACTIONS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            model = None
        if model is not None:
            return DEFAULT_ACTIONS[action] % {"model": model._meta.verbose_name}
    return gettext(name) if name else None


def permission_label(permission) -> str:
    """A permission in the reader's language: "app · model · what it allows". The stored ``name`` is English (a
    model's own permissions) or the msgid of the model's Meta.permissions, translated here."""
    model = permission.content_type.model_class()
    if model is None:  # a model removed since: its permission is left over
        return f"{permission.content_type.app_label}.{permission.codename}"
    meta = model._meta
    what = permission_what(meta.app_label, permission.codename, permission.name)
    return f"{meta.app_config.verbose_name} · {meta.verbose_name} · {what}"

# app_label.codename; permissions of apps not yet built are skipped until they exist.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    CLERK: [
        "sealing.view_case", "sealing.add_case", "sealing.change_case",
        "sealing.view_defendant", "sealing.add_defendant", "sealing.change_defendant",
        "sealing.view_person", "sealing.add_person", "sealing.change_person",
        "sealing.view_record", "sealing.add_record", "sealing.change_record",
        "sealing.view_charge", "sealing.view_sealingfile", "sealing.seal_record", "sealing.unseal_file",
        "sealing.view_sealingnotice", "sealing.view_communityserviceentry", "sealing.add_communityserviceentry",
        "sealing.change_communityserviceentry",
        "queries.view_queryrequest", "queries.add_queryrequest",
        "oversight.view_instrument", "oversight.add_instrumentreply",
    ],
    REVIEWER: [
        "sealing.view_case", "sealing.view_defendant", "sealing.view_person", "sealing.view_record",
        "sealing.view_charge", "sealing.view_sealingfile",
        "queries.view_queryrequest", "queries.decide_queryrequest",
    ],
    SUPERVISOR: [
        "sealing.view_case", "sealing.view_defendant", "sealing.view_person", "sealing.view_record",
        "sealing.view_charge", "sealing.view_sealingfile",
        "sealing.view_sealingnotice",
        "oversight.view_finding", "oversight.add_finding", "oversight.change_finding",
        "sealing.view_accesslog",
        "oversight.view_instrument", "oversight.add_instrument", "oversight.change_instrument",
    ],
    POLICY_ADMIN: [
        "sealing.view_charge", "sealing.add_charge", "sealing.change_charge",
        "sealing.view_sealingpolicy", "sealing.add_sealingpolicy",
        "sealing.view_sweeprun", "sealing.add_sweeprun",
        "queries.view_legalbasis", "queries.add_legalbasis", "queries.change_legalbasis",
        "queries.view_workingday", "queries.add_workingday", "queries.change_workingday",
        "oversight.view_oversightpolicy", "oversight.add_oversightpolicy", "oversight.view_scanrun",
    ],
    AUDITOR: [
        "sealing.view_charge",
        "sealing.view_accesslog",
        "audit.view_auditentry",
    ],
    SYSTEM_ADMIN: [
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "accounts.view_agency", "accounts.add_agency", "accounts.change_agency",
        "accounts.view_region", "accounts.add_region", "accounts.change_region",
        "accounts.view_role",
        "accounts.view_loginattempt", "accounts.delete_loginattempt", "accounts.view_loginfailure",
    ],
}


def ensure_role_groups() -> None:
    """Create the role groups and set their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
