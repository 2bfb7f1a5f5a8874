"""How an audit entry reads to the auditor: the object's type by its model's name, the detail as a small table of
labelled values, the hashes as identifiers. Pure rendering: every function returns HTML built by format_html, so
every stored value is escaped; a code no label is known for is shown as stored, marked English (lang="en").

The detail's keys are the ones the project writes (audit.signals, audit.services, accounts.signals,
common.management.commands.rotate_field_keys, common.listing's exports): a key that is a field of the object's
model is labelled by the field's name (Django's own translations for is_active and the like), any other by
DETAIL_LABELS."""
from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from .models import AuditKind

DASH = "—"
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")

DETAIL_LABELS = {
    "ip": _("IP address"),
    "action": _("action"),
    "created": _("created"),
    "deleted": _("deleted"),
    # exports (audit.services.record_export, common.listing.export_response)
    "what": _("what was exported"),
    "format": _("file format"),
    "rows": _("rows"),
    "filters": _("filters set"),
    "sort": _("sort order"),
    "capped": _("cut at the row limit"),
    "table": _("table number"),
    # reads of sealed content (audit.services.mirror_access): ids, never a name
    "record": _("record"),
    "defendant": _("defendant"),
    "permit": _("permit"),
    # role and permission changes (audit.signals._m2m)
    "groups": _("roles"),
    "permissions": _("permissions"),
    "users": _("users"),
    # policy and catalogue versions (audit.signals._version_detail)
    "version": _("version"),
    "code": _("code"),
    "name": _("name"),
    "active": _("in force"),
    # a lost phone's reset (accounts.services.reset_second_factor)
    "second_factor_reset": _("authenticator app reset"),
    "devices": _("devices removed"),
    # key rotation (rotate_field_keys)
    "values": _("values re-encrypted"),
    "keys": _("keys configured"),
    # the chain's start and the retention purge (audit.services.purge, migration 0002)
    "start_seq": _("first sequence number kept"),
    "start_prev_hash": _("hash the kept chain links to"),
    "access_log_floor": _("last access-log row before the chain"),
    "cutoff": _("cut-off time"),
    "retention_days": _("retention in days"),
}
# A key whose meaning depends on the event.
KIND_LABELS = {
    (AuditKind.PURGE, "deleted"): _("entries deleted"),
}

ACTION_LABELS = {
    # a many-to-many change (audit.signals._m2m)
    "add": _("added"),
    "remove": _("removed"),
    "clear": _("all removed"),
    # a policy, catalogue entry or role saved or deleted (audit.signals._changed)
    "created": _("created"),
    "changed": _("changed"),
    "deleted": _("deleted"),
}

# What an export was (the ``what`` of common.listing.export_response and record_export), by the page's title; a
# tab of the page follows the name (work-queue-seal).
EXPORT_LABELS = {
    "cases": _("Cases"),
    "cases-shown": _("Cases"),
    "records": _("Records"),
    "work-queue": _("Sealing work queue"),
    "notices": _("Sealing notices"),
    "instruments": _("Instruments of supervision"),
    "findings": _("Supervision findings"),
    "console": _("Supervision console"),
    "access-log": _("Access log"),
    "query-requests": _("Query requests"),
}

# --- pieces ---------------------------------------------------------------------------------------------------

def english(value) -> SafeString:
    """A code shown as stored: marked English, so that neither a reader nor a screen reader takes it for Chinese."""
    return format_html('<span lang="en">{}</span>', value)


def digest(value) -> SafeString:
    """A hex digest (an entry's hash, the previous one, an access-log row's digest): an identifier, not words."""
    return format_html('<code translate="no">{}</code>', value) if value else DASH


def _model(label):
    if not isinstance(label, str) or not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def object_type(label: str):
    """The object's type by its model's name (accounts.user → 用户); a label no model answers to, as stored."""
    if not label:
        return DASH
    model = _model(label)
    return capfirst(model._meta.verbose_name) if model is not None else english(label)


