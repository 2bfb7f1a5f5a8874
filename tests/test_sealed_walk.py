"""Sealed means sealed: every URL, as every role, over a sealed-only person, tells nothing of the person.

The walk covers every named URL of the project (a new URL that it does not know fails
``test_the_walk_covers_every_url``), the htmx partials, the admin (every registered model's list,
search, change and history pages) and the issued PDFs. Without a permit none of the person's name,
ID number or birth date appears; with a permit the content appears and each read leaves exactly one
access-log row; a break-the-glass read leaves one row with its reason.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote, unquote

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import AUDITOR, CLERK, POLICY_ADMIN, REVIEWER, SUPERVISOR, SYSTEM_ADMIN
from sealing import services
from sealing.identity import make_id_number
from sealing.models import AccessAction, AccessLog, RecordKind
from tests.cast import TODAY, defendant_data, enter_case

NAME = "慕容雪芙"
BIRTH = dt.date(2006, 11, 23)
SECRET = "少年慕容于2023年5月在越秀区某商场盗窃手机一部"
NUMBER = "（2024）粤0104刑初77号"


def secrets_of(world) -> list[str]:
    birth = BIRTH
    return [NAME, world.id_number, world.id_number.lower(), birth.isoformat(), f"{birth.year}年{birth.month}月{birth.day}日",
            birth.strftime("%Y/%m/%d"), birth.strftime("%Y%m%d"), SECRET, SECRET[:8]]


@dataclass
class World:
    cast: object
    case: object
    record: object
    police_record: object
    file: object
    id_number: str
    police_x: object
    query: object | None
    objection: object | None
    users: dict
    sweep: object | None = None
    import_job: object | None = None


def _query_desk(world_cast):
    """A decided query request (with an application, an objection) about another, open person: its pages,
    documents and attachments are walked too and must tell nothing of the sealed person."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from queries import services as query_services
    from queries.models import Purpose, RequesterKind

    other = make_id_number("440104", dt.date(1990, 1, 2), 91)
    data = {
        "received": TODAY, "requester_kind": RequesterKind.SELF, "requester_name": "路人甲",
        "requester_id_number": other, "subject_name": "路人甲", "subject_id_number": other,
        "purpose": Purpose.CERTIFICATE, "legal_basis": None, "occupation": "",
        "application": SimpleUploadedFile("申请.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                          content_type="application/pdf"),
    }
    query = query_services.take_request(user=world_cast.clerk_a, data=data, today=TODAY)
    now = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.timezone.utc)
    query = query_services.decide_query(query, reviewer=world_cast.reviewer_a, decision="issue_certificate",
                                        today=TODAY, now=now)
    objection = query_services.take_objection(query, user=world_cast.clerk_a, objector_kind="person",
                                              objector_name="路人甲", received=TODAY,
                                              grounds="证明的出具日期有误，请求复查并更正", today=TODAY)
    return query, objection


@pytest.fixture
def world(cast):
    police_x = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    id_number = make_id_number("440104", BIRTH, 77)
    data = defendant_data(name=NAME, birth=BIRTH, charge="盗窃罪", sentence_months=10, id_number=id_number,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    case, record = enter_case(cast.clerk_a, number=NUMBER, defendants=[data], content=SECRET,
                              offense_date=dt.date(2023, 5, 6))
    police_clerk = UserFactory(username="police_x", agency=police_x, roles=[CLERK])
    police_record = services.create_record(user=police_clerk, case=case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": None,
        "content": SECRET})
    file = case.defendants.get().sealing_file
    assert file.status == "sealed"
    services.seal_file(file, user=cast.clerk_a, today=TODAY)
    users = {
        "clerk_a": cast.clerk_a, "reviewer_a": cast.reviewer_a, "clerk_b": cast.clerk_b,
        "supervisor_x": cast.supervisor_x, "supervisor_y": cast.supervisor_y, "police_x": police_clerk,
        "court_supervisor": UserFactory(username="court_sup", agency=cast.agency_a, roles=[SUPERVISOR]),
        "policy_admin": UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True),
        "auditor": UserFactory(username="auditor", agency=cast.procuratorate_x, roles=[AUDITOR]),
        "system_admin": UserFactory(username="sysadmin", agency=None, roles=[SYSTEM_ADMIN], is_staff=True),
        "superuser": UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True),
    }
    w = World(cast=cast, case=case, record=record, police_record=police_record, file=file, id_number=id_number,
              police_x=police_x, query=None, objection=None, users=users)
    w.query, w.objection = _query_desk(cast)
    w.sweep = _sweep_run(w)
    w.import_job = _import_job(w)
    return w


