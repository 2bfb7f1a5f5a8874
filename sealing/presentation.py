"""How decisions are shown: labels and colours for the trace's outcomes (display only, no law here)."""
from django.utils.translation import gettext_lazy as _

OUTCOME_LABELS = {
    "juvenile": _("juvenile regime"),
    "adult": _("adult regime"),
    "seal": _("seal"),
    "sealed": _("sealed"),
    "eligible": _("eligible"),
    "not_eligible": _("not eligible"),
    "undetermined": _("fact missing"),
    "pending": _("pending"),
    "revoked": _("revoked"),
    "extended": _("extended"),
    "reduced": _("reduced"),
    "applies": _("applies"),
    "not_applicable": _("does not apply"),
    "no_effect": _("no effect"),
    "stays_sealed": _("stays sealed"),
    "review": _("to review"),
    "start": _("start date"),
    "period": _("period"),
    "remaining_months": _("remaining period"),
    "disposition": _("disposition"),
    "micro": _("micro crime"),
    "light": _("light crime"),
    "serious": _("serious crime"),
    "provisionally_sealed": _("provisionally sealed"),
    "observing": _("under observation"),
    "issue_certificate": _("issue the certificate"),
    "refuse": _("refuse"),
    "permit": _("permit disclosure"),
    "answer_no_record": _("answer: no record"),
    "certificate": _("certificate of no criminal record"),
    "refusal_notice": _("notice refusing the certificate"),
    "notification_letter": _("query notification letter"),
}
NEGATIVE = {"not_eligible", "revoked", "serious", "refuse"}
WARNING = {"undetermined", "pending", "review", "extended"}

STATUS_STYLES = {
    "sealed": "success", "provisionally_sealed": "info", "observing": "primary", "pending": "secondary",
    "undetermined": "warning", "not_eligible": "dark", "revoked": "danger", "unsealed": "danger",
}


def trace_rows(decision: dict, *, masked: bool = False) -> list[dict]:
    """The trace as the page shows it. ``masked`` (a hidden file read without a permit or a reason): the
    rule ids, sources and outcomes only; the messages and facts tell the sealed facts and are dropped."""
    rows = []
    for step in decision.get("trace", []):
        outcome = step.get("outcome", "")
        style = "danger" if outcome in NEGATIVE else "warning" if outcome in WARNING else "success"
        shown = {"rule": step.get("rule", ""), "source": step.get("source", "")} if masked else dict(step)
        rows.append({**shown, "label": OUTCOME_LABELS.get(outcome, outcome), "style": style})
    return rows
