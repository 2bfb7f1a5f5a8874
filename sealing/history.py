"""The change history shown on detail pages: who changed what and why, never the protected values."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext, gettext_lazy as _
from django.utils.translation import gettext_noop

# An import writes each row with this reason (sealing/imports.py): its file and row, shown in the user's language.
REASON = gettext_noop("imported from %(file)s, row %(row)s")
REASON_MAX = 100  # simple-history's history_change_reason column


def reason_for(filename: str, row: int) -> str:
    """The history reason of every write of one row (at most the 100 characters the history column holds)."""
    room = REASON_MAX - len(REASON % {"file": "", "row": row})
    name = filename if len(filename) <= room else "…" + filename[-(room - 1):]
    return REASON % {"file": name, "row": row}


_REASON_PATTERN = re.compile(r"^imported from (?P<file>.*), row (?P<row>\d+)$")


def reason_display(reason: str) -> str:
    """A stored history reason in the user's language: an import's reason translated with its file and row,
    any other one through gettext as sealing/history.py shows reasons."""
    match = _REASON_PATTERN.match(reason or "")
    if match:
        return gettext(REASON) % {"file": match["file"], "row": match["row"]}
    return gettext(reason) if reason else ""


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
                reason=reason_display(rec.history_change_reason),
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