def _import_job(w):
    """Agency A's checked import of a one-row file about another, open person, whose charge is misspelt: its pages
    (preview, errors, progress, confirmation) must tell nothing of the sealed person."""
    from sealing import imports, imports_jobs, spreadsheet

    values = {"case_number": "（2024）粤0104刑初88号", "offense_date": "2023-05-06", "name": "路人乙",
              "id_number": make_id_number("440104", dt.date(1990, 1, 3), 92), "charges": "抢劫",
              "disposition": dict(spreadsheet.choice_labels("disposition"))["sentenced"],
              "sentence_kind": dict(spreadsheet.choice_labels("sentence_kind"))["fixed_term"],
              "sentence_months": "48", "judgment_effective_date": "2024-03-01"}
    data = spreadsheet.table_bytes([[values.get(c.key, "") for c in spreadsheet.COLUMNS]], "csv")
    clerk = w.users["clerk_a"]
    plan = imports.plan_import(data, "案件.csv", user=clerk, today=TODAY)
    assert plan.counts["error"] == 1  # 抢劫 → 抢劫罪?
    return imports_jobs.create_checked_job(user=clerk, file_name="案件.csv", data=data, as_of=TODAY, plan=plan,
                                           now=dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc))


def _sweep_run(w):
    """An administrator's finished sweep that failed on the sealed person's file: its pages name the file."""
    from sealing.models import SweepFailure, SweepRun

    started = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.timezone.utc)
    run = SweepRun.objects.create(as_of=TODAY, trigger=SweepRun.Trigger.ADMIN, started_by=w.users["policy_admin"],
                                  started_at=started, finished_at=started + dt.timedelta(seconds=3),
                                  state=SweepRun.State.FINISHED, total=1, processed=1, failed=1)
    SweepFailure.objects.create(run=run, sealing_file=w.file, message="RuntimeError: 数据库连接中断")
    return run


# --- the URLs ---------------------------------------------------------------------------------------------

def _named_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            if entry.app_name == "admin" or str(entry.pattern).startswith("i18n"):
                continue
            yield from _named_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


# Every named URL and how the walk fills its keys from the world (None: no keys).
def _file(w):
    return {"pk": w.file.pk}


def _service_entry(w):
    """A community-service entry on the sealed person's file whose description tells the secret: made directly
    (A-CS does not apply to a juvenile's file), so the walk proves its pages still tell nothing."""
    from sealing.models import CommunityServiceEntry

    entry = CommunityServiceEntry.objects.filter(defendant_id=w.file.defendant_id).first()
    if entry is None:
        entry = CommunityServiceEntry.objects.create(
            defendant_id=w.file.defendant_id, hours=20, served_from=dt.date(2026, 3, 1),
            served_to=dt.date(2026, 3, 31), description=SECRET, document_number="服务证明1号",
            entered_by=w.cast.clerk_a)
    return {"pk": entry.pk}


def _event(w):
    from sealing.models import ObservationEvent

    event = ObservationEvent.objects.filter(defendant_id=w.file.defendant_id).first()
    if event is None:
        event = ObservationEvent.objects.create(defendant_id=w.file.defendant_id, kind="administrative_detention",
                                                date=dt.date(2026, 2, 1), document_number="穗公（越）行罚决字〔2026〕1号",
                                                created_by=w.cast.clerk_a)
    return {"pk": event.pk}


def _finding(w):
    """A supervision finding about the sealed person's file: its notices not received ten days after sending."""
    from oversight import services as oversight_services
    from oversight.models import Finding

    finding = Finding.objects.filter(sealing_file=w.file).order_by("pk").first()
    if finding is None:
        oversight_services.scan(TODAY + dt.timedelta(days=10))
        finding = Finding.objects.filter(sealing_file=w.file).order_by("pk").first()
    return {"pk": finding.pk}


