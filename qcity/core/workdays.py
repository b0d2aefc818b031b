"""Statutory working-day arithmetic: the official holiday schedule where it is known, else a provisional one.

The official schedule lives in HolidayCalendarDay / HolidayCalendarYear, seeded from `chinesecalendar`
and entered by the system administrator when the State Council publishes the next year's. A year with
no official schedule (every December, until the notice is entered) is counted on the provisional
calendar of `holiday_law`: Monday–Friday less the statutory holidays and their compensatory days. Work
never stops for want of a calendar; deadlines that relied on a provisional year say so
(`provisional_year`) and are recomputed when the official schedule arrives (`core.deadlines`).

Counting rules (DOMAIN.md §0): the start day is not counted; a period whose last day is not a working
day (weekend or statutory holiday) ends on the next working day (民法典 arts. 201, 203).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from . import holiday_law
from .choices import DurationUnit
from .models import HolidayCalendarDay, HolidayCalendarYear

# The schedule changes a few times a year; a short process cache keeps bulk deadline computation
# (thousands of complaints) from hitting the database per day while edits show up within a minute.
_CACHE_SECONDS = 60
_lock = threading.Lock()


@dataclass(frozen=True)
class _Schedule:
    years: frozenset[int]
    exceptions: dict[date, bool]
    loaded: float


_schedule: _Schedule | None = None


def _load() -> _Schedule:
    years = frozenset(HolidayCalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(HolidayCalendarDay.objects.filter(date__year__in=years).values_list("date", "is_workday"))
    return _Schedule(years=years, exceptions=exceptions, loaded=time.monotonic())


def schedule() -> _Schedule:
    global _schedule
    with _lock:
        if _schedule is None or time.monotonic() - _schedule.loaded > _CACHE_SECONDS:
            _schedule = _load()
        return _schedule


def invalidate() -> None:
    """Drop the cached schedule; called by every service that edits it."""
    global _schedule
    with _lock:
        _schedule = None


def official_years() -> frozenset[int]:
    """Years whose official schedule is entered."""
    return schedule().years


def is_official(year: int) -> bool:
    return year in schedule().years


def provisional_year(start: date, end: date) -> int | None:
    """The first year between `start` and `end` (either order) counted on the provisional calendar, or None.

    Every computation here reads only days between its start and its result, so a result depends on a
    provisional schedule exactly when a year of that span has no official one.
    """
    years = schedule().years
    low, high = sorted((start.year, end.year))
    return next((year for year in range(low, high + 1) if year not in years), None)


def is_workday(day: date) -> bool:
    sched = schedule()
    if day.year in sched.years:
        exception = sched.exceptions.get(day)
        if exception is not None:
            return exception
        return day.weekday() < 5
    return day.weekday() < 5 and day not in holiday_law.provisional_rest_days(day.year)


def next_workday(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start not counted). Negative n counts backwards."""
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: how many working days have passed from a to b. Negative if b < a."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def add_period(start: date, value: int, unit: str) -> date:
    """Deadline of a period of `value` `unit`s starting on `start`, under the counting rules above."""
    if unit == DurationUnit.WORKING_DAYS:
        return add_working_days(start, value)
    if unit == DurationUnit.NATURAL_DAYS:
        end = start + timedelta(days=value)
    elif unit == DurationUnit.MONTHS:
        end = start + relativedelta(months=value)
    elif unit == DurationUnit.YEARS:
        end = start + relativedelta(years=value)
    else:
        raise ValueError(f"unknown duration unit {unit!r}")
    return next_workday(end)
