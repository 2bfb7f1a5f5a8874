"""Identity authentication policy (GB/T 22239-2019 level 3, 8.1.4.1): who needs a second factor, when a
session ends, when a password has expired, when a user name or an address is locked out.

Pure questions over the user, the session and ``now``; the writes are in ``accounts/services.py`` and the
enforcement in ``accounts/middleware.py``. Every number is a setting (config/settings.py, "Identity
authentication").
"""
from __future__ import annotations

import datetime as dt
from enum import Enum

from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

# Session keys (epoch seconds: the session serializer is JSON).
LOGIN_AT = "fengcun_login_at"
LAST_ACTIVITY = "fengcun_last_activity"


def now() -> dt.datetime:
    """The clock of the session limits, read at the edges (the login signal, the middleware): tests move it."""
    return timezone.now()


class SessionEnd(Enum):
    IDLE = "idle"
    ABSOLUTE = "absolute"


def second_factor_required(user) -> bool:
    """Administrators and the roles named in FENGCUN_2FA_ROLES log in with a TOTP code; clerks do not."""
    if not settings.FENGCUN_2FA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.FENGCUN_2FA_ROLES).exists()


def has_confirmed_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def session_end(session, now: dt.datetime) -> SessionEnd | None:
    """Why the session must end now, or None: idle longer than the idle limit, or older than the absolute limit."""
    stamp = now.timestamp()
    last = session.get(LAST_ACTIVITY)
    if last is not None and stamp - last > settings.FENGCUN_SESSION_IDLE_MINUTES * 60:
        return SessionEnd.IDLE
    login_at = session.get(LOGIN_AT)
    limit = settings.FENGCUN_SESSION_ABSOLUTE_HOURS
    if login_at is not None and limit and stamp - login_at > limit * 3600:
        return SessionEnd.ABSOLUTE
    return None


def password_expires_at(user) -> dt.datetime | None:
    """None when passwords do not expire (FENGCUN_PASSWORD_MAX_AGE_DAYS = 0)."""
    days = settings.FENGCUN_PASSWORD_MAX_AGE_DAYS
    if not days:
        return None
    # A password never changed since the account was created counts from the creation.
    return (user.password_changed_at or user.date_joined) + dt.timedelta(days=days)


def password_expired(user, now: dt.datetime) -> bool:
    expires = password_expires_at(user)
    return expires is not None and now >= expires


# --- lockout (django-axes) ---------------------------------------------------------------------------------

from axes.handlers.database import AxesDatabaseHandler  # noqa: E402  (after the policy functions it serves)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with two limits: a user name locks after AXES_FAILURE_LIMIT failures (from any
    address), an address after FENGCUN_LOCKOUT_ADDRESS_LIMIT failures (for any user names): an office behind one
    NAT address must not lock all its staff out after a few typos, yet one address cannot spray passwords.

    Axes compares ``get_failures`` with AXES_FAILURE_LIMIT, so a locked address reports at least that number.
    """

    def get_failures(self, request, credentials=None) -> int:
        from axes.attempts import get_cool_off_threshold
        from axes.helpers import get_client_username, get_failure_limit
        from axes.models import AccessAttempt

        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))

        def total(attempts):
            return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

        username = get_client_username(request, credentials)
        by_name = total(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        if address and total(recent.filter(ip_address=address)) >= settings.FENGCUN_LOCKOUT_ADDRESS_LIMIT:
            return max(by_name, get_failure_limit(request, credentials))
        return by_name


def lockout_response(request, original_response=None, credentials=None):
    """The translated lockout page (HTTP 429). It is the same for a user name that does not exist, so it tells
    nothing about which accounts exist."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
