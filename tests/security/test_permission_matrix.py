"""The permission matrix: every URL pattern × every role × own/other agency and region, as one table.

``ROWS`` has exactly one row per named URL pattern of the project outside the Django admin (the admin is
checked as a group below). A row says which object fills the URL's ``pk`` (an attribute of the world in
``tests/security/world.py``: everything belongs to agency A / region X) and what a GET answers to each
subject (the columns are ``matrix.SUBJECTS``: anonymous, then each role as a user of agency A / region X —
"own" — and of agency B / region Y — "other"). A view that acts on POST (its GET is refused with 405 or
only redirects) has a ``post`` column too: the answer to a POST with an empty body.

An outcome is a status code (200, 400, 403, 404, 405) or ``Redirect("url name")`` (``LOGIN`` is the login
page). Every cell is one test, ``<url name>|<method>|<subject>``. Each request runs in a transaction rolled
back afterwards, so the cells do not depend on each other; besides the status:
- no answer is a 500;
- a refused POST (LOGIN, 400, 403, 404, 405) changes no table (a POST the subject may make, such as the
  addressee acknowledging a notice, may act: its empty body is all the action needs);
- a 200 to a subject of the *other* agency/region contains neither agency A's sealed person's name or
  ID number, nor agency A's open person's name or ID number; a 200 to anyone contains no sealed name.

**Adding a URL**: ``test_every_url_has_a_row`` fails naming it. Add a row:

    "accounts:otp_verify": ANY_LOGGED_IN,                        # a preset: PUBLIC, ANY_LOGGED_IN
    "sealing:thing_list": Row(None, SUPERVISORS_ONLY),           # column presets: SUPERVISORS_ONLY, ADMIN_ONLY,
    "sealing:thing_edit": Row("case", CLERK_OWN_ONLY),           #   CLERKS_ONLY, CASEWORK, CLERK_OWN_ONLY
    "sealing:thing_detail": Row("file", each(404, clerk_a=200, supervisor_x=200)),
    "sealing:thing_do": Row("file", each(405, clerk_b=404), post=each(403, clerk_a=Redirect("sealing:file_detail"))),

``each(default, **cells)`` gives every subject ``default`` except anonymous (``LOGIN`` unless said) and
the subjects named. If the object is new, add it to ``world.py`` and to ``matrix.KWARGS``. Run the module:
a wrong cell fails saying what was answered. A cell whose answer today is wrong is written with the right
answer wrapped in ``Bug(right, "BUG: …")``: a strict xfail, which fails once the bug is fixed.

The admin: ``test_no_admin_page_for_a_non_staff_user`` walks every admin pattern; a new admin page needs
nothing here.
"""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.matrix import (ADMIN_ONLY, ANY_LOGGED_IN, CASEWORK, CLERK_OWN_ONLY, CLERKS_ONLY, LOGIN, OTHER,
                                   PUBLIC, SUBJECTS, SUPERVISORS_ONLY, Bug, Redirect, Row, each, fill,
                                   named_patterns, observe, url_of)
from tests.otp import mark_verified
from tests.security.world import NOW, build_world

# Every cell asks the database (and so the test database is set up); the world is built once, below.
pytestmark = pytest.mark.django_db

REFUSALS = (LOGIN, 400, 403, 404, 405)


def supervisors_of_x(ok=200, *, other=404) -> dict:
    """A supervision object of region X: its supervisors reach it, region Y's get 404, the rest 403."""
    return each(403, supervisor_x=ok, supervisor_y=other)


