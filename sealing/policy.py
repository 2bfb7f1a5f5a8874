"""The policy in force: the SealingPolicy version that governs decisions taken on a date.

The clock is an argument: callers that decide as of a date pass it (``as_of``); without one the newest version
is taken (the admin's starting point, code that has no date). A version applies from its ``effective_from``
day on; a version without one (the RULES.md defaults created here, versions written by code) from any date.
Before the first version's effective date the first version governs: it is the baseline every later version
changes. Versions take effect in the order they are published: the admin refuses a date earlier than the
newest version's, so "the newest version whose date has come" is also the one with the latest date.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from .models import SealingPolicy

DEFAULT_NOTE = "初始版本：规则规定的默认值"  # the first version's reason, shown as it is (data, like every reason)


def policy_in_force(as_of: dt.date | None = None) -> SealingPolicy | None:
    """The version in force on ``as_of`` (the newest without a date), or None when there is none: readers that
    must not write (the JSON commands, the query desk's deadline) use this."""
    versions = SealingPolicy.objects.order_by("-version")
    if as_of is None:
        return versions.first()
    policy = versions.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=as_of)).first()
    if policy is None:  # every version starts after as_of: the baseline governs
        policy = SealingPolicy.objects.order_by("version").first()
    return policy


def in_force_on(versions, as_of: dt.date | None):
    """The same choice over versions already read, ``(version, effective_from, value)`` tuples: for a command that
    reads the versions once and decides many dates (evaluate_sealing)."""
    ordered = sorted(versions, key=lambda v: v[0])
    if as_of is None:  # no date: the newest, as policy_in_force
        return ordered[-1][2]
    applicable = [v for v in ordered if v[1] is None or v[1] <= as_of]
    chosen = applicable[-1] if applicable else ordered[0]
    return chosen[2]


def current_policy_version(as_of: dt.date | None = None) -> SealingPolicy:
    policy = policy_in_force(as_of)
    if policy is None:
        with transaction.atomic():
            policy, _ = SealingPolicy.objects.get_or_create(version=1, defaults={"note": DEFAULT_NOTE})
    return policy


def current_policy(as_of: dt.date | None = None):
    """The rules engine's Policy for the version in force (on ``as_of`` when given)."""
    return current_policy_version(as_of).to_policy()


# What a version says: every number and choice, not its reason, dates or author.
NOT_POLICY = {"id", "version", "note", "effective_from", "created_at", "created_by"}


def policy_values(policy: SealingPolicy) -> dict:
    return {f.name: getattr(policy, f.name) for f in SealingPolicy._meta.concrete_fields if f.name not in NOT_POLICY}


def same_as_in_force(values: dict, as_of: dt.date) -> bool:
    """A new version whose numbers are those of the version in force on ``as_of`` changes nothing."""
    in_force = policy_values(current_policy_version(as_of))
    return all(values.get(name) == value for name, value in in_force.items())
