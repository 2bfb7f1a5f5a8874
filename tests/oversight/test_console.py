"""The console's numbers for a small fixed data set, scoped to the supervisor's region and below."""
from __future__ import annotations

import datetime as dt

import pytest

from audit.services import append_only_lifted
from oversight import console
from oversight.models import Finding
from sealing import notices
from sealing.models import AccessLog
from tests.cast import TODAY

from .conftest import at
from .test_scans import juvenile_case

JUNE = dt.date(2026, 6, 1)
LATE_EVENING = dt.time(23, 30)


@pytest.fixture
def world(cast, others):
    """Three juvenile files of court A, each with a notice to police station X received on TODAY (deadline
    TODAY + 3): one copy sealed late in the evening of the deadline day (on time), one the day after (late), one
    still open."""
    made = []
    for i in range(3):
        _case, _record, file = juvenile_case(cast.clerk_a, number=f"（2024）粤0104刑初{20 + i}号", serial=20 + i,
                                             name=f"少年{i}")
        notice = notices.acknowledge_notice(file.notices.get(to_agency=others.police_x),
                                            user=others.police_clerk_x, now=at(TODAY))
        made.append(notice)
    on_time, late, still_open = made
    assert on_time.deadline == TODAY + dt.timedelta(days=3)
    notices.seal_notice_copy(on_time, user=others.police_clerk_x, now=at(on_time.deadline, LATE_EVENING))
    notices.seal_notice_copy(late, user=others.police_clerk_x, now=at(late.deadline + dt.timedelta(days=1)))
    return made


def test_the_deadline_day_is_on_time_the_day_after_is_late(cast, others, world):
    agencies = console.scope_agencies(cast.supervisor_x)
    period = console.Period(JUNE, JUNE)
    counts = console.copies_sealed(list(agencies.values_list("pk", flat=True)), period)
    assert counts == {(others.police_x.pk, JUNE): {"on_time": 1, "late": 1}}
    rows = console.monthly(agencies, period, as_of=TODAY + dt.timedelta(days=10))
    police = [r for r in rows if r.agency == others.police_x]
    assert len(police) == 1 and (police[0].on_time, police[0].late) == (1, 1)
    assert console.month_totals(rows, period) == [{"month": JUNE, "on_time": 1, "late": 1}]


def test_a_copy_still_open_is_overdue_only_after_the_deadline_day(cast, others, world):
    _on_time, _late, still_open = world
    agencies = console.scope_agencies(cast.supervisor_x)
    assert list(console.overdue_notices(agencies, as_of=still_open.deadline)) == []
    assert list(console.overdue_notices(agencies, as_of=still_open.deadline + dt.timedelta(days=1))) == [still_open]
    state = {r.agency: r for r in console.as_of_state(agencies, as_of=still_open.deadline + dt.timedelta(days=1))}
    assert state[others.police_x].overdue == 1


def test_undelivered_counts_notices_not_received_after_the_delivery_days(cast, others, world):
    agencies = console.scope_agencies(cast.supervisor_x)
    # the notices to the justice bureau of X were never received; sent on TODAY, three days to receive them
    assert console.undelivered_notices(agencies, as_of=TODAY + dt.timedelta(days=3)).count() == 0
    late = console.undelivered_notices(agencies, as_of=TODAY + dt.timedelta(days=4))
    assert late.count() >= 3 and all(n.received_on is None for n in late)
    assert others.police_x.pk not in {n.to_agency_id for n in late}


def test_reads_of_sealed_content_per_agency_and_month(cast, others, world):
    record = world[0].sealing_file.defendant.case.records.first()
    may = AccessLog.objects.create(user=others.police_clerk_x, record=record)
    june = [AccessLog.objects.create(user=others.police_clerk_x, record=record) for _ in range(2)]
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(pk=may.pk).update(at=at(dt.date(2026, 5, 31), LATE_EVENING))
        AccessLog.objects.filter(pk__in=[r.pk for r in june]).update(at=at(JUNE, dt.time(0, 30)))
    AccessLog.objects.create(user=others.police_clerk_y, record=record)
    with append_only_lifted():  # the access log is append-only: lifted to backdate
        AccessLog.objects.filter(user=others.police_clerk_y).update(at=at(JUNE))
    agencies = list(console.scope_agencies(cast.supervisor_x).values_list("pk", flat=True))
    reads = console.reads_of_sealed_content(agencies, console.Period(dt.date(2026, 5, 1), JUNE))
    assert reads == {(others.police_x.pk, dt.date(2026, 5, 1)): {"reads": 1}, (others.police_x.pk, JUNE): {"reads": 2}}


