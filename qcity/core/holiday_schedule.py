"""A year's official holiday schedule as the administrator enters it: parsed from text, xlsx or JSON, and
checked against the Measures before anything is written.

Every input becomes a list of `ScheduleDay` rows that remember where they came from (line, row or item
number), so each error names it. The checks (`validate`):

* each date is a real date of the year, and appears once;
* an adjusted working day (调休上班) is a Saturday or Sunday, and never a statutory holiday of the Measures;
* the year is whole: every statutory holiday on a weekday is a day off, and every festival of the
  Measures has a day off around it (a half-entered notice is refused rather than half-applied).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import holiday_law
from .parsers import JSONTooDeep, json_loads
from .sheets import SheetReadError, first_sheet_rows
from .uploads import check_upload, check_zip

REST, WORK = "休", "班"
XLSX_HEADINGS = ("日期", "类型", "名称")
MAX_DAYS = 366
MAX_NAME = 50
MAX_UPLOAD_BYTES = 1024 * 1024  # a year is at most 366 rows: a bigger file is not a schedule
MAX_UNPACKED_BYTES = 16 * 1024 * 1024
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class ScheduleDay:
    where: str  # "第3行", "第3项": where the day was in the input
    date: date
    is_workday: bool
    name: str


def _kind(value, where: str) -> bool:
    text = str(value if value is not None else "").strip()
    if text in (REST, "放假", "holiday", "rest"):
        return False
    if text in (WORK, "上班", "workday", "work"):
        return True
    raise ValidationError(_("%(where)s：类型应为“休”或“班”，而不是“%(value)s”") % {"where": where, "value": text[:20]})


def _date(value, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(_("%(where)s：日期“%(value)s”无效，应为 YYYY-MM-DD")
                              % {"where": where, "value": str(value)[:20]}) from None


def _too_many(count: int) -> None:
    if count > MAX_DAYS:
        raise ValidationError(_("最多录入 %(max)d 天，文件中有 %(n)d 天") % {"max": MAX_DAYS, "n": count})


def parse_text(text: str) -> list[ScheduleDay]:
    """One day per line: `YYYY-MM-DD 休|班 名称`."""
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = _("第%(n)d行") % {"n": number}
        parts = line.split()
        if len(parts) < 2:
            raise ValidationError(_("%(where)s格式错误，应为“日期 休/班 名称”：%(line)s") % {"where": where, "line": line[:40]})
        days.append(ScheduleDay(where, _date(parts[0], where), _kind(parts[1], where), " ".join(parts[2:])[:MAX_NAME]))
        _too_many(len(days))
    return days


def parse_json(content: bytes) -> tuple[int | None, str, list[ScheduleDay]]:
    """`{"year": 2027, "source": "...", "days": [{"date": "2027-01-01", "type": "休", "name": "元旦"}, ...]}`."""
    try:
        data = json_loads(content.decode("utf-8-sig"))
    except JSONTooDeep as exc:
        raise ValidationError(str(exc)) from None
    except UnicodeDecodeError:
        raise ValidationError(_("JSON 文件须为 UTF-8 编码")) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(_("不是有效的 JSON：第%(line)d行第%(col)d列 %(msg)s")
                              % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from None
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise ValidationError(_("JSON 须为对象，含 days 数组（每项 date、type、name）"))
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ValidationError(_("year 须为整数年份"))
    return year, str(data.get("source") or "")[:200], parse_items(data["days"])


def parse_items(items: list) -> list[ScheduleDay]:
    """The `days` of a JSON notice (a file, or an API request body): `{"date", "type", "name"}` each."""
    _too_many(len(items))
    days = []
    for number, item in enumerate(items, start=1):
        where = _("第%(n)d项") % {"n": number}
        if not isinstance(item, dict):
            raise ValidationError(_("%(where)s：应为含 date、type、name 的对象") % {"where": where})
        days.append(ScheduleDay(where, _date(item.get("date"), where), _kind(item.get("type"), where),
                                str(item.get("name") or "")[:MAX_NAME]))
    return days


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a zip bomb before the reader inflates it (qcity.core.uploads.check_zip), with this field's own,
    smaller limit: a year's schedule unpacks to a few kilobytes."""
    try:
        check_zip(content, label=_("xlsx 文件"), max_unpacked=MAX_UNPACKED_BYTES)
    except ValidationError as exc:
        if exc.code == "bad_zip":
            raise ValidationError(_("无法读取 xlsx 文件：文件已损坏或不是 xlsx 格式")) from None
        raise


