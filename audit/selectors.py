"""The auditor's side of the home page: what happened in the past week that an auditor looks at first, each line
counted from the same rows as the list it links to (the access log, the audit trail)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, AuditKind

# The admin's own "past 7 days" (DateFieldListFilter): from midnight seven days before today to the end of today,
# so that the trail's date filter shows the window the home page counted.
PAST_DAYS = 7
VIEW_TRAIL = "audit.view_auditentry"
# the trail's events an auditor reviews, in the order shown
TRAIL_EVENTS = (
    (AuditKind.LOCKOUT, _("Accounts locked out, past 7 days")),
    (AuditKind.ROLE_CHANGE, _("Role changes, past 7 days")),
    (AuditKind.PERMISSION_CHANGE, _("Permission changes, past 7 days")),
    (AuditKind.EXPORT, _("Lists exported, past 7 days")),
)


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day counted (both included)."""
    return today - dt.timedelta(days=PAST_DAYS), today


def work_items(user, today: dt.date) -> list:
    """For an auditor: the sealed files opened with a reason and every read of sealed content (the access log),
    then, with the audit trail's view permission and the admin, the lockouts, role and permission changes and
    exports. Nothing here has a deadline: these are counts to review. Nobody else gets this group."""
    from common.worklist import count_summary, item
    from oversight.console import access_log_for, day_start, is_auditor
    from sealing.models import AccessAction

    if not is_auditor(user):
        return []
    first, last = window(today)
    since, until = day_start(first), day_start(last + dt.timedelta(days=1))
    items = []
    reads = access_log_for(user).filter(at__gte=since, at__lt=until)
    log = reverse("oversight:access_log")
    dates = {"since": first.isoformat(), "until": last.isoformat()}
    items.append(item("break-glass", _("Sealed files opened with a reason, past 7 days"),
                      f"{log}?{urlencode({'action': AccessAction.BREAK_GLASS, **dates})}",
                      count_summary(reads.filter(action=AccessAction.BREAK_GLASS))))
    items.append(item("reads", _("Reads of sealed content, past 7 days"), f"{log}?{urlencode(dates)}",
                      count_summary(reads)))
    if user.is_staff and user.has_perm(VIEW_TRAIL):
        trail = AuditEntry.objects.filter(at__gte=since, at__lt=until)
        listed = reverse("admin:audit_auditentry_changelist")
        # the moments as the admin's date filter writes them, so its "past 7 days" shows as chosen
        moments = {"at__gte": str(since), "at__lt": str(until)}
        for kind, label in TRAIL_EVENTS:
            query = urlencode({"kind__exact": kind.value, **moments})
            items.append(item(f"trail-{kind.value}", label, f"{listed}?{query}",
                              count_summary(trail.filter(kind=kind))))
    return items
