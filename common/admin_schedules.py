"""The scheduled tasks in the superuser's admin (django-celery-beat's models, our admins of them).

The system administrator switches a task on or off and chooses when it runs; the tasks themselves are scheduled by
the migrations and take no arguments, so there is nothing else to edit. Every task, schedule and time zone is shown
in words (common/schedules.py), never as its stored key, dotted task name or cron fields. The solar and clocked
schedules, which the project does not use, are not shown. These models keep no history (simple-history does not
track them): plain ModelAdmins, with Django's log of admin changes.
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import display_for_value, unquote
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as _beat_admin  # noqa: F401  (registers its admins first, to replace them)
from django_celery_beat import validators
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, \
    SolarSchedule

from . import schedules

for _model in (PeriodicTask, CrontabSchedule, IntervalSchedule, SolarSchedule, ClockedSchedule):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class _Shown:
    """The object itself (its pk, its model) that reads as ``label`` wherever the admin prints it: the page's
    title and breadcrumbs, the messages after saving, the log of admin changes."""

    def __init__(self, obj, label):
        self._obj, self._label = obj, label

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self):
        return str(self._label)


class WordsAdmin(admin.ModelAdmin):
    """An admin whose objects are named by ``object_label`` (in the active language) instead of ``str(obj)``,
    which for django-celery-beat's models is English and cron fields."""

    actions = None

    def object_label(self, obj) -> str:
        raise NotImplementedError

    def shown(self, obj):
        return _Shown(obj, self.object_label(obj))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            context.update(subtitle=self.object_label(obj), original=self.shown(obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), "object": self.shown(obj),
                             "title": gettext("Change history: %s") % self.object_label(obj)}
        return super().history_view(request, object_id, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        return super().response_add(request, self.shown(obj), post_url_continue)

    def response_change(self, request, obj):
        return super().response_change(request, self.shown(obj))

    def log_addition(self, request, obj, message):
        return super().log_addition(request, self.shown(obj), message)

    def log_change(self, request, obj, message):
        return super().log_change(request, self.shown(obj), message)

    def has_delete_permission(self, request, obj=None):
        return False  # a task is switched off, not deleted; a schedule left unused does no harm


# --- the tasks ----------------------------------------------------------------------------------------------

class CrontabChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return schedules.crontab_words(obj)


class IntervalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return schedules.interval_words(obj)


class PeriodicTaskForm(forms.ModelForm):
    class Meta:
        model = PeriodicTask
        fields = ("enabled", "crontab", "interval")
        field_classes = {"crontab": CrontabChoiceField, "interval": IntervalChoiceField}
        labels = {"enabled": _("Enabled"), "crontab": _("At set times"), "interval": _("At an interval")}
        help_texts = {
            "enabled": _("Untick to stop the task; it stays here to be switched on again."),
            "crontab": _("Run at the times of a schedule by the clock, or choose an interval below: one of the two."),
            "interval": _("Run again after a fixed interval: only when no schedule by the clock is chosen."),
        }

    def clean(self):
        data = super().clean()
        chosen = [name for name in ("crontab", "interval") if data.get(name)]
        if len(chosen) > 1:
            raise ValidationError(_("Choose one way of running the task: at set times or at an interval, not both."))
        if not chosen and not (self.instance.solar_id or self.instance.clocked_id):
            raise ValidationError(_("Choose when the task runs: at set times or at an interval."))
        return data

    def validate_unique(self):
        # PeriodicTask.validate_unique checks that one schedule is chosen, in English: clean() has said it already
        if not self.errors:
            super().validate_unique()


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(WordsAdmin):
    form = PeriodicTaskForm
    list_display = ("task_title", "what_it_does", "when", "is_enabled", "last_run", "run_count")
    list_display_links = ("task_title",)
    ordering = ("pk",)
    fieldsets = (
        (None, {"fields": ("task_title", "what_it_does", "enabled")}),
        (_("When it runs"), {"fields": ("crontab", "interval", "last_run", "run_count")}),
    )
    readonly_fields = ("task_title", "what_it_does", "last_run", "run_count")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("crontab", "interval")

    def has_add_permission(self, request):
        return False  # a task is scheduled by the migration that brings it

    def object_label(self, obj):
        return schedules.task_label(obj.task)

    @admin.display(description=_("Task"), ordering="task")
    def task_title(self, obj):
        if schedules.task_entry(obj.task):
            return schedules.task_label(obj.task)
        return format_html('{} <code lang="en">{}</code>', gettext("Unknown task"), obj.task)

    @admin.display(description=_("What it does"))
    def what_it_does(self, obj):
        entry = schedules.task_entry(obj.task)
        return entry.describe() if entry else gettext("This task has no description: it is not one of this "
                                                      "system's scheduled tasks.")

    @admin.display(description=_("When it runs"))
    def when(self, obj):
        return schedules.schedule_words(obj)

    @admin.display(description=_("Enabled"), boolean=True, ordering="enabled")
    def is_enabled(self, obj):
        return obj.enabled

    @admin.display(description=_("Last run"), ordering="last_run_at")
    def last_run(self, obj):
        if obj.last_run_at is None:
            return gettext("not run yet")
        return display_for_value(obj.last_run_at, "")

    @admin.display(description=_("Runs so far"), ordering="total_run_count")
    def run_count(self, obj):
        return display_for_value(obj.total_run_count, "")


# --- the schedules ------------------------------------------------------------------------------------------

CRON_PARTS = {
    "minute": validators.minute_validator, "hour": validators.hour_validator,
    "day_of_month": validators.day_of_month_validator, "month_of_year": validators.month_of_year_validator,
    "day_of_week": validators.day_of_week_validator,
}


class CrontabForm(forms.ModelForm):
    class Meta:
        model = CrontabSchedule
        fields = tuple(CRON_PARTS)
        labels = {"minute": _("Minute"), "hour": _("Hour"), "day_of_month": _("Day of the month"),
                  "month_of_year": _("Month"), "day_of_week": _("Day of the week")}
        help_texts = {
            "minute": _("0–59. “*” for every minute, “*/5” for every five minutes, “0,30” for the hour and the "
                        "half hour."),
            "hour": _("0–23. “*” for every hour, “8,20” for 8 a.m. and 8 p.m."),
            "day_of_month": _("1–31. “*” for every day, “1,15” for the 1st and the 15th."),
            "month_of_year": _("1–12. “*” for every month, “1,7” for January and July."),
            "day_of_week": _("0–6, Sunday is 0 (or 7), Monday 1. “*” for every day, “1-5” for Monday to Friday."),
        }

    def _clean_part(self, name):
        value = "".join(self.cleaned_data[name].split())
        try:
            CRON_PARTS[name](value)
        except (ValidationError, ValueError) as error:
            # the validators' messages are English: the field's own message instead
            raise ValidationError(_("Not a valid value: write numbers, “*”, a range such as “1-5”, a step such "
                                    "as “*/5” or a list such as “1,15”.")) from error
        return value

    def clean_minute(self):
        return self._clean_part("minute")

    def clean_hour(self):
        return self._clean_part("hour")

    def clean_day_of_month(self):
        return self._clean_part("day_of_month")

    def clean_month_of_year(self):
        return self._clean_part("month_of_year")

    def clean_day_of_week(self):
        return self._clean_part("day_of_week")


class ScheduleAdmin(WordsAdmin):
    @admin.display(description=_("Tasks on this schedule"))
    def tasks(self, obj):
        return schedules.tasks_on(obj) if obj.pk else ""


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(ScheduleAdmin):
    form = CrontabForm
    list_display = ("in_words", "tasks")
    fields = (*CRON_PARTS, "zone", "in_words", "tasks")
    readonly_fields = ("zone", "in_words", "tasks")

    def object_label(self, obj):
        return schedules.crontab_words(obj)

    @admin.display(description=_("Runs"))
    def in_words(self, obj):
        return schedules.crontab_words(obj) if obj.pk else ""

    @admin.display(description=_("Time zone"))
    def zone(self, obj):
        return schedules.timezone_label(obj.timezone)


class IntervalForm(forms.ModelForm):
    period = forms.ChoiceField(choices=schedules.period_choices, label=_("Unit"))

    class Meta:
        model = IntervalSchedule
        fields = ("every", "period")
        labels = {"every": _("Interval length")}
        help_texts = {"every": _("How many units between two runs.")}


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(ScheduleAdmin):
    form = IntervalForm
    list_display = ("in_words", "tasks")
    fields = ("every", "period", "in_words", "tasks")
    readonly_fields = ("in_words", "tasks")

    def object_label(self, obj):
        return schedules.interval_words(obj)

    @admin.display(description=_("Runs"))
    def in_words(self, obj):
        return schedules.interval_words(obj) if obj.pk else ""
