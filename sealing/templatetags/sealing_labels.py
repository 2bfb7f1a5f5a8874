"""Display filters for codes the rules return: a page shows a label in the user's language, never a code."""
from django import template

from sealing.presentation import missing_labels as _missing_labels

register = template.Library()


@register.filter
def missing_facts(codes) -> str:
    """``{{ file.missing|missing_facts }}``: the missing facts by their form labels."""
    return _missing_labels(codes)
