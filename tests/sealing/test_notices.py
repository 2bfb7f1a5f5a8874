"""The agencies' side of the sealing notices (J-WHEN, J-WHEN-RECEIPT): who gets a notice, the receipt that
starts the deadline, the seal of exactly the agency's copies, overdue from the day after the deadline, the
bulk seal after a confirmation that says what it will do, the inbox that never names a hidden person, and
the PDF that does name the person, for the agencies concerned only, each download logged.

The cast (tests/cast.py) has courts and procuratorates; the police and the justice bureau are added here:
越秀区公安分局 and 越秀区司法局 in region X, 天河区公安分局 in region Y.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK
from sealing import documents, notices, selectors, services
from sealing.identity import make_id_number
from sealing.models import AccessAction, AccessLog, NoticeBasis, RecordKind, RecordSeal, SealingNotice
from tests.cast import TODAY, defendant_data, enter_case

CST = dt.timezone(dt.timedelta(hours=8))
NAME = "欧阳少华"
BIRTH = dt.date(2007, 3, 1)
SECRET = "少年欧阳于2024年1月在越秀区盗窃电动车一辆"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CST)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class Region:
    cast: object
    police: Agency
    justice: Agency
    police_y: Agency
    police_clerk: object
    proc_clerk: object
    justice_clerk: object
    police_y_clerk: object


@pytest.fixture
def region(cast):
    region_x, region_y = cast.agency_a.region, cast.agency_b.region
    police = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=region_x)
    justice = AgencyFactory(name="越秀区司法局", kind=Agency.Kind.JUSTICE, region=region_x)
    police_y = AgencyFactory(name="天河区公安分局", kind=Agency.Kind.POLICE, region=region_y)
    return Region(
        cast=cast, police=police, justice=justice, police_y=police_y,
        police_clerk=UserFactory(username="police_x", agency=police, roles=[CLERK]),
        proc_clerk=UserFactory(username="proc_x", agency=cast.procuratorate_x, roles=[CLERK]),
        justice_clerk=UserFactory(username="justice_x", agency=justice, roles=[CLERK]),
        police_y_clerk=UserFactory(username="police_y", agency=police_y, roles=[CLERK]),
    )


def judgment(r: Region, *, number="（2024）粤0104刑初301号", serial=1, name=NAME, effective=TODAY, holders=("police",),
             **sentence):
    """A juvenile's theft judged by the court of region X: entered before the judgment takes effect (the file is
    pending), the copies of the other agencies registered, then evaluated on the day it takes effect (the
    sweep's J-WHEN). Returns the sealing file."""
    data = defendant_data(name=name, birth=BIRTH, charge="盗窃罪", sentence_months=10, serial=serial,
                          id_number=make_id_number("440104", BIRTH, serial), judgment_effective_date=effective,
                          sentence_completed_date=None, **sentence)
    case, _record = enter_case(r.cast.clerk_a, number=number, defendants=[data], content=SECRET,
                               offense_date=dt.date(2024, 1, 10), today=effective - days(20))
    defendant = case.defendants.get()
    assert defendant.sealing_file.status == "pending"
    clerks = {"police": r.police_clerk, "procuratorate": r.proc_clerk, "police_y": r.police_y_clerk}
    for holder in holders:
        services.create_record(user=clerks[holder], case=case, data={
            "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": f"{holder}-{serial}",
            "defendant": defendant, "content": SECRET})
    file, applied = services.evaluate_file(defendant, as_of=effective)
    assert applied and file.status == "sealed"
    return file


def notice_to(file, agency) -> SealingNotice:
    return file.notices.get(to_agency=agency, withdrawn_at__isnull=True)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def frozen(monkeypatch):
    """Views read the clock: this sets it (timezone.localdate() reads timezone.now())."""
    def _freeze(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return _freeze


# --- who gets a notice (J-WHEN) ----------------------------------------------------------------------------

def test_a_juvenile_judgment_seals_the_courts_copy_and_notifies_the_procuratorate_and_police(region):
    file = judgment(region, holders=("police",))
    court_copy = file.defendant.case.records.get(holding_agency=region.cast.agency_a)
    assert RecordSeal.objects.get(record=court_copy).sealed_by is None  # the sweep's seal on the seal date
    sent = {n.to_agency.name: n for n in file.notices.all()}
    assert set(sent) == {"越秀区人民检察院", "越秀区公安分局"}  # not the justice bureau: no community sentence
    for notice in sent.values():
        assert notice.from_agency == region.cast.agency_a and notice.sent_on == TODAY
        assert notice.basis == NoticeBasis.RECEIPT and notice.deadline is None  # the clock starts on receipt
    police_copy = file.defendant.case.records.get(holding_agency=region.police)
    assert not RecordSeal.objects.filter(record=police_copy).exists()  # each agency seals its own copy


def test_a_suspended_sentence_also_notifies_the_justice_bureau_counted_from_full_execution(region):
    file = judgment(region, suspended=True, probation_months=12)
    notice = notice_to(file, region.justice)
    assert notice.basis == NoticeBasis.EXECUTION
    assert notice.execution_end == dt.date(2027, 6, 1) and notice.deadline == dt.date(2027, 6, 4)


def test_a_holder_of_a_covered_copy_in_another_region_gets_a_notice_too(region):
    file = judgment(region, holders=("police", "police_y"))
    assert notice_to(file, region.police_y).basis == NoticeBasis.RECEIPT
    assert not file.notices.filter(to_agency=region.cast.agency_b).exists()  # no copy, not of the kinds notified


# --- receipt and seal ----------------------------------------------------------------------------------------

def test_acknowledging_starts_the_deadline_and_writes_history(region):
    file = judgment(region)
    notice = notices.acknowledge_notice(notice_to(file, region.police), user=region.police_clerk,
                                        now=at(TODAY + days(1)))
    assert notice.received_on == TODAY + days(1) and notice.received_by == region.police_clerk
    assert notice.deadline == TODAY + days(4)  # seal_after_receipt_days = 3
    reasons = list(notice.history.values_list("history_change_reason", flat=True))
    assert "sealing notice received" in reasons and "sealing notice sent" in reasons


def test_acknowledging_in_the_browser_counts_from_the_day_of_receipt(region, login):
    notice = notice_to(judgment(region), region.police)
    response = login(region.police_clerk).post(reverse("sealing:notice_acknowledge", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.received_by == region.police_clerk and notice.deadline == notice.received_on + days(3)
    assert b'data-testid="step-received"' in response.content


def test_sealing_the_copy_seals_exactly_the_agencys_covered_open_copies(region):
    file = judgment(region, holders=("police", "procuratorate"))
    case = file.defendant.case
    whole_case = services.create_record(user=region.police_clerk, case=case, data={
        "kind": RecordKind.ELECTRONIC_DATA, "title": "电子数据", "document_number": "", "defendant": None,
        "content": SECRET})
    other_case = judgment(region, number="（2024）粤0104刑初302号", serial=2, name="张小明")
    other = other_case.defendant.case.records.get(holding_agency=region.police)
    notice = notice_to(file, region.police)
    count = notices.seal_notice_copy(notice, user=region.police_clerk, now=at(TODAY + days(2)))
    assert count == 2
    sealed = RecordSeal.objects.filter(notice=notice)
    assert {s.record.holding_agency for s in sealed} == {region.police}
    assert whole_case.pk in {s.record_id for s in sealed}
    assert all(s.sealed_by == region.police_clerk for s in sealed)
    assert not RecordSeal.objects.filter(record=other).exists()  # another file's copy stays as it was
    assert not RecordSeal.objects.filter(record__holding_agency=region.cast.procuratorate_x).exists()
    notice.refresh_from_db()
    assert notice.copy_sealed_at == at(TODAY + days(2)) and notice.copy_sealed_by == region.police_clerk
    assert notice.received_on == TODAY + days(2)  # sealing acknowledges an unacknowledged notice


def test_another_agencys_clerk_can_neither_acknowledge_nor_seal(region, login):
    notice = notice_to(judgment(region), region.police)
    with pytest.raises(notices.NoticeError):
        notices.acknowledge_notice(notice, user=region.cast.clerk_a, now=at(TODAY))
    with pytest.raises(notices.NoticeError):
        notices.seal_notice_copy(notice, user=region.proc_clerk, now=at(TODAY))

    court = english(login(region.cast.clerk_a))  # the sending court sees the notice, but does not act on it
    page = court.post(reverse("sealing:notice_acknowledge", args=[notice.pk]), follow=True).content.decode()
    assert "Only the agency the notice is addressed to acts on it." in page
    page = court.post(reverse("sealing:notice_seal"), {"notice": [notice.pk]}, follow=True).content.decode()
    assert "Nothing was sealed" in page
    court_detail = court.get(reverse("sealing:notice_detail", args=[notice.pk])).content.decode()
    assert 'data-testid="acknowledge"' not in court_detail and 'data-testid="seal"' not in court_detail

    procuratorate = login(region.proc_clerk)  # not the police's notice at all
    assert procuratorate.post(reverse("sealing:notice_acknowledge", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.received_at is None and notice.copy_sealed_at is None
    assert not RecordSeal.objects.filter(record__holding_agency=region.police).exists()


# --- overdue -----------------------------------------------------------------------------------------------------

def test_the_deadline_day_is_in_time_and_the_day_after_is_overdue(region, login, frozen):
    notice = notices.acknowledge_notice(notice_to(judgment(region), region.police), user=region.police_clerk,
                                        now=at(TODAY + days(1)))
    deadline = notice.deadline
    assert not notice.is_overdue(deadline) and notice.is_overdue(deadline + days(1))
    assert selectors.notice_deadline(notice, deadline).days_left == 0
    assert selectors.notice_deadline(notice, deadline + days(1)).days_overdue == 1

    client = login(region.police_clerk)
    frozen(at(deadline, 16))
    page = client.get(reverse("sealing:notice_inbox")).content.decode()
    assert 'data-state="due-today"' in page and "table-danger" not in page
    frozen(at(deadline + days(1), 9))
    page = english(client).get(reverse("sealing:notice_inbox")).content.decode()
    assert 'data-state="overdue" data-days="1"' in page and "1 days overdue" in page
    queue = client.get(reverse("sealing:work_queue")).content.decode()
    assert 'data-copy="overdue"' in queue


def test_overdue_notices_come_first_in_the_inbox(region, login, frozen):
    early = judgment(region, number="（2024）粤0104刑初311号", serial=11, name="甲某")
    late = judgment(region, number="（2024）粤0104刑初312号", serial=12, name="乙某")
    fresh = judgment(region, number="（2024）粤0104刑初313号", serial=13, name="丙某")
    notices.acknowledge_notice(notice_to(late, region.police), user=region.police_clerk, now=at(TODAY + days(5)))
    notices.acknowledge_notice(notice_to(early, region.police), user=region.police_clerk, now=at(TODAY))
    frozen(at(TODAY + days(7)))
    page = login(region.police_clerk).get(reverse("sealing:notice_inbox")).content.decode()
    serials = re.findall(r'data-testid="notice-row" data-serial="([^"]+)"', page)
    # early: 4 days overdue; fresh: not acknowledged yet; late: 1 day left
    assert serials == [notice_to(f, region.police).serial for f in (early, fresh, late)]


def test_the_sending_agency_sees_which_agencies_received_and_sealed_and_what_was_not_delivered(region, login, frozen):
    file = judgment(region)
    police = notice_to(file, region.police)
    notices.seal_notice_copy(police, user=region.police_clerk, now=at(TODAY + days(1)))
    frozen(at(TODAY + days(4)))  # the procuratorate has not acknowledged within 3 days of sending
    page = english(login(region.cast.clerk_a)).get(reverse("sealing:notice_inbox"), {"tab": "sent"}).content.decode()
    rows = dict(re.findall(r'data-serial="([^"]+)">(.*?)</tr>', page, re.S))
    assert 'data-state="sealed"' in rows[police.serial]
    assert "not delivered in time" in rows[notice_to(file, region.cast.procuratorate_x).serial]


# --- bulk seal, with a confirmation that says what will happen ---------------------------------------------------

def test_bulk_seal_confirmation_names_the_copies_and_the_days_overdue_and_a_second_submission_seals_nothing(
        region, login, frozen):
    first = judgment(region, number="（2024）粤0104刑初321号", serial=21, name="丁某")
    services.create_record(user=region.police_clerk, case=first.defendant.case, data={
        "kind": RecordKind.ELECTRONIC_DATA, "title": "电子数据", "document_number": "", "defendant": None,
        "content": SECRET})
    second = judgment(region, number="（2024）粤0104刑初322号", serial=22, name="戊某")
    notices.acknowledge_notice(notice_to(first, region.police), user=region.police_clerk, now=at(TODAY + days(1)))
    notices.acknowledge_notice(notice_to(second, region.police), user=region.police_clerk, now=at(TODAY + days(5)))
    frozen(at(TODAY + days(6)))  # first: deadline TODAY+4, 2 days overdue; second: deadline TODAY+8
    client = english(login(region.police_clerk))

    confirm = client.get(reverse("sealing:notice_seal"), {"scope": "all"})
    summary = re.search(r'data-testid="seal-summary">\s*<p[^>]*>(.*?)</p>', confirm.content.decode(), re.S).group(1)
    assert summary == ("On 2 sealing notices, 3 record copies held by 越秀区公安分局 will be sealed; 2 of them are past "
                       "their sealing deadline (2 days overdue).")
    assert not RecordSeal.objects.filter(record__holding_agency=region.police).exists()  # nothing sealed yet

    ids = [notice_to(first, region.police).pk, notice_to(second, region.police).pk]
    done = client.post(reverse("sealing:notice_seal"), {"notice": ids}, follow=True).content.decode()
    assert "3 record copies of your agency sealed on 2 sealing notices." in done
    assert RecordSeal.objects.filter(record__holding_agency=region.police).count() == 3

    again = client.post(reverse("sealing:notice_seal"), {"notice": ids}, follow=True).content.decode()
    assert "Nothing was sealed" in again
    assert RecordSeal.objects.filter(record__holding_agency=region.police).count() == 3


def test_all_overdue_offers_only_the_overdue_notices(region, login, frozen):
    late = judgment(region, number="（2024）粤0104刑初331号", serial=31, name="己某")
    judgment(region, number="（2024）粤0104刑初332号", serial=32, name="庚某")  # not acknowledged: not overdue
    notices.acknowledge_notice(notice_to(late, region.police), user=region.police_clerk, now=at(TODAY))
    frozen(at(TODAY + days(5)))
    page = login(region.police_clerk).get(reverse("sealing:notice_seal"), {"scope": "overdue"}).content.decode()
    assert re.findall(r'data-testid="seal-item" data-serial="([^"]+)"', page) == [notice_to(late, region.police).serial]


# --- masking, the PDF -------------------------------------------------------------------------------------------

def test_no_notice_page_names_the_hidden_person(region, login):
    file = judgment(region)
    notice = notice_to(file, region.police)
    id_number = file.defendant.person.id_number
    pages = [(region.police_clerk, reverse("sealing:notice_inbox") + f"?tab={tab}") for tab in
             ("inbox", "waiting", "sealed", "sent")]
    pages += [(region.cast.clerk_a, reverse("sealing:notice_inbox") + "?tab=sent"),
              (region.police_clerk, reverse("sealing:notice_detail", args=[notice.pk])),
              (region.cast.clerk_a, reverse("sealing:notice_detail", args=[notice.pk])),
              (region.cast.supervisor_x, reverse("sealing:notice_detail", args=[notice.pk])),
              (region.police_clerk, reverse("sealing:notice_seal") + f"?notice={notice.pk}"),
              (region.police_clerk, reverse("sealing:work_queue")),
              (region.cast.clerk_a, reverse("sealing:file_detail", args=[file.pk]))]
    for user, url in pages:
        response = login(user).get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert NAME not in body and id_number not in body and SECRET not in body, url
    inbox = login(region.police_clerk).get(reverse("sealing:notice_inbox")).content.decode()
    assert file.defendant.case.case_number in inbox  # what the clerk works with
    assert not AccessLog.objects.exists()  # nothing unmasked was read


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_names_the_person_for_the_agencies_concerned_and_each_download_is_logged(region, login):
    file = judgment(region)
    notice = notice_to(file, region.police)
    url = reverse("sealing:notice_pdf", args=[notice.pk])

    assert login(region.police_clerk).get(url).status_code == 302  # a GET hands out nothing
    assert not AccessLog.objects.exists()

    for user in (region.police_clerk, region.cast.clerk_a, region.cast.supervisor_x):
        response = login(user).post(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = _pdf_text(response.content).replace("\n", "")
        assert NAME in text and notice.serial in text and "越秀区公安分局" in text and "第二百八十六条" in text
        assert "侦查卷宗" in text and SECRET not in text  # what to seal, never its content
        log = AccessLog.objects.get(user=user)
        assert (log.action, log.defendant, log.reference) == (AccessAction.DOCUMENT, file.defendant, notice.serial)

    for user in (region.proc_clerk, region.cast.clerk_b, region.cast.supervisor_y, region.police_y_clerk):
        assert login(user).post(url).status_code == 404
        assert not AccessLog.objects.filter(user=user).exists()
    # a reviewer of the sending court sees no notices at all
    assert login(region.cast.reviewer_a).post(url).status_code == 403


def test_the_notice_document_is_deterministic_and_states_the_rule():
    values = dict(serial="FCTZ-2026-000001", addressee="越秀区司法局", case_number="（2024）粤0104刑初301号",
                  person_name=NAME, person_id_number="440104200703010012", regime="juvenile", provisional=False,
                  seal_date=TODAY, observation_end=None,
                  copies=[{"title": "社区矫正档案", "kind": "其他", "document_number": "越司矫〔2026〕8号"}],
                  basis="execution", days=3, execution_end=dt.date(2027, 6, 1), agency="越秀区人民法院", issued=TODAY)
    first = documents.render_sealing_notice(**values)
    assert first == documents.render_sealing_notice(**values)
    text = _pdf_text(first).replace("\n", "")
    assert "犯罪记录封存通知书" in text and "越秀区司法局：" in text and "越司矫〔2026〕8号" in text
    assert "刑罚执行完毕之日起3日内" in text and "2027年6月1日" in text and "2026年6月1日" in text
    receipt = _pdf_text(documents.render_sealing_notice(**dict(values, basis="receipt", copies=[])))
    assert "收到之日起3日内完成封存" in receipt.replace("\n", "") and "不代替封存" in receipt.replace("\n", "")


# --- the navigation, the work queue and the file page --------------------------------------------------------------

def test_the_navigation_counts_the_notices_to_act_on(region, login):
    judgment(region, number="（2024）粤0104刑初341号", serial=41, name="辛某")
    judgment(region, number="（2024）粤0104刑初342号", serial=42, name="壬某")
    page = login(region.police_clerk).get(reverse("sealing:work_queue")).content.decode()
    assert re.search(r'data-testid="notice-count">2<', page)
    court = login(region.cast.clerk_a).get(reverse("sealing:work_queue")).content.decode()
    assert 'data-testid="notice-count"' not in court  # the court has nothing to act on


def test_the_work_queue_shows_the_legal_status_and_the_agencys_copy_apart(region, login):
    file = judgment(region)
    rows = login(region.police_clerk).get(reverse("sealing:work_queue")).content.decode()
    row = re.search(r'data-testid="queue-row"[^>]*>.*?</tr>', rows, re.S).group(0)
    assert 'data-copy="open"' in row and 'data-testid="file-status"' in row and "text-bg-success" in row
    assert notice_to(file, region.police).serial in row  # the copy's deadline comes from the agency's notice
    notices.seal_notice_copy(notice_to(file, region.police), user=region.police_clerk, now=at(TODAY))
    after = login(region.police_clerk).get(reverse("sealing:work_queue")).content.decode()
    assert 'data-testid="queue-row"' not in after
    own = login(region.cast.clerk_a).get(reverse("sealing:work_queue"), {"tab": "hidden"}).content.decode()
    assert 'data-copy="sealed"' in own


def test_the_file_page_shows_each_agencys_notice_and_seal(region, login):
    file = judgment(region, holders=("police", "procuratorate"))
    notices.seal_notice_copy(notice_to(file, region.police), user=region.police_clerk, now=at(TODAY + days(1)))
    page = login(region.cast.clerk_a).get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    states = dict(re.findall(r'data-testid="matrix-row" data-agency="([^"]+)" data-state="([^"]+)"', page))
    assert states == {"越秀区人民法院": "sealed", "越秀区公安分局": "sealed", "越秀区人民检察院": "open"}
    assert notice_to(file, region.police).serial in page
