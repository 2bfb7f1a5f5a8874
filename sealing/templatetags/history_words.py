"""The admin's history pages (simple-history's list) in words: the reason in the user's language, a change's field
by its label and a choice's value by its label, never the stored code or the field's name."""
from django import template
from django.core.exceptions import FieldDoesNotExist

from sealing.history import reason_display

register = template.Library()


@register.filter
def history_reason(reason) -> str:
    return reason_display(reason or "")


def _shown(field, value):
    if field is not None and field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return value


@register.simple_tag
def history_change(record, change) -> dict:
    try:
        field = record.instance._meta.get_field(change.field)
    except FieldDoesNotExist:
        field = None
    return {"field": field.verbose_name if field is not None else change.field,
            "old": _shown(field, change.old), "new": _shown(field, change.new)}
