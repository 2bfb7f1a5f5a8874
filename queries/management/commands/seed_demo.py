from django.core.management.base import BaseCommand

from queries import demo as query_demo
from sealing import demo


class Command(BaseCommand):
    help = "Load the demo agencies, users, cases and query requests (once: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--cases-per-district", type=int, default=150)

    def handle(self, *args, cases_per_district, **options):
        created = demo.load(cases_per_district=cases_per_district)
        requests = query_demo.load()
        if created or requests:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} cases, {requests} query requests."))
        else:
            self.stdout.write("Demo data already loaded: nothing changed.")
        self.stdout.write("Demo logins (http://127.0.0.1:8000/):")
        for line in demo.demo_users_summary():
            self.stdout.write(line)
