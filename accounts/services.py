"""Writes of identity authentication: ending a user's sessions, enrolling and checking a TOTP device, unlocking.

Each is one business action; callers (views, admin, signals) do nothing else with these tables.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import User

TOTP_DEVICE_NAME = "TOTP"


def end_sessions(user_ids) -> int:
    """Every session of these users ends at its next request: their session hash changes (models.User)."""
    ids = [pk for pk in user_ids if pk is not None]
    if not ids:
        return 0
    return User.objects.filter(pk__in=ids).update(session_generation=F("session_generation") + 1)


@transaction.atomic
def pending_totp_device(user):
    """The user's device being enrolled: the same secret on every visit until it is confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(device, token: str) -> bool:
    """The first right code from the authenticator app confirms the device; other pending devices go."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=False).exclude(pk=device.pk).delete()
    return True


def verify_totp(user, token: str):
    """The user's confirmed device that accepts the code, or None (a wrong code counts towards its throttling)."""
    from django_otp import verify_token
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def unlock(usernames) -> int:
    """Lift the lockout of these user names (an administrator's action; axes_reset_username does the same)."""
    from axes.utils import reset

    return sum(reset(username=name) for name in usernames)


@transaction.atomic
def reset_second_factor(users, *, actor) -> int:
    """A user who lost the phone enrols again: their authenticator devices go and their sessions end, so the
    next login asks for a new enrolment (accounts/views.py). One audit entry per user; the number of users."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from audit.models import AuditKind
    from audit.services import record_security_event

    users = list(users)
    for user in users:
        removed, _per_model = TOTPDevice.objects.filter(user=user).delete()
        record_security_event(AuditKind.ACCOUNT_CHANGE, actor=actor, obj=user,
                              detail={"second_factor_reset": True, "devices": removed})
    end_sessions([user.pk for user in users])
    return len(users)

