"""The supervisor's pages: only procuratorate supervisors reach them, each only its region and below; triage
and complaints through the services, every step in history; no page shows a sealed person's name."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import AUDITOR, SUPERVISOR
from oversight import services
from oversight.models import Finding, Source, Triage
from tests.cast import TODAY, defendant_data, enter_case

from .conftest import at

NAME = "欧阳少年"
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))


@pytest.fixture
def findings(cast, others):
    """A sealed juvenile's file in region X whose copy and notices are overdue, and one in region Y."""
    case_x, _record = enter_case(cast.clerk_a, number="（2024）粤0104刑初88号",
                                 defendants=[defendant_data(name=NAME, serial=88, **JUVENILE)],
                                 offense_date=dt.date(2023, 5, 6))
    clerk_b_case, _record_b = enter_case(cast.clerk_b, number="（2024）粤0106刑初89号",
                                         defendants=[defendant_data(name="天河少年", serial=89, **JUVENILE)],
                                         offense_date=dt.date(2023, 5, 6))
    services.scan(TODAY + dt.timedelta(days=10))
    x = Finding.objects.filter(sealing_file__defendant__case=case_x, rule="S-UNSEALED").get()
    y = Finding.objects.filter(sealing_file__defendant__case=clerk_b_case, rule="S-UNSEALED").get()
    return x, y


def oversight_urls(finding) -> list[str]:
    return [reverse("oversight:index"), reverse("oversight:finding_list"),
            reverse("oversight:finding_detail", args=[finding.pk]),
            reverse("oversight:finding_accept", args=[finding.pk]),
            reverse("oversight:finding_dismiss", args=[finding.pk]),
            reverse("oversight:complaint_create"), reverse("oversight:console"),
            reverse("oversight:console_export")]


def test_every_oversight_url_is_in_the_shared_walk():
    """tests/test_sealed_walk.py reads every oversight page as ten roles over a sealed-only person."""
    from oversight.urls import urlpatterns
    from tests.test_sealed_walk import URLS

    ours = {f"oversight:{p.name}" for p in urlpatterns
            if not p.name.startswith(("instrument", "inbox", "reply_"))}  # tests/oversight/test_instruments_pages.py
    assert ours == {"oversight:index", "oversight:finding_list", "oversight:finding_detail",
                    "oversight:finding_accept", "oversight:finding_dismiss", "oversight:complaint_create",
                    "oversight:console", "oversight:console_export", "oversight:access_log"}
    assert ours <= set(URLS)


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "clerk_b", "police_clerk_x", "justice_clerk_x",
                                 "court_supervisor", "auditor"])
def test_no_one_but_a_procuratorate_supervisor_reaches_a_supervision_page(cast, others, findings, client, who):
    users = {
        "clerk_a": cast.clerk_a, "reviewer_a": cast.reviewer_a, "clerk_b": cast.clerk_b,
        "police_clerk_x": others.police_clerk_x, "justice_clerk_x": others.justice_clerk_x,
        "court_supervisor": UserFactory(username="court_sup", agency=cast.agency_a, roles=[SUPERVISOR]),
        "auditor": UserFactory(username="auditor_x", agency=cast.procuratorate_x, roles=[AUDITOR]),
    }
    client.force_login(users[who])
    x, _y = findings
    for url in oversight_urls(x):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "理由足够长的驳回说明文字", "note": "x"}).status_code in (403, 405), url
    x.refresh_from_db()
    assert x.triage == Triage.PENDING and Finding.objects.filter(source__in=["hotline", "petition"]).count() == 0
    assert f'href="{reverse("oversight:index")}"' not in client.get(reverse("home")).content.decode()


