"""One queue per kind of work: every task has a kind, beat's schedules follow the routes, a worker started without
-Q (``make run``) consumes every queue, and CELERY_QUEUE puts everything on one queue (the test workers)."""
import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from config.celery import app as celery_app
from tests.commands import ROOT
from tests.test_settings import fresh_settings

KINDS = {"sweep", "oversight", "maintenance"}


def project_tasks() -> set[str]:
    celery_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def queue_of(task: str, options: dict | None = None) -> str:
    return celery_app.amqp.router.route(dict(options or {}), task)["queue"].name


def test_every_task_has_a_kind_and_every_route_a_task():
    routed = set(settings.CELERY_TASK_ROUTES)
    assert project_tasks() == routed
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} == KINDS


@pytest.mark.parametrize("task, queue", [
    ("sealing.sweep_files", "sweep"), ("sealing.plan_sweep", "sweep"), ("sealing.sweep_chunk", "sweep"),
    ("sealing.resume_runs", "sweep"), ("sealing.run_import", "sweep"),
    ("oversight.scan", "oversight"), ("oversight.remind_and_escalate", "oversight"),
    ("queries.flag_overdue", "oversight"),
    ("audit.purge", "maintenance"), ("sealing.expire_permits", "maintenance"), ("common.heartbeat", "maintenance"),
])
def test_tasks_go_to_the_queue_of_their_kind(task, queue):
    assert queue_of(task) == queue


def test_the_sweep_fans_its_chunks_out_to_the_sweep_queue():
    from sealing import tasks

    for task in (tasks.sweep_chunk, tasks.plan_sweep):
        assert queue_of(task.name) == "sweep"


def test_an_explicit_queue_still_wins():
    assert queue_of("common.heartbeat", {"queue": "test-own"}) == "test-own"


def test_a_worker_without_queue_option_consumes_every_queue():
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == KINDS | {"celery"}
    worker = [line for line in (ROOT / "bin" / "run").read_text().splitlines()
              if "celery -A config worker" in line and not line.lstrip().startswith("#")]
    assert len(worker) == 1 and " -Q" not in worker[0] and "--queues" not in worker[0]


@pytest.mark.django_db
def test_every_schedule_beat_sends_is_routed_by_kind():
    schedules = list(PeriodicTask.objects.all())
    assert {p.task for p in schedules} >= {"sealing.sweep_files", "oversight.scan", "audit.purge", "common.heartbeat",
                                           "sealing.resume_runs", "sealing.expire_permits"}
    for periodic in schedules:
        entry = ModelEntry(periodic, app=celery_app)
        assert "queue" not in entry.options, periodic.name  # a queue set on the schedule would bypass the routes
        assert queue_of(periodic.task, entry.options) == settings.CELERY_TASK_ROUTES[periodic.task]["queue"]


def test_one_queue_for_everything_when_celery_queue_is_set(monkeypatch):
    one = fresh_settings(monkeypatch, CELERY_QUEUE="test-123")
    assert one["CELERY_TASK_ROUTES"] == {}
    assert one["CELERY_TASK_DEFAULT_QUEUE"] == "test-123"
    assert [q.name for q in one["CELERY_TASK_QUEUES"]] == ["test-123"]
    monkeypatch.delenv("CELERY_QUEUE")
    split = fresh_settings(monkeypatch)
    assert split["CELERY_TASK_DEFAULT_QUEUE"] == "celery"
    assert {r["queue"] for r in split["CELERY_TASK_ROUTES"].values()} == KINDS
