"""Statutory working-day arithmetic on the official holiday schedule.

The schedule lives in HolidayCalendarDay / HolidayCalendarYear, seeded from `chinesecalendar` and
editable by administrators for years the library does not cover yet. Counting rules (DOMAIN.md §0):
the start day is not counted; a period whose last day is not a working day (weekend or statutory
holiday) ends on the next working day (民法典 arts. 201, 203).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from .choices import DurationUnit

# The schedule changes a few times a year; a short process cache keeps bulk deadline computation
# (thousands of complaints) from hitting the database per day while edits show up within a minute.
_CACHE_SECONDS = 60
_lock = threading.Lock()


class CalendarNotAvailable(ValueError):
    """Raised for a date in a year with no official holiday schedule loaded; never guessed."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"没有 {year} 年的法定节假日安排，无法计算工作日；请管理员在“节假日安排”中录入该年度。"
            f" (No official holiday schedule for {year}.)"
        )


@dataclass(frozen=True)
class _Schedule:
    years: frozenset[int]
    exceptions: dict[date, bool]
    loaded: float


_schedule: _Schedule | None = None


def _load() -> _Schedule:
    from .models import HolidayCalendarDay, HolidayCalendarYear

    years = frozenset(HolidayCalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(HolidayCalendarDay.objects.values_list("date", "is_workday"))
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


def known_years() -> frozenset[int]:
    return schedule().years


def is_workday(day: date) -> bool:
    sched = schedule()
    if day.year not in sched.years:
        raise CalendarNotAvailable(day.year)
    exception = sched.exceptions.get(day)
    if exception is not None:
        return exception
    return day.weekday() < 5


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
    if remaining == 0:
        is_workday(day)  # still refuse a date outside every known schedule
        return day
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]: how many working days have passed from a to b. Negative if b < a."""
    if b < a:
        return -working_days_between(b, a)
    is_workday(a)
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
