"""The supervision policy in force: the newest OversightPolicy version (the defaults when none exists yet;
readers never create one)."""
from __future__ import annotations

from .models import OversightPolicy


def current_oversight_policy() -> OversightPolicy:
    return OversightPolicy.objects.order_by("-version").first() or OversightPolicy(version=0)
