"""Admin pieces shared by the apps."""
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin


class VersionedPolicyAdmin(SimpleHistoryAdmin):
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
