from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from common.admin import HistoryAdmin

from . import services
from .models import Agency, LoginAttempt, LoginFailure, LoginSession, Region, Role, User
from .roles import ROLE_LABELS, assignable_permissions, permission_label, role_label

# django-axes ships no Chinese catalogue: the labels of its fields that the login pages below show are translated
# in ours, kept here so that makemessages keeps them.
AXES_WORDS = (
    gettext_noop("Attempt Time"), gettext_noop("Logout Time"), gettext_noop("Username"),
    gettext_noop("IP Address"), gettext_noop("Failed Logins"), gettext_noop("Access lock out"),
)


class PermissionsField(forms.ModelMultipleChoiceField):
    """Permissions named in the reader's language (accounts.roles.permission_label), not Django's stored English."""

    def label_from_instance(self, obj):
        return permission_label(obj)


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj.name)


def _m2m_formfield(db_field, kwargs):
    if db_field.name in ("permissions", "user_permissions"):
        kwargs["queryset"] = assignable_permissions()
        kwargs["form_class"] = PermissionsField
    elif db_field.name == "groups":
        kwargs["form_class"] = RolesField
        kwargs["label"] = _("roles")
        kwargs["widget"] = FilteredSelectMultiple(_("roles"), is_stacked=False)  # the two boxes' titles
        kwargs["help_text"] = _("The user holds every permission of each role given here.")
    return kwargs


def _permission_lines(permissions):
    """Permissions shown read-only, one a line, in words, in the order of their labels."""
    labels = sorted(permission_label(p) for p in permissions)
    return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or "—"


