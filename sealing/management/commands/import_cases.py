"""`manage.py import_cases FILE [--dry-run] [--valid-only] [--agency AGENCY] [--user USERNAME] [--as-of DATE]`:
import a case table (XLSX or CSV) as a user of an agency and print the JSON summary
``{"created", "updated", "unchanged", "errors": [{"row", "column", "message"}], ...}``.

The import runs as a user, as on the web: ``--user``, or else the first active clerk of ``--agency`` (an
agency's id or its exact name) — the history names that user and the agency's scope applies. Exit 0 when
written (or on a dry run), 1 when the whole-file import is refused because of row errors (nothing written),
2 with ``{"error", "field"}`` for a bad file, an unknown agency or user, or a bad date; never a traceback.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from accounts.models import Agency
from accounts.roles import CLERK
from common.jsoncommand import CommandInputError, JsonCommand, beijing_today, dumps
from sealing.imports import ImportRefused, apply_import, plan_import, summary
from sealing.spreadsheet import FileProblem


class Command(JsonCommand):
    help = "Import cases from an XLSX or CSV file in the template's columns and print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="check and compare only: write nothing")
        parser.add_argument("--valid-only", action="store_true",
                            help="import the valid cases and skip the rows with errors")
        parser.add_argument("--agency", help="the importing agency: its id or its exact name")
        parser.add_argument("--user", help="the importing user (default: the agency's first active clerk)")
        parser.add_argument("--as-of", dest="as_of", help="evaluation date, YYYY-MM-DD (default: today in Beijing)")

    def handle(self, *args, file, dry_run=False, valid_only=False, agency=None, user=None, as_of=None, **options):
        try:
            today = _date(as_of)
            actor = acting_user(agency=agency, username=user, permission="sealing.add_case")
            data = read_file(file)
            name = file.replace("\\", "/").rsplit("/", 1)[-1]
            if dry_run:
                result = dict(summary(plan_import(data, name, user=actor, today=today)), dry_run=True)
            else:
                result = dict(apply_import(data, name, user=actor, today=today, valid_only=valid_only), dry_run=False)
        except CommandInputError as exc:
            self.fail(exc.to_dict())
        except FileProblem as exc:
            self.fail({"error": str(exc.message), "field": "FILE", "code": exc.code})
        except ImportRefused as refused:
            self.emit(self.stdout, dumps(dict(summary(refused.plan), dry_run=False)))
            raise SystemExit(1)
        self.emit(self.stdout, dumps(result))


def _date(text):
    if text is None:
        return beijing_today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandInputError("as_of", "not a date (YYYY-MM-DD)") from None


# --- who the import and export commands act as: a user of an agency, as on the web -----------------------

def find_agency(text: str) -> Agency:
    """An agency by its id or its exact name (agencies have no other code)."""
    text = text.strip()
    agency = None
    if text.isdigit():
        agency = Agency.objects.filter(pk=int(text)).first()
    if agency is None:
        agency = Agency.objects.filter(name=text).first()
    if agency is None:
        raise CommandInputError("agency", f"no agency with the id or name {text!r}")
    return agency


def acting_user(*, agency: str | None, username: str | None, permission: str):
    """``--user`` (an active user of ``--agency`` when both are given), else the agency's first active clerk
    (lowest id). Nobody is created and no role is assumed: the user must hold ``permission``."""
    if not agency and not username:
        raise CommandInputError("agency", "name the importing agency (--agency) or user (--user)")
    found = find_agency(agency) if agency else None
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandInputError("user", f"no active user {username!r}")
        if found is not None and user.agency_id != found.pk:
            raise CommandInputError("user", f"user {username!r} does not belong to this agency")
    else:
        user = users.filter(agency=found, groups__name=CLERK).order_by("pk").first()
        if user is None:
            raise CommandInputError("agency", "this agency has no active clerk: name a user with --user")
    if user.agency_id is None:
        raise CommandInputError("user", f"user {user.username!r} belongs to no agency")
    if not user.has_perm(permission):
        raise CommandInputError("user", f"user {user.username!r} lacks the permission {permission}")
    return user


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise CommandInputError("FILE", f"file not found: {path}") from None
    except OSError as exc:
        raise CommandInputError("FILE", f"cannot read {path}: {exc.strerror or exc}") from None
