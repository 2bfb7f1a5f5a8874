"""`manage.py trace_messages [--write]`: the translation catalogues hold every trace sentence of the rules.

Without --write, lists what differs and exits 1 when anything does; with --write, updates
locale/{zh_Hans,en}/LC_MESSAGES/django.po from the rules' Msg definitions and compiles them.
"""
from django.core.management.base import BaseCommand, CommandError

from sealing import trace_catalogue


class Command(BaseCommand):
    help = "Check (or with --write, update) the catalogues' entries for the rules' trace sentences."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="update and compile both catalogues")

    def handle(self, *args, write=False, **options):
        if write:
            changed = trace_catalogue.write()
            self.stdout.write(f"{changed} catalogue entries written")
            return
        found = trace_catalogue.differences()
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(f"{len(found)} trace sentences differ from the rules: run trace_messages --write")
        self.stdout.write("the catalogues hold every trace sentence of the rules")
