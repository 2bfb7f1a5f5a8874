"""The audit trail for auditors: read-only (nobody adds, changes or deletes an entry, not even a superuser)."""
from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "kind", "actor_username", "object_type", "object_id", "access_log_id")
    list_filter = ("kind",)
    search_fields = ("=actor_username", "=object_id")
    date_hierarchy = "at"
    show_full_result_count = False  # no COUNT(*) over a long trail
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
