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
