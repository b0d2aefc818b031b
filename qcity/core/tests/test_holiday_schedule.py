"""Entering a year's official schedule: every bad input is refused with the line named, nothing is written
and no recomputation starts; a year that is already official is only replaced as a confirmed correction."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from qcity.core import holiday_schedule, workdays
from qcity.core.choices import AuditAction, Role
from qcity.core.holiday_schedule import ScheduleDay
from qcity.core.models import AuditEvent, DeadlineRecomputation, HolidayCalendarDay, HolidayCalendarYear
from qcity.core.services import holiday_calendar_year_set
from qcity.core.tests.schedules import drop_official_year, official_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    drop_official_year(2027)
    yield 2027
    workdays.invalidate()


@pytest.fixture
def admin(make_user):
    return make_user(Role.SYSTEM_ADMIN)


def _text(days):
    return "\n".join(f"{d.date.isoformat()} {'班' if d.is_workday else '休'} {d.name}" for d in days)


def _xlsx(rows, heading=("日期", "类型", "名称")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(heading))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _errors(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


def _nothing_written(year):
    assert not HolidayCalendarYear.objects.filter(year=year).exists()
    assert not HolidayCalendarDay.objects.filter(date__year=year).exists()
    assert not DeadlineRecomputation.objects.exists()


# --- parsing -------------------------------------------------------------------------------------


def test_text_xlsx_and_json_give_the_same_days(year):
    days = official_schedule(year)
    from_text = holiday_schedule.parse_text(_text(days))
    from_xlsx = holiday_schedule.parse_xlsx(_xlsx([(d.date, "休", d.name) for d in days]))
    payload = {"year": year, "source": "国办发明电", "days": [{"date": d.date.isoformat(), "type": "休", "name": d.name}
                                                            for d in days]}
    json_year, source, from_json = holiday_schedule.parse_json(json.dumps(payload, ensure_ascii=False).encode())
    assert json_year == year and source == "国办发明电"
    key = [(d.date, d.is_workday, d.name) for d in days]
    assert [(d.date, d.is_workday, d.name) for d in from_text] == key
    assert [(d.date, d.is_workday, d.name) for d in from_xlsx] == key
    assert [(d.date, d.is_workday, d.name) for d in from_json] == key
    assert from_xlsx[0].where == "第2行" and from_json[2].where == "第3项"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "不是 xlsx 或 JSON"),
    (b"date,type\n2027-01-01,rest\n", "不是 xlsx 或 JSON"),
    (b'{"year": 2027, "days": [', "不是有效的 JSON"),
    ('{"year": 2027, "days": []}'.encode("utf-16"), "不是 xlsx 或 JSON"),
    (b'{"year": 2027, "days": [{"date": "2027-02-30", "type": "\xe4\xbc\x91"}]}', "第1项：日期“2027-02-30”无效"),
    (b'{"year": "2027", "days": []}', "year 须为整数"),
    (b'{"year": 2027, "days": [{"date": "2027-01-01", "type": "off"}]}', "第1项：类型应为"),
    (b'{"days": "2027-01-01"}', "days 数组"),
    (b'{"year": 2027, "days": [{"date": "2027-01-01", "type": "\xe4\xbc\x91"}]}'.replace(b"\xe4\xbc\x91", b"\xd0\xdd"),
     "UTF-8"),
    (b"PK\x03\x04 not really a zip", "无法读取 xlsx"),
])
def test_a_file_that_is_not_the_format_is_refused_naming_the_problem(content, message):
    assert message in _errors(lambda: holiday_schedule.parse_upload(content, "notice.bin"))


def test_xlsx_with_wrong_heading_or_bad_row_names_the_row():
    assert "第1行应为表头" in _errors(lambda: holiday_schedule.parse_xlsx(_xlsx([], heading=("date", "kind"))))
    content = _xlsx([(date(2027, 1, 1), "休", "元旦"), ("2027-1-x", "休", "")])
    assert "第3行：日期“2027-1-x”无效" in _errors(lambda: holiday_schedule.parse_xlsx(content))


def test_text_line_without_a_type_names_the_line():
    assert "第2行格式错误" in _errors(lambda: holiday_schedule.parse_text("2027-01-01 休 元旦\n2027-01-02"))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (holiday_schedule.MAX_UNPACKED_BYTES + 1024))
    content = buffer.getvalue()
    assert len(content) < 100_000
    assert "解压后过大" in _errors(lambda: holiday_schedule.parse_upload(content, "bomb.xlsx"))


def test_more_days_than_a_year_has_is_refused():
    text = "\n".join("2027-01-01 休 元旦" for _ in range(holiday_schedule.MAX_DAYS + 1))
    assert "最多录入 366 天" in _errors(lambda: holiday_schedule.parse_text(text))


# --- checking the whole year -----------------------------------------------------------------------


def test_a_date_twice_is_refused_naming_both_lines(year, admin):
    days = official_schedule(year)
    days.append(ScheduleDay("第40行", days[0].date, False, "元旦"))
    message = _errors(lambda: holiday_calendar_year_set(year=year, days=days, source="通知", by=admin))
    assert f"第40行：{days[0].date} 与第1行重复" in message
    _nothing_written(year)


def test_a_date_outside_the_year_is_refused(year, admin):
    days = [*official_schedule(year), ScheduleDay("第41行", date(year - 1, 12, 31), False, "元旦")]
    assert f"第41行：{year - 1}-12-31 不属于 {year} 年" in _errors(
        lambda: holiday_calendar_year_set(year=year, days=days, source="通知", by=admin))
    _nothing_written(year)


def test_a_workday_on_a_statutory_holiday_or_on_a_weekday_is_refused(year, admin):
    days = [d for d in official_schedule(year) if d.date != date(year, 10, 1)]
    days += [ScheduleDay("第50行", date(year, 10, 1), True, "国庆节上班"),
             ScheduleDay("第51行", date(year, 3, 3), True, "调休")]
    message = _errors(lambda: holiday_calendar_year_set(year=year, days=days, source="通知", by=admin))
    assert f"第50行：{year}-10-01 是法定节假日（国庆节），不能调休上班" in message
    assert f"第51行：{year}-03-03 是星期三" in message
    _nothing_written(year)


def test_a_half_filled_year_is_refused_naming_the_missing_festivals(year, admin):
    first_half = [d for d in official_schedule(year) if d.date.month <= 6]
    message = _errors(lambda: holiday_calendar_year_set(year=year, days=first_half, source="通知", by=admin))
    assert "缺少中秋节" in message and "缺少国庆节" in message and "缺少元旦" not in message
    _nothing_written(year)


def test_an_empty_schedule_or_missing_source_is_refused(year, admin):
    assert "至少录入一天" in _errors(lambda: holiday_calendar_year_set(year=year, days=[], source="通知", by=admin))
    assert "来源" in _errors(lambda: holiday_calendar_year_set(year=year, days=official_schedule(year), source=" ",
                                                              by=admin))
    _nothing_written(year)


def test_every_official_schedule_of_chinesecalendar_passes_the_checks():
    from chinese_calendar import constants

    for year in range(2008, 2027):
        days = [ScheduleDay("x", d, False, n) for d, n in constants.holidays.items() if d.year == year]
        days += [ScheduleDay("x", d, True, n) for d, n in constants.workdays.items() if d.year == year]
        holiday_schedule.validate(year, days)


def test_only_the_system_administrator_enters_a_schedule(year, make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        holiday_calendar_year_set(year=year, days=official_schedule(year), source="通知",
                                  by=make_user(Role.LEADERSHIP_OFFICE))
    _nothing_written(year)


def test_an_official_year_is_replaced_only_as_a_confirmed_correction(year, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        holiday_calendar_year_set(year=year, days=official_schedule(year), source="通知一", by=admin)
    runs = DeadlineRecomputation.objects.count()
    corrected = official_schedule(year, extra_rest=(date(year, 2, 11),))
    # when entered again without confirming: refused, nothing changes, no recomputation
    message = _errors(lambda: holiday_calendar_year_set(year=year, days=corrected, source="通知二", by=admin))
    assert "已有正式节假日安排" in message
    assert not HolidayCalendarDay.objects.filter(date=date(year, 2, 11)).exists()
    assert DeadlineRecomputation.objects.count() == runs
    # when confirmed as a correction: replaced, audited with before/after, recomputed again
    with django_capture_on_commit_callbacks(execute=True):
        holiday_calendar_year_set(year=year, days=corrected, source="通知二", by=admin, correction=True)
    assert HolidayCalendarDay.objects.filter(date=date(year, 2, 11), is_workday=False).exists()
    event = AuditEvent.objects.filter(object_type="core.holidaycalendaryear", action=AuditAction.UPDATE).latest("id")
    assert event.before and "corrected" in event.message and event.actor == admin
    assert DeadlineRecomputation.objects.count() == runs + 1


def test_the_same_notice_sent_twice_is_one_entry(year, admin, django_capture_on_commit_callbacks):
    days = official_schedule(year)
    with django_capture_on_commit_callbacks(execute=True):
        first = holiday_calendar_year_set(year=year, days=days, source="通知", by=admin)
    events = AuditEvent.objects.filter(object_type="core.holidaycalendaryear").count()
    with django_capture_on_commit_callbacks(execute=True):
        again = holiday_calendar_year_set(year=year, days=list(reversed(days)), source="通知", by=admin)
    assert again.pk == first.pk
    assert AuditEvent.objects.filter(object_type="core.holidaycalendaryear").count() == events
    assert DeadlineRecomputation.objects.filter(year=year).count() == 1
