from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, VersionedPolicyAdmin

from .models import Finding, Instrument, InstrumentReply, OversightPolicy, Rule, ScanRun


@admin.register(OversightPolicy)
class OversightPolicyAdmin(VersionedPolicyAdmin):
    """Policy versions are added, never edited (as the sealing policy)."""

    list_display = ("version_label", "read_volume_threshold", "read_volume_period_days", "created_at", "created_by", "note")


@admin.register(Finding)
class FindingAdmin(HistoryAdmin):
    """Read-only: findings are written by the scan and the supervisors' pages (services)."""

    list_display = ("serial", "rule", "source", "agency", "detected_on", "cause_date", "state", "triage")
    list_filter = ("rule", "source", "state", "triage")
    list_select_related = ("agency",)
    search_fields = ("serial",)
    # a complaint's text may name people: it is read on the supervisor's page, not here; the cause key is the
    # scan's internal handle (rule:kind:id), which the rule, the agency and the links already say in words
    exclude = ("complainant", "description", "facts", "key")

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
    readonly_fields = ("as_of", "trigger", "started_at", "finished_at", "created", "open", "closed", "by_rule_table")
    exclude = ("by_rule",)

    @admin.display(description=_("by rule"))
    def by_rule_table(self, obj):
        """The run's counts per rule, each rule by its name and each count under its heading (the JSON as stored
        names them by code)."""
        labels = dict(Rule.choices)
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (labels.get(rule, rule), counts.get("created", 0), counts.get("open", 0), counts.get("closed", 0))
            for rule, counts in sorted((obj.by_rule or {}).items())))
        return format_html('<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
                           "<tbody>{}</tbody></table>", _("rule"), _("findings created"), _("findings open"),
                           _("findings closed"), rows)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Instruments and replies are written by the supervisors' and the agencies' pages (oversight.instruments),
    each step with its history; the admin only reads them. Free texts that may name people are left out (they
    are read on the pages that check who may read them)."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(_ReadOnlyAdmin):
    list_display = ("serial", "kind", "state", "agency", "procuratorate", "drafted_at", "issued_on", "deadline",
                    "reminded_on", "escalated_on", "review_overdue_on", "closed_on")
    list_filter = ("kind", "state", "procuratorate", "agency")
    list_select_related = ("agency", "procuratorate")
    search_fields = ("serial",)
    date_hierarchy = "issued_on"
    exclude = ("facts", "correction_required", "rejection_reason", "review_reason", "review_answer", "findings")


@admin.register(InstrumentReply)
class InstrumentReplyAdmin(_ReadOnlyAdmin):
    list_display = ("instrument", "outcome", "replied_by", "replied_on", "on_time", "decision", "decided_by",
                    "decided_on")
    list_filter = ("outcome", "on_time", "decision")
    list_select_related = ("instrument", "replied_by", "decided_by")
    search_fields = ("instrument__serial",)
    exclude = ("actions", "reasons", "decision_reason")
