"""The second factor in tests: a confirmed TOTP device per user and the codes it accepts."""
from __future__ import annotations

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.security import second_factor_required


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_for(device: TOTPDevice, key: bytes | None = None) -> str:
    """A code the device accepts now: the current time step, or the next one (within the tolerance) when the
    current one was used already (a code is accepted once)."""
    device.refresh_from_db() if device.pk else None
    totp = TOTP(key or device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client, user) -> None:
    """What django_otp.login does after a right code, for a client logged in with force_login."""
    if not second_factor_required(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()
