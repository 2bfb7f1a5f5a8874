"""The audit trail for auditors: read-only (nobody adds, changes or deletes an entry, not even a superuser). It
reads in words (audit.presentation): the object's type by its model's name, the detail as labelled values, the
hashes as identifiers."""
from django.contrib import admin

from . import presentation
from .models import AuditEntry


def _label(name: str):
    return AuditEntry._meta.get_field(name).verbose_name


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "at", "kind", "actor_username", "object_type_shown", "object_id", "access_log_id")
    # "at" by the admin's own date ranges: the home page links the auditor to the past seven days of an event
    list_filter = ("kind", ("at", admin.DateFieldListFilter))
    search_fields = ("=actor_username", "=object_id")
    date_hierarchy = "at"
    show_full_result_count = False  # no COUNT(*) over a long trail
    fields = ("seq", "at", "kind", "actor_id", "actor_username", "object_type_shown", "object_id", "detail_shown",
              "access_log_id", "access_log_digest_shown", "prev_hash_shown", "hash_shown")
    readonly_fields = fields

    @admin.display(description=_label("object_type"), ordering="object_type")
    def object_type_shown(self, entry):
        return presentation.object_type(entry.object_type)

    @admin.display(description=_label("detail"))
    def detail_shown(self, entry):
        return presentation.detail(entry.detail, object_type_label=entry.object_type, kind=entry.kind)

    @admin.display(description=_label("access_log_digest"))
    def access_log_digest_shown(self, entry):
        return presentation.digest(entry.access_log_digest)

    @admin.display(description=_label("prev_hash"))
    def prev_hash_shown(self, entry):
        return presentation.digest(entry.prev_hash)

    @admin.display(description=_label("hash"))
    def hash_shown(self, entry):
        return presentation.digest(entry.hash)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
