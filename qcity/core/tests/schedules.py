"""Holiday schedules for tests: a year without its official schedule, and a plausible official one to enter.

The suite must not depend on which years the installed `chinesecalendar` covers: a test that needs a year
without a schedule takes `last_official_year() + 1`, or removes a year's rows inside its transaction with
`drop_official_year` (the cache is reset before and after, so the next test sees the database again).
"""

from __future__ import annotations

from datetime import date, timedelta

from qcity.core import holiday_law, workdays
from qcity.core.holiday_schedule import ScheduleDay
from qcity.core.models import HolidayCalendarDay, HolidayCalendarYear


def last_official_year() -> int:
    workdays.invalidate()
    return max(workdays.official_years())


def drop_official_year(year: int) -> None:
    """Inside a test's transaction: make `year` one without an official schedule."""
    HolidayCalendarDay.objects.filter(date__year=year).delete()
    HolidayCalendarYear.objects.filter(year=year).delete()
    workdays.invalidate()


def first_working_day_of(year: int) -> date:
    """The first weekday of January that the provisional calendar counts as a working day."""
    day = date(year, 1, 1)
    while day.weekday() >= 5 or day in holiday_law.provisional_rest_days(year):
        day += timedelta(days=1)
    return day


def official_schedule(year: int, *, extra_rest: tuple[date, ...] = ()) -> list[ScheduleDay]:
    """A notice the State Council could publish: the statutory holidays with their compensatory days (the
    provisional calendar), plus `extra_rest` weekdays off (a bridge day), each as one line."""
    rest = holiday_law.provisional_schedule(year)
    for day in extra_rest:
        rest[day] = "调休放假"
    return [ScheduleDay(f"第{n}行", day, False, name) for n, (day, name) in enumerate(sorted(rest.items()), start=1)]
