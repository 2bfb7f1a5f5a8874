"""Q-DEADLINE: 3 working days after the day of receipt, under the Chinese public-holiday calendar
as the database holds it (queries.WorkingDay, seeded 2004–2026), make-up working days counted."""
import datetime as dt

import pytest

from queries.models import WorkingDay
from queries.rules import QueryFacts, add_working_days, is_overdue, recommend, weekday_calendar
from queries.workdays import DatabaseCalendar, database_calendar, deadline_for, known_years

D = dt.date.fromisoformat


# --- the arithmetic, on a calendar given by hand ---------------------------------------------------

ARITHMETIC = [
    pytest.param("2025-03-03", 3, "2025-03-06", id="monday_to_thursday"),
    pytest.param("2025-03-07", 3, "2025-03-12", id="friday_to_wednesday"),
    pytest.param("2025-03-08", 3, "2025-03-12", id="saturday_receipt_counts_from_monday"),
    pytest.param("2025-03-09", 3, "2025-03-12", id="sunday_receipt_counts_from_monday"),
    pytest.param("2025-03-03", 1, "2025-03-04", id="one_day"),
    pytest.param("2025-03-06", 1, "2025-03-07", id="thursday_plus_one"),
    pytest.param("2025-03-07", 1, "2025-03-10", id="friday_plus_one_is_monday"),
]


@pytest.mark.parametrize("received, n, deadline", ARITHMETIC)
def test_working_days_on_plain_weekdays(received, n, deadline):
    assert add_working_days(D(received), n, weekday_calendar) == D(deadline)


def test_zero_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D("2025-03-03"), 0, weekday_calendar)


def test_a_calendar_without_working_days_fails_instead_of_looping():
    with pytest.raises(ValueError):
        add_working_days(D("2025-03-03"), 3, lambda day: False)


def test_database_calendar_answers_from_its_rows_else_weekdays():
    calendar = DatabaseCalendar.from_rows([(D("2030-01-01"), False), (D("2030-01-05"), True)])
    assert calendar(D("2030-01-01")) is False  # a Tuesday holiday
    assert calendar(D("2030-01-05")) is True  # a Saturday made a working day
    assert calendar(D("2030-01-02")) is True and calendar(D("2030-01-06")) is False
    assert calendar.year_known(2030) and not calendar.year_known(2031)
    assert calendar.known_years == {2030}


@pytest.mark.parametrize("received, deadline, warning", [
    pytest.param("2030-12-30", "2031-01-02", "calendar for 2031 not loaded: weekdays used", id="into_unknown_year"),
    pytest.param("2030-12-02", "2030-12-05", None, id="known_year"),
    pytest.param("2031-12-30", "2032-01-02", "calendar for 2031, 2032 not loaded: weekdays used", id="two_unknown"),
])
def test_warning_for_the_days_counted(received, deadline, warning):
    calendar = DatabaseCalendar.from_rows([(D("2030-01-01"), False)])
    assert deadline_for(D(received), 3, calendar) == (D(deadline), warning)


def test_overdue_flag():
    deadline = D("2025-03-06")
    assert not is_overdue(deadline, today=D("2025-03-06"))
    assert is_overdue(deadline, today=D("2025-03-07"))
    assert not is_overdue(deadline, today=D("2025-03-20"), answered=D("2025-03-06"))
    assert is_overdue(deadline, today=D("2025-03-20"), answered=D("2025-03-07"))


# --- the seeded calendar ---------------------------------------------------------------------------

