from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

region_code_validator = RegexValidator(r"^\d{6}$", _("A region code has exactly 6 digits."))


class Region(models.Model):
    """An administrative division (GB/T 2260 code); a procuratorate supervises its region and those below."""

    code = models.CharField(_("region code"), max_length=6, unique=True, validators=[region_code_validator])
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def level(self) -> str:
        """GB/T 2260: "province" (XX0000, municipalities directly under the central government included),
        "city" (XXXX00) or "district" (any other code)."""
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "district"

    def descendant_ids(self) -> list[int]:
        """This region and every region below it."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class Agency(models.Model):
    class Kind(models.TextChoices):
        COURT = "court", _("court")
        PROCURATORATE = "procuratorate", _("procuratorate")
        POLICE = "police", _("public security")
        JUSTICE = "justice", _("justice bureau")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["region__code", "kind", "name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    # When the password was last set (null: never since the account was created; date_joined counts then).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)
    # Part of the session hash: raising it ends every session of the user at its next request
    # (deactivation, loss of a role), as a password change does.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def save(self, *args, **kwargs):
        password_set = self._password is not None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "is_active" in update_fields:
            # a deactivation raises the generation (accounts/signals.py): it must be written with it
            kwargs["update_fields"] = {*update_fields, "session_generation"}
        super().save(*args, **kwargs)
        if password_set:  # the hash goes into the history that forbids reusing the last passwords
            PasswordHistory.objects.create(user=self, password=self.password, created_at=self.password_changed_at)

    @property
    def display_name(self) -> str:
        # Chinese order: family name first, no space
        return f"{self.last_name}{self.first_name}".strip() or self.username

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        # the admin greets by the short name: the whole name, as the app does, not the given name alone
        return self.display_name

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()

    @property
    def role_names(self) -> list[str]:
        return list(self.groups.order_by("name").values_list("name", flat=True))


class PasswordHistory(models.Model):
    """The hashes of a user's past passwords (never the passwords): a new password may not repeat the last ones."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class Role(Group):
    """A role group (accounts/roles.py) as the administrator sees it: by its name in words, not its code."""

    class Meta:
        proxy = True
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        from .roles import role_label

        return role_label(self.name)


# The login records of django-axes, as the system administrator reads them: named in words (axes names its rows in
# English: "Access Log for … @ …"). Proxies: the rows stay axes's own.

class LoginRecordName:
    """Each login record is named by the user name tried and the address it came from."""

    def __str__(self):
        return _("%(username)s from %(address)s") % {"username": self.username or "—",
                                                     "address": self.ip_address or "—"}


class LoginAttempt(LoginRecordName, AccessAttempt):
    """The failures counted against a user name and address; deleting it lifts the lockout."""

    class Meta:
        proxy = True
        verbose_name = _("failed-login count")
        verbose_name_plural = _("failed-login counts")


class LoginFailure(LoginRecordName, AccessFailureLog):
    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")


class LoginSession(LoginRecordName, AccessLog):
    class Meta:
        proxy = True
        verbose_name = _("login")
        verbose_name_plural = _("logins")

