"""A file's observation over time, as the decision page shows it: start, tier, reductions, the seal, events,
community service, the end of observation and the final seal, in date order.

``build`` is pure presentation over the decision's trace (A-START, A-OBS, A-OBS-GOOD, A-CS, A-EXTEND,
A-REVOKE, A-MODE, J-WHEN) and plain items (no ORM, no law: the dates are those the engine decided);
``for_file`` reads the file's events, service entries and status history and calls it. A masked timeline
(a hidden file read without a permit or a reason) keeps the dates and rule ids and drops every fact of the
person: messages, kinds, document numbers, hours.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .presentation import OUTCOME_LABELS, STATUS_STYLES, step_message

# Within one day: the start first, then what it carries, the events, the end, the final seal.
ORDER = {"start": 0, "tier": 1, "reduction": 2, "seal": 3, "event": 4, "service": 5, "status": 6, "end": 7,
         "final_seal": 8}
EVENT_RULES = ("A-EXTEND", "A-REVOKE")
SERVICE_STATES = {
    "pending": (_("awaiting verification"), "warning"),
    "verified": (_("verified"), "success"),
    "rejected": (_("rejected"), "secondary"),
}


@dataclass(frozen=True)
class EventItem:
    pk: int
    date: dt.date
    kind: str
    kind_label: str
    document_number: str
    withdrawn: bool = False


@dataclass(frozen=True)
class ServiceItem:
    pk: int
    hours: int
    served_from: dt.date
    served_to: dt.date
    state: str  # pending | verified | rejected


@dataclass(frozen=True)
class StatusChange:
    on: dt.date
    status: str
    label: str


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    kind: str  # a key of ORDER
    rule: str  # the rule id, or "" for what the trace does not decide (an entry, a status recorded)
    title: str
    badge: str = ""
    style: str = "secondary"
    detail: str = ""
    upcoming: bool = False  # after today: what the calendar will do unless new facts change it
    struck: bool = False  # withdrawn: no longer counted


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else None


def _style(outcome: str) -> str:
    return {"revoked": "danger", "extended": "warning", "reduced": "success", "no_effect": "secondary"}.get(
        outcome, "info")


def _trace_entries(decision: dict, masked: bool) -> tuple[list[dict], list[dict]]:
    """(entries as keyword dicts, the event steps A-EXTEND / A-REVOKE still to pair with their events)."""
    start = _date(decision.get("observation_start"))
    seal_date = _date(decision.get("seal_date"))
    rows, event_steps = [], []
    for step in decision.get("trace", []):
        rule, outcome, facts = step.get("rule", ""), step.get("outcome", ""), step.get("facts") or {}
        message = "" if masked else step_message(step)
        if rule == "A-START" and start:
            rows.append(dict(date=start, kind="start", rule=rule, title=_("observation period starts"),
                             detail=message))
        elif rule == "A-OBS" and start:
            title = _("observation period")
            if not masked and facts.get("tier_months") is not None:
                title = _("observation period: %(months)s months") % {"months": facts["tier_months"]}
            rows.append(dict(date=start, kind="tier", rule=rule, title=title, badge=OUTCOME_LABELS["period"],
                             style="info", detail=message))
        elif rule in ("A-OBS-GOOD", "A-CS") and start:
            title = _("period reduced for good conduct") if rule == "A-OBS-GOOD" else _(
                "period reduced for community service")
            if not masked and facts.get("reduction_months") is not None:
                title = f"{title} · " + _("%(months)s months") % {"months": facts["reduction_months"]}
            rows.append(dict(date=start, kind="reduction", rule=rule, title=title,
                             badge=OUTCOME_LABELS["reduced"], style="success", detail=message))
        elif rule in EVENT_RULES and facts.get("event_date"):
            event_steps.append(step)
        elif rule == "A-MODE":
            rows.extend(_mode_entries(step, masked))
        elif rule == "J-WHEN" and seal_date and outcome in ("sealed", "pending"):
            rows.append(dict(date=seal_date, kind="seal", rule=rule, title=_("sealed (juvenile record)"),
                             badge=OUTCOME_LABELS["sealed"], style="success", detail=message))
    return rows, event_steps


def _mode_entries(step: dict, masked: bool) -> list[dict]:
    facts, outcome = step.get("facts") or {}, step.get("outcome", "")
    message = "" if masked else step_message(step)
    mode, start = facts.get("mode"), _date(facts.get("start"))
    end, final = _date(facts.get("observation_end")), _date(facts.get("final_from"))
    rows = []
    if mode == "seal_immediately":
        if start:
            rows.append(dict(date=start, kind="final_seal", rule="A-MODE", title=_("sealed at once"),
                             badge=OUTCOME_LABELS["sealed"], style="success", detail=message))
        return rows
    if mode == "seal_then_observe" and start:
        rows.append(dict(date=start, kind="seal", rule="A-MODE", title=_("provisionally sealed")))
    if end and outcome != "revoked":
        rows.append(dict(date=end, kind="end", rule="A-MODE", title=_("observation period ends")))
    if final and outcome != "revoked":
        title = _("the seal becomes final") if mode == "seal_then_observe" else _("sealed")
        rows.append(dict(date=final, kind="final_seal", rule="A-MODE", title=title, badge=OUTCOME_LABELS["sealed"],
                         style="success", detail=message))
    return rows  # a revocation shows on its event (A-REVOKE) and in the recorded status


def _event_entry(event: EventItem, step: dict | None, masked: bool) -> dict:
    if event.withdrawn:
        title = _("event withdrawn") if masked else f"{event.kind_label} · {event.document_number}"
        return dict(date=event.date, kind="event", rule="", title=title, badge=_("withdrawn"), struck=True)
    outcome = (step or {}).get("outcome", "")
    title = _("event") if masked else f"{event.kind_label} · {event.document_number}"
    return dict(date=event.date, kind="event", rule=(step or {}).get("rule", ""), title=title,
                badge=OUTCOME_LABELS.get(outcome, "") if step else "", style=_style(outcome),
                detail="" if masked or step is None else step_message(step))


def _pair(events: list[EventItem], steps: list[dict]) -> list[tuple[EventItem | None, dict | None]]:
    """Each event in force with the trace step the engine gave it (same date and kind); a step with no
    event left alone, an event the engine did not weigh (after the evaluation date) alone."""
    left = list(steps)
    pairs = []
    for event in events:
        match = None
        if not event.withdrawn:
            for step in left:
                facts = step.get("facts") or {}
                if facts.get("event_date") == event.date.isoformat() and facts.get("event_kind") == event.kind:
                    match = step
                    break
            if match is not None:
                left.remove(match)
        pairs.append((event, match))
    pairs.extend((None, step) for step in left)
    return pairs


def build(decision: dict, *, events: Iterable[EventItem] = (), service: Iterable[ServiceItem] = (),
          status_changes: Iterable[StatusChange] = (), masked: bool = False, today: dt.date) -> list[TimelineEntry]:
    """The timeline in date order; entries after ``today`` are marked upcoming."""
    rows, event_steps = _trace_entries(decision or {}, masked)
    for event, step in _pair(list(events), event_steps):
        if event is not None:
            rows.append(_event_entry(event, step, masked))
        else:
            facts = step.get("facts") or {}
            rows.append(dict(date=_date(facts["event_date"]), kind="event", rule=step["rule"], title=_("event"),
                             badge=OUTCOME_LABELS.get(step.get("outcome", ""), ""), style=_style(step.get("outcome", "")),
                             detail="" if masked else step_message(step)))
    for item in service:
        badge, style = SERVICE_STATES[item.state]
        title = _("community service") if masked else _("%(hours)s hours of community service") % {"hours": item.hours}
        detail = "" if masked else f"{item.served_from:%Y-%m-%d} – {item.served_to:%Y-%m-%d}"
        rows.append(dict(date=item.served_to, kind="service", rule="A-CS", title=title, badge=badge, style=style,
                         detail=detail, struck=item.state == "rejected"))
    for change in status_changes:
        rows.append(dict(date=change.on, kind="status", rule="", title=_("status recorded"), badge=change.label,
                         style=STATUS_STYLES.get(change.status, "secondary")))
    entries = [TimelineEntry(**row, upcoming=row["date"] > today) for row in rows]
    order = {id(entry): n for n, entry in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.date, ORDER[e.kind], order[id(e)]))


# --- the ORM side -------------------------------------------------------------------------------------------

def status_changes(file) -> list[StatusChange]:
    """Each time the file's status changed (the first decision included), from its history."""
    changes, previous = [], None
    labels = dict(type(file)._meta.get_field("status").choices)
    for when, status in file.history.order_by("history_date", "history_id").values_list("history_date", "status"):
        if status != previous:
            changes.append(StatusChange(on=timezone.localdate(when), status=status, label=labels.get(status, status)))
        previous = status
    return changes


def service_state(entry) -> str:
    if entry.rejected_reason:
        return "rejected"
    return "verified" if entry.verified_at is not None else "pending"


def for_file(file, *, masked: bool, today: dt.date) -> list[TimelineEntry]:
    defendant = file.defendant
    events = [EventItem(pk=e.pk, date=e.date, kind=e.kind, kind_label=e.get_kind_display(),
                        document_number=e.document_number, withdrawn=e.withdrawn_at is not None)
              for e in defendant.events.order_by("date", "pk")]
    service = [ServiceItem(pk=s.pk, hours=s.hours, served_from=s.served_from, served_to=s.served_to,
                           state=service_state(s)) for s in defendant.service_entries.order_by("served_to", "pk")]
    return build(file.decision, events=events, service=service, status_changes=status_changes(file), masked=masked,
                 today=today)
