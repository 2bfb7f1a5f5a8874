import os
from pathlib import Path

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("fengcun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_queue(sender, **kwargs):
    """kombu's filesystem transport (the zero-setup default) needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **kwargs):
    """Around every task body in a worker: drop database connections that broke or aged out.
    Eager runs (tests, inline calls) share the caller's connection and transaction: leave it alone."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