def test_a_supervisor_reaches_nothing_of_another_region(cast, others, findings, client):
    x, y = findings
    client.force_login(cast.supervisor_y)
    listing = client.get(reverse("oversight:finding_list"), {"state": "all"}).content.decode()
    assert y.serial in listing and x.serial not in listing
    for url in oversight_urls(x)[2:5]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "理由足够长的驳回说明文字"}).status_code == 404, url
    x.refresh_from_db()
    assert x.triage == Triage.PENDING
    # nor can a complaint be entered against an agency of region X
    response = client.post(reverse("oversight:complaint_create"), {
        "source": "hotline", "received_on": TODAY.isoformat(), "agency": cast.agency_a.pk,
        "description": "来电反映越秀区法院未封存未成年人犯罪记录"})
    assert response.status_code == 200 and not Finding.objects.filter(source="hotline").exists()


def test_the_supervisor_of_x_reads_its_findings_without_a_sealed_name(cast, others, findings, client):
    x, y = findings
    client.force_login(cast.supervisor_x)
    assert client.get(reverse("oversight:index"))["Location"] == reverse("oversight:console")
    listing = client.get(reverse("oversight:finding_list")).content.decode()
    assert x.serial in listing and y.serial not in listing and NAME not in listing
    page = client.get(reverse("oversight:finding_detail", args=[x.pk])).content.decode()
    assert "（2024）粤0104刑初88号" in page and NAME not in page and NAME[0] + "***" in page
    assert x.get_rule_display() in page
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("oversight:index")}"' in home


def test_filters(cast, others, findings, client):
    x, _y = findings
    client.force_login(cast.supervisor_x)
    url = reverse("oversight:finding_list")
    undelivered = client.get(url, {"rule": "S-UNDELIVERED"})
    assert all(row["finding"].rule == "S-UNDELIVERED" for row in undelivered.context["rows"])
    assert len(undelivered.context["rows"]) == 2  # the notices to the procuratorate and the police
    by_agency = client.get(url, {"agency": others.police_x.pk}).context["rows"]
    assert by_agency and all(row["finding"].agency == others.police_x for row in by_agency)
    assert client.get(url, {"state": "closed"}).context["rows"] == []
    services.accept_finding(x, user=cast.supervisor_x, now=at(TODAY))
    accepted = client.get(url, {"triage": "accepted"}).context["rows"]
    assert [row["finding"] for row in accepted] == [x]
    assert client.get(url, {"source": "complaint"}).context["rows"] == []
    assert client.get(url, {"agency": cast.agency_b.pk}).context["form"].errors  # not an agency it supervises


