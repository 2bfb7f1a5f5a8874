"""The working calendar 2004-2026 from chinese-calendar: holidays on weekdays and make-up working weekends."""
from django.db import migrations

from queries.calendar_seed import exceptional_days


def seed(apps, schema_editor):
    WorkingDay = apps.get_model("queries", "WorkingDay")
    WorkingDay.objects.bulk_create(
        [WorkingDay(date=d, is_working=w, note=n) for d, w, n in exceptional_days(2004, 2026)],
        ignore_conflicts=True,
    )
    # Seed data, not a domain change: its history starts with this single bulk row set.
    History = apps.get_model("queries", "HistoricalWorkingDay")
    from django.utils import timezone

    now = timezone.now()
    History.objects.bulk_create(
        [History(id=row.id, date=row.date, is_working=row.is_working, note=row.note, history_date=now,
                 history_type="+", history_change_reason="seeded from chinese-calendar")
         for row in WorkingDay.objects.all()]
    )


class Migration(migrations.Migration):
    dependencies = [("queries", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