def _instrument(w):
    """A recommendation to the police station, resting on the finding about the sealed person's file, issued
    and replied to with an attachment."""
    from oversight import instruments
    from oversight.models import Finding, Instrument

    instrument = Instrument.objects.order_by("pk").first()
    if instrument is None:
        finding = Finding.objects.get(pk=_finding(w)["pk"])
        now = dt.datetime(2026, 6, 11, 10, 0, tzinfo=dt.timezone.utc)
        instrument = instruments.draft_instrument(
            user=w.cast.supervisor_x, kind="recommendation", agency=w.police_x, facts="该局未按期接收封存通知书",
            legal_basis="《人民检察院刑事诉讼规则》第五百五十二条", correction_required="建立封存通知书接收登记制度",
            findings=[finding] if finding.agency_id == w.police_x.pk else [], now=now)
        instruments.issue_instrument(instrument, user=w.cast.supervisor_x, today=TODAY + dt.timedelta(days=10))
        instruments.reply_to_instrument(instrument, user=w.users["police_x"], outcome="adopted",
                                        actions="已建立接收登记制度并补登全部通知书", today=TODAY + dt.timedelta(days=12),
                                        attachments=[("整改报告.pdf", "application/pdf", b"%PDF-1.4 walk")])
    return {"pk": instrument.pk}


def _reply_attachment(w):
    from oversight.models import ReplyAttachment

    _instrument(w)
    return {"pk": ReplyAttachment.objects.order_by("pk").first().pk}


