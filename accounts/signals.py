"""Reactions that keep sessions honest: stamp the login time, and end a user's sessions at once when the user is
deactivated or loses a role, whatever path made the change (admin, shell, service)."""
from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, pre_save
from django.dispatch import receiver

from . import security, services
from .models import User
from .security import LAST_ACTIVITY, LOGIN_AT

log = logging.getLogger("accounts.security")


@receiver(user_logged_in, dispatch_uid="accounts.stamp_login")
def stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        stamp = int(security.now().timestamp())
        request.session[LOGIN_AT] = stamp
        request.session[LAST_ACTIVITY] = stamp


@receiver(pre_save, sender=User, dispatch_uid="accounts.end_sessions_on_deactivation")
def end_sessions_on_deactivation(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"is_active", "session_generation"} & set(update_fields):
        return  # e.g. the last_login stamp of every login: neither field is written
    stored = User.objects.filter(pk=instance.pk).values("is_active", "session_generation").first()
    if stored is None:
        return
    # A stale copy of the user must never bring back the sessions a later change ended.
    instance.session_generation = max(instance.session_generation, stored["session_generation"])
    if stored["is_active"] and not instance.is_active:
        instance.session_generation += 1


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.end_sessions_on_role_loss")
def end_sessions_on_role_loss(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:  # group.user_set.clear(): note who is in the group before
        instance._fengcun_cleared_user_ids = list(instance.user_set.values_list("pk", flat=True))
    elif action == "post_remove":
        services.end_sessions(pk_set if reverse else [instance.pk])
    elif action == "post_clear":
        services.end_sessions(getattr(instance, "_fengcun_cleared_user_ids", []) if reverse else [instance.pk])


@receiver(user_locked_out, dispatch_uid="accounts.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    """A lockout is a security event of the audit chain (the user name attempted is kept there, readable by the
    auditor only); the log line names the address alone: a user name typed may be a mistyped password."""
    from audit.models import AuditKind
    from audit.services import record_security_event

    record_security_event(AuditKind.LOCKOUT, username=(username or "")[:150], detail={"ip": ip_address or ""})
    log.warning("login locked out (address %s)", ip_address)
