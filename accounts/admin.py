from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from common.admin import HistoryAdmin

from . import services
from .models import Agency, Region, User


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "region__code")
    list_select_related = ("region",)


@admin.register(User)
class UserAdmin(BaseUserAdmin, HistoryAdmin):
    list_display = ("username", "last_name", "first_name", "agency", "is_active", "is_staff")
    list_filter = ("groups", "agency__kind", "is_active")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Agency"), {"fields": ("agency",)}),
        (_("Login security"), {"fields": ("password_changed_at",)}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Agency"), {"fields": ("agency",)}),)
    readonly_fields = ("password_changed_at",)
    actions = ["unlock_login", "end_sessions"]

    # Separation of duties (accounts/roles.py): roles are given as groups only; nobody but a superuser makes a
    # superuser or grants single permissions, and nobody changes their own roles, rights or account state.
    GUARDED = ("is_superuser", "user_permissions")
    OWN = ("groups", "user_permissions", "is_staff", "is_superuser", "is_active")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.GUARDED if f not in fields]
        if obj is not None and obj.pk == request.user.pk:
            fields += [f for f in self.OWN if f not in fields]
        return fields

    @admin.action(description=_("Unlock the login of the selected users"), permissions=["change"])
    def unlock_login(self, request, queryset):
        services.unlock(list(queryset.values_list("username", flat=True)))
        self.message_user(request, _("The login of %(n)d users is unlocked.") % {"n": queryset.count()},
                          messages.SUCCESS)

    @admin.action(description=_("End the sessions of the selected users"), permissions=["change"])
    def end_sessions(self, request, queryset):
        services.end_sessions(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("The sessions of %(n)d users are ended.") % {"n": queryset.count()},
                          messages.SUCCESS)
