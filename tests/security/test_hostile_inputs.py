"""Hostile inputs (issue 15, point 6): markup, SQL fragments, NUL bytes, invalid UTF-8, 10 MB fields, years 0001
and 9999, counts past the database's integer range, oversize and disguised uploads, 1 MB search terms — across
the forms, the uploads, the lists' filters and both JSON commands.

Each is a clear error (the form again with the field marked, a 400 page, or exit 2 with a JSON error naming the
field), never a 5xx or a traceback, and the database is unchanged. Free text that may legitimately hold markup
(case notes, a record's content, a defendant's name, the names on a query request, an objection's grounds, a
complaint, an instrument's facts) is saved as typed and shown escaped.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, POLICY_ADMIN, SUPERVISOR
from sealing.identity import make_id_number
from tests.cast import TODAY as CASE_DAY
from tests.cast import defendant_data, enter_case
from tests.commands import ROOT, run_command

CLOCK = dt.datetime(2026, 11, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Wednesday in Beijing
DAY = CLOCK.date()
SCRIPT = "<script>alert(1)</script>"
SQL = "' OR 1=1 --"
NUL = "\x00"
MB = 1024 * 1024
HUGE = str(2 ** 63)  # past bigint
HUGER = "99999999999999999999"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64
APPS = {"accounts", "sealing", "queries", "oversight", "common"}
ERROR_MARKS = ("is-invalid", "invalid-feedback", "alert-danger", "errorlist")


# --- the world the hostile requests are sent into: built lazily, only what a case needs ----------------------

class World:
    def __init__(self, cast):
        self.cast = cast

    def __getattr__(self, name):
        return getattr(self.cast, name)

    @cached_property
    def case(self):
        case, _record = enter_case(self.cast.clerk_a, number="（2024）粤0104刑初2号")
        return case

    @cached_property
    def record(self):
        return self.case.records.get()

    @cached_property
    def micro_file(self):
        """An adult micro crime under observation: community service hours and events apply."""
        data = defendant_data(name="李四", birth=dt.date(1990, 1, 1), serial=3, charge="危险驾驶罪",
                              sentence_kind="detention", sentence_months=3, judgment_effective_date=dt.date(2024, 6, 1),
                              sentence_completed_date=dt.date(2026, 3, 1))
        case, _record = enter_case(self.cast.clerk_a, number="（2024）粤0104刑初3号", defendants=[data])
        return case.defendants.get().sealing_file

    @cached_property
    def query(self):
        """A decided request of agency A, open to a written objection."""
        from tests.queries.test_desk_objection import decided_request

        return decided_request(self.cast)

    @cached_property
    def policy_admin(self):
        return UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True)

    @cached_property
    def police_x(self):
        region = self.cast.agency_a.region
        return AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=region)

    @cached_property
    def police_clerk_x(self):
        return UserFactory(username="police_clerk_x", agency=self.police_x, roles=[CLERK])

    @cached_property
    def chief_x(self):
        user = UserFactory(username="chief_x", agency=self.cast.procuratorate_x, roles=[SUPERVISOR])
        user.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
        return type(user).objects.get(pk=user.pk)

    def _approved(self):
        from oversight import instruments
        from tests.oversight.test_instruments import BASIS, CORRECTION, FACTS

        inst = instruments.draft_instrument(user=self.cast.supervisor_x, kind="correction_notice", agency=self.police_x,
                                            facts=FACTS, legal_basis=BASIS, correction_required=CORRECTION, now=CLOCK)
        instruments.submit_for_approval(inst, user=self.cast.supervisor_x)
        return instruments.approve_instrument(inst, user=self.chief_x, now=CLOCK)

    @cached_property
    def approved(self):
        """A correction notice to the police of region X, approved, not yet issued."""
        return self._approved()

    @cached_property
    def notice(self):
        """A correction notice issued to the police of region X, awaiting its reply."""
        from oversight import instruments

        self.police_clerk_x  # noqa: B018  (the clerk who replies exists before the notice is issued)
        return instruments.issue_instrument(self._approved(), user=self.cast.supervisor_x, today=DAY)


@pytest.fixture
def world(cast, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: CLOCK)  # the pages' clock; the suite never reads today's date
    return World(cast)


def snapshot() -> dict[str, int]:
    """Rows of every table of the project's apps, history tables included (an update writes a history row)."""
    return {m._meta.label: m._base_manager.count() for m in apps.get_models() if m._meta.app_label in APPS}


