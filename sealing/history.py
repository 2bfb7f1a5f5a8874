"""The change history shown on detail pages: who changed what and why, never the protected values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext, gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    action: str
    reason: str
    fields: list[str]


def _entries_for(obj) -> list[HistoryEntry]:
    entries = []
    label = obj._meta.verbose_name
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    previous = None
    for rec in records:
        fields = []
        if previous is not None:
            delta = rec.diff_against(previous)
            fields = [str(obj._meta.get_field(change.field).verbose_name) for change in delta.changes]
        entries.append(
            HistoryEntry(
                when=rec.history_date,
                who=rec.history_user.display_name if rec.history_user else _("system"),
                what=f"{label}",
                action=str(ACTIONS.get(rec.history_type, rec.history_type)),
                reason=gettext(rec.history_change_reason) if rec.history_change_reason else "",
                fields=fields,
            )
        )
        previous = rec
    return entries


def history_entries(*objects_or_querysets) -> list[HistoryEntry]:
    """Newest first, across the given objects (querysets and lists are expanded)."""
    entries: list[HistoryEntry] = []
    for item in objects_or_querysets:
        is_many = isinstance(item, (list, tuple)) or (hasattr(item, "model") and hasattr(item, "query"))
        items = item if is_many else [item]
        for obj in items:
            entries.extend(_entries_for(obj))
    return sorted(entries, key=lambda e: e.when, reverse=True)