def test_accept_confirms_then_accepts_with_history(cast, others, findings, client):
    x, _y = findings
    client.force_login(cast.supervisor_x)
    url = reverse("oversight:finding_accept", args=[x.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "data-testid=\"confirmation\"" in confirm.content.decode()
    x.refresh_from_db()
    assert x.triage == Triage.PENDING  # a GET changes nothing
    response = client.post(url, {"note": "调阅该院封存台账核实"})
    assert response.status_code == 302
    x.refresh_from_db()
    assert x.triage == Triage.ACCEPTED and x.triaged_by == cast.supervisor_x and x.triage_reason == "调阅该院封存台账核实"
    assert x.history.first().history_change_reason == "accepted as a lead"
    assert x.history.first().history_user == cast.supervisor_x
    # accepted once: the button is gone and a second accept is refused
    page = client.get(reverse("oversight:finding_detail", args=[x.pk])).content.decode()
    assert 'data-testid="accept"' not in page and 'data-testid="dismiss"' in page
    assert client.get(url).status_code == 302


def test_dismiss_needs_a_reason(cast, others, findings, client):
    x, _y = findings
    client.force_login(cast.supervisor_x)
    url = reverse("oversight:finding_dismiss", args=[x.pk])
    short = client.post(url, {"reason": "无"})
    assert short.status_code == 200 and short.context["form"].errors
    x.refresh_from_db()
    assert x.triage == Triage.PENDING
    client.post(url, {"reason": "该院已书面说明系系统故障，次日补封"})
    x.refresh_from_db()
    assert x.triage == Triage.DISMISSED and x.triage_reason == "该院已书面说明系系统故障，次日补封"
    assert x.history.first().history_change_reason == "dismissed"
    with pytest.raises(services.OversightError):
        services.dismiss_finding(x, user=cast.supervisor_x, reason="再次驳回此线索的理由说明", now=at(TODAY))


def test_a_closed_finding_is_not_triaged(cast, others, findings):
    from sealing import services as sealing_services

    x, _y = findings
    sealing_services.seal_file(x.sealing_file, user=cast.clerk_a, today=TODAY)
    services.scan(TODAY + dt.timedelta(days=11))
    x.refresh_from_db()
    assert x.state == "closed"
    with pytest.raises(services.OversightError):
        services.accept_finding(x, user=cast.supervisor_x, now=at(TODAY))


def test_enter_a_complaint(cast, others, client, monkeypatch):
    from django.utils import timezone

    # the page reads the clock: it stands at TODAY, so a date 400 days later is in the future
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.timezone.utc))
    client.force_login(cast.supervisor_x)
    url = reverse("oversight:complaint_create")
    form = client.get(url).context["form"]
    assert set(form.fields["agency"].queryset) == {cast.agency_a, cast.procuratorate_x, others.police_x,
                                                   others.justice_x}
    future = client.post(url, {"source": "petition", "received_on": (TODAY + dt.timedelta(days=400)).isoformat(),
                               "agency": others.police_x.pk, "description": "来信反映公安分局未封存其子的犯罪记录"})
    assert future.context["form"].errors and not Finding.objects.exists()
    response = client.post(url, {
        "source": "application", "received_on": "2026-05-20", "agency": others.police_x.pk,
        "rule": "S-UNSEALED", "complainant": "陈某某",
        "description": "本人2009年未满十八周岁时的盗窃罪记录至今未封存，申请封存并开具无犯罪记录证明"})
    finding = Finding.objects.get(source=Source.APPLICATION)
    assert response["Location"] == reverse("oversight:finding_detail", args=[finding.pk])
    assert finding.key == f"complaint:{finding.serial}" and finding.region == others.police_x.region
    assert finding.detected_on == dt.date(2026, 5, 20) and finding.entered_by == cast.supervisor_x
    assert finding.history.first().history_change_reason == "complaint entered"
    with connection.cursor() as cursor:  # the complaint may name people: encrypted at rest
        cursor.execute("SELECT description, complainant FROM oversight_finding WHERE id = %s", [finding.pk])
        raw = " ".join(cursor.fetchone())
    assert "陈某某" not in raw and "盗窃" not in raw
    # the scan never closes a complaint
    services.scan(TODAY)
    finding.refresh_from_db()
    assert finding.state == "open"
    page = client.get(response["Location"]).content.decode()
    assert "陈某某" in page and "申请封存" in page


def test_a_finding_of_every_region_is_seen_by_all_and_triaged_at_the_top(cast, others, client):
    from queries.models import WorkingDay

    WorkingDay.objects.filter(date__year=2027).delete()
    WorkingDay.objects.get_or_create(date=dt.date(2026, 1, 1), defaults={"is_working": False, "note": "元旦"})
    services.scan(dt.date(2026, 11, 2))
    calendar = Finding.objects.get(rule="S-CALENDAR")
    for supervisor in (cast.supervisor_x, cast.supervisor_y):
        client.force_login(supervisor)
        assert client.get(reverse("oversight:finding_detail", args=[calendar.pk])).status_code == 200
        with pytest.raises(services.OversightError):
            services.accept_finding(calendar, user=supervisor, now=at(TODAY))
    city = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE, region=cast.agency_a.region.parent)
    city_supervisor = UserFactory(username="supervisor_city", agency=city, roles=[SUPERVISOR])
    services.accept_finding(calendar, user=city_supervisor, now=at(TODAY))
    calendar.refresh_from_db()
    assert calendar.triage == Triage.ACCEPTED


def test_the_city_supervisor_sees_both_districts(cast, others, findings, client):
    x, y = findings
    city = AgencyFactory(name="广州市人民检察院", kind=Agency.Kind.PROCURATORATE, region=cast.agency_a.region.parent)
    client.force_login(UserFactory(username="supervisor_city", agency=city, roles=[SUPERVISOR]))
    listing = client.get(reverse("oversight:finding_list")).content.decode()
    assert x.serial in listing and y.serial in listing