URLS = {
    "home": None,
    "login": None,
    "logout": None,
    "password_change": None,
    "password_change_done": None,
    "otp_enrol": None,
    "otp_verify": None,
    "sealing:case_list": None,
    "sealing:case_create": None,
    "sealing:case_detail": lambda w: {"pk": w.case.pk},
    "sealing:case_edit": lambda w: {"pk": w.case.pk},
    "sealing:defendant_add": lambda w: {"pk": w.case.pk},
    "sealing:defendant_edit": lambda w: {"pk": w.case.pk, "defendant_pk": w.file.defendant_id},
    "sealing:record_create": lambda w: {"pk": w.case.pk},
    "sealing:record_list": None,
    "sealing:record_detail": lambda w: {"pk": w.record.pk},
    "sealing:record_edit": lambda w: {"pk": w.record.pk},
    "sealing:charge_list": None,
    "sealing:charge_search": None,
    "sealing:work_queue": None,
    "sealing:file_detail": _file,
    "sealing:file_open": _file,
    "sealing:file_seal": _file,
    "sealing:file_evaluate": _file,
    "sealing:file_unseal": _file,
    "sealing:event_create": _file,
    "sealing:notice_inbox": None,
    "sealing:notice_seal": None,
    "sealing:notice_detail": lambda w: {"pk": w.file.notices.get(to_agency=w.police_x).pk},
    "sealing:notice_pdf": lambda w: {"pk": w.file.notices.get(to_agency=w.police_x).pk},
    "sealing:notice_acknowledge": lambda w: {"pk": w.file.notices.get(to_agency=w.police_x).pk},
    "sealing:service_create": _file,
    "sealing:service_verify": _service_entry,
    "sealing:service_reject": _service_entry,
    "sealing:event_edit": _event,
    "sealing:event_withdraw": _event,
    "sealing:sweep_list": None,
    "sealing:sweep_start": None,
    "sealing:sweep_detail": lambda w: {"pk": w.sweep.pk},
    "sealing:sweep_progress": lambda w: {"pk": w.sweep.pk},
    "sealing:case_export": None,
    "sealing:import_upload": None,
    "sealing:import_template": None,
    "sealing:import_detail": lambda w: {"pk": w.import_job.pk},
    "sealing:import_progress": lambda w: {"pk": w.import_job.pk},
    "sealing:import_confirm": lambda w: {"pk": w.import_job.pk},
    "sealing:import_errors": lambda w: {"pk": w.import_job.pk},
    "queries:request_list": None,
    "queries:request_create": None,
    "queries:request_detail": lambda w: {"pk": w.query.pk},
    "queries:request_decide": lambda w: {"pk": w.query.pk},
    "queries:request_document": lambda w: {"pk": w.query.pk},
    "queries:request_approve": lambda w: {"pk": w.query.pk},
    "queries:request_undertaking": lambda w: {"pk": w.query.pk},
    "queries:objection_create": lambda w: {"pk": w.query.pk},
    "queries:attachment_download": lambda w: {"pk": w.query.attachments.first().pk},
    "queries:objection_detail": lambda w: {"pk": w.objection.pk},
    "queries:objection_extend": lambda w: {"pk": w.objection.pk},
    "queries:objection_answer": lambda w: {"pk": w.objection.pk},
    "queries:objection_document": lambda w: {"pk": w.objection.pk},
    "queries:disclosed_to_me": None,
    "oversight:index": None,
    "oversight:finding_list": None,
    "oversight:finding_detail": lambda w: _finding(w),
    "oversight:finding_accept": lambda w: _finding(w),
    "oversight:finding_dismiss": lambda w: _finding(w),
    "oversight:complaint_create": None,
    "oversight:instrument_list": None,
    "oversight:instrument_create": None,
    "oversight:instrument_detail": _instrument,
    "oversight:instrument_edit": _instrument,
    "oversight:instrument_submit": _instrument,
    "oversight:instrument_approve": _instrument,
    "oversight:instrument_issue": _instrument,
    "oversight:instrument_accept": _instrument,
    "oversight:instrument_reject": _instrument,
    "oversight:instrument_review_answer": _instrument,
    "oversight:instrument_close": _instrument,
    "oversight:instrument_pdf": _instrument,
    "oversight:inbox": None,
    "oversight:inbox_detail": _instrument,
    "oversight:instrument_reply": _instrument,
    "oversight:instrument_review_request": _instrument,
    "oversight:reply_attachment": _reply_attachment,
    "oversight:console": None,
    "oversight:console_export": None,
    "oversight:access_log": None,
}
# Extra query strings: searches and tabs, each term the person could be found by.
SEARCHES = {
    # the lists' sorts and exports of what is shown (CSV: the XLSX body is zipped, the text checks would see nothing
    # in it), searched by the sealed person's ID number and case number
    "sealing:case_list": lambda w: [f"?id_number={w.id_number}", f"?case_number={NUMBER}", "?disposition=sentenced",
                                    "?year=2023", "?offense_after=2023-05-01&offense_before=2023-05-31",
                                    f"?id_number={w.id_number}&sort=-case_number", f"?case_number={NUMBER}&sort=created_at",
                                    "?sort=defendants__person__name", f"?format=csv&id_number={w.id_number}&sort=case_number",
                                    f"?format=csv&case_number={NUMBER}&sort=-created_at", "?format=csv", "?format=xlsx"],
    "sealing:record_list": lambda w: [f"?case_number={NUMBER}", "?kind=judgment", f"?case_number={NUMBER}&sort=created_at",
                                      f"?format=csv&case_number={NUMBER}&sort=-created_at", "?format=csv"],
    "sealing:work_queue": lambda w: ["?tab=seal", "?tab=facts", "?tab=retro", "?tab=hidden",
                                     *[f"?tab={tab}&sort={sort}" for tab in ("seal", "facts", "retro", "hidden")
                                       for sort in ("-case_number", "seal_date", "facts_due")],
                                     *[f"?tab={tab}&format=csv&sort=-case_number" for tab in ("seal", "facts", "retro",
                                                                                            "hidden")]],
    "sealing:notice_inbox": lambda w: ["?tab=inbox", "?tab=waiting", "?tab=sealed", "?tab=sent",
                                       *[f"?tab={tab}&sort={sort}" for tab in ("inbox", "sent")
                                         for sort in ("serial", "-case_number", "sent_on", "-deadline")],
                                       *[f"?tab={tab}&format=csv&sort=-case_number" for tab in ("inbox", "waiting",
                                                                                              "sealed", "sent")]],
    "sealing:notice_seal": lambda w: ["?scope=all", "?scope=overdue",
                                      "?" + "&".join(f"notice={n.pk}" for n in w.file.notices.all())],
    "sealing:charge_list": lambda w: ["?q=盗窃"],
    # the case form's charge picker: by name, by article, and by what a clerk might type about the sealed case
    "sealing:charge_search": lambda w: ["?q=盗窃", "?q=264", f"?q={NAME}", f"?q={w.id_number}", f"?q={NUMBER}"],
    # the export of the case list, searched by the sealed person's ID number and case number (CSV: the XLSX body
    # is zipped, the text checks would see nothing in it)
    "sealing:case_export": lambda w: ["?format=csv", "?format=xlsx", f"?format=csv&id_number={w.id_number}",
                                      f"?format=csv&case_number={NUMBER}"],
    "queries:request_list": lambda w: ["?tab=decided", "?tab=objections", "?tab=decided&sort=-serial",
                                       "?tab=objections&sort=received", "?tab=open&format=csv&sort=deadline",
                                       "?tab=decided&format=csv", "?tab=objections&format=csv&sort=-serial"],
    "oversight:finding_list": lambda w: ["?state=all", "?rule=S-UNDELIVERED", "?source=scan&triage=pending",
                                         "?state=all&sort=-serial", "?state=all&sort=detected_on",
                                         "?state=all&format=csv&sort=serial", "?format=xlsx"],
    "oversight:instrument_list": lambda w: ["?state=open", "?kind=recommendation&escalated=1", "?sort=-issued_on",
                                            "?state=open&sort=deadline", "?format=csv&sort=serial"],
    "oversight:instrument_create": lambda w: [f"?finding={_finding(w)['pk']}"],
    "oversight:console": lambda w: ["?first=2026-01&last=2026-12", f"?agency={w.police_x.pk}"],
    "oversight:console_export": lambda w: ["?format=xlsx", "?format=csv&table=3", "?format=csv&table=2"],
    "oversight:access_log": lambda w: ["?action=break_glass", f"?record={w.record.pk}", "?since=2026-01-01",
                                       "?sort=at", f"?record={w.record.pk}&sort=-at", f"?format=csv&record={w.record.pk}",
                                       "?format=csv&sort=at"],
}


