"""Binary content encrypted at rest: the database holds a Fernet token, never the bytes (uploads, issued PDFs)."""
from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.db import models

from common import crypto


class EncryptedBinaryField(models.BinaryField):
    """Bytes encrypted with the project's MultiFernet keys (common/crypto.py); not searchable, not editable."""

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        token = crypto.fernet().encrypt(bytes(value))
        return super().get_db_prep_value(token, connection, prepared)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return crypto.fernet().decrypt(bytes(value))
        except InvalidToken as exc:  # a key was removed before its rows were rotated
            raise ValueError("cannot decrypt a binary field: its key is not in FIELD_ENCRYPTION_KEYS") from exc

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(f"EncryptedBinaryField does not support the '{lookup_name}' lookup")
        return super().get_lookup(lookup_name)
