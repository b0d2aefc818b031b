from datetime import date

import pytest
from django.core.exceptions import ValidationError

from qcity.core import deadlines, workdays
from qcity.core.choices import DurationUnit
from qcity.core.models import HolidayCalendarDay, LegalDuration
from qcity.core.services import holiday_calendar_year_set, legal_duration_supersede

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_schedule():
    workdays.invalidate()
    yield
    workdays.invalidate()


def test_national_day_2026_is_skipped_and_adjusted_saturday_counts():
    # given 30 Sep 2026, the eve of the 1–7 Oct holiday; 10 Oct (Saturday) is an adjusted workday
    # when adding 3 working days  # then 8 Oct, 9 Oct, 10 Oct are counted
    assert workdays.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


@pytest.mark.parametrize("day", [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                                 date(2026, 9, 20), date(2026, 10, 10), date(2025, 9, 28)])
def test_adjusted_weekend_workdays_are_workdays(day):
    assert day.weekday() >= 5
    assert workdays.is_workday(day)


@pytest.mark.parametrize("day", [date(2026, 2, 17), date(2026, 6, 19), date(2026, 9, 25), date(2026, 10, 8 - 1)])
def test_statutory_holidays_on_weekdays_are_not_workdays(day):
    assert day.weekday() < 5
    assert not workdays.is_workday(day)


def test_start_day_is_not_counted():
    # Monday 2026-11-23 + 1 working day is Tuesday, not Monday itself
    assert workdays.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 24)
    assert workdays.add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)


def test_working_days_between_counts_half_open_interval_and_is_antisymmetric():
    a, b = date(2026, 9, 30), date(2026, 10, 12)
    # 8, 9, 10 (Sat, adjusted) and 12 Oct (Mon)
    assert workdays.working_days_between(a, b) == 4
    assert workdays.working_days_between(b, a) == -4
    assert workdays.working_days_between(a, a) == 0


def test_add_then_between_round_trips():
    start = date(2026, 1, 30)
    for n in (1, 5, 17, 45):
        assert workdays.working_days_between(start, workdays.add_working_days(start, n)) == n


def test_negative_working_days_count_backwards():
    assert workdays.add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)


def test_date_outside_known_years_raises_instead_of_guessing():
    with pytest.raises(workdays.CalendarNotAvailable) as err:
        workdays.add_working_days(date(2026, 12, 28), 10)
    assert err.value.year == 2027
    with pytest.raises(workdays.CalendarNotAvailable):
        workdays.is_workday(date(2003, 6, 2))


def test_year_entered_by_hand_makes_arithmetic_possible(make_user):
    admin = make_user("system_admin")
    holiday_calendar_year_set(year=2027, by=admin, source="国办发明电〔2026〕X号",
                              days=[(date(2027, 1, 1), False, "元旦")])
    assert workdays.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # Fri 1 Jan off, then weekend


def test_year_entry_rejects_day_of_another_year(make_user):
    with pytest.raises(ValidationError):
        holiday_calendar_year_set(year=2027, by=make_user("system_admin"), source="x",
                                  days=[(date(2028, 1, 1), False, "元旦")])


def test_natural_day_period_ending_on_holiday_moves_to_next_working_day():
    # 15 natural days from 16 Sep 2026 ends on 1 Oct (National Day) → first working day is 8 Oct
    assert workdays.add_period(date(2026, 9, 16), 15, DurationUnit.NATURAL_DAYS) == date(2026, 10, 8)
    # ends on an ordinary Wednesday: unchanged
    assert workdays.add_period(date(2026, 11, 3), 15, DurationUnit.NATURAL_DAYS) == date(2026, 11, 18)


def test_month_period_clamps_to_month_end():
    # 31 Jan + 1 month → 28 Feb 2026, a Saturday that is an adjusted workday: stays
    assert workdays.add_period(date(2026, 1, 31), 1, DurationUnit.MONTHS) == date(2026, 2, 28)
    # 31 Mar + 2 months → 31 May 2026, a Sunday: moves to Monday 1 June
    assert workdays.add_period(date(2026, 3, 31), 2, DurationUnit.MONTHS) == date(2026, 6, 1)


def test_deadline_reads_the_duration_in_force_on_the_start_date():
    # complaint acceptance: 7 working days, row replaced on 2026-04-15 by Order 121
    assert deadlines.deadline("complaint-acceptance-decision", date(2026, 4, 1)) == date(2026, 4, 13)
    old = deadlines.legal_duration_in_force("complaint-acceptance-decision", date(2026, 4, 14))
    new = deadlines.legal_duration_in_force("complaint-acceptance-decision", date(2026, 4, 15))
    assert old.pk != new.pk
    assert "121" in new.legal_source


def test_superseding_a_duration_changes_later_deadlines_only(make_user):
    admin = make_user("system_admin")
    current = deadlines.legal_duration_in_force("penalty-publication", date(2026, 6, 1))
    legal_duration_supersede(duration=current, effective_from=date(2026, 7, 1), value=10,
                             unit=DurationUnit.WORKING_DAYS, legal_source="test amendment", by=admin)
    assert deadlines.deadline("penalty-publication", date(2026, 6, 1)) == workdays.add_working_days(date(2026, 6, 1), 20)
    assert deadlines.deadline("penalty-publication", date(2026, 7, 1)) == workdays.add_working_days(date(2026, 7, 1), 10)
    assert LegalDuration.objects.filter(code="penalty-publication").count() == 2


def test_unknown_duration_code_is_an_error():
    with pytest.raises(deadlines.DurationNotDefined):
        deadlines.deadline("no-such-duration", date(2026, 1, 5))


def test_library_schedule_was_seeded():
    assert HolidayCalendarDay.objects.filter(date=date(2026, 10, 10), is_workday=True).exists()
    assert set(range(2004, 2027)) <= workdays.known_years()
