"""`manage.py add_trace_codes`: give the decision traces stored before their sentences had codes their codes.

Run once after upgrading an installation whose files were decided before the trace was written as codes and
parameters: those files' reasons then read in English on the English pages too, instead of waiting for each
file's next evaluation. Safe to run again (a file with its codes is left alone) and beside the app (a batch of
files is locked while it is written). A file whose facts changed since its decision is left for its next
evaluation, which writes the new decision with its history.
"""
from django.core.management.base import BaseCommand

from sealing.services import add_trace_codes


class Command(BaseCommand):
    help = "Give the decision traces stored before their sentences had codes their codes (no history rows)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="files locked and written at a time")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        given, left = add_trace_codes(batch_size=batch_size)
        self.stdout.write(f"{given} files given their trace codes; {left} left for their next evaluation")
