"""The JSON machine interfaces (`evaluate_sealing`, `evaluate_query`): one object or a list in, JSON out.

Invalid input prints a JSON error naming the field on stdout and stderr and exits with status 2:
never a traceback. The commands only read the database.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, Callable
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand

EXIT_INVALID_INPUT = 2
BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_today() -> dt.date:
    """The edge's clock: today's date in Beijing, the default `as_of` of an item that gives none.
    (Only the commands read it; the rules engines take the date as an argument.)"""
    return dt.datetime.now(BEIJING).date()


class CommandInputError(Exception):
    """Input the command itself rejects (unreadable file, invalid JSON) or an item it cannot evaluate."""

    def __init__(self, field: str, message: str, index: int | None = None):
        super().__init__(f"{field}: {message}")
        self.field, self.message, self.index = field, message, index

    def to_dict(self) -> dict:
        error = {"error": self.message, "field": self.field}
        if self.index is not None:
            error["index"] = self.index
        return error


def parse_date_option(value: str | None, *, field: str = "as_of", years: tuple[int, int]) -> dt.date:
    """An operational command's date option (``--as-of``): today in Beijing when omitted, else an ISO date whose
    year lies within ``years`` (the caller's bounds: a year 0001 or 9999 would fail in date arithmetic later,
    as a traceback). Raises CommandInputError naming ``field``."""
    if value is None:
        return beijing_today()
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandInputError(field, "not a date (YYYY-MM-DD)") from None
    low, high = years
    if not low <= day.year <= high:
        raise CommandInputError(field, f"the year must be between {low} and {high}")
    return day


class OperationalCommand(BaseCommand):
    """A command that does the scheduled work by hand (sweep, scan_oversight, generate_cases, import_cases): one
    JSON summary on stdout; a bad argument prints a JSON error naming it on stdout and stderr and exits 2."""

    requires_system_checks = []

    def fail(self, field: str, message: str):
        text = dumps({"error": message, "field": field})
        self.stdout.write(text, style_func=lambda s: s)
        self.stderr.write(text, style_func=lambda s: s)
        sys.exit(EXIT_INVALID_INPUT)

    def date_option(self, value: str | None, *, field: str = "as_of", years: tuple[int, int]) -> dt.date:
        try:
            return parse_date_option(value, field=field, years=years)
        except CommandInputError as exc:
            self.fail(exc.field, exc.message)

    def int_option(self, field: str, value, *, low: int, high: int) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(field, "not a whole number")
        if not low <= number <= high:
            self.fail(field, f"must be between {low} and {high}")
        return number

    def emit_summary(self, summary) -> None:
        self.stdout.write(json.dumps(summary, ensure_ascii=False), style_func=lambda s: s)


class JsonCommand(BaseCommand):
    """Subclasses set ``item_name`` and ``engine_errors`` and implement ``evaluate(payload)``."""

    item_name = "item"
    engine_errors: tuple[type[Exception], ...] = ()
    # A machine interface: system-check warnings on stderr would only get in the way.
    requires_system_checks = []
    # call_command(..., stdin=io.StringIO(...)) in tests, as createsuperuser does
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default="-", metavar="FILE",
            help=f"JSON file with one {self.item_name} or a list of them; '-' or nothing reads stdin.",
        )

    def prepare(self) -> None:
        """Read the reference data the evaluation needs (a database failure is a CommandError, exit 1)."""

    def evaluate(self, payload: Any) -> Any:
        raise NotImplementedError

    def handle(self, *args, file="-", stdin=None, **options):
        try:
            payload = self.read_payload(file, stdin)
            self.prepare()
            output = dumps(self.evaluate_guarded(payload))
        except (CommandInputError, *self.engine_errors) as exc:
            self.fail(exc.to_dict())
        self.emit(self.stdout, output)

    def evaluate_guarded(self, payload: Any) -> Any:
        """Any unexpected failure on one item becomes an input error naming that item, not a traceback."""
        try:
            return self.evaluate(payload)
        except (CommandInputError, *self.engine_errors):
            raise
        except Exception as exc:  # e.g. date arithmetic past year 9999, a calendar with no working day left
            index = _first_failing(payload, self.evaluate) if isinstance(payload, list) else None
            raise CommandInputError(
                "$", f"this {self.item_name} cannot be evaluated: {type(exc).__name__}: {exc}", index
            ) from None

    # --- input ---------------------------------------------------------------------------------------

    def read_payload(self, file: str, stdin=None) -> Any:
        if file == "-":
            raw = self.read_stream(stdin if stdin is not None else sys.stdin)
        else:
            try:
                with open(file, "rb") as handle:
                    raw = handle.read()
            except FileNotFoundError:
                raise CommandInputError("FILE", f"file not found: {file}") from None
            except OSError as exc:
                raise CommandInputError("FILE", f"cannot read {file}: {exc.strerror or exc}") from None
        return parse_json(raw)

    @staticmethod
    def read_stream(stream) -> bytes | str:
        try:
            source = getattr(stream, "buffer", stream)  # bytes from a real stdin: decoding is ours
            return source.read()
        except (OSError, ValueError) as exc:
            raise CommandInputError("FILE", f"cannot read standard input: {exc}") from None

    # --- output --------------------------------------------------------------------------------------

    def emit(self, stream, text: str) -> None:
        out = getattr(stream, "_out", stream)
        encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(out, "reconfigure"):
            try:
                out.reconfigure(encoding="utf-8")
            except Exception:  # not a reconfigurable stream: write what it accepts
                pass
        stream.write(text, style_func=lambda s: s)
        if hasattr(out, "flush"):
            out.flush()

    def fail(self, error: dict) -> None:
        text = dumps(error)
        self.emit(self.stdout, text)
        self.emit(self.stderr, text)
        sys.exit(EXIT_INVALID_INPUT)


def _first_failing(items: list, evaluate: Callable[[Any], Any]) -> int | None:
    for i, item in enumerate(items):
        try:
            dumps(evaluate(item))
        except Exception:
            return i
    return None


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON (no NaN/Infinity) from UTF-8 bytes or text; errors name field "$" with line and column."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandInputError("$", f"input is not valid UTF-8 (byte {exc.start})") from None
    else:
        text = raw.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise CommandInputError("$", f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise CommandInputError("$", f"invalid JSON: {exc}") from None
    except RecursionError:
        raise CommandInputError("$", "invalid JSON: nested too deeply") from None