def test_the_walk_covers_every_url():
    """A new URL must be added to URLS (and so to the walk), or this fails."""
    assert {name for name, _p in _named_patterns()} == set(URLS)


def _urls(w):
    for name, kwargs in URLS.items():
        base = reverse(name, kwargs=kwargs(w) if kwargs else None)
        yield base
        for extra in SEARCHES.get(name, lambda _w: [])(w):
            yield base + extra


def _admin_urls(w):
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        yield changelist
        yield changelist + f"?q={NAME}"
        yield changelist + f"?q={w.id_number}"
        for pk in model._default_manager.values_list("pk", flat=True)[:30]:
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])
            yield reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[pk])


def _assert_tells_nothing(w, who, url, response):
    body = response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from tests.queries.test_documents import text

        try:
            body = text(bytes(response.content)).encode()
        except Exception:  # an uploaded file served as it came: read its bytes as they are
            body = bytes(response.content)
    body = body.decode(errors="replace")
    typed = unquote(url)  # a page may echo the search term the user typed; it must add nothing to it
    for secret in secrets_of(w):
        if secret in typed:
            body = body.replace(secret, "").replace(quote(secret), "")
        assert secret not in body, (who, url, secret)


ROLES = ["clerk_a", "reviewer_a", "clerk_b", "supervisor_x", "supervisor_y", "police_x", "court_supervisor",
         "policy_admin", "auditor", "system_admin", "superuser"]


@pytest.mark.parametrize("who", ROLES)
def test_no_role_sees_a_sealed_only_person_anywhere(world, client, who):
    client.force_login(world.users[who])
    before = AccessLog.objects.count()
    ok = 0
    walk = [(url, headers) for url in _urls(world) for headers in ({}, {"HTTP_HX_REQUEST": "true"})]
    walk += [(url, {}) for url in _admin_urls(world)]
    for url, headers in walk:
        response = client.get(url, **headers)
        _assert_tells_nothing(world, who, url, response)
        ok += response.status_code == 200
    assert ok >= 5  # the walk really read pages, not only refusals
    # without a permit nothing unmasked was read (the certificate's subject is the person's own document);
    # the one read the walk may cause is the handling clerk's correction page of an event, and it is logged
    reads = AccessLog.objects.filter(pk__gt=before, action=AccessAction.READ)
    assert not reads.exclude(reason="observation event shown for correction").exists()
    assert all(row.user == world.users["clerk_a"] for row in reads)