def test_supervisor_y_sees_nothing_of_region_x(cast, others, world):
    agencies = console.scope_agencies(cast.supervisor_y)
    assert others.police_x not in agencies and cast.agency_a not in agencies and others.police_y in agencies
    as_of = TODAY + dt.timedelta(days=10)
    assert console.monthly(agencies, console.Period(JUNE, JUNE), as_of=as_of) == []
    assert console.as_of_state(agencies, as_of=as_of) == []
    assert list(console.overdue_notices(agencies, as_of=as_of)) == []


def test_no_one_else_has_a_scope(cast, others):
    for user in (cast.clerk_a, cast.reviewer_a, others.police_clerk_x, others.justice_clerk_x):
        assert not console.scope_agencies(user).exists()
        assert not console.can_read_access_log(user)[0]
        assert not console.access_log_for(user).exists()


def test_open_findings_by_rule(cast, others, world):
    from oversight import services

    services.scan(world[2].deadline + dt.timedelta(days=1))
    agencies = console.scope_agencies(cast.supervisor_x)
    by_rule = {r["rule"]: r["n"] for r in console.open_findings_by_rule(agencies)}
    assert by_rule["S-UNSEALED"] == Finding.objects.open().filter(rule="S-UNSEALED", agency__in=agencies).count() >= 1
    assert console.open_findings_by_rule(console.scope_agencies(cast.supervisor_y)) == []


def test_the_period_runs_over_whole_months():
    period = console.Period.ending(dt.date(2026, 3, 15), months=3)
    assert period.months() == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    assert period.end == dt.date(2026, 4, 1)
    assert console.Period.ending(dt.date(2026, 1, 31), months=2).first == dt.date(2025, 12, 1)
    with pytest.raises(ValueError):
        console.Period(dt.date(2026, 3, 1), dt.date(2026, 2, 1))


def test_the_chart_stacks_late_on_on_time_scaled_to_the_highest_month():
    totals = [{"month": dt.date(2026, 1, 1), "on_time": 3, "late": 1},
              {"month": dt.date(2026, 2, 1), "on_time": 0, "late": 0},
              {"month": dt.date(2026, 3, 1), "on_time": 2, "late": 0}]
    chart = console.stacked_bars(totals, width=300, height=120, label_height=20)
    assert chart.maximum == 4
    assert [(b.label, b.series, b.value, b.height) for b in chart.bars] == [
        ("2026-01", "on_time", 3, 75.0), ("2026-01", "late", 1, 25.0), ("2026-03", "on_time", 2, 50.0)]
    jan_on_time, jan_late, _mar = chart.bars
    assert jan_on_time.y == 25.0 and jan_late.y == 0.0 and jan_on_time.y + jan_on_time.height == 100.0
    assert [label for _x, label in chart.labels] == ["2026-01", "2026-02", "2026-03"]


# --- instruments per agency and month (RULES.md §5, last paragraph) ------------------------------------------

MARCH, MAY = dt.date(2026, 3, 1), dt.date(2026, 5, 1)
DONE = "已对相关犯罪记录全部封存并建立台账"
WHY = "部分档案已移交上级机关，无法自行封存"


def _issue(supervisor, agency, issued_on, kind="recommendation"):
    from oversight import instruments

    made = instruments.draft_instrument(
        user=supervisor, kind=kind, agency=agency, facts="该局对已封存的未成年人犯罪记录未按期封存",
        legal_basis="《人民检察院刑事诉讼规则》第五百五十二条", correction_required="立即封存相关犯罪记录并书面回复",
        now=at(issued_on))
    return instruments.issue_instrument(made, user=supervisor, today=issued_on)


def _reply(instrument, clerk, day, outcome):
    from oversight import instruments

    return instruments.reply_to_instrument(instrument, user=clerk, outcome=outcome, today=day,
                                           actions=DONE if outcome != "not_adopted" else "",
                                           reasons=WHY if outcome != "adopted" else "")


