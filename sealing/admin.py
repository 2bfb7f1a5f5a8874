from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin, VersionedPolicyAdmin

from . import permissions, selectors
from .catalogue import CategoriesAdminForm
from .models import Charge, SealingFile, SealingPolicy, SweepFailure, SweepRun
from .policy import same_as_in_force


@admin.register(Charge)
class ChargeAdmin(HistoryAdmin):
    form = CategoriesAdminForm
    list_display = ("name", "article_zh", "chapter", "statutory_max", "statutory_max_months", "negligent",
                    "high_incidence", "national_security", "terrorism", "organized_crime", "drug")
    list_filter = ("chapter", "statutory_max", "negligent", "high_incidence", "national_security", "terrorism",
                   "organized_crime", "drug")
    search_fields = ("name", "article", "article_zh")


class SealingPolicyForm(forms.ModelForm):
    """A new version needs a reason and the day it takes effect, and must change something."""

    class Meta:
        model = SealingPolicy
        fields = "__all__"
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("note", "effective_from"):
            if name in self.fields:
                self.fields[name].required = True
        if "effective_from" in self.fields:
            self.fields["effective_from"].help_text = _("Decisions taken from this day on use this version.")

    def clean(self):
        data = super().clean()
        as_of = data.get("effective_from")
        newest = SealingPolicy.objects.order_by("-version").first()
        if as_of and newest is not None and newest.effective_from and as_of < newest.effective_from:
            # versions take effect in the order they are published (policy.current_policy_version)
            self.add_error("effective_from", _("A new version takes effect on or after the newest version's "
                                               "date (%(date)s).") % {"date": newest.effective_from.isoformat()})
        if as_of and not self.errors and same_as_in_force(data, as_of):
            raise forms.ValidationError(_("Identical to the version in force: not saved."), code="identical")
        return data


@admin.register(SealingPolicy)
class SealingPolicyAdmin(VersionedPolicyAdmin):
    """Policy versions are added, never edited: each decision keeps the version it used. Only a policy
    administrator at the provincial level publishes one (permissions.can_publish_policy)."""

    form = SealingPolicyForm
    change_form_template = "admin/sealing/sealingpolicy/change_form.html"
    list_display = ("version_label", "effective_from", "mode", "micro_definition", "light_max_months",
                    "juvenile_seal_within_days", "created_at", "created_by", "note")

    def has_add_permission(self, request):
        return permissions.can_publish_policy(request.user)[0]

    def add_view(self, request, form_url="", extra_context=None):
        ok, reason = permissions.can_publish_policy(request.user)
        if not ok:  # said, not a bare 403: the district's administrator learns who publishes
            messages.error(request, _(reason))
            if self.has_view_permission(request):
                return redirect("admin:sealing_sealingpolicy_changelist")
            raise PermissionDenied(_(reason))
        return super().add_view(request, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["status_counts"] = selectors.file_counts_by_status()
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("effective_from", None)  # each version says its own day
        return initial

    def save_model(self, request, obj, form, change):
        ok, reason = permissions.can_publish_policy(request.user)
        if not ok:
            raise PermissionDenied(reason)
        super().save_model(request, obj, form, change)


@admin.register(SealingFile)
class SealingFileAdmin(HistoryAdmin):
    """Read-only: a file's status moves only through the services (evaluate, seal, unseal, revoke)."""

    list_display = ("file_label", "status", "regime", "category", "seal_date", "observation_end", "policy")
    list_filter = ("status", "regime", "category")
    list_select_related = ("defendant__case", "defendant__person", "policy")
    # the decision's trace tells the facts of the file: it is read on the decision page, through the gate
    exclude = ("decision", "missing", "defendant")

    @admin.display(description=_("sealing file"))
    def file_label(self, obj):
        return str(obj.defendant)  # masked: Person.__str__ never shows the name

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SealingFile._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SweepFailureInline(admin.TabularInline):
    """The files a run could not process, with the reason; the file shows as its case number and masked name."""

    model = SweepFailure
    fields = ("sealing_file", "message", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    # whoever may read the run reads its failures: they are part of its summary
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("sealing.view_sweeprun")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """Each sweep's summary (started, finished, counts by outcome, failures per file), read-only: runs are
    written by the sweep alone. Administrators start one from the sweep pages."""

    list_display = ("as_of", "trigger", "started_by", "state", "started_at", "finished_at", "total", "processed",
                    "changed", "sealed", "provisionally_sealed", "observing", "other", "notices", "copies_sealed",
                    "failed")
    list_filter = ("state", "trigger", "retro")
    list_select_related = ("started_by",)
    date_hierarchy = "started_at"
    inlines = [SweepFailureInline]
    fields = ("as_of", "trigger", "retro", "started_by", "started_at", "finished_at", "state", "total", "processed",
              "changed", "sealed", "provisionally_sealed", "observing", "other", "notices", "copies_sealed", "failed",
              "chunks", "chunks_done")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
