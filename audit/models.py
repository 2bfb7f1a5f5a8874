"""The tamper-evident audit trail: one hash chain of security events and reads of sealed content.

Entries are only ever appended (audit.services.append); the database refuses UPDATE and DELETE on them
(PostgreSQL trigger, migration 0002) except inside the retention purge."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    READ = "read", _("read of sealed content")
    BREAK_GLASS = "break_glass", _("sealed file opened with a reason")
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKOUT = "lockout", _("account locked out")
    ACCOUNT_CHANGE = "account_change", _("account created or changed")
    PASSWORD_CHANGE = "password_change", _("password changed")
    ROLE_CHANGE = "role_change", _("role change")
    PERMISSION_CHANGE = "permission_change", _("permission change")
    POLICY_CHANGE = "policy_change", _("policy change")
    CATALOGUE_CHANGE = "catalogue_change", _("catalogue change")
    KEY_ROTATION = "key_rotation", _("encryption key rotation")
    EXPORT = "export", _("export")
    CHAIN_START = "chain_start", _("audit trail started")
    PURGE = "purge", _("audit retention purge")


class AuditEntry(models.Model):
    """One link of the chain. ``hash`` is SHA-256 over the entry's content and ``prev_hash`` (audit.chain).
    The actor is a plain id and a username snapshot, not a foreign key: nothing may change an entry."""

    seq = models.PositiveBigIntegerField(_("sequence number"), primary_key=True)
    at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=AuditKind.choices, db_index=True)
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    access_log_id = models.BigIntegerField(_("access-log row"), null=True, blank=True, unique=True)
    access_log_digest = models.CharField(_("access-log row digest"), max_length=64, blank=True)
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-seq"]

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()}"


class AuditHead(models.Model):
    """The chain's head (one row): the last sequence number and hash. Appends lock it, so that concurrent
    writers get consecutive numbers and the right previous hash; verify_audit checks the chain reaches it
    (an entry deleted at the end of the chain)."""

    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("audit trail head")
        verbose_name_plural = _("audit trail head")