@pytest.mark.parametrize("who", ROLES)
def test_searches_find_nothing_of_a_sealed_only_person(world, client, who):
    client.force_login(world.users[who])
    response = client.get(reverse("sealing:case_list"), {"id_number": world.id_number})
    if response.status_code == 200:
        assert list(response.context["page"]) == []
    response = client.get(reverse("sealing:case_list"), {"case_number": NUMBER})
    if response.status_code == 200:
        assert list(response.context["page"]) == []
    home = client.get(reverse("home"))  # the work list counts and dates; it names no one
    _assert_tells_nothing(world, who, reverse("home"), home)


def test_the_same_walk_finds_an_open_person(cast, client):
    """So the walk can fail: an unsealed adult's name and birth date are on the pages it reads."""
    data = defendant_data(name=NAME, birth=BIRTH, charge="抢劫罪", judgment_effective_date=dt.date(2025, 6, 1))
    case, _record = enter_case(cast.clerk_a, number=NUMBER, defendants=[data], content=SECRET,
                               offense_date=dt.date(2025, 1, 10))  # an adult's robbery: never sealed
    client.force_login(cast.clerk_a)
    page = client.get(reverse("sealing:case_detail", args=[case.pk])).content.decode()
    assert NAME in page and BIRTH.isoformat() in page
    found = client.get(reverse("sealing:case_list"), {"id_number": data["id_number"]})
    assert list(found.context["page"]) == [case]


def test_a_permit_shows_the_content_and_logs_each_read_once(world, client):
    from django.utils import timezone

    officer = world.users["police_x"]
    services.grant_permit(record=world.record, user=officer, expires_at=timezone.now() + dt.timedelta(days=30),
                          reference="CX-2026-000001", purpose="认定事实、适用法律", granted_by=world.cast.reviewer_a)
    client.force_login(officer)
    url = reverse("sealing:record_detail", args=[world.record.pk])
    for n in (1, 2):
        body = client.get(url).content.decode()
        assert SECRET in body and NAME in body
        reads = AccessLog.objects.filter(user=officer, record=world.record, action=AccessAction.READ)
        assert reads.count() == n
        assert reads.first().permit is not None


def test_an_expired_permit_shows_nothing(world, client):
    from django.utils import timezone

    officer = world.users["police_x"]
    services.grant_permit(record=world.record, user=officer, expires_at=timezone.now() - dt.timedelta(minutes=1),
                          reference="CX-2026-000002", purpose="认定事实、适用法律", granted_by=world.cast.reviewer_a)
    client.force_login(officer)
    body = client.get(reverse("sealing:record_detail", args=[world.record.pk])).content.decode()
    assert SECRET not in body and NAME not in body
    assert not AccessLog.objects.filter(user=officer, action=AccessAction.READ).exists()


@pytest.mark.parametrize("who", ["clerk_a", "supervisor_x"])
def test_break_the_glass_opens_the_file_with_one_logged_reason(world, client, who):
    user = world.users[who]
    client.force_login(user)
    url = reverse("sealing:file_open", args=[world.file.pk])
    short = client.post(url, {"reason": "查看"})
    assert BIRTH.isoformat() not in short.content.decode()
    assert not AccessLog.objects.filter(user=user).exists()
    reason = "核实是否存在漏罪以决定是否解除封存（J-UNSEAL-HIDDEN）"
    page = client.post(url, {"reason": reason}).content.decode()
    assert NAME in page
    rows = AccessLog.objects.filter(user=user, action=AccessAction.BREAK_GLASS)
    assert rows.count() == 1 and rows.get().reason == reason and rows.get().defendant_id == world.file.defendant_id


@pytest.mark.parametrize("who", ["clerk_b", "supervisor_y", "police_x", "court_supervisor", "reviewer_a"])
def test_others_cannot_break_the_glass(world, client, who):
    user = world.users[who]
    client.force_login(user)
    response = client.post(reverse("sealing:file_open", args=[world.file.pk]),
                           {"reason": "只是想看看这个人的情况而已，没有别的理由"})
    assert response.status_code in (403, 404)
    assert NAME not in response.content.decode()
    assert not AccessLog.objects.filter(user=user).exists()
