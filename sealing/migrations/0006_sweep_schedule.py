"""Schedule the daily sealing sweep at 01:00 (editable in the admin, django-celery-beat)."""
from django.db import migrations


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="daily sealing sweep", defaults={"task": "sealing.sweep_files", "crontab": nightly}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="daily sealing sweep").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sealing", "0005_sealing_files"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
