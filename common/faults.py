"""What a user sees when a part the application depends on fails in the middle of a request.

The database connection dropping inside a service call (the server restarted, the network cut, the backend
terminated) raises OperationalError or InterfaceError out of the view. Every service is atomic, so the
transaction was rolled back and nothing is half-written; the user gets a page that says so and that the
action can be tried again (503, with Retry-After), instead of the generic server error. The log line names the
error class only: the driver's message may quote a statement, and a statement may carry a sealed value.
"""
from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections
from django.template import loader
from django.http import HttpResponse

log = logging.getLogger("fengcun.faults")

RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without a context: it cannot depend on, or show, anything of the request."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        log.error("database unavailable during %s %s: %s", request.method, request.resolver_match.view_name
                  if request.resolver_match else "-", type(exception).__name__)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return database_unavailable_response()
