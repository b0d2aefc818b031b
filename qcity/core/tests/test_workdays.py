from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from qcity.core import deadlines, workdays
from qcity.core.choices import DurationUnit, Role
from qcity.core.holiday_schedule import ScheduleDay
from qcity.core.models import HolidayCalendarDay, HolidayCalendarYear, LegalDuration, Notification
from qcity.core.services import holiday_calendar_year_set, legal_duration_supersede
from qcity.core.tasks import check_holiday_calendar_coverage
from qcity.core.tests.schedules import drop_official_year, official_schedule

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


@pytest.fixture
def no_2027():
    """2027 without its official schedule, whatever chinesecalendar version is installed."""
    drop_official_year(2027)
    yield 2027
    workdays.invalidate()


def test_a_year_without_schedule_is_counted_on_the_provisional_calendar_never_refused(no_2027):
    # Mon 28 Dec 2026 + 10 working days: 29, 30, 31 Dec; 1 Jan 2027 (Fri) is New Year's Day; 4–8 and 11–12 Jan
    assert workdays.add_working_days(date(2026, 12, 28), 10) == date(2027, 1, 12)
    assert workdays.provisional_year(date(2026, 12, 28), date(2027, 1, 12)) == 2027
    # Spring Festival 2027 (eve Fri 5 Feb … Mon 8 Feb, then Tue 9 and Wed 10 Feb in compensation)
    assert [workdays.is_workday(date(2027, 2, d)) for d in range(4, 12)] == [
        True, False, False, False, False, False, False, True]
    # no adjusted weekend workday is assumed before the notice
    assert not workdays.is_workday(date(2027, 2, 20)) and not workdays.is_workday(date(2027, 2, 21))
    # far in the past too: never an exception
    assert workdays.is_workday(date(2003, 6, 2))


def test_provisional_year_is_none_inside_official_years_and_the_first_missing_one_otherwise(no_2027):
    assert workdays.provisional_year(date(2026, 1, 5), date(2026, 12, 31)) is None
    assert workdays.provisional_year(date(2026, 12, 31), date(2026, 1, 5)) is None
    assert workdays.provisional_year(date(2026, 12, 31), date(2028, 1, 5)) == 2027
    assert workdays.provisional_year(date(2027, 3, 1), date(2027, 3, 1)) == 2027


def test_deadline_says_whether_it_is_provisional(no_2027):
    official = deadlines.deadline("penalty-publication", date(2026, 11, 2))
    assert official.on == workdays.add_working_days(date(2026, 11, 2), 20) and not official.provisional
    provisional = deadlines.deadline("penalty-publication", date(2026, 12, 20))
    assert provisional.provisional and provisional.provisional_year == 2027
    assert provisional.on == workdays.add_working_days(date(2026, 12, 20), 20)


def test_year_entered_by_hand_replaces_the_provisional_calendar(make_user, no_2027):
    # given the notice adds a bridge day (Mon 4 Jan) and an adjusted working Saturday (9 Jan)
    days = official_schedule(2027, extra_rest=(date(2027, 1, 4),))
    days.append(ScheduleDay("第99行", date(2027, 1, 9), True, "元旦调休上班"))
    assert workdays.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    # when it is entered
    holiday_calendar_year_set(year=2027, by=make_user("system_admin"), source="国办发明电〔2026〕X号", days=days)
    # then Thu 31 Dec + 1 is Tue 5 Jan, and the Saturday counts
    assert workdays.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)
    assert workdays.is_workday(date(2027, 1, 9))
    assert workdays.provisional_year(date(2026, 12, 31), date(2027, 1, 5)) is None


def test_year_entry_rejects_day_of_another_year(make_user, no_2027):
    with pytest.raises(ValidationError) as error:
        holiday_calendar_year_set(year=2027, by=make_user("system_admin"), source="x",
                                  days=[*official_schedule(2027), ScheduleDay("第20行", date(2028, 1, 1), False, "元旦")])
    assert "第20行" in str(error.value)
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()


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
    assert deadlines.deadline("complaint-acceptance-decision", date(2026, 4, 1)).on == date(2026, 4, 13)
    old = deadlines.legal_duration_in_force("complaint-acceptance-decision", date(2026, 4, 14))
    new = deadlines.legal_duration_in_force("complaint-acceptance-decision", date(2026, 4, 15))
    assert old.pk != new.pk
    assert "121" in new.legal_source


