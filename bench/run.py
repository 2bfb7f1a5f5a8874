"""Benchmarks: times the scoped case list against a generated data set of a given size.

Usage: python bench/run.py [--cases N]   (uses DATABASE_URL; creates its own data set)
"""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=150, help="cases per district")
    args = parser.parse_args()
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", cases_per_district=args.cases, stdout=open(os.devnull, "w"))
    print(f"seed_demo: {time.perf_counter() - started:.2f} s")
    client = Client()
    client.force_login(User.objects.get(username="yuexiu_court_clerk"))
    for url in ("/cases/", "/cases/?page=3", "/cases/records/"):
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append(time.perf_counter() - started)
        timings.sort()
        print(f"GET {url}: median {timings[10] * 1000:.1f} ms, p95 {timings[18] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
