"""The reference each page is measured against: Django's stock admin changelist of the same model and filter,
on an admin site that exists only in the benchmark's process (the product registers no admin for cases,
records or notices: sealed data passes one gate). ``bench/urls.py`` mounts it at ``/bench-admin/``."""
from django.contrib import admin

from oversight.models import Finding
from queries.models import QueryRequest
from sealing.models import Case, Charge, Defendant, Record, SealingFile, SealingNotice

site = admin.AdminSite(name="bench_admin")


@admin.register(Case, site=site)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("case_number", "year", "agency", "offense_date", "created_at")
    list_filter = ("agency",)


@admin.register(Record, site=site)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "case", "holding_agency", "created_at")
    list_filter = ("holding_agency",)


@admin.register(SealingFile, site=site)
class SealingFileAdmin(admin.ModelAdmin):
    list_display = ("id", "status", "regime", "category", "seal_date", "defendant")
    list_filter = ("status",)
    list_select_related = ("defendant__case",)


@admin.register(SealingNotice, site=site)
class SealingNoticeAdmin(admin.ModelAdmin):
    list_display = ("serial", "from_agency", "to_agency", "sent_on", "received_on", "deadline", "copy_sealed_at")
    list_filter = ("to_agency",)


@admin.register(QueryRequest, site=site)
class QueryRequestAdmin(admin.ModelAdmin):
    list_display = ("serial", "requester_kind", "purpose", "received", "deadline", "status")
    list_filter = ("agency",)


@admin.register(Finding, site=site)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("serial", "rule", "agency", "detected_on", "state")
    list_filter = ("state",)


@admin.register(Defendant, site=site)
class DefendantAdmin(admin.ModelAdmin):
    """The new-case form's reference: the stock form of a defendant, whose charges are the whole catalogue in one
    multiple select (what the picker replaced); the case and the person by id, as no form lists them all."""
    raw_id_fields = ("case", "person")


@admin.register(Charge, site=site)
class ChargeAdmin(admin.ModelAdmin):
    list_display = ("name", "article")
    search_fields = ("name",)
