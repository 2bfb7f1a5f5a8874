"""Form fields that several apps share."""
from __future__ import annotations

from django import forms

from .validation import BIGINT_MAX


def _past_bigint(value) -> bool:
    text = str(value).strip().lstrip("+-")
    if not text.isdigit():
        return False
    if len(text) > 19:
        return True
    try:
        return int(text) > BIGINT_MAX
    except ValueError:  # "²" is a digit to str.isdigit, not to int: Django refuses it as it is
        return False


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, refusing a key past the databases' integer range before it reaches ``IN (…)``: an exact
    lookup is safe since Django 5.0, but ``pk__in=[2**64]`` raises OverflowError on SQLite (a 500)."""

    # pk -> object of every choice, set by a caller that holds them already (the case import, for each of its
    # rows): the values are then checked against it instead of a query per form; the objects come back in the
    # queryset's order, as a list
    known: dict | None = None

    def _check_values(self, value):
        for pk in value:
            if _past_bigint(pk):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        if self.known is None:
            return super()._check_values(value)
        chosen = {}
        for pk in value:
            try:
                key = int(str(pk).strip())
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk}) from None
            if key not in self.known:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
            chosen[key] = self.known[key]
        ordering = self.queryset.query.order_by
        return sorted(chosen.values(), key=lambda obj: tuple(getattr(obj, name.lstrip("-")) for name in ordering))