# --- the cases --------------------------------------------------------------------------------------------

@dataclass
class Hostile:
    """One hostile request: who sends it, where, what; ``expect`` is ``refused`` (the form again with an error,
    a 400, or back to the page with an error message), ``listed`` (a list or a page shown as usual) or
    ``escaped`` (free text saved as typed and shown escaped on ``shown_at``)."""
    id: str
    who: str
    url: Callable[[World], str]
    data: Callable[[World], dict] | None = None  # None: a GET
    expect: str = "refused"
    shown_at: Callable[[World], str] | None = None
    query: str = ""  # a raw query string, percent-encoded as a hostile client would send it

    def __str__(self):
        return self.id


def case_form(**changes):
    """The case entry form with one defendant, valid as it stands (an adult robbery, four years)."""
    def build(w):
        data = {
            "case_number": "（2025）粤0104刑初8号", "offense_start_date": "", "offense_date": "2025-01-10",
            "summary": "被告人当街抢劫", "defendants-TOTAL_FORMS": "1", "defendants-INITIAL_FORMS": "0",
            "defendants-MIN_NUM_FORMS": "1", "defendants-MAX_NUM_FORMS": "50",
            "defendants-0-name": "王五", "defendants-0-id_number": make_id_number("440104", dt.date(1995, 5, 1), 5),
            "defendants-0-birth_date": "", "defendants-0-charges": [_charge("抢劫罪")],
            "defendants-0-disposition": "sentenced", "defendants-0-sentence_kind": "fixed_term",
            "defendants-0-sentence_months": "48", "defendants-0-probation_months": "",
            "defendants-0-judgment_effective_date": "2025-06-01", "defendants-0-sentence_completed_date": "",
            "defendants-0-prior_convictions": "0", "defendants-0-main_conduct_before_18": "unknown",
        }
        data.update(changes)
        return data
    return build


def _charge(name):
    from sealing.models import Charge

    return Charge.objects.get(name=name).pk


def record_form(**changes):
    def build(w):
        data = {"kind": "judgment", "title": "刑事判决书", "document_number": "（2024）粤0104刑初2号",
                "defendant": w.case.defendants.get().pk, "content": "被告人张三抢劫一案的判决。"}
        data.update(changes)
        return data
    return build


def intake_form(**changes):
    def build(w):
        subject = make_id_number("440104", dt.date(1990, 1, 1), 9)
        data = {"received": DAY.isoformat(), "requester_kind": "self", "requester_name": "赵六",
                "requester_id_number": subject, "subject_name": "赵六", "subject_id_number": subject,
                "purpose": "certificate"}
        data.update(changes)
        return data
    return build


def objection_form(**changes):
    def build(w):
        data = {"objector_kind": "person", "objector_name": "少年戊", "received": DAY.isoformat(),
                "grounds": "申请人认为其未被起诉，不应被认定有犯罪记录，请求复查。"}
        data.update(changes)
        return data
    return build


def service_form(**changes):
    def build(w):
        data = {"hours": "20", "served_from": "2026-09-01", "served_to": "2026-09-30",
                "description": "社区公益服务：街道清洁", "document_number": "越秀司社服〔2026〕12号"}
        data.update(changes)
        return data
    return build


def event_form(**changes):
    def build(w):
        data = {"kind": "administrative_detention", "date": "2026-10-01", "document_number": "穗公越行罚决字〔2026〕1号"}
        data.update(changes)
        return data
    return build


def complaint_form(**changes):
    def build(w):
        data = {"source": "hotline", "received_on": DAY.isoformat(), "agency": w.agency_a.pk, "rule": "",
                "complainant": "群众甲", "description": "群众反映法院未按期封存其未成年时的犯罪记录。"}
        data.update(changes)
        return data
    return build


def instrument_form(**changes):
    def build(w):
        data = {"kind": "correction_notice", "agency": w.police_x.pk, "facts": "该局对已封存的记录未按期封存，逾期三十日",
                "legal_basis": "《人民检察院刑事诉讼规则》第五百五十二条", "correction_required": "立即封存相关犯罪记录并书面回复纠正情况",
                "copy_to": ""}
        data.update(changes)
        return data
    return build