@pytest.fixture
def instrument_world(cast, others):
    """Recommendations (two months to reply) to the justice bureau of X: one issued in March answered late in
    May and accepted; three issued on 4 May answered on time: adopted (20 May, awaiting the decision), partly
    (1 June), not adopted (15 May) rejected on 18 May and answered again, adopted, on 10 June; an oral
    correction issued in June; a draft never issued. In region Y, one to the police, answered in May."""
    from oversight import instruments

    sup, clerk = cast.supervisor_x, others.justice_clerk_x
    late = _issue(sup, others.justice_x, dt.date(2026, 3, 2))
    _reply(late, clerk, dt.date(2026, 5, 10), "adopted")
    instruments.accept_reply(late, user=sup, today=dt.date(2026, 5, 12))
    adopted = _issue(sup, others.justice_x, dt.date(2026, 5, 4))
    _reply(adopted, clerk, dt.date(2026, 5, 20), "adopted")
    partly = _issue(sup, others.justice_x, dt.date(2026, 5, 4))
    _reply(partly, clerk, dt.date(2026, 6, 1), "partly")
    again = _issue(sup, others.justice_x, dt.date(2026, 5, 4))
    _reply(again, clerk, dt.date(2026, 5, 15), "not_adopted")
    instruments.reject_reply(again, user=sup, reason="回复未说明整改措施，请重新书面回复", deadline=dt.date(2026, 6, 30),
                             today=dt.date(2026, 5, 18))
    _issue(sup, others.justice_x, dt.date(2026, 6, 3), kind="oral_correction")
    instruments.draft_instrument(user=sup, kind="recommendation", agency=others.justice_x, facts="草稿从未发出的检察建议",
                                 legal_basis="《人民检察院刑事诉讼规则》第五百五十二条",
                                 correction_required="立即封存相关犯罪记录并书面回复", now=at(dt.date(2026, 5, 4)))
    elsewhere = _issue(cast.supervisor_y, others.police_y, dt.date(2026, 5, 4))
    _reply(elsewhere, others.police_clerk_y, dt.date(2026, 5, 6), "adopted")
    return {"late": late, "adopted": adopted, "partly": partly, "again": again, "elsewhere": elsewhere}


def _instrument_counts(rows, agency):
    return {r.month: (r.issued, r.replied, r.replied_on_time, r.adopted, r.partly) for r in rows if r.agency == agency}


def test_instruments_issued_replied_on_time_and_adopted_per_agency_and_month(cast, others, instrument_world):
    from oversight import instruments

    period = console.Period(MARCH, JUNE)
    agencies = console.scope_agencies(cast.supervisor_x)
    # the rejected reply stands no more: until the agency answers again, May counts it replied, not adopted
    before = _instrument_counts(console.monthly(agencies, period, as_of=TODAY), others.justice_x)
    assert before[MAY] == (3, 3, 2, 2, 0)
    instruments.reply_to_instrument(instrument_world["again"], user=others.justice_clerk_x, outcome="adopted",
                                    actions=DONE, today=dt.date(2026, 6, 10))
    rows = console.monthly(agencies, period, as_of=dt.date(2026, 6, 15))
    assert _instrument_counts(rows, others.justice_x) == {
        # (issued, replied, replied on time, adopted, partly adopted)
        MARCH: (1, 0, 0, 0, 0),
        MAY: (3, 3, 2, 3, 0),  # the March one late; the re-replied one counts once, in the month of its first reply
        JUNE: (1, 1, 1, 0, 1),  # the oral correction; the partly adopted reply; not the second reply of 10 June
    }
    # a row with only instrument counts is a row
    assert all(r.on_time == r.late == r.queries == r.reads == 0 for r in rows if r.agency == others.justice_x)


def test_instruments_of_region_y_are_not_counted_for_x(cast, others, instrument_world):
    period = console.Period(MARCH, JUNE)
    x_rows = console.monthly(console.scope_agencies(cast.supervisor_x), period, as_of=TODAY)
    assert {r.agency for r in x_rows} == {others.justice_x}
    y_rows = console.monthly(console.scope_agencies(cast.supervisor_y), period, as_of=TODAY)
    assert _instrument_counts(y_rows, others.police_y) == {MAY: (1, 1, 1, 1, 0)}
    assert {r.agency for r in y_rows} == {others.police_y}


# --- the seal matrix per holding agency ----------------------------------------------------------------------

