"""Scheduled sealing: beat says "sweep now"; the database decides what is due. Safe to run twice."""
import datetime as dt

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import services
from .models import Defendant, FileStatus, SealingFile

# Statuses that change with the calendar alone (a start date reached, an observation ended).
TIME_DEPENDENT = [FileStatus.PENDING, FileStatus.OBSERVING, FileStatus.PROVISIONALLY_SEALED]
CHUNK = 200


@shared_task(name="sealing.sweep_files")
def sweep_files(as_of: str | None = None) -> dict:
    """Give every defendant a file and move time-dependent files on as of ``as_of`` (ISO date; the
    Beijing date today when beat calls it), one transaction each."""
    today = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    created = evaluated = 0
    for defendant_id in list(Defendant.objects.filter(sealing_file__isnull=True).values_list("pk", flat=True)):
        defendant = Defendant.objects.get(pk=defendant_id)
        services.evaluate_file(defendant, as_of=today, reason=gettext_noop("evaluated by the daily sweep"))
        created += 1
    due = SealingFile.objects.filter(status__in=TIME_DEPENDENT).values_list("defendant_id", flat=True)
    ids = list(due)
    for start in range(0, len(ids), CHUNK):
        for defendant in Defendant.objects.filter(pk__in=ids[start:start + CHUNK]).select_related("case", "person"):
            reason = gettext_noop("re-evaluated by the daily sweep")
            _file, applied = services.evaluate_file(defendant, as_of=today, reason=reason)
            evaluated += int(applied)
    return {"created": created, "evaluated": evaluated}


@shared_task(name="sealing.expire_permits")
def expire_permits() -> int:
    """Take back read access to sealed records whose permit has run out."""
    return services.expire_permits(now=timezone.now())
