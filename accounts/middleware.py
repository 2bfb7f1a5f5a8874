"""Enforces the identity authentication policy on every request of a logged-in user (accounts/security.py):
idle and absolute session limits, the second factor, the password's age. Runs after django_otp's OTPMiddleware."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import security

# Reachable before the second factor (and with an expired password): leaving, the second-factor pages, the language.
OPEN_URL_NAMES = ["logout", "login", "otp_enrol", "otp_verify", "set_language"]
PASSWORD_URL_NAMES = ["password_change", "password_change_done"]
ACTIVITY_RESOLUTION_SECONDS = 60


def _go(request, url: str):
    if request.headers.get("HX-Request") == "true":  # an htmx swap would put the page inside a fragment
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(request, url_name: str) -> str:
    url = reverse(url_name)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return url


class SecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.enforce(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def enforce(self, request, user):
        moment = security.now()
        ended = security.session_end(request.session, moment)
        if ended is not None:
            logout(request)
            if ended is security.SessionEnd.IDLE:
                messages.info(request, _("You were logged out after %(n)d minutes without activity. Please log in "
                                         "again.") % {"n": settings.FENGCUN_SESSION_IDLE_MINUTES})
            else:
                messages.info(request, _("Your session reached its limit of %(n)d hours. Please log in again.")
                              % {"n": settings.FENGCUN_SESSION_ABSOLUTE_HOURS})
            return _go(request, _with_next(request, "login"))
        stamp = int(moment.timestamp())
        last = request.session.get(security.LAST_ACTIVITY)
        if last is None or stamp - last >= ACTIVITY_RESOLUTION_SECONDS:  # a session write a minute at most
            request.session[security.LAST_ACTIVITY] = stamp
        request.session.setdefault(security.LOGIN_AT, stamp)
        if request.path.startswith(settings.STATIC_URL):
            return None
        open_paths = {reverse(name) for name in OPEN_URL_NAMES}
        if request.path in open_paths:
            return None
        if not user.is_verified() and security.second_factor_required(user):
            target = "otp_verify" if security.has_confirmed_device(user) else "otp_enrol"
            return _go(request, _with_next(request, target))
        if request.path in {reverse(name) for name in PASSWORD_URL_NAMES}:
            return None
        if security.password_expired(user, moment):
            messages.warning(request, _("Your password is more than %(n)d days old. Choose a new one to go on.")
                             % {"n": settings.FENGCUN_PASSWORD_MAX_AGE_DAYS})
            return _go(request, reverse("password_change"))
        return None
