from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="queries.flag_overdue")
def flag_overdue() -> int:
    """Mark requests still unanswered after their deadline (the supervisor's console lists them)."""
    return services.flag_overdue(timezone.localdate(), now=timezone.now())