def test_sealing_notices_by_holding_agency(cast, others, world):
    """world: three notices to the police of X, received on TODAY; one copy sealed on time, one late, one open.
    The procuratorate of X received one of its three notices five days after sending (the policy gives three),
    the others never. Then the police register copies and seal them, on a notice and from the file page."""
    from accounts.factories import UserFactory
    from accounts.roles import CLERK
    from sealing import services as sealing_services
    from sealing.models import RecordKind

    on_time, _late, still_open = world
    proc_clerk = UserFactory(username="proc_clerk_x", agency=cast.procuratorate_x, roles=[CLERK])
    to_proc = [n.sealing_file.notices.get(to_agency=cast.procuratorate_x) for n in world]
    assert all(n.sent_on == TODAY for n in to_proc)
    notices.acknowledge_notice(to_proc[0], user=proc_clerk, now=at(TODAY + dt.timedelta(days=5)))
    agencies = console.scope_agencies(cast.supervisor_x)
    as_of = still_open.deadline + dt.timedelta(days=1)
    period = console.Period(JUNE, JUNE)
    rows = {r.agency: r for r in console.notices_by_agency(agencies, period, as_of=as_of)}
    police = rows[others.police_x]
    assert (police.sent, police.received, police.received_late, police.not_received) == (3, 3, 0, 0)
    assert (police.sealed, police.copies_sealed, police.overdue) == (2, 0, 1)  # the police held no copy
    proc = rows[cast.procuratorate_x]
    assert (proc.sent, proc.received, proc.received_late, proc.not_received) == (3, 1, 1, 2)
    assert (proc.sealed, proc.copies_sealed) == (0, 0)
    assert set(rows) == {others.police_x, cast.procuratorate_x}  # no notice to the court that sent them
    case = still_open.sealing_file.defendant.case
    for number in ("侦查卷宗-1", "侦查卷宗-2"):
        sealing_services.create_record(user=others.police_clerk_x, case=case, data={
            "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": number,
            "defendant": still_open.sealing_file.defendant, "content": "卷宗正文"})
    assert notices.seal_notice_copy(still_open, user=others.police_clerk_x, now=at(as_of)) == 2
    police = {r.agency: r for r in console.notices_by_agency(agencies, period, as_of=as_of)}[others.police_x]
    assert (police.sealed, police.copies_sealed, police.overdue) == (3, 2, 0)
    # a copy sealed from the file page (no notice on the seal) is the notified agency's copy all the same
    sealing_services.create_record(user=others.police_clerk_x, case=on_time.sealing_file.defendant.case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "侦查卷宗-3",
        "defendant": on_time.sealing_file.defendant, "content": "卷宗正文"})
    assert sealing_services.seal_file(on_time.sealing_file, user=others.police_clerk_x, today=as_of) == 1
    police = {r.agency: r for r in console.notices_by_agency(agencies, period, as_of=as_of)}[others.police_x]
    assert police.copies_sealed == 3
    # the period counts by the day sent: none in May
    assert console.notices_by_agency(agencies, console.Period(MAY, MAY), as_of=as_of) == []


def test_a_withdrawn_notice_is_left_out_of_the_matrix(cast, others, world):
    from django.utils import timezone

    _on_time, _late, still_open = world
    agencies = console.scope_agencies(cast.supervisor_x)
    type(still_open).objects.filter(pk=still_open.pk).update(withdrawn_at=timezone.now(), withdrawn_reason="测试")
    as_of = still_open.deadline + dt.timedelta(days=1)
    police = {r.agency: r for r in console.notices_by_agency(agencies, console.Period(JUNE, JUNE), as_of=as_of)}
    assert (police[others.police_x].sent, police[others.police_x].overdue) == (2, 0)


def test_the_matrix_of_y_holds_nothing_of_x(cast, others, world):
    as_of = world[2].deadline + dt.timedelta(days=1)
    assert console.notices_by_agency(console.scope_agencies(cast.supervisor_y), console.Period(JUNE, JUNE),
                                     as_of=as_of) == []


def test_receipt_is_late_by_the_delivery_days_of_the_files_policy_version(cast, others, world):
    """A later policy version with ten days of delivery changes nothing for files decided under the first (three
    days); a file decided under the later version counts its notice's receipt after five days as in time."""
    from accounts.factories import UserFactory
    from accounts.roles import CLERK
    from sealing.models import SealingFile, SealingPolicy

    proc_clerk = UserFactory(username="proc_clerk_x", agency=cast.procuratorate_x, roles=[CLERK])
    to_proc = [n.sealing_file.notices.get(to_agency=cast.procuratorate_x) for n in world]
    for notice in to_proc[:2]:
        notices.acknowledge_notice(notice, user=proc_clerk, now=at(TODAY + dt.timedelta(days=5)))
    first = to_proc[0].sealing_file.policy
    assert first is not None and first.notice_delivery_days == 3
    later = SealingPolicy.objects.get(pk=first.pk)
    later.pk, later.version, later.notice_delivery_days = None, first.version + 1, 10
    later.save()
    SealingFile.objects.filter(pk=to_proc[1].sealing_file_id).update(policy=later)
    agencies = console.scope_agencies(cast.supervisor_x)
    as_of = TODAY + dt.timedelta(days=8)  # the third notice: unreceived, three days up under the first version
    proc = {r.agency: r for r in console.notices_by_agency(agencies, console.Period(JUNE, JUNE), as_of=as_of)}
    assert (proc[cast.procuratorate_x].received_late, proc[cast.procuratorate_x].not_received) == (1, 1)
