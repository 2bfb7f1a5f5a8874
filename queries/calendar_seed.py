"""Seeding the working calendar from chinese-calendar (which knows the years up to 2026)."""
import datetime as dt


def exceptional_days(first_year: int, last_year: int):
    """(date, is_working, note) for every day that differs from "Monday to Friday work"."""
    import chinese_calendar

    day, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    while day <= end:
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package does not know
            return
        if working != (day.weekday() < 5):
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            yield day, working, (name or "") if not working else "调休上班"
        day += dt.timedelta(days=1)
