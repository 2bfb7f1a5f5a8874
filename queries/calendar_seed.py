"""Seeding the working calendar from chinese-calendar (which knows the years up to 2026)."""
import datetime as dt


def holiday_name(english: str | None) -> str:
    """The holiday's Chinese name (元旦, 春节 …): the note is Chinese like the rest of the calendar's data, whatever
    the package's own English names ("New Year's Day"); a name it does not know is kept as it is."""
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    return chinese.get(english, english or "")


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
            yield day, working, holiday_name(name) if not working else "调休上班"
        day += dt.timedelta(days=1)
