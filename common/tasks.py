from celery import shared_task
from django.utils import timezone

from .models import Heartbeat

WORKER = "worker"


@shared_task(name="common.heartbeat", ignore_result=False)
def heartbeat(name: str = WORKER) -> str:
    """Beat sends this every minute; the start page warns administrators when it stops arriving."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now.isoformat()
