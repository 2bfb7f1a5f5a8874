from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Region, User


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "region__code")
    list_select_related = ("region",)


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "last_name", "first_name", "agency", "is_active", "is_staff")
    list_filter = ("groups", "agency__kind", "is_active")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("Agency"), {"fields": ("agency",)}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Agency"), {"fields": ("agency",)}),)
