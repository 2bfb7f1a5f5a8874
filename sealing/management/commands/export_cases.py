"""`manage.py export_cases FILE [--agency AGENCY] [--user USERNAME] [--format xlsx|csv]`: the agency's case
list in the import template's columns, through the gate (a hidden defendant without a permit is left out), and
``{"exported": n}`` on stdout (n: rows, one per defendant). Acts as a user like import_cases. Exit 2 with
``{"error", "field"}`` on a bad argument."""
from __future__ import annotations

from common.jsoncommand import CommandInputError, JsonCommand, beijing_today, dumps
from sealing import selectors
from sealing.exports import export_cases

from .import_cases import acting_user


class Command(JsonCommand):
    help = "Export the agency's cases to an XLSX or CSV file in the import template's columns."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the .xlsx or .csv file to write")
        parser.add_argument("--agency", help="the agency: its id or its exact name")
        parser.add_argument("--user", help="the user whose case list is exported (default: the agency's first clerk)")
        parser.add_argument("--format", dest="fmt", choices=("xlsx", "csv"),
                            help="default: from the file's extension")

    def handle(self, *args, file, agency=None, user=None, fmt=None, **options):
        try:
            fmt = fmt or _format_of(file)
            actor = acting_user(agency=agency, username=user, permission="sealing.view_case")
            stats = {}
            content = export_cases(selectors.listed_cases(actor), user=actor, fmt=fmt, today=beijing_today(),
                                   stats=stats)
            try:
                with open(file, "wb") as handle:
                    handle.write(content)
            except OSError as exc:
                raise CommandInputError("FILE", f"cannot write {file}: {exc.strerror or exc}") from None
        except CommandInputError as exc:
            self.fail(exc.to_dict())
        self.emit(self.stdout, dumps({"exported": stats["rows"]}))


def _format_of(path: str) -> str:
    extension = path.lower().rsplit(".", 1)[-1] if "." in path else ""
    if extension not in ("xlsx", "csv"):
        raise CommandInputError("format", "name the file .xlsx or .csv, or give --format")
    return extension
