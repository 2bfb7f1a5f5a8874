"""The test run: config/settings.py as a development run (development keys, plain HTTP for the test client),
its JSON log lines also written, at INFO, to one file for the whole run, so that the run can check that no
line names a sealed person (tests/test_logs_sealed.py, and tests/conftest.py at the end of the run).

Set in the environment rather than here, so that the commands the tests start as processes inherit it.
"""
import os
import tempfile

os.environ.setdefault("FENGCUN_DEV", "1")
os.environ.setdefault("LOG_LEVEL", "INFO")
if "LOG_FILE" not in os.environ:
    os.environ["LOG_FILE"] = os.path.join(tempfile.mkdtemp(prefix="fengcun-test-log-"), "run.jsonl")

from config.settings import *  # noqa: E402,F401,F403

# The replica's tests (tests/common/test_replica.py) read through a "replica" alias that is the test database
# itself on a connection of its own (Django's TEST MIRROR), and install the router themselves; every other test
# has no router, so nothing reads from it (and a test that did without asking for it would fail).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
