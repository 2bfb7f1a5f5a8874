"""Q-DEADLINE by answering agency, under the Chinese public-holiday calendar as the database holds it
(queries.WorkingDay, seeded 2004–2026): police and court 3 working days after the day of receipt,
make-up working days counted; procuratorate 7 calendar days after it, moved to the next working day
when the 7th is not one (SPP Rules art. 484; CPL art. 105). Fixed dates only: the engine reads no clock."""
import datetime as dt

import pytest

from queries.models import WorkingDay
from queries.rules import (
    DEFAULT_DEADLINE_POLICY,
    DeadlinePolicy,
    QueryFacts,
    add_calendar_days_to_working_day,
    add_working_days,
    answer_deadline,
    is_overdue,
    q_deadline,
    recommend,
    weekday_calendar,
    working_day_on_or_after,
)
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


# --- by answering agency (RULES.md Q-DEADLINE) ------------------------------------------------------

# National Day 2025 as the State Council arranged it: 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked
NATIONAL_DAY_2025_OFF = {D(f"2025-10-0{i}") for i in (1, 2, 3, 6, 7, 8)}
NATIONAL_DAY_2025_MAKEUP = {D("2025-09-28"), D("2025-10-11")}


def national_day_2025(day):
    return day in NATIONAL_DAY_2025_MAKEUP or (day.weekday() < 5 and day not in NATIONAL_DAY_2025_OFF)


def request_facts(received, agency=None):
    extra = {} if agency is None else {"answering_agency": agency}
    return QueryFacts(id="Q", requester="self", purpose="certificate", received=D(received), **extra)


def no_categories(name):
    return frozenset()


BY_AGENCY = [
    # police: the 3rd working day after receipt
    pytest.param("police", "2025-03-03", "2025-03-06", id="police_monday_to_thursday"),
    pytest.param("police", "2025-03-07", "2025-03-12", id="police_friday_to_wednesday"),
    pytest.param("police", "2025-03-08", "2025-03-12", id="police_saturday_receipt"),
    pytest.param("police", "2025-09-30", "2025-10-11", id="police_across_national_day_ends_on_make_up_saturday"),
    pytest.param("police", "2025-09-25", "2025-09-29", id="police_make_up_sunday_counted"),
    # court: 3 working days too (policy)
    pytest.param("court", "2025-03-03", "2025-03-06", id="court_monday_to_thursday"),
    pytest.param("court", "2025-03-07", "2025-03-12", id="court_friday_to_wednesday"),
    pytest.param("court", "2025-09-30", "2025-10-11", id="court_across_national_day"),
    # procuratorate: 7 calendar days after receipt, then the next working day if needed
    pytest.param("procuratorate", "2025-03-03", "2025-03-10", id="procuratorate_monday_to_monday"),
    pytest.param("procuratorate", "2025-03-04", "2025-03-11", id="procuratorate_7th_day_a_tuesday"),
    pytest.param("procuratorate", "2025-03-01", "2025-03-10", id="procuratorate_7th_day_saturday_moves_to_monday"),
    pytest.param("procuratorate", "2025-03-02", "2025-03-10", id="procuratorate_7th_day_sunday_moves_to_monday"),
    pytest.param("procuratorate", "2025-02-28", "2025-03-07", id="procuratorate_friday_to_friday"),
    pytest.param("procuratorate", "2025-09-26", "2025-10-09", id="procuratorate_7th_day_in_national_day_moves_after_it"),
    pytest.param("procuratorate", "2025-10-04", "2025-10-11", id="procuratorate_7th_day_a_make_up_saturday_stays"),
    pytest.param("procuratorate", "2025-09-21", "2025-09-28", id="procuratorate_7th_day_a_make_up_sunday_stays"),
    pytest.param("procuratorate", "2025-10-01", "2025-10-09", id="procuratorate_received_on_a_holiday"),
]


@pytest.mark.parametrize("agency, received, deadline", BY_AGENCY)
def test_deadline_by_answering_agency(agency, received, deadline):
    assert answer_deadline(D(received), agency, national_day_2025) == D(deadline)
    decision = recommend(request_facts(received, agency), no_categories, national_day_2025)
    assert decision.deadline == D(deadline)
    assert decision.answering_agency == agency
    step = decision.trace[-1]
    assert step.rule == "Q-DEADLINE"
    assert step.facts["answering_agency"] == agency
    assert step.facts["deadline"] == D(deadline)


def test_police_is_the_default_answering_agency():
    assert QueryFacts(id="Q", requester="self", purpose="certificate", received=D("2025-03-07")).answering_agency \
        == "police"
    assert recommend(request_facts("2025-03-07"), no_categories, weekday_calendar).deadline == D("2025-03-12")


def test_procuratorate_trace_names_the_seventh_day_and_the_move():
    step = recommend(request_facts("2025-03-01", "procuratorate"), no_categories, weekday_calendar).trace[-1]
    assert step.facts["calendar_days"] == 7
    assert step.facts["last_day"] == D("2025-03-08")
    assert step.facts["moved"] is True
    assert step.facts["skipped"] == [D("2025-03-08"), D("2025-03-09")]
    assert "第四百八十四条" in step.source and "第一百零五条" in step.source
    assert "顺延" in step.message and "2025年3月10日" in step.message
    unmoved = recommend(request_facts("2025-03-03", "procuratorate"), no_categories, weekday_calendar).trace[-1]
    assert unmoved.facts["moved"] is False and "顺延" not in unmoved.message