def _joined(items) -> SafeString:
    return format_html_join(pgettext("a list's separator", ", "), "{}", ((item,) for item in items))


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def plain(value):
    """Any value of the detail: yes or no, a dash for nothing, a list joined, a digest as an identifier."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, (list, tuple)):
        return _joined(plain(item) for item in value)
    if isinstance(value, dict):
        return _joined(format_html("{}: {}", english(k), plain(v)) for k, v in value.items())
    if isinstance(value, str) and HEX_DIGEST.fullmatch(value):
        return digest(value)
    return value


def _field(model, key):
    """The field of ``model`` the key names (its name, or its column for a foreign key: agency_id)."""
    if model is None:
        return None
    for field in model._meta.get_fields():
        if getattr(field, "verbose_name", None) and key in (field.name, getattr(field, "attname", None)):
            return field
    return None


def label(key: str, *, model=None, kind: str = ""):
    field = _field(model, key)
    if field is not None:
        return capfirst(field.verbose_name)
    known = KIND_LABELS.get((kind, key)) or DETAIL_LABELS.get(key)
    return capfirst(known) if known is not None else english(key)


def _related(field, pk):
    """A foreign key's stored id as the object it names (agency_id 7 → 越秀区人民法院), never the id itself; one
    since deleted says so."""
    if pk is None or pk == "":
        return DASH
    found = field.related_model._default_manager.filter(pk=pk).first()
    if found is None:
        return format_html("{}", gettext("(since deleted)"))
    return str(found)


def _field_value(field, value):
    if field is not None and getattr(field, "many_to_one", False) and not isinstance(value, (bool, list, dict)):
        return _related(field, value)
    if isinstance(value, str) and field is not None and getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, english(value))
    return plain(value)


def _action(value):
    from sealing.models import AccessAction

    if value in ACTION_LABELS:
        return ACTION_LABELS[value]
    if value in AccessAction.values:
        return AccessAction(value).label
    return english(value) if isinstance(value, str) and value else plain(value)


def _role(name):
    from accounts.roles import ROLE_LABELS

    return ROLE_LABELS[name] if name in ROLE_LABELS else english(name)


def _permission(code):
    """app_label.codename in words (sealing.view_charge → 查看罪名, accounts.roles.permission_what); one that no
    longer exists as stored."""
    from django.contrib.auth.models import Permission

    from accounts.roles import permission_what

    app_label, _dot, codename = str(code).partition(".")
    what = permission_what(app_label, codename) if codename else None
    if what is None and codename:  # a Meta.permissions entry: by its stored name
        name = Permission.objects.filter(content_type__app_label=app_label, codename=codename).values_list(
            "name", flat=True).first() or ""
        what = permission_what(app_label, codename, name)
    return what if what is not None else english(code)


def _export(what):
    """The page exported, by its title, and its tab by the tab's label (common.listing.export_words)."""
    from common.listing import export_words

    if not isinstance(what, str):
        return plain(what)
    words, _tab = export_words(what)
    for prefix in sorted(EXPORT_LABELS, key=len, reverse=True):
        if what == prefix:
            return EXPORT_LABELS[prefix]
        if what.startswith(prefix + "-"):
            tab = what[len(prefix) + 1:]
            named = words.tabs.get(tab) if words is not None else None
            return format_html(gettext("{page} ({tab})"), page=EXPORT_LABELS[prefix],
                               tab=named if named is not None else english(tab))
    return english(what)


def _moment(value):
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return plain(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "DATETIME_FORMAT")


def _listed(value) -> list:
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item for item in items if item not in ("", None)]


def _filters(value, entry=None):
    """The page's filters by the labels the page shows them with (the export's list, common.listing.export_words);
    a name the list does not declare, as stored. The tab is named with the page (``what``)."""
    from common.listing import export_words

    words, _tab = export_words((entry or {}).get("what"))
    labels = words.filters if words is not None else {}
    items = [item for item in _listed(value) if item != "tab"]
    if not items:
        return DASH
    return _joined(capfirst(labels[item]) if item in labels else english(item) for item in items)


def _sort(value, entry=None):
    """The order chosen, by its column's header and its direction."""
    from common.listing import export_words

    words, _tab = export_words((entry or {}).get("what"))
    items = _listed(value)
    if not items:
        return DASH
    shown = []
    for item in items:
        label = words.sort_label(str(item)) if words is not None else None
        if label is None:
            shown.append(english(item))
        else:
            direction = gettext("descending") if str(item).startswith("-") else gettext("ascending")
            shown.append(format_html(gettext("{column}, {direction}"), column=capfirst(label), direction=direction))
    return _joined(shown)


VALUES = {
    "action": _action,
    "what": _export,
    "format": lambda value: str(value).upper() if value else DASH,
    "cutoff": _moment,
}
# values read with the rest of the entry's detail (the page the export came from names its filters and sort)
IN_CONTEXT = {
    "filters": _filters,
    "sort": _sort,
}
LISTS = {
    "groups": _role,
    "permissions": _permission,
}


def value(key: str, raw, *, model=None, kind: str = "", entry: dict | None = None):
    if key in IN_CONTEXT:
        return IN_CONTEXT[key](raw, entry)
    field = _field(model, key)
    if kind == AuditKind.ACCOUNT_CHANGE and field is not None and isinstance(raw, list) and len(raw) == 2:
        # a changed account field: [before, after]
        return format_html("{} → {}", _field_value(field, raw[0]), _field_value(field, raw[1]))
    if key in LISTS and isinstance(raw, list):
        return _joined(LISTS[key](item) for item in raw) if raw else DASH
    if key in VALUES:
        return VALUES[key](raw)
    return _field_value(field, raw)


def detail(entry_detail, *, object_type_label: str = "", kind: str = ""):
    """The detail as a table of labelled values (a dash when there is none)."""
    if not entry_detail:
        return DASH
    if not isinstance(entry_detail, dict):
        return plain(entry_detail)
    model = _model(object_type_label)
    rows = ((label(key, model=model, kind=kind), value(key, raw, model=model, kind=kind, entry=entry_detail))
            for key, raw in entry_detail.items())
    return format_html('<table class="audit-detail"><tbody>{}</tbody></table>',
                       format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows))
