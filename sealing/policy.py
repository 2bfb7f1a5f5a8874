"""The policy in force: the newest SealingPolicy version (created with the defaults when none exists)."""
from __future__ import annotations

from django.db import transaction

from .models import SealingPolicy


def current_policy_version() -> SealingPolicy:
    policy = SealingPolicy.objects.order_by("-version").first()
    if policy is None:
        with transaction.atomic():
            policy, _ = SealingPolicy.objects.get_or_create(version=1, defaults={"note": "RULES.md defaults"})
    return policy


def current_policy():
    """The rules engine's Policy for the version in force."""
    return current_policy_version().to_policy()
