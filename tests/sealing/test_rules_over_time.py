"""The law of sealing over time (rules/files.py): when the calendar moves a file, who gets a sealing
notice, and when an agency's copy is due and overdue (J-WHEN, J-WHEN-RECEIPT, A-MODE)."""
import datetime as dt

import pytest

from sealing.rules.files import (
    community_sentence, copy_deadline, copy_overdue, execution_end, next_change, notice_recipient_kinds, undelivered,
)

D = dt.date


@pytest.mark.parametrize("status, seal_date, start, end, expected", [
    # pending: the start date (adult) or the effective date (juvenile) moves it
    ("pending", D(2026, 7, 1), D(2026, 7, 1), D(2027, 7, 1), D(2026, 7, 1)),
    ("pending", D(2026, 7, 1), None, None, D(2026, 7, 1)),
    # observe_then_seal: observing begins at the start date, before the seal date
    ("pending", D(2027, 7, 2), D(2026, 7, 1), D(2027, 7, 1), D(2026, 7, 1)),
    ("pending", None, None, None, None),  # still serving: only new facts move it
    # an observation ends: final from the day after the end date
    ("provisionally_sealed", D(2026, 7, 1), D(2026, 7, 1), D(2027, 7, 1), D(2027, 7, 2)),
    ("observing", D(2027, 7, 2), D(2026, 7, 1), D(2027, 7, 1), D(2027, 7, 2)),
    # settled files
    ("sealed", D(2026, 7, 1), None, None, None),
    ("not_eligible", None, None, None, None),
    ("revoked", D(2026, 7, 1), D(2026, 7, 1), D(2027, 7, 1), None),
    ("undetermined", None, None, None, None),
])
def test_next_change_is_the_day_the_calendar_moves_the_file(status, seal_date, start, end, expected):
    assert next_change(status=status, seal_date=seal_date, observation_start=start, observation_end=end) == expected


@pytest.mark.parametrize("kind, suspended, expected", [
    ("surveillance", False, True), ("fixed_term", True, True), ("detention", True, True),
    ("fixed_term", False, False), ("fine_only", False, False), ("", False, False), (None, False, False),
])
def test_community_sentences_are_surveillance_and_suspended_sentences(kind, suspended, expected):
    assert community_sentence(sentence_kind=kind, suspended=suspended) is expected


def test_execution_end_prefers_the_recorded_date_then_counts_from_the_effective_date():
    common = dict(judgment_effective_date=D(2026, 1, 31), sentence_completed_date=None)
    assert execution_end(sentence_kind="fixed_term", suspended=True, months=12, probation_months=13, **common) == D(2027, 2, 28)
    assert execution_end(sentence_kind="surveillance", suspended=False, months=6, probation_months=None, **common) == D(2026, 7, 31)
    assert execution_end(sentence_kind="surveillance", suspended=False, months=6, probation_months=None,
                         judgment_effective_date=D(2026, 1, 31), sentence_completed_date=D(2026, 6, 1)) == D(2026, 6, 1)
    assert execution_end(sentence_kind="fixed_term", suspended=False, months=12, probation_months=None, **common) is None
    assert execution_end(sentence_kind="surveillance", suspended=False, months=6, probation_months=None,
                         judgment_effective_date=None, sentence_completed_date=None) is None


@pytest.mark.parametrize("deciding, community, expected", [
    ("court", False, {"procuratorate", "police"}),
    ("court", True, {"procuratorate", "police", "justice"}),
    ("procuratorate", False, {"police"}),
    ("police", False, set()),
    ("justice", False, set()),
])
def test_j_when_notice_goes_to_every_other_agency_that_must_hold_a_copy(deciding, community, expected):
    assert notice_recipient_kinds(deciding_kind=deciding, disposition="sentenced", community=community) == expected


def test_receipt_deadline_runs_from_receipt_not_from_sending():
    assert copy_deadline(basis="receipt", received_on=None, execution_end=None, days=3) is None
    assert copy_deadline(basis="receipt", received_on=D(2026, 6, 10), execution_end=None, days=3) == D(2026, 6, 13)


def test_justice_bureau_deadline_runs_from_full_execution():
    assert copy_deadline(basis="execution", received_on=D(2026, 6, 10), execution_end=D(2027, 6, 1), days=3) == D(2027, 6, 4)
    assert copy_deadline(basis="execution", received_on=D(2026, 6, 10), execution_end=None, days=3) is None


@pytest.mark.parametrize("today, sealed, expected", [
    (D(2026, 6, 13), False, False),  # the deadline day is still in time
    (D(2026, 6, 14), False, True),   # 应封未封 from the day after
    (D(2026, 7, 1), True, False),    # only the agency's own seal counts, and it is there
])
def test_a_copy_is_overdue_the_day_after_its_deadline(today, sealed, expected):
    assert copy_overdue(deadline=D(2026, 6, 13), sealed=sealed, today=today) is expected


def test_no_deadline_no_overdue():
    assert copy_overdue(deadline=None, sealed=False, today=D(2030, 1, 1)) is False


@pytest.mark.parametrize("received, today, expected", [
    (None, D(2026, 6, 4), False),          # 3 days after sending: still in time
    (None, D(2026, 6, 5), True),           # not received within 3 days
    (D(2026, 6, 4), D(2026, 7, 1), False),
    (D(2026, 6, 5), D(2026, 7, 1), True),  # received, but late
])
def test_a_notice_not_received_within_three_days_is_undelivered(received, today, expected):
    assert undelivered(sent_on=D(2026, 6, 1), received_on=received, today=today, days=3) is expected
