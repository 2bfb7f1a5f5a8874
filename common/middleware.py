import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

from .logging import request_id_var, user_id_var


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: the office
    language is Chinese whatever the workstation's browser was installed with.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestIdMiddleware:
    """Gives every request an id, echoed in the X-Request-ID response header, and puts it with the user's id
    on every log line written while the request is served (common.logging.JsonFormatter).

    First in MIDDLEWARE, so the responses of the other middleware (an HTTPS redirect, a refused host) carry
    it too. A proxy's own id (nginx's $request_id: 32 hex digits) is kept; anything else is replaced, so a
    client cannot put text of its choosing into the logs.
    """

    accepted = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F-]{36}$")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = incoming if self.accepted.match(incoming) else uuid.uuid4().hex
        request_token = request_id_var.set(request.id)
        user_token = user_id_var.set(None)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)
        response["X-Request-ID"] = request.id
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # after every middleware's request phase: the session's user is known (and loaded by the view anyway)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(user.pk)
        return None


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response it sees: pages and documents (PDF, CSV, XLSX, uploads)
    may show personal data, and no browser or proxy may keep a copy. Placed after WhiteNoise, whose static
    files are answered before they reach it and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response.headers.pop("Expires", None)
        return response
