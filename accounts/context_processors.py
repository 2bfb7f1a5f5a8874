from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_LABELS

# (label, url name, permission needed): the navigation shows each role only what it may do.
NAVIGATION = [
    (_("Sealing work queue"), "sealing:work_queue", "sealing.seal_record"),
    (_("Sealing notices"), "sealing:notice_inbox", "sealing.seal_record"),
    (_("Cases"), "sealing:case_list", "sealing.view_case"),
    (_("New case"), "sealing:case_create", "sealing.add_case"),
    (_("Records"), "sealing:record_list", "sealing.view_record"),
    (_("Query requests"), "queries:request_list", "queries.view_queryrequest"),
    (_("New query request"), "queries:request_create", "queries.add_queryrequest"),
    (_("Charge catalogue"), "sealing:charge_list", "sealing.view_charge"),
    (_("Sealing sweeps"), "sealing:sweep_list", "sealing.add_sweeprun"),  # permissions.can_run_sweep
]


def _notice_label(user, label):
    """The inbox entry carries the number of notices the agency must act on (red when one is overdue)."""
    from django.utils import timezone
    from django.utils.html import format_html

    from sealing.selectors import notices_to_act_on

    if user.agency_id is None:
        return label
    today = timezone.localdate()
    waiting = notices_to_act_on(user, today)
    count = waiting.count()
    if not count:
        return label
    style = "danger" if waiting.filter(deadline__lt=today).exists() else "light"
    return format_html('{} <span class="badge rounded-pill text-bg-{}" data-testid="notice-count">{}</span>',
                       label, style, count)


def _supervises(user) -> bool:
    from oversight.permissions import can_supervise

    return can_supervise(user)[0]


def _reads_access_log(user) -> bool:
    from oversight.console import can_read_access_log

    return can_read_access_log(user)[0]


def _instrument_inbox_label(user):
    """"Instruments to my agency" once one was issued to it, with the number awaiting a reply."""
    from django.utils.html import format_html

    from oversight.instruments import awaiting_reply_count, inbox_for

    if user.agency_id is None or not inbox_for(user).exists():
        return None
    label = _("Instruments to my agency")
    count = awaiting_reply_count(user)
    if not count:
        return label
    return format_html('{} <span class="badge rounded-pill text-bg-warning" data-testid="instrument-count">{}</span>',
                       label, count)


def _has_disclosures(user) -> bool:
    from django.utils import timezone

    from sealing.models import SealedRecordPermit

    return SealedRecordPermit.objects.active(timezone.now()).filter(user=user).exists()


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    path = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        if user.has_perm(perm):
            if url_name == "sealing:notice_inbox":
                label = _notice_label(user, label)
            items.append({"label": label, "url": reverse(url_name), "active": False})
    if _has_disclosures(user):  # a judicial officer reads what was disclosed, while the permit lasts
        items.append({"label": _("Disclosed to me"), "url": reverse("queries:disclosed_to_me"), "active": False})
    if _supervises(user):  # RULES.md §5: only supervisors at a procuratorate supervise
        items.append({"label": _("Supervision"), "url": reverse("oversight:index"), "active": False})
        items.append({"label": _("Instruments"), "url": reverse("oversight:instrument_list"), "active": False})
    if not _supervises(user) and _reads_access_log(user):  # the auditor's one page
        items.append({"label": _("Access log"), "url": reverse("oversight:access_log"), "active": False})
    label = _instrument_inbox_label(user)
    if label:  # the agency's inbox of instruments (correction notices, recommendations) addressed to it
        items.append({"label": label, "url": reverse("oversight:inbox"), "active": False})
    matches = [item for item in items if path.startswith(item["url"])]
    if matches:  # the most specific entry is the current one
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    if user.is_staff:
        items.append({"label": _("Administration"), "url": reverse("admin:index"), "active": path.startswith("/admin/")})
    roles = [ROLE_LABELS.get(name, name) for name in user.role_names]
    return {"nav_items": items, "user_roles": roles}
