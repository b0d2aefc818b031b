"""The statutory holidays of 《全国年节及纪念日放假办法》, for years whose official schedule is not out yet.

The State Council General Office publishes each year's schedule (放假安排, with its adjusted weekend
workdays 调休) in November or December of the year before. Until it is entered, working days are counted
on a *provisional* calendar built from the Measures alone (DOMAIN.md §0):

* the holidays for all citizens in the version of the Measures in force in that year
  (2024 amendment, in force 2025-01-01: New Year's Day 1 day; Spring Festival 4 days = lunar New Year's
  Eve and lunar 1/1–1/3; Qingming 1 day, the solar term; Labour Day May 1–2; Dragon Boat lunar 5/5;
  Mid-Autumn lunar 8/15; National Day Oct 1–3);
* a holiday that falls on a Saturday or Sunday gives a compensatory weekday off right after its block
  (art. 6 of the 2013 text: 全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假); so does a
  holiday that falls on another holiday (Mid-Autumn on National Day);
* no adjusted weekend workdays: only the State Council's notice sets them.

Lunar dates and the Qingming solar term come from `lunar_python` (6tail's lunar calendar): a maintained,
pure-Python implementation of the 寿星万年历 astronomical algorithms, covering every year we could
need, with both lunar ↔ solar conversion and the 24 solar terms in one library. `chinesecalendar`
only has the published schedules (and solar terms), not lunar conversion.

Pure functions, no Django: tested against every official schedule in `chinesecalendar`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from lunar_python import Lunar, Solar

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"
COMPENSATORY = "补假"


@dataclass(frozen=True)
class MeasuresVersion:
    """One version of the Measures: the days off it grants, as offsets from each festival's anchor day."""

    in_force_from: date
    title: str
    spring_festival: tuple[int, ...]  # offsets from lunar 1/1 (-1 = lunar New Year's Eve)
    labour_day: tuple[int, ...]  # offsets from May 1
    has_traditional_festivals: bool  # Qingming, Dragon Boat, Mid-Autumn (since 2008)


# Versions of 《全国年节及纪念日放假办法》 (国务院令第270号, amended by 第513号, 第644号, 第795号).
VERSIONS = (
    MeasuresVersion(date(1999, 9, 18), "1999年修订", (0, 1, 2), (0, 1, 2), False),
    MeasuresVersion(date(2008, 1, 1), "2007年修订（国务院令第513号）", (-1, 0, 1), (0,), True),
    MeasuresVersion(date(2014, 1, 1), "2013年修订（国务院令第644号）", (0, 1, 2), (0,), True),
    MeasuresVersion(date(2025, 1, 1), "2024年修订（国务院令第795号）", (-1, 0, 1, 2), (0, 1), True),
)


def version_in_force(year: int) -> MeasuresVersion:
    """The version in force on 1 January of `year` (every amendment took effect on a 1 January since 2008)."""
    on = date(year, 1, 1)
    candidates = [v for v in VERSIONS if v.in_force_from <= on]
    return candidates[-1] if candidates else VERSIONS[0]


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    # The solar term falls on 4–6 April; the lunar year that contains 1 June holds that year's Qingming.
    solar = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@functools.cache
def statutory_holidays(year: int) -> tuple[tuple[date, str], ...]:
    """(date, festival) for every day off the Measures grant all citizens in `year`, in date order.

    A date may appear twice when two festivals fall on it (Mid-Autumn on National Day).
    """
    version = version_in_force(year)
    new_year = _lunar_to_solar(year, 1, 1)
    days = [(date(year, 1, 1), NEW_YEAR)]
    days += [(new_year + timedelta(days=offset), SPRING_FESTIVAL) for offset in version.spring_festival]
    days += [(date(year, 5, 1) + timedelta(days=offset), LABOUR_DAY) for offset in version.labour_day]
    if version.has_traditional_festivals:
        days += [(_qingming(year), QINGMING), (_lunar_to_solar(year, 5, 5), DRAGON_BOAT),
                 (_lunar_to_solar(year, 8, 15), MID_AUTUMN)]
    days += [(date(year, 10, 1) + timedelta(days=offset), NATIONAL_DAY) for offset in range(3)]
    return tuple(sorted(days))


@functools.cache
def provisional_rest_days(year: int) -> dict[date, str]:
    """Weekdays off on the provisional calendar of `year`: statutory holidays and their compensatory days.

    Holidays on consecutive dates form one block; each holiday day of the block that falls on a
    Saturday or Sunday, or on a date another holiday already takes, adds one compensatory day on the
    first weekdays after the block. Weekend days are not listed (they are rest days anyway).
    """
    holidays = statutory_holidays(year)
    taken: dict[date, str] = {}
    owed: dict[date, int] = {}  # block start → compensatory days owed
    block_start = None
    previous = None
    for day, name in holidays:
        if previous is None or (day - previous).days > 1:
            block_start = day
        if day in taken or day.weekday() >= 5:
            owed[block_start] = owed.get(block_start, 0) + 1
        taken.setdefault(day, name)
        previous = day
    rest = {day: name for day, name in taken.items() if day.weekday() < 5}
    for start, count in owed.items():
        day = start
        while day in taken:  # to the end of the block
            day += timedelta(days=1)
        name = taken[start]
        while count:
            if day.weekday() < 5 and day not in rest:
                rest[day] = f"{name}{COMPENSATORY}"
                count -= 1
            day += timedelta(days=1)
    return dict(sorted(rest.items()))


def provisional_schedule(year: int) -> dict[date, str]:
    """Every day off of the provisional calendar, listed the way a notice lists them: the statutory
    holidays (on a weekend too) and the compensatory weekdays."""
    days = dict(provisional_rest_days(year))
    for day, name in statutory_holidays(year):
        days.setdefault(day, name)
    return dict(sorted(days.items()))