def reply_form(upload=None, **changes):
    def build(w):
        data = {"outcome": "adopted", "actions": "已封存全部相关记录并登记在册", "reasons": ""}
        if upload is not None:
            data["attachments"] = [upload()]
        data.update(changes)
        return data
    return build


def upload(name, content, content_type="application/pdf"):
    return lambda: SimpleUploadedFile(name, content, content_type=content_type)


def url(name, *attrs):
    """reverse(name) with the world's objects' pks as arguments, e.g. url("sealing:record_edit", "record")."""
    def build(w):
        args = []
        for attr in attrs:
            obj = w
            for part in attr.split("."):
                obj = getattr(obj, part)
            args.append(obj.pk)
        return reverse(name, args=args)
    return build


CASE_NEW = url("sealing:case_create")
INTAKE = url("queries:request_create")
OBJECT = url("queries:objection_create", "query")
SERVICE = url("sealing:service_create", "micro_file")
EVENT = url("sealing:event_create", "micro_file")
COMPLAINT = url("oversight:complaint_create")
DRAFT = url("oversight:instrument_create")
REPLY = url("oversight:instrument_reply", "notice")

FORMS = [
    # the case entry form and its defendant formset
    Hostile("case number as markup", "clerk_a", CASE_NEW, case_form(case_number=SCRIPT)),
    Hostile("case number as SQL", "clerk_a", CASE_NEW, case_form(case_number=SQL)),
    Hostile("case number with a NUL byte", "clerk_a", CASE_NEW, case_form(case_number="（2025）粤0104刑初8号" + NUL)),
    Hostile("offence in year 0001", "clerk_a", CASE_NEW, case_form(offense_date="0001-01-01")),
    Hostile("offence in year 9999", "clerk_a", CASE_NEW, case_form(offense_date="9999-12-31")),
    Hostile("offence in year 10000", "clerk_a", CASE_NEW, case_form(offense_date="10000-01-01")),
    Hostile("10 MB case notes", "clerk_a", CASE_NEW, case_form(summary="注" * (10 * MB))),
    Hostile("a million characters of case notes (3 MB)", "clerk_a", CASE_NEW, case_form(summary="注" * MB)),
    Hostile("defendant name with a NUL byte", "clerk_a", CASE_NEW, case_form(**{"defendants-0-name": "王" + NUL + "五"})),
    Hostile("prior convictions past bigint", "clerk_a", CASE_NEW,
            case_form(**{"defendants-0-prior_convictions": HUGE})),
    Hostile("prior convictions past the column's range", "clerk_a", CASE_NEW,
            case_form(**{"defendants-0-prior_convictions": "40000"})),
    Hostile("sentence months past bigint", "clerk_a", CASE_NEW, case_form(**{"defendants-0-sentence_months": HUGER})),
    Hostile("months of no sentence past bigint", "clerk_a", CASE_NEW, case_form(**{
        "defendants-0-disposition": "not_prosecuted", "defendants-0-sentence_kind": "",
        "defendants-0-sentence_months": HUGE, "defendants-0-probation_months": HUGE})),
    Hostile("charge id past bigint", "clerk_a", CASE_NEW, case_form(**{"defendants-0-charges": [HUGER]})),
    Hostile("charge id as SQL", "clerk_a", CASE_NEW, case_form(**{"defendants-0-charges": ["1 OR 1=1"]})),
    Hostile("judgment effective in year 9999", "clerk_a", CASE_NEW,
            case_form(**{"defendants-0-judgment_effective_date": "9999-12-31"})),
    Hostile("born in year 0001", "clerk_a", CASE_NEW,
            case_form(**{"defendants-0-id_number": "", "defendants-0-birth_date": "0001-01-01"})),
    Hostile("formset of 2^63 forms", "clerk_a", CASE_NEW, case_form(**{"defendants-TOTAL_FORMS": HUGE})),
    Hostile("case notes as markup", "clerk_a", CASE_NEW, case_form(summary=SCRIPT), expect="escaped",
            shown_at=lambda w: _latest_case_url()),
    Hostile("defendant name as markup", "clerk_a", CASE_NEW, case_form(**{"defendants-0-name": SCRIPT}),
            expect="escaped", shown_at=lambda w: _latest_case_url()),
    # a record copy
    Hostile("record title with a NUL byte", "clerk_a", url("sealing:record_create", "case"), record_form(title="判" + NUL)),
    Hostile("record content of 10 MB", "clerk_a", url("sealing:record_create", "case"), record_form(content="x" * (10 * MB))),
    Hostile("record defendant past bigint", "clerk_a", url("sealing:record_create", "case"), record_form(defendant=HUGER)),
    Hostile("record content as markup", "clerk_a", url("sealing:record_edit", "record"), record_form(content=SCRIPT),
            expect="escaped", shown_at=url("sealing:record_detail", "record")),
    # the query request intake, with its upload
    Hostile("subject name as markup", "clerk_a", INTAKE, intake_form(subject_name=SCRIPT, requester_name=SCRIPT),
            expect="escaped", shown_at=lambda w: _latest_request_url()),
    Hostile("subject ID number as SQL", "clerk_a", INTAKE, intake_form(subject_id_number=SQL)),
    Hostile("requester name with a NUL byte", "clerk_a", INTAKE, intake_form(requester_name="赵" + NUL)),
    Hostile("received in year 0001", "clerk_a", INTAKE, intake_form(received="0001-01-01")),
    Hostile("received in year 9999", "clerk_a", INTAKE, intake_form(received="9999-12-31")),
    Hostile("legal basis id past bigint", "clerk_a", INTAKE, intake_form(legal_basis=HUGER)),
    Hostile("application: an .exe renamed .pdf", "clerk_a", INTAKE,
            intake_form(application=upload("申请书.pdf", EXE))),
    Hostile("application: 11 MB", "clerk_a", INTAKE,
            intake_form(application=upload("申请书.pdf", PDF + b" " * (11 * MB)))),
    Hostile("application: HTML declared as PDF", "clerk_a", INTAKE,
            intake_form(application=upload("申请书.pdf", f"<html>{SCRIPT}</html>".encode()))),
    # a written objection to a decided request
    Hostile("objection grounds with a NUL byte", "clerk_a", OBJECT,
            objection_form(grounds="申请人认为其未被起诉，不应被认定有犯罪记录" + NUL)),
    Hostile("objection received in year 0001", "clerk_a", OBJECT, objection_form(received="0001-01-01")),
    Hostile("objection: an .exe renamed .pdf", "clerk_a", OBJECT, objection_form(file=upload("异议书.pdf", EXE))),
    Hostile("objection grounds as markup", "clerk_a", OBJECT,
            objection_form(grounds="申请人认为原答复有误，请求复查。" + SCRIPT), expect="escaped",
            shown_at=lambda w: reverse("queries:objection_detail", args=[w.query.objections.get().pk])),
    # community service hours and events under observation
    Hostile("service hours past bigint", "clerk_a", SERVICE, service_form(hours=HUGE)),
    Hostile("service hours negative", "clerk_a", SERVICE, service_form(hours="-20")),
    Hostile("service served from year 0001", "clerk_a", SERVICE, service_form(served_from="0001-01-01")),
    Hostile("service served to year 10000", "clerk_a", SERVICE, service_form(served_to="10000-01-01")),
    Hostile("service description with a NUL byte", "clerk_a", SERVICE, service_form(description="清洁" + NUL)),
    Hostile("event in year 0001", "clerk_a", EVENT, event_form(date="0001-01-01")),
    Hostile("event in year 9999", "clerk_a", EVENT, event_form(date="9999-12-31")),
    Hostile("event kind as SQL", "clerk_a", EVENT, event_form(kind=SQL)),
    Hostile("event document number with a NUL byte", "clerk_a", EVENT, event_form(document_number="穗" + NUL)),
    # a sweep started by an administrator
    Hostile("sweep as of year 0001", "policy_admin", url("sealing:sweep_start"),
            lambda w: {"as_of": "0001-01-01", "confirm": "1"}),
    Hostile("sweep as of year 10000", "policy_admin", url("sealing:sweep_start"),
            lambda w: {"as_of": "10000-01-01", "confirm": "1"}),
    # supervision: complaints, instruments, replies with attachments
    Hostile("complaint with a NUL byte", "supervisor_x", COMPLAINT,
            complaint_form(description="群众反映法院未按期封存其犯罪记录" + NUL)),
    Hostile("complaint received in year 0001", "supervisor_x", COMPLAINT, complaint_form(received_on="0001-01-01")),
    Hostile("complaint about agency past bigint", "supervisor_x", COMPLAINT, complaint_form(agency=HUGER)),
    Hostile("complainant of 10 MB", "supervisor_x", COMPLAINT, complaint_form(complainant="甲" * (10 * MB))),
    Hostile("complaint as markup", "supervisor_x", COMPLAINT,
            complaint_form(description="群众反映法院未按期封存记录：" + SCRIPT), expect="escaped",
            shown_at=lambda w: _latest_finding_url()),
    Hostile("instrument on a finding id past bigint", "supervisor_x", DRAFT, instrument_form(findings=[HUGER])),
    Hostile("instrument on finding ids as SQL", "supervisor_x", DRAFT, instrument_form(findings=["1 OR 1=1"])),
    Hostile("instrument facts with a NUL byte", "supervisor_x", DRAFT, instrument_form(facts="未按期封存记录逾期" + NUL)),
    Hostile("instrument facts as markup", "supervisor_x", DRAFT, instrument_form(facts="未按期封存记录：" + SCRIPT),
            expect="escaped", shown_at=lambda w: _latest_instrument_url()),
    Hostile("issue with a deadline in year 9999", "supervisor_x", url("oversight:instrument_issue", "approved"),
            lambda w: {"deadline": "9999-12-31"}),
    Hostile("issue with a deadline in year 10000", "supervisor_x", url("oversight:instrument_issue", "approved"),
            lambda w: {"deadline": "10000-01-01"}),
    Hostile("reply attachment: an .exe renamed .pdf", "police_clerk_x", REPLY, reply_form(upload("整改报告.pdf", EXE))),
    Hostile("reply attachment: 11 MB", "police_clerk_x", REPLY,
            reply_form(upload("整改报告.pdf", PDF + b" " * (11 * MB)))),
    Hostile("reply attachment: a script declared as text/html", "police_clerk_x", REPLY,
            reply_form(upload("x.html", SCRIPT.encode(), "text/html"))),
    Hostile("reply with a NUL byte", "police_clerk_x", REPLY, reply_form(actions="已封存全部相关记录并登记" + NUL)),
]


