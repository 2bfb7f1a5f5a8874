from django.contrib import admin

from common.admin import HistoryAdmin
from sealing.catalogue import CategoriesAdminForm

from .models import LegalBasis, Objection, QueryRequest, WorkingDay


@admin.register(LegalBasis)
class LegalBasisAdmin(HistoryAdmin):
    form = CategoriesAdminForm
    list_display = ("code", "law", "article", "occupation", "active")
    list_filter = ("active",)
    search_fields = ("code", "law", "occupation")


@admin.register(WorkingDay)
class WorkingDayAdmin(HistoryAdmin):
    """Only the days that differ from Monday-Friday: holidays on weekdays and make-up working weekends."""

    list_display = ("date", "is_working", "note")
    list_filter = ("is_working",)
    date_hierarchy = "date"
    search_fields = ("note",)


@admin.register(QueryRequest)
class QueryRequestAdmin(HistoryAdmin):
    """Read-only: requests are taken and decided in the application, never edited here."""

    list_display = ("serial", "requester_kind", "purpose", "received", "deadline", "status", "decision")
    list_filter = ("status", "requester_kind", "purpose", "decision")
    search_fields = ("serial",)
    exclude = ("requester_name", "requester_id_number", "subject_name", "subject_id_number", "recommendation",
               "named_records", "disclosed")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Objection)
class ObjectionAdmin(HistoryAdmin):
    """Read-only: objections are taken and answered in the application; the grounds and the PDF stay out."""

    list_display = ("serial", "request", "received", "deadline", "extended_deadline", "status", "outcome")
    list_filter = ("status", "outcome")
    search_fields = ("serial",)
    exclude = ("objector_name", "grounds", "document_pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
