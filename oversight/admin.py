from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import VersionedPolicyAdmin

from .models import Finding, OversightPolicy, ScanRun


@admin.register(OversightPolicy)
class OversightPolicyAdmin(VersionedPolicyAdmin):
    """Policy versions are added, never edited (as the sealing policy)."""

    list_display = ("label", "read_volume_threshold", "read_volume_period_days", "created_at", "created_by", "note")


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    """Read-only: findings are written by the scan and the supervisors' pages (services)."""

    list_display = ("serial", "rule", "source", "agency", "detected_on", "cause_date", "state", "triage")
    list_filter = ("rule", "source", "state", "triage")
    list_select_related = ("agency",)
    search_fields = ("serial",)
    # a complaint's text may name people: it is read on the supervisor's page, not here
    exclude = ("complainant", "description", "facts")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Finding._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "trigger", "started_at", "finished_at", "created", "open", "closed")
    readonly_fields = ("as_of", "trigger", "started_at", "finished_at", "created", "open", "closed", "by_rule")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
