"""Structured logging: one JSON object per line with time, level, logger, message, request id and user id.

The formatter writes a fixed set of fields and never a record's other attributes: Django's request logs
carry the request object in ``extra`` (its repr has the query string, and a query string may hold a
searched name or ID number), so nothing is dumped that was not chosen here. Messages keep to what the
code logs; sealed values reach log lines only masked (``sealing.disclosure.masked_label``), and anything
shaped like a resident ID number is masked here whatever logged it.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re

# The request being served by this thread (set by common.middleware.RequestIdMiddleware).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("fengcun_request_id", default=None)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("fengcun_user_id", default=None)

# A resident ID number (18 characters, or the old 15 digits) wherever a message or traceback would carry one,
# e.g. a path a client typed: masked whatever the code logged.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
ID_NUMBER_MASK = "[ID number]"


def mask_id_numbers(text: str) -> str:
    return _ID_NUMBER.sub(ID_NUMBER_MASK, text)


# Extra attributes a record may carry that are safe to write (numbers, methods, paths without a query string).
EXTRA_FIELDS = ("status_code", "method", "path", "status", "bytes", "duration_ms", "remote_addr", "forwarded_for")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # Django logs a 4xx/5xx response after the middleware has returned: the record then carries the request
        request = getattr(record, "request", None)
        user = getattr(request, "_cached_user", None)  # only a user already loaded: no query from a log line
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_id_numbers(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or getattr(request, "id", None),
            "user_id": (getattr(record, "user_id", None) or user_id_var.get()
                        or (user.pk if getattr(user, "is_authenticated", False) else None)),
        }
        for name in EXTRA_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                entry[name] = mask_id_numbers(value)
            elif isinstance(value, (int, float)):
                entry[name] = value
        if record.exc_info:
            entry["exc_info"] = mask_id_numbers(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack_info"] = mask_id_numbers(self.formatStack(record.stack_info))
        # one line per record whatever the message holds (json escapes newlines): no forged log lines
        return json.dumps(entry, ensure_ascii=False, default=str)


_REQUEST_LINE = re.compile(r"^(\S+ [^?\s]*)\?\S*( HTTP/[\d.]+)$")


class StripQueryString(logging.Filter):
    """runserver's access lines (``"GET /path?q=… HTTP/1.1" 200 …``) without the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_REQUEST_LINE.sub(r"\1\2", record.args[0]), *record.args[1:])
        return True


try:
    from gunicorn import glogging
except ImportError:  # pragma: no cover - gunicorn is in requirements.txt; the app runs without it
    glogging = None

if glogging is not None:

    class GunicornLogger(glogging.Logger):
        """Gunicorn's error and access logs as JSON lines; an access line has the path without its query
        string and the request id the application answered with (X-Request-ID)."""

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())

        def access(self, resp, req, environ, request_time):
            if not self.access_log_enabled:
                return
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            headers = dict((name.lower(), value) for name, value in (resp.headers or []))
            extra = {
                "method": environ.get("REQUEST_METHOD", "-"),
                "path": environ.get("PATH_INFO", "-"),
                "status": int(status) if str(status).isdigit() else str(status),
                "bytes": getattr(resp, "sent", None) or 0,
                "duration_ms": request_time.seconds * 1000 + request_time.microseconds // 1000,
                "remote_addr": environ.get("REMOTE_ADDR", "-"),
                "request_id": headers.get("x-request-id"),
            }
            if environ.get("HTTP_X_FORWARDED_FOR"):
                extra["forwarded_for"] = environ["HTTP_X_FORWARDED_FOR"]
            try:
                self.access_log.info("%s %s %s", extra["method"], extra["path"], extra["status"], extra=extra)
            except Exception:  # a log line must never break a response
                self.error("could not write an access log line")