def test_police_and_court_traces_count_working_days():
    police = recommend(request_facts("2025-09-30", "police"), no_categories, national_day_2025).trace[-1]
    assert police.facts["working_days"] == 3
    assert police.facts["counted"] == [D("2025-10-09"), D("2025-10-10"), D("2025-10-11")]
    assert police.facts["makeup_working_days"] == [D("2025-10-11")]
    assert len(police.facts["holidays"]) == 6
    court = recommend(request_facts("2025-09-30", "court"), no_categories, national_day_2025).trace[-1]
    assert court.facts["working_days"] == 3
    assert "及时" in court.source


def test_the_policy_numbers_are_a_frozen_dataclass_with_the_rules_defaults():
    assert DEFAULT_DEADLINE_POLICY == DeadlinePolicy(police_working_days=3, procuratorate_days=7, court_working_days=3)
    with pytest.raises(Exception):
        DEFAULT_DEADLINE_POLICY.police_working_days = 5  # frozen


@pytest.mark.parametrize("changes", [
    {"police_working_days": 0}, {"procuratorate_days": -1}, {"court_working_days": "3"},
    {"police_working_days": True}, {"procuratorate_days": 1000},
])
def test_an_impossible_policy_number_is_refused(changes):
    with pytest.raises(ValueError):
        DeadlinePolicy(**changes)


@pytest.mark.parametrize("agency, received, deadline", [
    pytest.param("police", "2025-03-03", "2025-03-10", id="police_5_working_days"),
    pytest.param("procuratorate", "2025-03-03", "2025-03-05", id="procuratorate_2_days"),
    pytest.param("court", "2025-03-03", "2025-03-04", id="court_1_working_day"),
])
def test_recommend_takes_the_policy(agency, received, deadline):
    policy = DeadlinePolicy(police_working_days=5, procuratorate_days=2, court_working_days=1)
    decision = recommend(request_facts(received, agency), no_categories, weekday_calendar, policy=policy)
    assert decision.deadline == D(deadline)


def test_the_working_days_keyword_still_sets_the_police_number():
    assert recommend(request_facts("2025-03-03"), no_categories, weekday_calendar, working_days=5).deadline \
        == D("2025-03-10")
    policy = DeadlinePolicy(police_working_days=1, court_working_days=2)
    # the keyword wins over the policy's police number and leaves the others alone
    assert recommend(request_facts("2025-03-03"), no_categories, weekday_calendar, 5, policy=policy).deadline \
        == D("2025-03-10")
    assert recommend(request_facts("2025-03-03", "court"), no_categories, weekday_calendar, 5, policy=policy).deadline \
        == D("2025-03-05")


def test_q_deadline_keeps_its_positional_form():
    step, deadline, warning = q_deadline(D("2025-03-07"), weekday_calendar, 3)
    assert (step.rule, deadline, warning) == ("Q-DEADLINE", D("2025-03-12"), None)


def test_unknown_answering_agency_is_a_programming_error():
    with pytest.raises(ValueError):
        recommend(request_facts("2025-03-03", "ministry"), no_categories, weekday_calendar)
    with pytest.raises(ValueError):
        answer_deadline(D("2025-03-03"), "ministry", weekday_calendar)


def test_calendar_day_helpers():
    assert working_day_on_or_after(D("2025-03-08"), weekday_calendar) == D("2025-03-10")
    assert working_day_on_or_after(D("2025-03-07"), weekday_calendar) == D("2025-03-07")
    assert add_calendar_days_to_working_day(D("2025-03-01"), 7, weekday_calendar) == D("2025-03-10")
    with pytest.raises(ValueError):
        add_calendar_days_to_working_day(D("2025-03-01"), 0, weekday_calendar)
    with pytest.raises(ValueError):
        working_day_on_or_after(D("2025-03-01"), lambda day: False)


SEEDED_BY_AGENCY = [
    # Spring Festival 2025: 01-28..02-04 off; the 7th day (Fri 01-31) is a holiday
    pytest.param("procuratorate", "2025-01-24", "2025-02-05", id="procuratorate_spring_festival_2025"),
    # Labour Day 2025: 05-01..05-05 off
    pytest.param("procuratorate", "2025-04-24", "2025-05-06", id="procuratorate_labour_day_2025"),
    # Sun 2025-01-26 and Sat 2024-10-12 are make-up working days: the 7th day stays
    pytest.param("procuratorate", "2025-01-19", "2025-01-26", id="procuratorate_make_up_sunday_2025"),
    pytest.param("procuratorate", "2024-10-05", "2024-10-12", id="procuratorate_make_up_saturday_2024"),
    pytest.param("police", "2025-01-24", "2025-02-05", id="police_spring_festival_2025"),
    pytest.param("court", "2024-04-29", "2024-05-07", id="court_labour_day_2024"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("agency, received, deadline", SEEDED_BY_AGENCY)
def test_deadline_by_agency_on_the_seeded_calendar(agency, received, deadline):
    decision = recommend(request_facts(received, agency), no_categories, database_calendar())
    assert (decision.deadline, decision.calendar_warning) == (D(deadline), None)


@pytest.mark.django_db
def test_procuratorate_deadline_in_a_year_not_loaded_warns():
    # Mon 2026-12-28 + 7 = Mon 2027-01-04; 2027 is not seeded
    decision = recommend(request_facts("2026-12-28", "procuratorate"), no_categories, database_calendar())
    assert decision.deadline == D("2027-01-04")
    assert decision.calendar_warning == "calendar for 2027 not loaded: weekdays used"
    assert decision.trace[-1].outcome == "warning"
