"""The provisional calendar from 《全国年节及纪念日放假办法》: pure functions, checked against the law's text
and against every official schedule `chinesecalendar` has."""

from datetime import date

import pytest
from chinese_calendar import is_workday as official_is_workday

from qcity.core import holiday_law

OFFICIAL_YEARS = range(2008, 2027)  # years chinesecalendar 1.11 covers under the current festival list


def test_2027_festivals_fall_on_the_dates_domain_md_lists():
    # DOMAIN.md §0: 2027 lunar New Year 02-06 (eve 02-05), Dragon Boat 06-09, Mid-Autumn 09-15, Qingming 04-05
    days = holiday_law.statutory_holidays(2027)
    assert [d for d, name in days if name == holiday_law.SPRING_FESTIVAL] == [
        date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert (date(2027, 6, 9), holiday_law.DRAGON_BOAT) in days
    assert (date(2027, 9, 15), holiday_law.MID_AUTUMN) in days
    assert (date(2027, 4, 5), holiday_law.QINGMING) in days
    assert [d for d, name in days if name == holiday_law.LABOUR_DAY] == [date(2027, 5, 1), date(2027, 5, 2)]
    assert len(days) == 13  # the 2024 amendment: 13 days for all citizens


def test_each_amendment_applies_from_its_first_year():
    # 2024 amendment (in force 2025): Spring Festival eve + days 1–3, Labour Day 2 days
    assert len([1 for _, n in holiday_law.statutory_holidays(2025) if n == holiday_law.SPRING_FESTIVAL]) == 4
    assert len([1 for _, n in holiday_law.statutory_holidays(2025) if n == holiday_law.LABOUR_DAY]) == 2
    # 2013 amendment (2014–2024): days 1–3, no eve; Labour Day 1 day
    spring_2024 = [d for d, n in holiday_law.statutory_holidays(2024) if n == holiday_law.SPRING_FESTIVAL]
    assert spring_2024 == [date(2024, 2, 10), date(2024, 2, 11), date(2024, 2, 12)]
    assert len(holiday_law.statutory_holidays(2024)) == 11
    # 2007 amendment (2008–2013): eve, days 1–2
    assert [d for d, n in holiday_law.statutory_holidays(2013) if n == holiday_law.SPRING_FESTIVAL][0] == date(2013, 2, 9)


@pytest.mark.parametrize("year", OFFICIAL_YEARS)
def test_every_statutory_holiday_was_a_day_off_in_the_official_schedule(year):
    working = [(d, n) for d, n in holiday_law.statutory_holidays(year) if official_is_workday(d)]
    assert working == []


def test_compensatory_days_agree_with_the_official_schedules_almost_always():
    # The State Council sometimes places the day elsewhere (2012 Dragon Boat: Friday before, not Monday after).
    compensatory = [d for y in OFFICIAL_YEARS for d, n in holiday_law.provisional_rest_days(y).items()
                    if n.endswith(holiday_law.COMPENSATORY)]
    agreeing = [d for d in compensatory if not official_is_workday(d)]
    assert len(compensatory) > 50
    assert len(agreeing) / len(compensatory) >= 0.95


def test_a_holiday_on_a_weekend_gives_the_next_weekdays_off():
    rest = holiday_law.provisional_rest_days(2027)
    # Spring Festival 2027: Fri 02-05 … Mon 02-08, two of them on the weekend → Tue 02-09 and Wed 02-10
    assert rest[date(2027, 2, 9)] == rest[date(2027, 2, 10)] == "春节补假"
    assert date(2027, 2, 11) not in rest
    # Labour Day 2027 is Sat–Sun → Mon 05-03 and Tue 05-04; National Day Fri–Sun → Mon 10-04, Tue 10-05
    assert {date(2027, 5, 3), date(2027, 5, 4), date(2027, 10, 4), date(2027, 10, 5)} <= set(rest)
    # New Year's Day 2028 is a Saturday → Monday 01-03
    assert holiday_law.provisional_rest_days(2028)[date(2028, 1, 3)] == "元旦补假"


def test_two_festivals_on_one_day_give_a_compensatory_day():
    # 2028: Mid-Autumn (lunar 8/15) falls on 3 October, a day of National Day
    assert (date(2028, 10, 3), holiday_law.MID_AUTUMN) in holiday_law.statutory_holidays(2028)
    compensatory = [d for d, n in holiday_law.provisional_rest_days(2028).items() if n.startswith("国庆节")
                    and n.endswith(holiday_law.COMPENSATORY)]
    # Oct 1 (Sun) and the shared Oct 3 each owe a day: Wed 4 and Thu 5 October
    assert compensatory == [date(2028, 10, 4), date(2028, 10, 5)]


def test_no_adjusted_weekend_workday_is_ever_assumed():
    for year in range(2027, 2041):
        assert all(d.weekday() < 5 for d in holiday_law.provisional_rest_days(year))
