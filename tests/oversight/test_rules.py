"""RULES.md §5 as pure functions: the boundaries of each finding's condition, and agreement with the law where
another app's rules hold it (J-WHEN-RECEIPT, Q-DEADLINE)."""
from __future__ import annotations

import datetime as dt

import pytest

from oversight import rules
from sealing.rules import files

D = dt.date(2026, 6, 1)
T = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("offset", range(-2, 8))
def test_the_set_based_bound_agrees_with_the_predicate(offset):
    """started_before(today, days) is the SQL bound of "start + days < today"."""
    start, days = D - dt.timedelta(days=offset), 3
    deadline = rules.own_copy_deadline(seal_date=start, days=days)
    assert rules.unsealed(deadline=deadline, sealed=False, today=D) == (start < rules.started_before(D, days))
    assert rules.undelivered(sent_on=start, received_on=None, today=D, days=days) == (
        start < rules.started_before(D, days))


def test_unsealed_is_j_when_receipt():
    assert rules.unsealed(deadline=D, sealed=False, today=D) is False  # the deadline day is in time
    assert rules.unsealed(deadline=D, sealed=False, today=D + dt.timedelta(days=1)) is True
    assert rules.unsealed(deadline=D, sealed=True, today=D + dt.timedelta(days=9)) is False
    assert rules.unsealed(deadline=None, sealed=False, today=D) is False  # no receipt yet: no deadline
    for today in (D, D + dt.timedelta(days=1)):
        assert rules.unsealed(deadline=D, sealed=False, today=today) == files.copy_overdue(
            deadline=D, sealed=False, today=today)


def test_undelivered_counts_a_late_receipt():
    sent = D
    assert not rules.undelivered(sent_on=sent, received_on=sent + dt.timedelta(days=3), today=D, days=3)
    assert rules.undelivered(sent_on=sent, received_on=sent + dt.timedelta(days=4), today=D, days=3)
    assert not rules.undelivered(sent_on=sent, received_on=None, today=sent + dt.timedelta(days=3), days=3)
    assert rules.undelivered(sent_on=sent, received_on=None, today=sent + dt.timedelta(days=4), days=3)


@pytest.mark.parametrize("regime, eligible, status, judged, sealed, expected", [
    ("juvenile", True, "sealed", dt.date(2012, 12, 31), False, True),
    ("juvenile", True, "pending", dt.date(2009, 3, 1), False, True),
    ("juvenile", True, "sealed", dt.date(2013, 1, 1), False, False),   # not before 2013
    ("juvenile", True, "sealed", dt.date(2012, 12, 31), True, False),  # sealed
    ("juvenile", False, "not_eligible", dt.date(2010, 1, 1), False, False),
    ("juvenile", True, "unsealed", dt.date(2010, 1, 1), False, False),
    ("adult", True, "sealed", dt.date(2010, 1, 1), False, False),
])
def test_retro(regime, eligible, status, judged, sealed, expected):
    assert rules.retro_unsealed(regime=regime, eligible=eligible, status=status, judgment_effective_date=judged,
                                copy_sealed=sealed, cutoff=dt.date(2013, 1, 1)) is expected


@pytest.mark.parametrize("status, end, expected", [
    ("provisionally_sealed", D - dt.timedelta(days=1), True),
    ("observing", D - dt.timedelta(days=1), True),
    ("provisionally_sealed", D, False),  # the last day of the period: final from tomorrow
    ("sealed", D - dt.timedelta(days=30), False),
    ("revoked", D - dt.timedelta(days=30), False),
    ("observing", None, False),
])
def test_observation_open(status, end, expected):
    assert rules.observation_open(status=status, observation_end=end, today=D) is expected


def test_answered_late():
    assert not rules.answered_late(deadline=D, answered=None, today=D)
    assert rules.answered_late(deadline=D, answered=None, today=D + dt.timedelta(days=1))
    assert not rules.answered_late(deadline=D, answered=D, today=D + dt.timedelta(days=30))
    assert rules.answered_late(deadline=D, answered=D + dt.timedelta(days=1), today=D + dt.timedelta(days=1))


def test_disclosed_beyond_compares_ids_as_text():
    assert rules.disclosed_beyond(["7", 8], [7, 8, 9]) == [9]
    assert rules.disclosed_beyond([], [3]) == [3]
    assert rules.disclosed_beyond([1, 2], [1]) == []


@pytest.mark.parametrize("has_basis, basis, record, conviction, expected", [
    (False, (), {"violence"}, True, rules.NO_BASIS),
    (True, {"violence", "sexual"}, {"property"}, True, rules.OUTSIDE_CATEGORIES),
    (True, {"violence"}, {"violence"}, False, rules.RELATED_RECORD),
    (True, {"violence"}, {"violence", "property"}, True, None),
])
def test_unit_disclosure_fault(has_basis, basis, record, conviction, expected):
    assert rules.unit_disclosure_fault(has_basis=has_basis, basis_categories=basis, record_categories=record,
                                       conviction=conviction) == expected


@pytest.mark.parametrize("permit, record, at, expires, ended, expected", [
    (False, 1, T, None, None, rules.NO_PERMIT),
    (True, 2, T, T + dt.timedelta(hours=1), None, rules.OTHER_RECORD),
    (True, 1, T, T - dt.timedelta(seconds=1), None, rules.EXPIRED),
    (True, 1, T, T + dt.timedelta(days=1), T - dt.timedelta(hours=1), rules.ENDED),
    (True, 1, T, T, None, None),  # at the moment of expiry: still within
    (True, 1, T, T + dt.timedelta(days=1), None, None),
])
def test_read_out_of_scope(permit, record, at, expires, ended, expected):
    assert rules.read_out_of_scope(has_permit=permit, record_id=record, permit_record_id=1, at=at,
                                   expires_at=expires, ended_at=ended) == expected


def test_read_volume_window_and_threshold():
    assert rules.read_window(D, 7) == (dt.date(2026, 5, 26), D)
    assert rules.read_window(D, 1) == (D, D)
    with pytest.raises(ValueError):
        rules.read_window(D, 0)
    assert not rules.read_volume_exceeded(reads=50, threshold=50)
    assert rules.read_volume_exceeded(reads=51, threshold=50)


@pytest.mark.parametrize("today, known, expected", [
    (dt.date(2026, 10, 31), {2026}, []),
    (dt.date(2026, 11, 1), {2026}, [2027]),
    (dt.date(2026, 12, 31), {2026, 2027}, []),
    (dt.date(2027, 1, 2), {2026}, [2027]),        # this year's, at any time
    (dt.date(2027, 11, 5), {2026}, [2027, 2028]),
])
def test_missing_calendar_years(today, known, expected):
    assert rules.missing_calendar_years(today=today, known_years=known) == expected
    assert rules.calendar_due(2027) == dt.date(2026, 11, 1)