class PasswordSetWidget(ReadOnlyPasswordHashWidget):
    """Says whether a password is set and offers to reset it, without the hash's algorithm, salt and digest."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        summary = context["summary"]
        said = (_("A password is set. It is kept only as a one-way hash, which nobody can read back.")
                if summary and summary[0].get("value") else summary[0]["label"] if summary else "")
        return format_html('<div><p>{}</p><p><a class="button" href="../password/">{}</a></p></div>',
                           said, context["button_label"])


class AccountChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSetWidget()


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


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        names = Group.objects.order_by("name").values_list("name", flat=True)
        return [(name, role_label(name)) for name in sorted(names, key=lambda n: (n not in ROLE_LABELS, n))]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin, HistoryAdmin):
    form = AccountChangeForm
    list_display = ("username", "last_name", "first_name", "agency", "roles", "second_factor", "is_active",
                    "is_staff")
    list_filter = (RoleFilter, "agency__kind", "is_active")
    list_select_related = ("agency",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Agency"), {"fields": ("agency",)}),
        (_("Login security"), {"fields": ("password_changed_at",)}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Agency"), {"fields": ("agency",)}),)
    readonly_fields = ("password_changed_at",)
    actions = ["unlock_login", "end_sessions", "reset_second_factor"]

    # Separation of duties (accounts/roles.py): roles are given as groups only; nobody but a superuser makes a
    # superuser or grants single permissions, and nobody changes their own roles, rights or account state.
    GUARDED = ("is_superuser", "user_permissions")
    OWN = ("groups", "user_permissions", "is_staff", "is_superuser", "is_active")
    # A relation shown read-only is listed in words by these (Django's own would print the stored names).
    SHOWN_READ_ONLY = {"groups": "roles", "user_permissions": "permission_list"}

    def get_queryset(self, request):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(enrolled=Exists(enrolled)).prefetch_related("groups")

    def _read_only(self, request, obj):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.GUARDED if f not in fields]
        if obj is not None and obj.pk == request.user.pk:
            fields += [f for f in self.OWN if f not in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        shown = [self.SHOWN_READ_ONLY.get(f, f) for f in self._read_only(request, obj)]
        return shown + [name for name in self.SHOWN_READ_ONLY.values() if name not in shown]

    def get_fieldsets(self, request, obj=None):
        read_only = set(self._read_only(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            read_only |= set(self.SHOWN_READ_ONLY)  # a reader who may only view: every field is read-only
        swapped = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [self.SHOWN_READ_ONLY[f] if f in read_only and f in self.SHOWN_READ_ONLY else f
                      for f in options.get("fields", ())]
            swapped.append((name, {**options, "fields": fields}))
        return swapped

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **_m2m_formfield(db_field, kwargs))

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(role_label(group.name) for group in obj.groups.all()) if obj and obj.pk else "—"

    @admin.display(description=_("authenticator app"), boolean=True)
    def second_factor(self, obj):
        return getattr(obj, "enrolled", False)

    @admin.display(description=_("user permissions"))
    def permission_list(self, obj):
        return _permission_lines(obj.user_permissions.select_related("content_type") if obj else [])

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

    @admin.action(description=_("Reset the authenticator app of the selected users (a lost phone)"),
                  permissions=["change"])
    def reset_second_factor(self, request, queryset):
        mine = queryset.filter(pk=request.user.pk).exists()
        n = services.reset_second_factor(queryset.exclude(pk=request.user.pk), actor=request.user)
        self.message_user(request, _("%(n)d users enrol their authenticator app again at their next login.")
                          % {"n": n}, messages.SUCCESS)
        if mine:
            self.message_user(request, _("Your own authenticator app is not reset: another administrator does "
                                         "that."), messages.WARNING)


# --- roles: the groups, named in words --------------------------------------------------------------------------

admin.site.unregister(Group)


@admin.register(Role)
class RoleAdmin(BaseGroupAdmin):
    list_display = ("__str__", "member_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(members=Count("user", distinct=True))

    def _built_in(self, obj) -> bool:
        return obj is not None and obj.name in ROLE_LABELS

    def get_fields(self, request, obj=None):
        # a role's name is its code (the permissions and the pages look it up): it is shown in words, not renamed;
        # a reader who may only view sees the permissions listed in words (Django's would print them in English)
        permissions = "permissions" if self.has_change_permission(request, obj) else "permission_list"
        return ("role_name" if self._built_in(obj) else "name", permissions)

    def get_readonly_fields(self, request, obj=None):
        return ("role_name", "permission_list")

    @admin.display(description=_("permissions"))
    def permission_list(self, obj):
        return _permission_lines(obj.permissions.select_related("content_type") if obj else [])

    @admin.display(description=_("role"))
    def role_name(self, obj):
        return role_label(obj.name)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return admin.ModelAdmin.formfield_for_manytomany(self, db_field, request, **_m2m_formfield(db_field, kwargs))

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, obj):
        return obj.members


# --- login lockout (django-axes): read in words through proxies, lifted by deleting the count ----------------------------------

for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class _LoginRecordAdmin(admin.ModelAdmin):
    """What the system administrator needs of a login record: who, from where, when; nothing to edit."""

    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    ordering = ("-attempt_time",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a record of what happened; only a failed-login count is deleted, to lift a lockout

    @admin.display(description=_("browser"))
    def browser(self, obj):
        # the browser's own self-description, as it sent it: data in English, marked so
        return format_html('<span lang="en">{}</span>', obj.user_agent) if obj.user_agent else "—"


@admin.register(LoginAttempt)
class LoginAttemptAdmin(_LoginRecordAdmin):
    list_display = ("attempt_time", "username", "ip_address", "failures_since_start", "locked")
    fields = ("username", "ip_address", "attempt_time", "failures_since_start", "locked", "browser")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    @admin.display(description=_("locked out"), boolean=True)
    def locked(self, obj):
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:  # deleting the attempts is what lifts the lockout
            func, name, _description = actions["delete_selected"]
            actions["delete_selected"] = (func, name, _("Lift the lockout of the selected attempts"))
        return actions


@admin.register(LoginFailure)
class LoginFailureAdmin(_LoginRecordAdmin):
    list_display = ("attempt_time", "username", "ip_address", "locked_out")
    fields = ("username", "ip_address", "attempt_time", "locked_out", "browser")
    readonly_fields = fields


@admin.register(LoginSession)
class LoginSessionAdmin(_LoginRecordAdmin):
    list_display = ("attempt_time", "logout_time", "username", "ip_address")
    fields = ("username", "ip_address", "attempt_time", "logout_time", "browser")
    readonly_fields = fields


# --- second factor: reset from the user list, not edited by hand ---------------------------------------------------

def _unregister_totp_admin():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)


_unregister_totp_admin()
