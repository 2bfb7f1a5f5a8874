"""Password rules of the policy (GB/T 22239-2019 8.1.4.1 a: complexity, regular change), beside Django's own
validators; their numbers come from the settings (config/settings.py, "Identity authentication")."""
from __future__ import annotations

import string

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = [
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum()),
]


def _classes(password: str) -> int:
    return sum(1 for _name, test in CHARACTER_CLASSES if any(test(c) for c in password))


class CharacterClassesValidator:
    """At least ``min_classes`` of four kinds of characters: lower-case letters, capitals, digits, other signs."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must mix at least %(n)d of four kinds of characters: lower-case letters, capital letters, "
            "digits, other signs."
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """A new password may not be the current one nor one of the ``history - 1`` before it."""

    def __init__(self, history: int = 5):
        self.history = history

    def validate(self, password, user=None):
        if not self.history or user is None or user.pk is None:
            return
        from .models import PasswordHistory, User

        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        hashes = list(PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[: self.history])
        if current and current not in hashes:  # set before the history was kept (or directly, as demo data is)
            hashes = [current] + hashes[: self.history - 1]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return _("The password may not be one of your last %(n)d passwords.") % {"n": self.history}
