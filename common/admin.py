"""Admin pieces shared by the apps."""
import dataclasses
import datetime as dt

from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


def hidden_history_fields(model, excluded) -> set[str]:
    """The fields whose values a history page must not show: those the admin leaves off its form (``exclude``),
    encrypted fields (a person's name and ID number, a record's content), stored JSON (a decision's trace and a
    request's recommendation name the sealed facts and records) and the password hash."""
    hidden = set(excluded or ())
    for field in model._meta.concrete_fields:
        if type(field).__name__.startswith("Encrypted") or field.get_internal_type() == "JSONField" \
                or field.name == "password":
            hidden.add(field.name)
    return hidden


def history_value(value):
    """A value of a history page's change in words: nothing as a dash (simple-history writes "None", and an empty
    link "Deleted user (pk=None)"), a yes/no, a date and time in the reader's format and time zone."""
    if isinstance(value, list):
        return [history_value(item) for item in value]
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return "—"
    if isinstance(value, DeletedObject):
        return _("deleted %(thing)s") % {"thing": value.model._meta.verbose_name}
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return value


class _GatedContextHelper(HistoricalRecordContextHelper):
    hidden: set = set()

    def prepare_delta_change_value(self, change, value):
        return history_value(super().prepare_delta_change_value(change, value))

    def context_for_delta_changes(self, delta):
        shown = [change for change in delta.changes if change.field not in self.hidden]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=shown))


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin whose history pages list what changed without the values a page of the app would
    mask or never show (``hidden_history_fields``): the change is named ("recommendation"), not its content."""

    def get_historical_record_context_helper(self, request, historical_record):
        helper = _GatedContextHelper(self.model, historical_record)
        helper.hidden = hidden_history_fields(self.model, self.get_exclude(request))
        return helper


class VersionedPolicyAdmin(HistoryAdmin):
    """A policy whose versions are added, never edited or deleted: each decision keeps the version it used.
    The add form starts from the version in force; saving numbers the new version under a lock."""

    readonly_fields = ("version", "created_at", "created_by")

    @admin.display(description=_("version"), ordering="version")
    def version_label(self, obj):
        """The list's first column (v1, v2 …), under a translated header rather than the property's name."""
        return obj.label

    def get_changeform_initial_data(self, request):
        model = self.model
        current = model.objects.order_by("-version").first()
        if current is None:
            return super().get_changeform_initial_data(request)
        names = [f.name for f in model._meta.concrete_fields if f.editable and f.name not in {"id", "note"}]
        return {name: getattr(current, name) for name in names}

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        latest = self.model.objects.select_for_update().order_by("-version").first()
        obj.version = (latest.version if latest else 0) + 1
        obj.created_by = request.user
        obj._change_reason = obj.note or "new policy version"
        super().save_model(request, obj, form, change)


from . import admin_schedules  # noqa: E402,F401  (the scheduled tasks' admin, in place of django-celery-beat's)
