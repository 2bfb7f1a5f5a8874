"""The daily retention purge of the audit trail (beat: migration 0003)."""
import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(name="audit.purge")
def purge_audit(as_of: str | None = None) -> dict:
    """Purge as of ``as_of`` (ISO date; the Beijing date today when beat calls it). Safe to run twice."""
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return services.purge(as_of=today, retention_days=settings.FENGCUN_AUDIT_RETENTION_DAYS, now=timezone.now())
