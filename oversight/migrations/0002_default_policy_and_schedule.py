"""Version 1 of the supervision policy (defaults), and the daily scan at 02:00 Beijing time, after the 01:00
sealing sweep (editable in the admin, django-celery-beat)."""
from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "daily supervision scan"


def create_policy(apps, schema_editor):
    OversightPolicy = apps.get_model("oversight", "OversightPolicy")
    if not OversightPolicy.objects.exists():
        policy = OversightPolicy.objects.create(version=1, note="defaults")
        fields = {f.attname: getattr(policy, f.attname) for f in OversightPolicy._meta.concrete_fields}
        apps.get_model("oversight", "HistoricalOversightPolicy").objects.create(
            history_type="+", history_change_reason="default policy", history_date=timezone.now(), **fields
        )


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(name=SCHEDULE_NAME, defaults={"task": "oversight.scan", "crontab": nightly})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(create_policy, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