SEEDED = [
    pytest.param("2025-03-03", "2025-03-06", id="plain_week_monday_to_thursday"),
    pytest.param("2025-03-07", "2025-03-12", id="friday_to_wednesday"),
    # National Day 2025: 10-01..10-08 off (10-06 is Mid-autumn), Sat 10-11 a make-up working day
    pytest.param("2025-09-30", "2025-10-11", id="national_day_2025_ends_on_the_make_up_saturday"),
    pytest.param("2025-10-09", "2025-10-13", id="make_up_saturday_counts_after_national_day"),
    # Sun 2025-09-28 is a make-up working day: Fri 26, Sun 28, Mon 29
    pytest.param("2025-09-25", "2025-09-29", id="make_up_sunday_counts"),
    # Spring Festival 2025: Sun 01-26 make-up, 01-28..02-04 off
    pytest.param("2025-01-24", "2025-02-05", id="spring_festival_2025"),
    # Labour Day 2024: Sun 04-28 make-up, 05-01..05-03 off (05-04/05 weekend), Sat 05-11 make-up
    pytest.param("2024-04-26", "2024-04-30", id="make_up_sunday_before_labour_day_2024"),
    pytest.param("2024-04-29", "2024-05-07", id="labour_day_2024"),
    pytest.param("2004-01-16", "2004-01-19", id="first_seeded_year_make_up_weekend"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("received, deadline", SEEDED)
def test_deadline_on_the_seeded_calendar(received, deadline):
    assert deadline_for(D(received)) == (D(deadline), None)


@pytest.mark.django_db
def test_the_seeded_rows_around_national_day_2025_are_what_the_table_above_assumes():
    rows = dict(WorkingDay.objects.filter(date__range=(D("2025-09-27"), D("2025-10-12")))
                .values_list("date", "is_working"))
    assert rows == {
        D("2025-09-28"): True,
        **{D(f"2025-10-{d:02}"): False for d in (1, 2, 3, 6, 7, 8)},
        D("2025-10-11"): True,
    }


@pytest.mark.django_db
def test_known_years_are_the_seeded_ones():
    assert known_years() == set(range(2004, 2027))
    assert database_calendar().known_years == frozenset(range(2004, 2027))


@pytest.mark.django_db
def test_the_calendar_is_read_with_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = database_calendar()
    with django_assert_num_queries(0):
        add_working_days(D("2025-09-30"), 3, calendar)
        calendar.year_known(2025)


@pytest.mark.django_db
@pytest.mark.parametrize("received, deadline, year", [
    pytest.param("2027-01-04", "2027-01-07", 2027, id="year_after_the_seed"),
    pytest.param("2026-12-30", "2027-01-04", 2027, id="running_into_the_unknown_year"),
    pytest.param("2003-12-01", "2003-12-04", 2003, id="year_before_the_seed"),
])
def test_year_missing_from_the_calendar_falls_back_to_weekdays_with_a_warning(received, deadline, year):
    assert deadline_for(D(received)) == (D(deadline), f"calendar for {year} not loaded: weekdays used")
    decision = recommend(
        QueryFacts(id="Q", requester="self", purpose="certificate", received=D(received)),
        lambda name: frozenset(), database_calendar(),
    )
    assert decision.deadline == D(deadline)
    assert decision.calendar_warning == f"calendar for {year} not loaded: weekdays used"
    assert decision.to_dict()["calendar_warning"] == decision.calendar_warning
    assert str(year) in decision.trace[-1].message


@pytest.mark.django_db
def test_a_year_loaded_by_an_administrator_is_used_and_no_longer_warned_about():
    WorkingDay.objects.create(date=D("2027-01-01"), is_working=False, note="New Year's Day")
    WorkingDay.objects.create(date=D("2027-01-02"), is_working=True, note="调休上班")  # hypothetical
    assert 2027 in known_years()
    # Wed 2026-12-30: Thu 31, (Fri 01-01 off), Sat 01-02 make-up, Mon 01-04 → the make-up day is the 2nd
    assert deadline_for(D("2026-12-30")) == (D("2027-01-04"), None)
    assert deadline_for(D("2026-12-31")) == (D("2027-01-05"), None)


@pytest.mark.django_db
def test_recommendation_through_the_database_calendar_reports_make_up_days():
    decision = recommend(
        QueryFacts(id="Q", requester="unit", purpose="employment_screening", received=D("2025-09-30")),
        lambda name: frozenset(), database_calendar(),
    )
    assert decision.deadline == D("2025-10-11")
    assert decision.calendar_warning is None
    step = decision.trace[-1]
    assert step.rule == "Q-DEADLINE"
    assert step.facts["makeup_working_days"] == [D("2025-10-11")]
    assert len(step.facts["holidays"]) == 6
