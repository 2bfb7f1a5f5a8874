"""`manage.py evaluate_sealing [FILE|-]`: cases as JSON in, decisions as JSON out (DESIGN.md "Machine interfaces").

Reads only: the charge catalogue and the policy in force. Invalid input prints a JSON error naming the
field on stdout and stderr and exits with status 2.
"""
from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from sealing.catalogue import charge_lookup
from sealing.models import SealingPolicy
from sealing.policy import current_policy
from sealing.rules import InputError, Policy, evaluate_payload

EXIT_INVALID_INPUT = 2


class Command(BaseCommand):
    help = (
        "Evaluate one sealing case (a JSON object) or a list of cases read from FILE or stdin "
        "and print the decisions as JSON. Writes nothing to the database; exit status 2 on invalid input."
    )
    # A machine interface: system-check warnings on stderr would only get in the way.
    requires_system_checks = []
    # call_command(..., stdin=io.StringIO(...)) in tests, as createsuperuser does
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default="-", metavar="FILE",
            help="JSON file with one case or a list of cases; '-' or nothing reads stdin.",
        )

    def handle(self, *args, file="-", stdin=None, **options):
        try:
            payload = self.read_payload(file, stdin)
            lookup, policy = self.load_reference_data()
            output = self.evaluate(payload, lookup, policy, timezone.localdate())
        except InputError as exc:
            self.fail(exc.to_dict())
        self.emit(self.stdout, output)

    # --- input ----------------------------------------------------------------------------------

    def read_payload(self, file: str, stdin=None) -> Any:
        if file == "-":
            raw = self.read_stream(stdin if stdin is not None else sys.stdin)
        else:
            try:
                with open(file, "rb") as handle:
                    raw = handle.read()
            except FileNotFoundError:
                raise InputError("FILE", f"file not found: {file}") from None
            except OSError as exc:
                raise InputError("FILE", f"cannot read {file}: {exc.strerror or exc}") from None
        return parse_json(raw)

    @staticmethod
    def read_stream(stream) -> bytes | str:
        try:
            source = getattr(stream, "buffer", stream)  # bytes from a real stdin: decoding is ours
            return source.read()
        except (OSError, ValueError) as exc:
            raise InputError("FILE", f"cannot read standard input: {exc}") from None

    # --- reference data (reads only) -------------------------------------------------------------

    @staticmethod
    def load_reference_data():
        try:
            lookup = charge_lookup()
            # current_policy() would create version 1 when none exists: this command never writes
            if SealingPolicy.objects.exists():
                policy = current_policy()
            else:
                policy = Policy(version="v1")  # exactly what migration 0004 creates: RULES.md defaults
        except DatabaseError as exc:
            raise CommandError(f"cannot read the charge catalogue or the sealing policy: {exc}") from None
        return lookup, policy

    # --- evaluation ----------------------------------------------------------------------------------

    @staticmethod
    def evaluate(payload: Any, lookup, policy, today) -> str:
        """The decisions as JSON text; any failure on a case becomes an InputError naming it."""
        try:
            return dumps(evaluate_payload(payload, lookup, policy, today))
        except InputError:
            raise
        except Exception as exc:  # e.g. a date so late that adding the observation period passes year 9999
            index = None
            if isinstance(payload, list):
                for i, case in enumerate(payload):
                    try:
                        dumps(evaluate_payload(case, lookup, policy, today))
                    except Exception:
                        index = i
                        break
            raise InputError("$", f"this case cannot be evaluated: {type(exc).__name__}: {exc}", index) from None

    # --- output -------------------------------------------------------------------------------------

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
            raise InputError("$", f"input is not valid UTF-8 (byte {exc.start})") from None
    else:
        text = raw.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError("$", f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise InputError("$", f"invalid JSON: {exc}") from None
    except RecursionError:
        raise InputError("$", "invalid JSON: nested too deeply") from None
