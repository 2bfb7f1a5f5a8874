"""The start page: it draws on every app, so it lives at the project level, above them."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from common.selectors import worker_status
from sealing import selectors as sealing_selectors


@login_required
def home(request):
    context = {"agency": request.user.agency}
    if request.user.has_perm("sealing.view_case"):
        cases = sealing_selectors.cases_for(request.user)
        context["case_count"] = cases.count()
        context["recent_cases"] = cases.order_by("-created_at")[:8]
    if request.user.is_staff:
        context["worker"] = worker_status()
    return render(request, "home.html", context)
