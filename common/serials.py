from django.db import transaction

from .models import SerialCounter


@transaction.atomic
def next_serial(prefix: str, year: int) -> str:
    """PREFIX-YEAR-000001, locked so that concurrent callers never share a number."""
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"
