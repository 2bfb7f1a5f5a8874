from datetime import timedelta

from django.utils import timezone

from .models import Heartbeat
from .tasks import WORKER

STALE_AFTER = timedelta(minutes=5)


def worker_status() -> dict:
    """When the worker last answered beat, and whether that is too long ago."""
    beat = Heartbeat.objects.filter(name=WORKER).first()
    last_seen = beat.last_seen if beat else None
    return {"last_seen": last_seen, "stale": last_seen is None or timezone.now() - last_seen > STALE_AFTER}
