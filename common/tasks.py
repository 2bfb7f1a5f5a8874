from celery import shared_task
from django.db import close_old_connections
from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


@shared_task(name="common.heartbeat", ignore_result=False)
def heartbeat(name: str = WORKER) -> str:
    """Beat sends this every minute; the start page warns administrators when it stops arriving."""
    close_old_connections()
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    close_old_connections()
    return now.isoformat()
