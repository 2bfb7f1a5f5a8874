from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sealing.presentation import trace_rows

from . import selectors, services
from .forms import DecisionForm, IntakeForm
from .models import Outcome, QueryStatus


@login_required
@permission_required("queries.view_queryrequest", raise_exception=True)
def request_list(request):
    tab = request.GET.get("tab", "open")
    qs = selectors.review_queue(request.user) if tab == "open" else \
        selectors.requests_for(request.user).filter(status=QueryStatus.DECIDED).order_by("-decided_at")
    return render(request, "queries/request_list.html", {"requests": qs[:200], "tab": tab})


@login_required
@permission_required("queries.add_queryrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_create(request):
    if request.user.agency is None:
        messages.error(request, _("Your account belongs to no agency: ask an administrator."))
        return redirect("home")
    form = IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        query = services.take_request(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Request %(serial)s taken; answer due %(due)s.") % {
            "serial": query.serial, "due": query.deadline.isoformat()})
        return redirect("queries:request_detail", pk=query.pk)
    if request.method == "POST":
        messages.error(request, _("Nothing was saved: please correct the fields marked below."))
    return render(request, "queries/request_form.html", {"form": form})


def _candidates(query):
    return [
        (d.pk, f"{d.case.case_number} · {'、'.join(c.name for c in d.charges.all())}")
        for d in services.sealed_records_of(query.subject_index)
    ]


@login_required
@permission_required("queries.view_queryrequest", raise_exception=True)
def request_detail(request, pk):
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    awaiting = query.status == QueryStatus.AWAITING_REVIEW
    recommendation = services.recommend_for(query).to_dict() if awaiting else query.recommendation
    can_decide = (awaiting and request.user.has_perm("queries.decide_queryrequest")
                  and request.user.pk != query.taken_by_id)
    form = None
    if can_decide:
        form = DecisionForm(candidates=_candidates(query), initial={
            "decision": recommendation["recommendation"], "disclosed": recommendation["disclosed"]})
        if query.requester_kind != "judicial":
            del form.fields["access_days"]  # only a judicial organ's officer receives access
    records = list(services.criminal_records_of(query.subject_index)) if awaiting else []
    return render(request, "queries/request_detail.html", {
        "query": query, "recommendation": recommendation, "trace": trace_rows(recommendation),
        "recommendation_label": dict(Outcome.choices).get(recommendation.get("recommendation"), ""),
        "form": form, "records": records, "can_decide": can_decide,
        "four_eyes": awaiting and request.user.pk == query.taken_by_id,
    })


@login_required
@permission_required("queries.decide_queryrequest", raise_exception=True)
def request_decide(request, pk):
    query = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DecisionForm(request.POST, candidates=_candidates(query))
    if query.requester_kind != "judicial":
        del form.fields["access_days"]
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("queries:request_detail", pk=query.pk)
    try:
        services.decide_query(
            query, reviewer=request.user, decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"], disclosed_ids=form.cleaned_data["disclosed"],
            access_days=form.cleaned_data.get("access_days") or services.DEFAULT_ACCESS_DAYS,
        )
    except services.QueryError as exc:
        query.refresh_from_db()
        if query.status == QueryStatus.DECIDED and query.decided_by_id != request.user.pk:
            messages.error(request, _("%(who)s decided this request first, at %(when)s: your decision was not saved.")
                           % {"who": query.decided_by.display_name, "when": query.decided_at.strftime("%H:%M:%S")})
        else:
            messages.error(request, _(str(exc)))
    else:
        messages.success(request, _("Decision recorded: %(decision)s.") % {
            "decision": dict(Outcome.choices)[form.cleaned_data["decision"]]})
    return redirect("queries:request_detail", pk=query.pk)


@login_required
@permission_required("queries.view_queryrequest", raise_exception=True)
def request_document(request, pk):
    query = get_object_or_404(selectors.requests_for(request.user).filter(status=QueryStatus.DECIDED), pk=pk)
    document = services.download_document(query, user=request.user)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.serial}.pdf"'
    return response