def _latest_case_url():
    from sealing.models import Case

    return reverse("sealing:case_detail", args=[Case.objects.latest("pk").pk])


def _latest_request_url():
    from queries.models import QueryRequest

    return reverse("queries:request_detail", args=[QueryRequest.objects.latest("pk").pk])


def _latest_finding_url():
    from oversight.models import Finding

    return reverse("oversight:finding_detail", args=[Finding.objects.latest("pk").pk])


def _latest_instrument_url():
    from oversight.models import Instrument

    return reverse("oversight:instrument_detail", args=[Instrument.objects.latest("pk").pk])


# search and filter parameters of the lists: always a page, never a 5xx, never a write
def _listing(name, query, who="clerk_a", *attrs):
    return Hostile(f"{name}?{query[:40]}", who, url(name, *attrs), query=query, expect="listed")


ONE_MB_TERM = "%E6%A1%88" * (MB // 3)  # 案, percent-encoded: 1 MB of UTF-8
LISTS = [
    _listing("sealing:case_list", f"case_number={ONE_MB_TERM}"),
    _listing("sealing:case_list", "case_number=%00"),
    _listing("sealing:case_list", "case_number=%ff%fe&id_number=%ff%fe"),
    _listing("sealing:case_list", "case_number=%27%20OR%201%3D1%20--&id_number=%27%20OR%201%3D1%20--"),
    _listing("sealing:case_list", f"page={HUGER}"),
    _listing("sealing:case_list", "offense_after=0001-01-01&offense_before=9999-12-31"),
    _listing("sealing:case_list", "offense_after=10000-01-01&offense_before=%00"),
    _listing("sealing:case_list", f"year={HUGE}&disposition=%3Cscript%3E"),
    _listing("sealing:case_list", f"year=-{HUGE}&id_number=%00"),
    _listing("sealing:record_list", f"case_number=%00&kind=%3Cscript%3E&page={HUGER}"),
    _listing("sealing:record_list", f"case_number={ONE_MB_TERM}"),
    _listing("sealing:charge_list", "q=%00"),
    _listing("sealing:charge_list", f"q={ONE_MB_TERM}"),
    _listing("sealing:charge_list", "q=%ff%fe%27%20OR%201%3D1%20--"),
    _listing("sealing:notice_inbox", f"tab=%00&page={HUGER}"),
    _listing("sealing:notice_seal", f"notice={HUGER}&notice=%00&notice=%C2%B2"),
    _listing("sealing:work_queue", "tab=%00%ff&page=-1"),
    _listing("queries:request_list", "tab=%3Cscript%3E%00"),
    _listing("oversight:finding_list", f"agency={HUGER}&rule=%00&state=%ff&page={HUGER}", "supervisor_x"),
    _listing("oversight:instrument_list", f"state=%00&kind=%ff&escalated=1&page={HUGE}", "supervisor_x"),
    _listing("oversight:instrument_create", f"agency={HUGER}&finding={HUGER}&finding=%C2%B2&kind=%00",
             "supervisor_x"),
    _listing("oversight:inbox", f"page={HUGER}%00", "police_clerk_x"),
    # a sort outside the whitelist (a masked column, a lookup, junk) falls back to the list's own order
    _listing("sealing:case_list", "sort=defendants__person__name&page=2"),
    _listing("sealing:case_list", "sort=%00%ff&format=%3Cscript%3E"),
    _listing("sealing:record_list", f"sort=-{ONE_MB_TERM}"),
    _listing("sealing:work_queue", "tab=hidden&sort=--seal_date"),
    _listing("sealing:notice_inbox", "tab=sent&sort=-sealing_file__defendant__person__name"),
    _listing("queries:request_list", "tab=objections&sort=%27%20OR%201%3D1%20--"),
    _listing("oversight:finding_list", "sort=-facts&state=all", "supervisor_x"),
    _listing("oversight:instrument_list", f"sort=-&page={HUGE}", "supervisor_x"),
    _listing("oversight:access_log", f"sort=reason&after={HUGER}", "supervisor_x"),
]


# The console and the access log: their filter forms bound dates and ids like every other form.
CONSOLE = [_listing("oversight:access_log", query, "supervisor_x") for query in (
    "until=9999-12-31",
    "since=0001-01-01",
    f"record={HUGER}",
    f"agency={HUGE}",
)] + [_listing("oversight:console", query, "supervisor_x") for query in (
    "first=9999-12&last=9999-12",
    "first=0001-01&last=0001-12",
)] + [
    _listing("oversight:access_log", f"user=%00&action=%ff&after={HUGER}", "supervisor_x"),
    _listing("oversight:console", f"agency={HUGER}&first=%00", "supervisor_x"),
]


# --- the web cases ----------------------------------------------------------------------------------------

def _error_shown(response) -> bool:
    body = response.content.decode(errors="replace")
    return any(mark in body for mark in ERROR_MARKS)


@pytest.mark.parametrize("hostile", FORMS + LISTS + CONSOLE, ids=str)
def test_a_hostile_request_is_a_clear_error_and_writes_nothing(hostile, world, client):
    who = getattr(world, hostile.who)
    target = hostile.url(world)
    data = hostile.data(world) if hostile.data else None
    if data is not None:  # uploads are built per request
        data = {key: value() if callable(value) else value for key, value in data.items()}
    client.force_login(who)
    before = snapshot()
    if data is None:
        response = client.get(target + ("?" + hostile.query if hostile.query else ""))
    else:
        response = client.post(target, data)

    assert response.status_code < 500
    if hostile.expect == "escaped":
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        page = client.get(hostile.shown_at(world)).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
        return
    assert snapshot() == before
    if hostile.expect == "listed":
        assert response.status_code in (200, 400), response.status_code
    elif response.status_code == 302:  # back to the page it was sent from, with the error on it
        page = client.get(response["Location"])
        assert page.status_code == 200 and "alert-danger" in page.content.decode()
    elif response.status_code == 400:  # the 400 page, in Chinese, or the form with its errors
        assert "请求无效" in response.content.decode() or _error_shown(response)
    else:
        assert response.status_code == 200 and _error_shown(response)


def test_the_400_page_speaks_the_users_language(world, client):
    client.force_login(world.clerk_a)
    response = client.post(reverse("sealing:case_create"), case_form(summary="注" * (10 * MB))(world))
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求无效" in body and "Bad Request" not in body


# --- the JSON commands ---------------------------------------------------------------------------------------

SEALING_CASE = {
    "id": "c1", "birth_date": "1990-01-01", "offense_date": "2024-01-10", "charges": ["危险驾驶罪"],
    "disposition": "sentenced", "sentence": {"kind": "detention", "months": 3, "suspended": False},
    "judgment_effective_date": "2024-06-01", "sentence_completed_date": "2024-09-01", "circumstances": ["plea"],
    "prior_convictions": 0, "as_of": "2026-06-01",
}
QUERY = {
    "id": "q1", "requester": "self", "purpose": "certificate", "legal_basis": None, "received": "2026-11-02",
    "records": [{"id": "r1", "status": "sealed", "charges": ["盗窃罪"]}],
}


def _with(base, **changes):
    item = json.loads(json.dumps(base))
    for key, value in changes.items():
        target = item
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return item


COMMANDS = [
    # (command, input, field the error names)
    ("evaluate_sealing", "[1, 2]", "$"),  # with "index": 0
    ("evaluate_sealing", '"just a string"', "$"),
    ("evaluate_sealing", "[" * 100000, "$"),
    ("evaluate_sealing", _with(SEALING_CASE, birth_date="0001-01-01", offense_date="0001-01-02"), None),
    ("evaluate_sealing", _with(SEALING_CASE, as_of="9999-12-31"), None),
    ("evaluate_sealing", _with(SEALING_CASE, offense_date="10000-01-01"), "offense_date"),
    ("evaluate_sealing", _with(SEALING_CASE, prior_convictions=10 ** 30), "prior_convictions"),
    ("evaluate_sealing", _with(SEALING_CASE, prior_convictions="0"), "prior_convictions"),
    ("evaluate_sealing", _with(SEALING_CASE, sentence__months=10 ** 30), "sentence.months"),
    ("evaluate_sealing", _with(SEALING_CASE, charges=["危险驾驶罪" + NUL]), "charges[0]"),
    ("evaluate_sealing", _with(SEALING_CASE, charges=[SQL]), "charges[0]"),
    ("evaluate_sealing", _with(SEALING_CASE, disposition="x" * (10 * MB)), "disposition"),
    ("evaluate_sealing", _with(SEALING_CASE, community_service_hours=-(10 ** 30)), "community_service_hours"),
    ("evaluate_query", "{}", None),
    ("evaluate_query", _with(QUERY, received="0001-01-01"), None),
    ("evaluate_query", _with(QUERY, received="9999-12-31"), None),
    ("evaluate_query", _with(QUERY, received=20261102), "received"),
    ("evaluate_query", _with(QUERY, records={"id": "r1"}), "records"),
    ("evaluate_query", _with(QUERY, purpose="certificate" + NUL), "purpose"),
    ("evaluate_query", _with(QUERY, requester=SCRIPT), "requester"),
    ("evaluate_query", _with(QUERY, id="x" * (10 * MB), records="x"), "records"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, data, field", COMMANDS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(COMMANDS)])
def test_a_command_refuses_hostile_input_with_exit_2_naming_the_field(name, data, field, no_writes):
    code, out, err = run_command(name, data)
    assert code == 2, out[:2000]
    assert "Traceback" not in out + err
    error = json.loads(out)
    assert error["error"] and error["field"]
    if field is not None:
        assert error["field"] == field, error
    assert len(out) < 10_000  # the error does not echo a 10 MB value back


@pytest.mark.parametrize("name", ["evaluate_sealing", "evaluate_query"])
@pytest.mark.parametrize("raw", [b'{"id": "\xff\xfe"}', b"\xef\xbb\xbf\x80[]", b"\x00"], ids=["ff-fe", "bom-80", "nul"])
def test_a_command_refuses_bytes_that_are_not_utf8_or_json(name, raw, process_env):
    env, _db = process_env
    result = subprocess.run([sys.executable, "manage.py", name, "-"], cwd=ROOT, env=env, input=raw,
                            capture_output=True, timeout=120)
    assert result.returncode == 2, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stdout + result.stderr
    assert json.loads(result.stdout)["field"] == "$"