ROWS: dict[str, Row] = {
    # --- the project -----------------------------------------------------------------------------------------
    "home": ANY_LOGGED_IN,
    "login": PUBLIC,
    "logout": Row(None, each(405, anonymous=405), post=each(LOGIN)),  # Django 5: logout is POST only
    "password_change": ANY_LOGGED_IN,
    # the second factor: a clerk is never asked (sent home, or to enrol, which sends home); the others have a
    # device already (enrolling again goes to the code page) and may be asked for a code
    "otp_enrol": Row(None, each(Redirect("otp_verify"), clerk_a=Redirect("home"), clerk_b=Redirect("home"),
                                police_x=Redirect("home"), police_y=Redirect("home"))),
    "otp_verify": Row(None, each(200, clerk_a=Redirect("otp_enrol"), clerk_b=Redirect("otp_enrol"),
                                 police_x=Redirect("otp_enrol"), police_y=Redirect("otp_enrol"))),
    "password_change_done": ANY_LOGGED_IN,
    "set_language": Row(None, each(Redirect("home"), anonymous=Redirect("home"))),  # GET changes nothing

    # --- sealing: cases and records (agency A's open adult case) ----------------------------------------
    "sealing:case_list": Row(None, CASEWORK),
    "sealing:case_create": Row(None, CLERKS_ONLY),
    "sealing:case_detail": Row("case", each(404, clerk_a=200, reviewer_a=200, supervisor_x=200)),
    "sealing:case_edit": Row("case", CLERK_OWN_ONLY),
    "sealing:defendant_add": Row("case", CLERK_OWN_ONLY),
    "sealing:defendant_edit": Row("defendant", CLERK_OWN_ONLY),
    "sealing:record_create": Row("case", each(404, clerk_a=200, reviewer_a=403, supervisor_x=403)),
    "sealing:record_list": Row(None, CASEWORK),
    "sealing:record_detail": Row("record", each(404, clerk_a=200, reviewer_a=200, supervisor_x=200)),
    "sealing:record_edit": Row("record", CLERK_OWN_ONLY),
    "sealing:charge_list": ANY_LOGGED_IN,
    "sealing:charge_search": ANY_LOGGED_IN,  # the case form's charge picker: the catalogue is public law

    # --- sealing: the sealed juvenile's file (police_x holds a copy of it) ----------------------------------
    "sealing:work_queue": Row(None, CASEWORK),
    "sealing:file_detail": Row("file", each(404, clerk_a=200, reviewer_a=200, supervisor_x=200, police_x=200,
                                            policy_admin=403, auditor=403)),
    # break the glass: the handling clerk and the supervising procuratorate; GET goes back to the file
    "sealing:file_open": Row("file", each(404, clerk_a=Redirect("sealing:file_detail"), reviewer_a=403,
                                          supervisor_x=Redirect("sealing:file_detail"), police_x=403,
                                          policy_admin=403, auditor=403)),
    # each holder seals its own copies: the court and the police station; the POST is the action
    "sealing:file_seal": Row("file", each(403, clerk_a=405, clerk_b=404, police_x=405, police_y=404),
                             post=each(403, clerk_a=Redirect("sealing:file_detail"), clerk_b=404,  # nothing left: said on the file
                                       police_x=200, police_y=404)),  # the confirmation of what will be sealed
    "sealing:file_evaluate": Row("file", each(404, clerk_a=405, reviewer_a=405, supervisor_x=405, police_x=405),
                                 post=each(404, clerk_a=Redirect("sealing:file_detail"), reviewer_a=403,
                                           supervisor_x=403, police_x=403)),
    "sealing:file_unseal": Row("file", each(403, clerk_a=200, clerk_b=404, police_y=404, police_x=403)),
    "sealing:event_create": Row("file", each(403, clerk_a=200, clerk_b=404, police_y=404)),
    "sealing:service_create": Row("file", each(404, clerk_a=403, reviewer_a=403, supervisor_x=403,
                                               police_x=403)),  # A-CS: no community service on a juvenile's file
    "sealing:service_verify": Row("service_entry", each(404, clerk_a=403, reviewer_a=403, supervisor_x=403,
                                                        police_x=403)),  # entered by clerk_a: another verifies
    "sealing:service_reject": Row("service_entry", each(404, clerk_a=403, reviewer_a=403, supervisor_x=403,
                                                        police_x=403)),
    "sealing:event_edit": Row("event", each(404, clerk_a=200, reviewer_a=403, supervisor_x=403, police_x=403)),
    "sealing:event_withdraw": Row("event", each(404, clerk_a=200, reviewer_a=403, supervisor_x=403,
                                                police_x=403)),

    # --- sealing: notices (the sealed file's notice to the police station of region X) ---------------------
    "sealing:notice_inbox": Row(None, each(200, reviewer_a=403, reviewer_b=403, policy_admin=403, auditor=403)),
    "sealing:case_export": Row(None, CASEWORK),
    "sealing:import_upload": Row(None, CLERKS_ONLY),
    "sealing:import_template": Row(None, CLERKS_ONLY),
    # agency A's checked import (one row in error): its clerks only; another agency's clerk finds no such job
    "sealing:import_detail": Row("import_job", each(403, clerk_a=200, clerk_b=404, police_x=404, police_y=404)),
    "sealing:import_progress": Row("import_job", each(403, clerk_a=200, clerk_b=404, police_x=404, police_y=404)),
    "sealing:import_errors": Row("import_job", each(403, clerk_a=200, clerk_b=404, police_x=404, police_y=404)),
    "sealing:import_confirm": Row("import_job", each(403, clerk_a=405, clerk_b=404, police_x=404, police_y=404),
                                  # a bare POST asks for the whole file, which its error refuses: back to the job
                                  post=each(403, clerk_a=Redirect("sealing:import_detail"), clerk_b=404,
                                            police_x=404, police_y=404)),
    "sealing:notice_seal": Row(None, CLERKS_ONLY),  # each clerk's own notices to seal
    "sealing:notice_detail": Row("notice", each(403, clerk_a=200, clerk_b=404, supervisor_x=200, supervisor_y=404,
                                                police_x=200, police_y=404)),
    # GET goes back to the notice; the POST downloads the PDF (each download logged)
    "sealing:notice_pdf": Row("notice", each(403, clerk_a=Redirect("sealing:notice_detail"), clerk_b=404,
                                             supervisor_x=Redirect("sealing:notice_detail"), supervisor_y=404,
                                             police_x=Redirect("sealing:notice_detail"), police_y=404),
                              post=each(403, clerk_a=200, clerk_b=404, supervisor_x=200, supervisor_y=404,
                                        police_x=200, police_y=404)),
    # only the addressee acknowledges; the sender and the procuratorate are sent back with a message
    "sealing:notice_acknowledge": Row("notice", each(403, clerk_a=405, clerk_b=404, supervisor_x=405,
                                                     supervisor_y=404, police_x=405, police_y=404),
                                      post=each(403, clerk_a=Redirect("sealing:notice_detail"), clerk_b=404,
                                                supervisor_x=Redirect("sealing:notice_detail"), supervisor_y=404,
                                                police_x=Redirect("sealing:notice_detail"), police_y=404)),

    # --- sealing: sweeps (administrators) -------------------------------------------------------------------
    "sealing:sweep_list": Row(None, ADMIN_ONLY),
    "sealing:sweep_start": Row(None, each(405), post=each(403, policy_admin=400)),  # 400: no date given
    "sealing:sweep_detail": Row("sweep", ADMIN_ONLY),
    "sealing:sweep_progress": Row("sweep", ADMIN_ONLY),

    # --- queries (agency A's decided request, with an application and an objection) -------------------------
    "queries:request_list": Row(None, each(200, supervisor_x=403, supervisor_y=403, policy_admin=403,
                                           auditor=403)),
    "queries:request_create": Row(None, CLERKS_ONLY),
    "queries:request_detail": Row("query", each(404, clerk_a=200, reviewer_a=200, supervisor_x=403,
                                                supervisor_y=403, policy_admin=403, auditor=403)),
    "queries:request_decide": Row("query", each(403, reviewer_a=405, reviewer_b=405),
                                  post=each(403, reviewer_a=Redirect("queries:request_detail"), reviewer_b=404)),
    "queries:request_approve": Row("query", each(403, reviewer_a=405, reviewer_b=405),
                                   post=each(403, reviewer_a=Redirect("queries:request_detail"), reviewer_b=404)),
    "queries:request_undertaking": Row("query", each(405, supervisor_x=403, supervisor_y=403, policy_admin=403,
                                                     auditor=403),
                                       post=each(404, clerk_a=Redirect("queries:request_detail"),
                                                 reviewer_a=Redirect("queries:request_detail"), supervisor_x=403,
                                                 supervisor_y=403, policy_admin=403, auditor=403)),
    "queries:request_document": Row("query", each(404, clerk_a=200, reviewer_a=200, supervisor_x=403,
                                                  supervisor_y=403, policy_admin=403, auditor=403)),
    "queries:objection_create": Row("query", each(403, clerk_a=405, clerk_b=405, police_x=405, police_y=405),
                                    post=each(403, clerk_a=Redirect("queries:request_detail"), clerk_b=404,
                                              police_x=404, police_y=404)),
    "queries:attachment_download": Row("attachment", each(404, clerk_a=200, reviewer_a=200, supervisor_x=403,
                                                          supervisor_y=403, policy_admin=403, auditor=403)),
    "queries:objection_detail": Row("objection", each(404, clerk_a=200, reviewer_a=200, supervisor_x=403,
                                                      supervisor_y=403, policy_admin=403, auditor=403)),
    "queries:objection_extend": Row("objection", each(403, reviewer_a=405, reviewer_b=405),
                                    post=each(403, reviewer_a=Redirect("queries:objection_detail"), reviewer_b=404)),
    "queries:objection_answer": Row("objection", each(403, reviewer_a=405, reviewer_b=405),
                                    post=each(403, reviewer_a=Redirect("queries:objection_detail"), reviewer_b=404)),
    # the signed documents: a GET goes back to the objection page, which offers them
    "queries:objection_document": Row("objection", each(404, clerk_a=Redirect("queries:objection_detail"),
                                                        reviewer_a=Redirect("queries:objection_detail"),
                                                        supervisor_x=403, supervisor_y=403, policy_admin=403,
                                                        auditor=403)),
    "queries:disclosed_to_me": ANY_LOGGED_IN,  # each user's own permits: an empty list for the others

    # --- oversight: supervisors at a procuratorate (region X's finding and instrument) ----------------------
    "oversight:index": Row(None, each(403, supervisor_x=Redirect("oversight:console"),
                                      supervisor_y=Redirect("oversight:console"))),
    "oversight:console": Row(None, SUPERVISORS_ONLY),
    "oversight:console_export": Row(None, SUPERVISORS_ONLY),
    "oversight:access_log": Row(None, each(403, supervisor_x=200, supervisor_y=200, auditor=200)),
    "oversight:finding_list": Row(None, SUPERVISORS_ONLY),
    "oversight:finding_detail": Row("finding", supervisors_of_x()),
    "oversight:finding_accept": Row("finding", supervisors_of_x()),
    "oversight:finding_dismiss": Row("finding", supervisors_of_x()),
    "oversight:complaint_create": Row(None, SUPERVISORS_ONLY),
    "oversight:instrument_list": Row(None, SUPERVISORS_ONLY),
    "oversight:instrument_create": Row(None, SUPERVISORS_ONLY),
    "oversight:instrument_detail": Row("instrument", supervisors_of_x()),
    # the instrument is replied to: the actions that no longer apply send back to it with a message
    "oversight:instrument_edit": Row("instrument", supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_submit": Row("instrument", supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_approve": Row("instrument", supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_issue": Row("instrument", supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_accept": Row("instrument", supervisors_of_x()),
    "oversight:instrument_reject": Row("instrument", supervisors_of_x()),
    "oversight:instrument_review_answer": Row("instrument",
                                              supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_close": Row("instrument", supervisors_of_x(Redirect("oversight:instrument_detail"))),
    "oversight:instrument_pdf": Row("instrument", each(404, supervisor_x=200, police_x=200)),
    "oversight:reply_attachment": Row("reply_attachment", each(404, supervisor_x=200, police_x=200)),
    # --- oversight: the agency addressed (the police station of region X) ----------------------------------
    "oversight:inbox": Row(None, each(200, reviewer_a=403, reviewer_b=403, policy_admin=403, auditor=403)),
    "oversight:inbox_detail": Row("instrument", each(404, police_x=200)),
    # already replied to: the reply and the review are closed, back to the notice with a message
    "oversight:instrument_reply": Row("instrument", each(404, police_x=Redirect("oversight:inbox_detail"))),
    "oversight:instrument_review_request": Row("instrument", each(404, police_x=Redirect("oversight:inbox_detail"))),
}


# --- the world, built once -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Agency A's objects, built once in a transaction rolled back at the end; the pages' clock fixed."""
    from django.db import transaction
    from django.utils import timezone

    from config.celery import app as celery_app

    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: NOW)
        eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
        with transaction.atomic():
            w = build_world()
            w.clients = {"anonymous": Client(raise_request_exception=False)}
            for subject in SUBJECTS[1:]:
                client = Client(raise_request_exception=False)
                client.force_login(w.users[subject])
                mark_verified(client, w.users[subject])  # past the second factor, as after a right code
                w.clients[subject] = client
            yield w
            transaction.set_rollback(True)
        celery_app.conf.task_always_eager = eager


# --- the table covers every URL ------------------------------------------------------------------------------

def test_every_url_has_a_row():
    """A new URL pattern needs a row in ROWS (see the module's docstring); a row of a URL gone is dropped."""
    names = set(named_patterns())
    missing, stale = sorted(names - set(ROWS)), sorted(set(ROWS) - names)
    assert not missing, f"URL patterns without a row in the permission matrix: {missing}"
    assert not stale, f"rows of the permission matrix without a URL pattern: {stale}"


def test_every_row_names_each_subject_once():
    for name, row in ROWS.items():
        for column in (row.get, row.post):
            if column is not None:
                assert set(column) == set(SUBJECTS), name


def test_the_content_check_can_fail(world):
    """The names the check looks for are really on agency A's pages: agency A's clerk reads the open case."""
    seen = observe(world.clients["clerk_a"], "get", url_of("sealing:case_detail", ROWS["sealing:case_detail"], world))
    assert world.secrets[3] in seen.body.decode()  # the open person's name (the ID number is masked even here)


# --- one test per cell ---------------------------------------------------------------------------------------

def _cells():
    for name, row in ROWS.items():
        for method, column in (("get", row.get), ("post", row.post)):
            if column is None:
                continue
            for subject in SUBJECTS:
                expected = column[subject]
                marks = []
                if isinstance(expected, Bug):
                    marks = [pytest.mark.xfail(strict=True, reason=expected.reason)]
                    expected = expected.expected
                yield pytest.param(name, method, subject, expected, id=f"{name}|{method}|{subject}", marks=marks)


@pytest.mark.parametrize(("name", "method", "subject", "expected"), list(_cells()))
def test_cell(world, name, method, subject, expected):
    url = url_of(name, ROWS[name], world)
    seen = observe(world.clients[subject], method, url)
    assert seen.outcome != 500, f"{method.upper()} {url} as {subject}: 500 {seen.error}"
    assert seen.outcome == expected, f"{method.upper()} {url} as {subject}: {seen.outcome!r}, expected {expected!r}"
    if expected in REFUSALS:
        assert not seen.changed, f"{method.upper()} {url} as {subject} was refused but changed {seen.changed}"
    if seen.outcome == 200:
        body = seen.body.decode(errors="replace")
        secrets = world.secrets if subject in OTHER else world.secrets[:3]
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{method.upper()} {url} as {subject} shows agency A's {leaked}"


# --- the admin, as a group -----------------------------------------------------------------------------------

# The admin lets in staff only (``is_staff``), whatever the role or agency: one user of each role, and anonymous.
NON_STAFF = ["anonymous", "clerk_a", "reviewer_a", "supervisor_x", "auditor"]
# The admin's own login page is public, and its logout sends back to the index (which sends to log in).
ADMIN_OPEN = {"admin:login": 200, "admin:logout": Redirect("admin:index")}


@pytest.mark.parametrize("subject", NON_STAFF)
def test_no_admin_page_for_a_non_staff_user(world, subject):
    """Every admin URL pattern (pk-bearing ones filled with a real object's pk) sends a non-staff user to the
    admin's login, or answers 403/404: never a page. All of them are tried; the failure lists every one."""
    wrong = []
    pk = world.case.pk
    patterns = named_patterns(admin=True)
    for name, pattern in patterns.items():
        args, kwargs = fill(pattern, pk)
        url = reverse(name, args=args or None, kwargs=kwargs or None)
        seen = observe(world.clients[subject], "get", url)
        allowed = (ADMIN_OPEN[name],) if name in ADMIN_OPEN else (Redirect("admin:login"), 403, 404)
        if seen.outcome not in allowed:
            wrong.append(f"{url}: {seen.outcome!r}")
    assert len(patterns) > 100  # the walk reached the admin's patterns
    assert not wrong, f"{subject} reaches admin pages: {wrong}"


@pytest.mark.parametrize("subject", ["policy_admin", "superuser"])
def test_staff_reach_the_admin_index(world, subject):
    client = world.clients.get(subject)
    if client is None:
        client = Client(raise_request_exception=False)
        client.force_login(world.users[subject])
        mark_verified(client, world.users[subject])
    assert observe(client, "get", reverse("admin:index")).outcome == 200
