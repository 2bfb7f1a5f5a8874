"""Model fields whose database value is a Fernet token, never the plaintext."""
from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest. Not searchable: pair it with a blind index where search is needed."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(f"EncryptedTextField does not support the '{lookup_name}' lookup")
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedTextField):
    """Short encrypted text, rendered as a one-line input in forms."""

    def __init__(self, *args, form_max_length=None, **kwargs):
        self.form_max_length = form_max_length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.form_max_length is not None:
            kwargs["form_max_length"] = self.form_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField, "max_length": self.form_max_length}
        defaults.update(kwargs)
        defaults.pop("widget", None) if defaults.get("widget") is forms.Textarea else None
        return models.Field.formfield(self, **defaults)


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
