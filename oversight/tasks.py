"""Scheduled supervision: beat says "scan now" (daily at 02:00 Beijing time, after the 01:00 sealing sweep)."""
import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services
from .models import ScanRun


@shared_task(name="oversight.scan", acks_late=True, reject_on_worker_lost=True)
def scan(as_of: str | None = None) -> dict:
    """The scans as of ``as_of`` (ISO date; the Beijing date today when beat calls it). A redelivered or
    repeated run creates nothing new."""
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return services.scan(today, trigger=ScanRun.Trigger.SCHEDULE)


@shared_task(name="oversight.remind_and_escalate", acks_late=True, reject_on_worker_lost=True)
def remind_and_escalate(as_of: str | None = None) -> dict:
    """Reminders for instruments without a reply at their deadline, and reports up 15 days (policy) after a
    reminder without reply, as of ``as_of`` (ISO date; the Beijing date today when beat calls it). Idempotent."""
    from . import instruments

    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return instruments.remind_and_escalate(as_of=today)
