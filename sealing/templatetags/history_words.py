"""The admin's history pages (simple-history's list) in words: the reason in the user's language and a choice's
value by its label, never the stored code (simple-history names the field by its verbose name already)."""
from django import template
from django.utils.text import capfirst

from sealing.history import reason_display

register = template.Library()


@register.filter
def history_reason(reason) -> str:
    return reason_display(reason or "")


def _field(model, shown_name):
    """The model field simple-history shows as ``shown_name`` (its capitalised verbose name)."""
    for field in model._meta.concrete_fields:
        if str(capfirst(field.verbose_name)) == str(shown_name) or field.name == shown_name:
            return field
    return None


def _shown(field, value):
    if field is not None and field.choices and value not in (None, ""):
        return dict((str(k), v) for k, v in field.flatchoices).get(str(value), value)
    return value


@register.simple_tag
def history_change(record, change) -> dict:
    """``change``: one of simple-history's ``history_delta_changes`` (a dict of field, old and new)."""
    field = _field(type(record.instance), change["field"])
    return {"field": change["field"], "old": _shown(field, change["old"]), "new": _shown(field, change["new"])}
