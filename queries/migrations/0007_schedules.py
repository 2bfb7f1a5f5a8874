"""Hourly: take back expired access to sealed records, and flag overdue query requests."""
from django.db import migrations


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="*", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    for name, task in (("expire sealed-record permits", "sealing.expire_permits"),
                       ("flag overdue query requests", "queries.flag_overdue")):
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": hourly})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=["expire sealed-record permits", "flag overdue query requests"]).delete()


class Migration(migrations.Migration):
    dependencies = [("queries", "0006_load_legal_bases"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(schedule, unschedule)]
