"""The start page: it draws on every app, so it lives at the project level, above them."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from django.utils import timezone

from accounts.roles import SUPERVISOR
from common.selectors import worker_status
from queries import selectors as query_selectors
from queries.workdays import known_years
from sealing import selectors as sealing_selectors


@login_required
def home(request):
    context = {"agency": request.user.agency}
    if request.user.has_perm("sealing.view_case"):
        cases = sealing_selectors.listed_cases(request.user)
        context["case_count"] = cases.count()
        context["recent_cases"] = cases.order_by("-created_at")[:8]
    if request.user.has_perm("queries.view_queryrequest"):
        context["queries_awaiting"] = query_selectors.review_queue(request.user).count()
    if request.user.is_staff or request.user.has_role(SUPERVISOR):
        # Deadlines in a year without its holiday calendar fall back to weekdays: say so early.
        next_year = timezone.localdate().year + 1
        context["calendar_missing"] = [y for y in (next_year - 1, next_year) if y not in known_years()]
    if request.user.is_staff:
        context["worker"] = worker_status()
    return render(request, "home.html", context)
