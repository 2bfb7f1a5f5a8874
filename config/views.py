"""The start page: it draws on every app, so it lives at the project level, above them."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import SUPERVISOR
from audit import selectors as audit_selectors
from common.selectors import worker_status
from oversight import selectors as oversight_selectors
from queries import selectors as query_selectors
from queries.workdays import known_years
from sealing import selectors as sealing_selectors


def work_groups(user, today):
    """The work list by field of work, each item from the app that owns it (its ``work_items``); a group the
    user's roles do not reach is left out."""
    groups = [(_("Sealing"), sealing_selectors.work_items(user, today), True),
              (_("Query desk"), query_selectors.work_items(user, today), True),
              (_("Supervision"), oversight_selectors.work_items(user, today), True),
              # counts to review, no deadlines: the group shows no deadline columns
              (_("Audit"), audit_selectors.work_items(user, today), False)]
    return [{"title": title, "items": items, "deadlines": deadlines} for title, items, deadlines in groups if items]


def _actions(user):
    """What a user most often starts from the home page, as the navigation allows it."""
    candidates = [("sealing.add_case", "sealing:case_create", _("Enter a case")),
                  ("queries.add_queryrequest", "queries:request_create", _("Take a query request"))]
    return [{"url": reverse(name), "label": label} for perm, name, label in candidates if user.has_perm(perm)]


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    groups = work_groups(user, today)
    items = [item for group in groups for item in group["items"]]
    context = {"agency": user.agency, "today": today, "groups": groups, "actions": _actions(user),
               "urgent": sum(1 for item in items if item.urgent)}
    if user.is_staff or user.has_role(SUPERVISOR):
        # Deadlines in a year without its holiday calendar fall back to weekdays: say so early.
        next_year = today.year + 1
        context["calendar_missing"] = [y for y in (next_year - 1, next_year) if y not in known_years()]
    if user.is_staff:
        context["worker"] = worker_status()
    return render(request, "home.html", context)