def parse_xlsx(content: bytes) -> list[ScheduleDay]:
    """The first sheet: a heading row 日期 | 类型 | 名称, then one day per row."""
    _check_unpacked_size(content)
    try:
        rows = iter(first_sheet_rows(content))
    except SheetReadError as exc:
        if exc.reason == "unreadable":
            raise ValidationError(_("无法读取 xlsx 文件：文件已损坏或不是 xlsx 格式")) from None
        raise ValidationError(exc.user_message()) from None
    heading = [str(v).strip() for v in next(rows, [])]
    if tuple(heading[:3]) != XLSX_HEADINGS:
        raise ValidationError(_("第1行应为表头：%(headings)s") % {"headings": " | ".join(XLSX_HEADINGS)})
    days = []
    for number, row in enumerate(rows, start=2):
        values = list(row) + ["", "", ""]
        if not any(str(v).strip() for v in values[:3]):
            continue
        where = _("第%(n)d行") % {"n": number}
        days.append(ScheduleDay(where, _date(values[0], where), _kind(values[1], where), str(values[2]).strip()[:MAX_NAME]))
        _too_many(len(days))
    return days


def read_upload(upload) -> tuple[int | None, str, list[ScheduleDay]]:
    """An uploaded notice (a Django UploadedFile): refused when too large before it is read, then parsed."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件过大：节假日安排文件不超过 1 MB"))
    check_upload(upload, allowed=(".xlsx", ".json"), max_bytes=MAX_UPLOAD_BYTES, max_unpacked=MAX_UNPACKED_BYTES)
    return parse_upload(upload.read(), upload.name)


def parse_upload(content: bytes, filename: str) -> tuple[int | None, str, list[ScheduleDay]]:
    """An uploaded notice: .xlsx or .json, told apart by content, not only by name."""
    if content[:2] == b"PK":
        return None, "", parse_xlsx(content)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
        return parse_json(content)
    raise ValidationError(_("文件“%(name)s”不是 xlsx 或 JSON 格式") % {"name": filename[:80]})


def validate(year: int, days: list[ScheduleDay]) -> None:
    """Raise a ValidationError listing every problem, each naming its line; return quietly if the year is whole."""
    if not days:
        raise ValidationError({"days": [_("至少录入一天")]})
    errors: list[str] = []
    seen: dict[date, str] = {}
    statutory = dict(holiday_law.statutory_holidays(year))
    for day in days:
        if day.date.year != year:
            errors.append(_("%(where)s：%(date)s 不属于 %(year)s 年") % {"where": day.where, "date": day.date, "year": year})
            continue
        if day.date in seen:
            errors.append(_("%(where)s：%(date)s 与%(first)s重复") % {"where": day.where, "date": day.date,
                                                                    "first": seen[day.date]})
            continue
        seen[day.date] = day.where
        if day.is_workday and day.date in statutory:
            errors.append(_("%(where)s：%(date)s 是法定节假日（%(name)s），不能调休上班")
                          % {"where": day.where, "date": day.date, "name": statutory[day.date]})
        elif day.is_workday and day.date.weekday() < 5:
            errors.append(_("%(where)s：%(date)s 是星期%(weekday)s，本就是工作日；调休上班日应为星期六或星期日")
                          % {"where": day.where, "date": day.date, "weekday": WEEKDAYS[day.date.weekday()]})
    if not errors:
        errors += _missing_holidays(year, {d.date for d in days if not d.is_workday})
    if errors:
        raise ValidationError({"days": errors})


def _missing_holidays(year: int, rest: set[date]) -> list[str]:
    """A notice covers every festival of the Measures: statutory weekdays off, and a day off near each."""
    by_festival: dict[str, list[date]] = {}
    for day, name in holiday_law.statutory_holidays(year):
        by_festival.setdefault(name, []).append(day)
    errors = []
    for name, dates in by_festival.items():
        missing = [d for d in dates if d.weekday() < 5 and d not in rest]
        near = any(dates[0] - timedelta(days=3) <= d <= dates[-1] + timedelta(days=7) for d in rest)
        if missing or not near:
            listed = "、".join(f"{d:%m-%d}" for d in (missing or dates))
            errors.append(_("安排不完整：缺少%(name)s（%(dates)s 应放假）") % {"name": name, "dates": listed})
    return errors
