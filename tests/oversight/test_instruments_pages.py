"""The pages of instruments: the supervisor drafts, a second supervisor approves, the agency's clerk replies
from its inbox, the supervisor decides; court, police and justice users reach no supervision page but their
agency's inbox and reply pages; every URL is in the shared walk."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.roles import SUPERVISOR
from oversight import instruments, services
from oversight.models import Instrument, InstrumentState, ReplyDecision
from tests.cast import TODAY

from .conftest import at
from .test_instruments import BASIS, CORRECTION, FACTS

INSTRUMENT_URLS = {"oversight:instrument_list", "oversight:instrument_create", "oversight:instrument_detail",
                   "oversight:instrument_submit", "oversight:instrument_approve", "oversight:instrument_issue",
                   "oversight:instrument_accept", "oversight:instrument_reject", "oversight:instrument_review_answer",
                   "oversight:instrument_close", "oversight:inbox", "oversight:inbox_detail",
                   "oversight:instrument_reply", "oversight:instrument_review_request", "oversight:reply_attachment",
                   "oversight:instrument_pdf", "oversight:instrument_edit"}
SUPERVISOR_URLS = ["instrument_detail", "instrument_edit", "instrument_submit", "instrument_approve", "instrument_issue",
                   "instrument_accept", "instrument_reject", "instrument_review_answer", "instrument_close"]
AGENCY_URLS = ["inbox_detail", "instrument_reply", "instrument_review_request", "instrument_pdf"]


def test_every_instrument_url_is_in_the_shared_walk():
    from oversight.urls import urlpatterns
    from tests.test_sealed_walk import URLS

    ours = {f"oversight:{p.name}" for p in urlpatterns}
    assert INSTRUMENT_URLS <= ours and INSTRUMENT_URLS <= set(URLS)


@pytest.fixture
def chief_x(cast):
    user = UserFactory(username="chief_x", agency=cast.procuratorate_x, roles=[SUPERVISOR])
    user.user_permissions.add(Permission.objects.get(codename="approve_instrument"))
    return user


@pytest.fixture
def notice(cast, others, chief_x):
    """A correction notice to the police station of region X, issued on TODAY."""
    inst = instruments.draft_instrument(user=cast.supervisor_x, kind="correction_notice", agency=others.police_x,
                                        facts=FACTS, legal_basis=BASIS, correction_required=CORRECTION,
                                        now=at(TODAY))
    instruments.submit_for_approval(inst, user=cast.supervisor_x)
    instruments.approve_instrument(inst, user=type(chief_x).objects.get(pk=chief_x.pk), now=at(TODAY))
    return instruments.issue_instrument(inst, user=cast.supervisor_x, today=TODAY)


def test_a_supervisor_drafts_from_a_finding_and_a_second_supervisor_approves_through_the_pages(cast, others,
                                                                                                chief_x, client):
    finding = services.enter_complaint(user=cast.supervisor_x, source="hotline", agency=others.police_x,
                                       received_on=TODAY, description="群众反映公安未按期封存记录", today=TODAY)
    client.force_login(cast.supervisor_x)
    page = client.get(reverse("oversight:instrument_create") + f"?finding={finding.pk}").content.decode()
    assert finding.serial in page
    response = client.post(reverse("oversight:instrument_create"), {
        "kind": "correction_notice", "agency": others.police_x.pk, "findings": [finding.pk], "facts": FACTS,
        "legal_basis": BASIS, "correction_required": CORRECTION, "copy_to": ""})
    inst = Instrument.objects.get()
    assert response["Location"] == reverse("oversight:instrument_detail", args=[inst.pk])
    assert list(inst.findings.values_list("pk", flat=True)) == [finding.pk]
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="submit"' in detail and 'data-testid="issue"' not in detail
    client.post(reverse("oversight:instrument_edit", args=[inst.pk]), {
        "facts": FACTS + "，至今未予纠正", "legal_basis": BASIS, "correction_required": CORRECTION, "copy_to": "广州市公安局"})
    inst.refresh_from_db()
    assert inst.facts.endswith("至今未予纠正") and inst.copy_to == "广州市公安局"
    client.post(reverse("oversight:instrument_submit", args=[inst.pk]))
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="approve"' not in detail  # the drafter does not approve
    client.post(reverse("oversight:instrument_approve", args=[inst.pk]))
    inst.refresh_from_db()
    assert inst.state == InstrumentState.AWAITING_APPROVAL

    client.force_login(chief_x)
    client.post(reverse("oversight:instrument_approve", args=[inst.pk]))
    client.post(reverse("oversight:instrument_issue", args=[inst.pk]), {"deadline": ""})
    inst.refresh_from_db()
    assert inst.state == InstrumentState.ISSUED and inst.approved_by == chief_x
    assert inst.issued_on is not None and inst.deadline == inst.issued_on + dt.timedelta(days=15)
    response = client.post(reverse("oversight:instrument_edit", args=[inst.pk]), {
        "facts": "发出后试图修改事实内容", "legal_basis": BASIS, "correction_required": CORRECTION, "copy_to": ""})
    inst.refresh_from_db()
    assert response.status_code == 302 and inst.facts.endswith("至今未予纠正")  # issued: no longer edited


def test_the_police_clerk_replies_from_the_inbox_and_the_supervisor_rejects_then_accepts(cast, others, notice,
                                                                                          client):
    client.force_login(others.police_clerk_x)
    home = client.get(reverse("home")).content.decode()
    assert reverse("oversight:inbox") in home
    inbox = client.get(reverse("oversight:inbox")).content.decode()
    assert notice.serial in inbox
    response = client.post(reverse("oversight:instrument_reply", args=[notice.pk]), {
        "outcome": "not_adopted", "actions": "", "reasons": ""})
    assert response.status_code == 200 and not notice.replies.exists()
    client.post(reverse("oversight:instrument_reply", args=[notice.pk]), {
        "outcome": "adopted", "actions": "已封存全部相关记录并登记", "reasons": "",
        "attachments": [SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")]})
    reply = notice.replies.get()
    attachment = reply.attachments.get()
    assert client.get(reverse("oversight:reply_attachment", args=[attachment.pk])).content == b"%PDF-1.4 report"

    client.force_login(cast.supervisor_x)
    client.post(reverse("oversight:instrument_reject", args=[notice.pk]), {
        "reason": "未说明封存的具体记录和日期", "deadline": (dt.date.today() + dt.timedelta(days=10)).isoformat()})
    notice.refresh_from_db()
    assert notice.state == InstrumentState.REJECTED
    client.force_login(others.police_clerk_x)
    detail = client.get(reverse("oversight:inbox_detail", args=[notice.pk])).content.decode()
    assert "未说明封存的具体记录和日期" in detail
    client.post(reverse("oversight:instrument_reply", args=[notice.pk]), {
        "outcome": "adopted", "actions": "已于六月五日封存记录三份并登记", "reasons": ""})
    client.force_login(cast.supervisor_x)
    client.post(reverse("oversight:instrument_accept", args=[notice.pk]), {"note": ""})
    notice.refresh_from_db()
    assert notice.state == InstrumentState.CLOSED
    assert list(notice.replies.values_list("decision", flat=True)) == [ReplyDecision.REJECTED, ReplyDecision.ACCEPTED]


def test_review_is_requested_from_the_inbox_and_answered_by_the_supervisor(cast, others, notice, client):
    client.force_login(others.police_clerk_x)
    client.post(reverse("oversight:instrument_review_request", args=[notice.pk]), {"reason": "认定事实有误，请求复查"})
    notice.refresh_from_db()
    assert notice.state == InstrumentState.REVIEW
    client.force_login(cast.supervisor_x)
    client.post(reverse("oversight:instrument_review_answer", args=[notice.pk]),
                {"outcome": "withdrawn", "answer": "经复查，原通知认定有误，予以撤回"})
    notice.refresh_from_db()
    assert notice.state == InstrumentState.WITHDRAWN and notice.review_outcome == "withdrawn"


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "police_clerk_y", "justice_clerk_x", "supervisor_y",
                                 "court_supervisor"])
def test_no_one_else_reads_or_answers_the_notice(cast, others, notice, client, who):
    users = {"clerk_a": cast.clerk_a, "reviewer_a": cast.reviewer_a, "police_clerk_y": others.police_clerk_y,
             "justice_clerk_x": others.justice_clerk_x, "supervisor_y": cast.supervisor_y,
             "court_supervisor": UserFactory(username="court_sup", agency=cast.agency_a, roles=[SUPERVISOR])}
    client.force_login(users[who])
    for name in SUPERVISOR_URLS + AGENCY_URLS:
        response = client.get(reverse(f"oversight:{name}", args=[notice.pk]))
        assert response.status_code in (403, 404), (name, response.status_code)
        response = client.post(reverse(f"oversight:{name}", args=[notice.pk]),
                               {"outcome": "adopted", "actions": "已经纠正完毕并封存记录", "reason": "认定事实有误请求复查"})
        assert response.status_code in (403, 404), (name, response.status_code)
    assert notice.serial not in client.get(reverse("oversight:inbox")).content.decode()
    notice.refresh_from_db()
    assert notice.state == InstrumentState.ISSUED and not notice.replies.exists()


@pytest.mark.parametrize("who", ["clerk_a", "police_clerk_x", "justice_clerk_x", "court_supervisor"])
def test_agency_users_reach_only_their_inbox_of_the_supervision_pages(cast, others, notice, client, who):
    users = {"clerk_a": cast.clerk_a, "police_clerk_x": others.police_clerk_x,
             "justice_clerk_x": others.justice_clerk_x,
             "court_supervisor": UserFactory(username="court_sup", agency=cast.agency_a, roles=[SUPERVISOR])}
    client.force_login(users[who])
    for name in ("instrument_list", "instrument_create", "index", "finding_list"):
        assert client.get(reverse(f"oversight:{name}")).status_code == 403, name
    for name in SUPERVISOR_URLS:
        assert client.get(reverse(f"oversight:{name}", args=[notice.pk])).status_code == 403, name
    inbox = client.get(reverse("oversight:inbox"))  # every agency reads what is addressed to it
    assert inbox.status_code == 200 and (notice.serial in inbox.content.decode()) == (who == "police_clerk_x")
    if who == "police_clerk_x":
        assert client.get(reverse("oversight:inbox_detail", args=[notice.pk])).status_code == 200
        assert client.get(reverse("oversight:instrument_reply", args=[notice.pk])).status_code == 200
        pdf = client.get(reverse("oversight:instrument_pdf", args=[notice.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_upper_procuratorate_sees_what_was_reported_to_it(cast, others, notice, client):
    from accounts.factories import AgencyFactory
    from accounts.models import Agency

    city = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE,
                         region=cast.procuratorate_x.region.parent)
    # the city supervises the regions below anyway; a sibling's supervisor sees only what is reported to it
    city_sup = UserFactory(username="supervisor_city", agency=city, roles=[SUPERVISOR])
    instruments.remind_and_escalate(as_of=notice.deadline)
    instruments.remind_and_escalate(as_of=notice.deadline + dt.timedelta(days=15))
    notice.refresh_from_db()
    assert notice.escalated_to == city
    client.force_login(city_sup)
    listing = client.get(reverse("oversight:instrument_list") + "?escalated=1").content.decode()
    assert notice.serial in listing
    assert client.get(reverse("oversight:instrument_detail", args=[notice.pk])).status_code == 200
    client.force_login(cast.supervisor_y)
    assert notice.serial not in client.get(reverse("oversight:instrument_list")).content.decode()


def test_a_review_left_unanswered_is_shown_to_the_procuratorate_one_level_up(cast, others, notice, client):
    from accounts.factories import AgencyFactory
    from accounts.models import Agency

    city = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE,
                         region=cast.procuratorate_x.region.parent)
    city_sup = UserFactory(username="supervisor_city", agency=city, roles=[SUPERVISOR])
    issued = notice.issued_on
    instruments.request_review(notice, user=others.police_clerk_x, reason="认定事实有误，请求复查", today=issued)
    client.force_login(city_sup)
    assert notice.serial not in client.get(reverse("oversight:instrument_list") + "?escalated=1").content.decode()
    instruments.remind_and_escalate(as_of=issued + dt.timedelta(days=8))
    listing = client.get(reverse("oversight:instrument_list") + "?escalated=1").content.decode()
    assert notice.serial in listing and 'data-testid="review-overdue"' in listing
    page = client.get(reverse("oversight:instrument_detail", args=[notice.pk])).content.decode()
    assert 'data-testid="review-overdue"' in page


def test_the_document_prints_what_the_supervisor_wrote(cast, others, notice, client):
    from tests.queries.test_documents import text

    client.force_login(cast.supervisor_x)
    body = text(bytes(client.get(reverse("oversight:instrument_pdf", args=[notice.pk])).content))
    squeezed = "".join(body.split())
    for expected in ("纠正违法通知书", notice.serial, "越秀区公安分局", FACTS, CORRECTION, "越秀区人民检察院",
                     f"{notice.deadline.year}年{notice.deadline.month}月{notice.deadline.day}日"):
        assert "".join(expected.split()) in squeezed, expected
    draft = instruments.draft_instrument(user=cast.supervisor_x, kind="recommendation", agency=others.police_x,
                                         facts=FACTS, legal_basis=BASIS, correction_required=CORRECTION,
                                         now=at(TODAY))
    response = client.get(reverse("oversight:instrument_pdf", args=[draft.pk]))
    assert response.status_code == 302  # a draft has no document yet


def test_the_list_proposes_a_written_notice_after_three_oral_corrections(cast, others, client, monkeypatch):
    from oversight import views_instruments

    monkeypatch.setattr(views_instruments.timezone, "localdate", lambda: TODAY)  # the page's clock, fixed
    for day in (dt.date(2026, 1, 5), dt.date(2026, 3, 5), dt.date(2026, 5, 5)):
        oral = instruments.draft_instrument(user=cast.supervisor_x, kind="oral_correction", agency=others.police_x,
                                            facts=FACTS, legal_basis=BASIS, correction_required=CORRECTION,
                                            now=at(day))
        instruments.issue_instrument(oral, user=cast.supervisor_x, today=day)
    client.force_login(cast.supervisor_x)
    page = client.get(reverse("oversight:instrument_list")).content.decode()
    assert 'data-testid="oral-repeat"' in page and f"agency={others.police_x.pk}" in page
    form = client.get(reverse("oversight:instrument_create") + f"?kind=correction_notice&agency={others.police_x.pk}")
    assert form.context["form"].initial["agency"] == others.police_x
    client.force_login(cast.supervisor_y)
    assert 'data-testid="oral-repeat"' not in client.get(reverse("oversight:instrument_list")).content.decode()