def test_superseding_a_duration_changes_later_deadlines_only(make_user):
    admin = make_user("system_admin")
    current = deadlines.legal_duration_in_force("penalty-publication", date(2026, 6, 1))
    legal_duration_supersede(duration=current, effective_from=date(2026, 7, 1), value=10,
                             unit=DurationUnit.WORKING_DAYS, legal_source="test amendment", by=admin)
    assert deadlines.deadline("penalty-publication", date(2026, 6, 1)).on == workdays.add_working_days(date(2026, 6, 1), 20)
    assert deadlines.deadline("penalty-publication", date(2026, 7, 1)).on == workdays.add_working_days(date(2026, 7, 1), 10)
    # the superseded row and its successor; the 2014 rule before them is untouched
    assert LegalDuration.objects.filter(code="penalty-publication", effective_from__gte=date(2021, 9, 1)).count() == 2


def test_unknown_duration_code_is_an_error():
    with pytest.raises(deadlines.DurationNotDefined):
        deadlines.deadline("no-such-duration", date(2026, 1, 5))


def test_library_schedule_was_seeded():
    assert HolidayCalendarDay.objects.filter(date=date(2026, 10, 10), is_workday=True).exists()
    assert set(range(2004, 2027)) <= workdays.official_years()


def test_calendar_command_prints_the_date_and_says_when_it_is_provisional(no_2027):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("calendar", "add", "2026-09-30", "3", stdout=out)
    assert out.getvalue().strip() == "2026-10-10"
    out = StringIO()
    call_command("calendar", "add", "2026-12-28", "10", stdout=out)
    assert out.getvalue().startswith("2027-01-12 (provisional: no official holiday schedule for 2027")


def test_daily_job_warns_about_next_year_from_november_and_about_this_year_always(no_2027):
    from qcity.core.tasks import holiday_calendar_coverage

    assert holiday_calendar_coverage(date(2026, 10, 31)) == ""
    assert holiday_calendar_coverage(date(2026, 11, 1)).startswith("2027年法定节假日安排尚未录入")
    assert holiday_calendar_coverage(date(2027, 3, 1)).startswith("2027年")  # the year itself, any month


@time_machine.travel(datetime(2026, 12, 6, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_daily_job_tells_the_system_administrators_once(no_2027, make_user, city):
    # given a system administrator and an office user, on 6 December with 2027 missing
    admin = make_user(Role.SYSTEM_ADMIN, city)
    office = make_user(Role.LEADERSHIP_OFFICE, city)
    # when the daily job runs twice
    check_holiday_calendar_coverage()
    check_holiday_calendar_coverage()
    # then the administrator has one message leading to the holiday-calendar page, the office none
    [message] = Notification.objects.filter(recipient=admin)
    assert message.title == "法定节假日安排尚未录入" and message.url == "/core/holiday-calendar/"
    assert "2027年" in message.body
    assert not Notification.objects.filter(recipient=office).exists()


def test_loading_a_newer_chinesecalendar_recomputes_the_years_it_adds(django_capture_on_commit_callbacks):
    from qcity.core.models import DeadlineRecomputation
    from qcity.core.services import holiday_calendar_load_from_library

    # given the library's last year is missing from the table, as before a chinesecalendar upgrade
    last = max(workdays.official_years())
    drop_official_year(last)
    try:
        # when `qcity calendar load` runs
        with django_capture_on_commit_callbacks(execute=True):
            holiday_calendar_load_from_library(by=None)
        # then the year is official again and its deadlines were recomputed by the job
        assert workdays.is_official(last)
        assert DeadlineRecomputation.objects.filter(year=last, finished_at__isnull=False).exists()
        # and loading again adds nothing and recomputes nothing
        with django_capture_on_commit_callbacks(execute=True):
            holiday_calendar_load_from_library(by=None)
        assert DeadlineRecomputation.objects.filter(year=last).count() == 1
    finally:
        workdays.invalidate()
