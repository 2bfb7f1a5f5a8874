"""The permission matrix's machinery: subjects, outcomes, presets and the request that observes an outcome.

The table itself lives in ``test_permission_matrix.py``; this module only says how a cell is read.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlparse

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

# The columns of the table: anonymous, then each role as a user of agency A / region X ("own", the objects'
# side) and of agency B / region Y ("other"), then the two roles that belong to no agency's casework.
SUBJECTS = (
    "anonymous",
    "clerk_a", "clerk_b",            # court clerks of agency A (own) and agency B (other)
    "reviewer_a", "reviewer_b",      # query reviewers of agency A (own) and agency B (other)
    "supervisor_x", "supervisor_y",  # procuratorate supervisors of region X (own) and region Y (other)
    "police_x", "police_y",          # police clerks of region X (holds a copy: the notices go to it) and Y
    "policy_admin",                  # policy administrator (staff, no agency)
    "auditor",                       # auditor at the procuratorate of region X
)
OTHER = ("clerk_b", "reviewer_b", "supervisor_y", "police_y")


@dataclass(frozen=True)
class Redirect:
    """A 302 to the page named ``to`` (a URL name; the page's arguments are not compared)."""
    to: str

    def __repr__(self):
        return f"Redirect({self.to!r})"


LOGIN = Redirect("login")


@dataclass(frozen=True)
class Bug:
    """A cell whose behaviour today is wrong: ``expected`` is the right answer; the case is a strict xfail."""
    expected: object
    reason: str


@dataclass(frozen=True)
class Row:
    """One URL: the object whose pk fills it (a ``MatrixWorld`` attribute, or None), the outcome of a GET for
    each subject, and, for a view that acts on POST, the outcome of a POST with an empty body."""
    obj: str | None
    get: dict
    post: dict | None = None


def each(default, *, anonymous=LOGIN, **cells) -> dict:
    """Every subject's outcome: ``default``, except anonymous (sent to log in) and the subjects named."""
    unknown = set(cells) - set(SUBJECTS)
    assert not unknown, f"not a subject of the matrix: {sorted(unknown)}"
    return {subject: cells.get(subject, default) for subject in SUBJECTS} | {"anonymous": anonymous}


# --- presets: a new URL often reads as one of these ---------------------------------------------------------

PUBLIC = Row(None, each(200, anonymous=200))          # anyone, logged in or not
ANY_LOGGED_IN = Row(None, each(200))                  # anyone logged in; anonymous goes to log in
# columns for a row of one's own (a list, a form to start something): the roles that may, everyone else 403
SUPERVISORS_ONLY = each(403, supervisor_x=200, supervisor_y=200)
ADMIN_ONLY = each(403, policy_admin=200)
CLERKS_ONLY = each(403, clerk_a=200, clerk_b=200, police_x=200, police_y=200)
CASEWORK = each(200, policy_admin=403, auditor=403)   # every clerk, reviewer and supervisor, on their own scope
# columns for an object of agency A: only its handling clerk; anyone else finds no such object
CLERK_OWN_ONLY = each(404, clerk_a=200)


# --- the URLs ------------------------------------------------------------------------------------------------

def all_patterns(resolver=None, prefix=""):
    """(name with its namespaces, pattern) of every named URL pattern, nested includes and namespaces walked."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def named_patterns(admin=False) -> dict:
    """The admin's URL patterns (``admin=True``) or every other one, by name."""
    return {name: p for name, p in all_patterns() if name.startswith("admin:") == admin}


def fill(pattern, obj_pk: int) -> tuple[list, dict]:
    """Arguments for an admin pattern: an app label where one is asked for, else ``obj_pk`` (a real object's
    pk; a model whose rows do not include it answers 404 or redirects, which is what the check accepts)."""
    regex = pattern.pattern.regex
    kwargs = {key: "sealing" if key == "app_label" else str(obj_pk) for key in regex.groupindex}
    args = [] if kwargs else [str(obj_pk)] * regex.groups
    return args, kwargs


# --- observing one cell --------------------------------------------------------------------------------------

def fingerprint() -> dict:
    """Rows per table (history tables included, so an update shows too): a refused POST changes none."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()
            if m._meta.label not in ("sessions.Session",)}


@dataclass
class Seen:
    outcome: object
    body: bytes
    changed: list
    error: str = ""


def outcome_of(response):
    if response.status_code in (301, 302):
        path = urlparse(response["Location"]).path
        try:
            return Redirect(resolve(path).view_name)
        except Resolver404:
            return Redirect(path)
    return response.status_code


def observe(logged_in: Client, method: str, url: str) -> Seen:
    """One request, in a transaction rolled back afterwards, from a copy of the subject's logged-in client (a
    logout or a language switch stays in the copy): the world is the same for every cell."""
    client = Client(raise_request_exception=False)
    client.cookies = copy.deepcopy(logged_in.cookies)
    with transaction.atomic():
        before = fingerprint() if method == "post" else None
        response = getattr(client, method)(url)
        changed = []
        if before is not None:
            after = fingerprint()
            changed = sorted(label for label in after if after[label] != before[label])
        transaction.set_rollback(True)
    error = ""
    if getattr(response, "exc_info", None):
        error = repr(response.exc_info[1])
    return Seen(outcome_of(response), bytes(response.content) if not response.streaming else b"", changed, error)


def url_of(name: str, row: Row, world) -> str:
    if row.obj is None:
        return reverse(name)
    return reverse(name, kwargs=KWARGS[row.obj](world))


KWARGS = {
    "case": lambda w: {"pk": w.case.pk},
    "defendant": lambda w: {"pk": w.case.pk, "defendant_pk": w.case.defendants.get().pk},
    "record": lambda w: {"pk": w.record.pk},
    "file": lambda w: {"pk": w.file.pk},
    "notice": lambda w: {"pk": w.notice.pk},
    "import_job": lambda w: {"pk": w.import_job.pk},
    "event": lambda w: {"pk": w.event.pk},
    "service_entry": lambda w: {"pk": w.service_entry.pk},
    "sweep": lambda w: {"pk": w.sweep.pk},
    "query": lambda w: {"pk": w.query.pk},
    "attachment": lambda w: {"pk": w.attachment.pk},
    "objection": lambda w: {"pk": w.objection.pk},
    "finding": lambda w: {"pk": w.finding.pk},
    "instrument": lambda w: {"pk": w.instrument.pk},
    "reply_attachment": lambda w: {"pk": w.reply_attachment.pk},
}
