"""The scheduled tasks in words: what each task beat sends does, and when it runs, in the reader's language.

django-celery-beat keeps a scheduled task under a key in English (``PeriodicTask.name``, written by the migration
that schedules it: "daily sealing sweep") and the dotted name of the Celery task it sends (``PeriodicTask.task``:
"sealing.sweep_files"); its schedules are cron fields ("0 1 * * *", CrontabSchedule) or a count and a unit
("60 seconds", IntervalSchedule). The admin (common/admin_schedules.py) shows none of these: it shows the task's
entry in ``TASKS`` and the schedule described by the functions below.

A migration that schedules a new task adds its entry to ``TASKS``; until then the admin calls it an unknown task
and shows its dotted name as a code.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from cron_descriptor import ExpressionDescriptor, FormatException, MissingFieldException, Options, \
    WrongArgumentException
from django.conf import settings
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ScheduledTask:
    label: str  # what the task is called, a short title
    description: str  # what it does, one sentence (may name the audit retention as %(days)s)

    def describe(self) -> str:
        return str(self.description) % {"days": settings.FENGCUN_AUDIT_RETENTION_DAYS}


# The tasks the migrations schedule (*/migrations/*schedule*.py), by the Celery name in PeriodicTask.task; each
# description says what the task function (*/tasks.py) does.
TASKS: dict[str, ScheduledTask] = {
    "sealing.sweep_files": ScheduledTask(
        _("Sealing sweep"),
        _("Applies the sealing rules as of the day (Beijing date) to every file whose sealing is due to change, "
          "in batches run by the task queue; sweeps left stalled are sent again first.")),
    "sealing.resume_runs": ScheduledTask(
        _("Restart of sweeps the task queue missed"),
        _("Sends again to the task queue the sweeps an administrator started that were still not planned five "
          "minutes later (the task queue could not be reached then).")),
    "sealing.expire_permits": ScheduledTask(
        _("End of expired sealed-record permits"),
        _("Takes back read access to sealed records whose permit has run out.")),
    "queries.flag_overdue": ScheduledTask(
        _("Flag on overdue query requests"),
        _("Marks the query requests still unanswered after their deadline; the supervision console lists them.")),
    "oversight.scan": ScheduledTask(
        _("Supervision scan"),
        _("Runs the supervision scans as of the day: a finding is opened for each cause found, and the open "
          "findings whose cause is gone are closed.")),
    "oversight.remind_and_escalate": ScheduledTask(
        _("Reminders and reports up on instruments"),
        _("Reminds the units that owe a reply to a supervision instrument before and at its deadline, reports to "
          "the procuratorate one level up those still without a reply after the reminder, and flags reviews left "
          "unanswered.")),
    "audit.purge": ScheduledTask(
        _("Purge of the audit trail past its retention"),
        _("Deletes the audit trail entries older than the retention period (%(days)s days) and records the purge, "
          "so the entries kept still verify; the access log is not purged.")),
    "common.heartbeat": ScheduledTask(
        _("Background worker check"),
        _("Records that the background worker is running; the start page warns administrators when it stops.")),
}


def task_entry(task: str) -> ScheduledTask | None:
    return TASKS.get(task)


def task_label(task: str) -> str:
    """The task's title; a task without an entry is an unknown task (the page shows its code beside it)."""
    entry = TASKS.get(task)
    return str(entry.label) if entry else gettext("Unknown task")


# --- when a task runs ---------------------------------------------------------------------------------------

CHINA_ZONES = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "Asia/Urumqi", "PRC"}


def timezone_label(zone) -> str:
    """The project is China's only: its schedules run on Beijing time. Another zone (none is seeded) keeps its
    IANA name."""
    name = str(zone)
    return gettext("China Standard Time") if name in CHINA_ZONES else name


def cron_expression(crontab) -> str:
    return " ".join(str(getattr(crontab, part)).replace(" ", "") for part in
                    ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"))


def _chinese(language: str | None) -> bool:
    return (language or settings.LANGUAGE_CODE).lower().startswith("zh")


def _names() -> dict[str, str]:
    """cron_descriptor names weekdays and months with the calendar module (English under the server's locale):
    Django's names of them, in the active language, instead."""
    names = {calendar.day_name[i]: str(WEEKDAYS[i]) for i in range(7)}
    names.update({calendar.month_name[m]: str(MONTHS[m]) for m in range(1, 13)})
    return names


CJK = "\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"


def cron_words(expression: str) -> str:
    """A cron expression in words, in the active language (cron_descriptor's zh_CN or en_US wording, 24-hour
    clock); an expression it cannot read is shown as it is."""
    chinese = _chinese(get_language())
    options = Options()
    options.locale_code = "zh_CN" if chinese else "en_US"
    options.use_24hour_time_format = True
    try:
        words = ExpressionDescriptor(expression, options).get_description()
    except (FormatException, MissingFieldException, WrongArgumentException, ValueError, IndexError):
        return expression
    names = _names()
    words = re.sub(r"\b(%s)\b" % "|".join(map(re.escape, names)), lambda m: names[m.group(1)], words)
    if chinese:  # Chinese punctuation, no spaces beside Chinese characters
        words = words.replace(", ", "，")
        words = re.sub(rf"\s+(?=[{CJK}])|(?<=[{CJK}])\s+", "", words)
    return words


def crontab_words(crontab) -> str:
    """A CrontabSchedule in words with its time zone: "在01:00（北京时间）", "At 01:00 (China Standard Time)"."""
    return gettext("%(when)s (%(zone)s)") % {"when": cron_words(cron_expression(crontab)),
                                             "zone": timezone_label(crontab.timezone)}


def interval_words(interval) -> str:
    """An IntervalSchedule in words: "每60秒", "every 60 seconds"."""
    n = interval.every
    if interval.period == "days":
        text = ngettext("every %(n)d day", "every %(n)d days", n)
    elif interval.period == "hours":
        text = ngettext("every %(n)d hour", "every %(n)d hours", n)
    elif interval.period == "minutes":
        text = ngettext("every %(n)d minute", "every %(n)d minutes", n)
    elif interval.period == "seconds":
        text = ngettext("every %(n)d second", "every %(n)d seconds", n)
    else:
        text = ngettext("every %(n)d microsecond", "every %(n)d microseconds", n)
    return text % {"n": n}


def period_choices() -> list[tuple[str, str]]:
    """IntervalSchedule's units (its ``period`` values) under labels of ours."""
    return [("days", pgettext("interval unit", "days")), ("hours", pgettext("interval unit", "hours")),
            ("minutes", pgettext("interval unit", "minutes")), ("seconds", pgettext("interval unit", "seconds")),
            ("microseconds", pgettext("interval unit", "microseconds"))]


def schedule_words(periodic_task) -> str:
    """When a PeriodicTask runs, in words (the schedules the project uses: by the clock, or at an interval)."""
    if periodic_task.crontab_id:
        return crontab_words(periodic_task.crontab)
    if periodic_task.interval_id:
        return interval_words(periodic_task.interval)
    return gettext("another kind of schedule")


def tasks_on(schedule) -> str:
    """The tasks a schedule runs, by their titles."""
    labels = [task_label(task) for task in schedule.periodictask_set.order_by("pk").values_list("task", flat=True)]
    return pgettext("list.semicolon", "; ").join(labels) if labels else gettext("none")
