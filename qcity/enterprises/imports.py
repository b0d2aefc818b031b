"""xlsx import of the enterprise registry.

One pass reads and checks every row. If any row is bad, nothing is written and each bad row is
reported with its number and reason — unless the user chose to import the good rows anyway.
The column headings are the export's, so an exported file imports back unchanged.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.bulk import rows_insert
from qcity.core.choices import AuditAction
from qcity.core.models import OrgUnit, User
from qcity.core.roles import MARKET_OFFICERS
from qcity.core.sheets import SheetReadError, first_sheet_rows, reads_in_process
from qcity.core.uploads import XLSX_TYPES, validate_upload

from . import search
from .choices import EnterpriseImportStatus, EnterpriseStatus, EntityType
from .models import Enterprise, EnterpriseImport
from .validators import validate_industry_code, validate_uscc

# heading → model field, in export order
COLUMNS = {  # i18n-ignore: the headings of the Chinese import sheet
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "主体类型": "entity_type",
    "行业代码": "industry_code",
    "所属区域": "org_unit",
    "住所": "address",
    "法定代表人": "legal_representative",
    "注册资本（万元）": "registered_capital",
    "成立日期": "established_on",
    "登记状态": "status",
}
REQUIRED = {"统一社会信用代码", "企业名称", "主体类型", "行业代码", "所属区域"}  # i18n-ignore: sheet headings
# model field → its heading in the sheet (problems name the column as the uploaded file does)
HEADING = {field: heading for heading, field in COLUMNS.items()}
MAX_ERRORS_KEPT = 1000


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported (type, size, empty, headings)."""


@dataclass
class ParseResult:
    total_rows: int = 0
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def error(self, row: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": message})


def check_upload(upload) -> None:
    """File-level checks before reading a row: name, size, emptiness, that it is really an xlsx, and that
    it does not unpack into more than the reader can hold (qcity.core.uploads)."""
    try:
        validate_upload(upload, field="file", allowed=XLSX_TYPES, label=_("xlsx 文件"))
    except ValidationError as exc:
        raise ImportFileError(exc.message_dict) from None


def _lookup_tables(user: User | None):
    choices = {}
    for label_map in (EntityType, EnterpriseStatus):
        table = {str(label): value for value, label in label_map.choices}
        table.update({value: value for value in label_map.values})
        choices[label_map] = table
    units = {}
    for unit in OrgUnit.objects.all():
        for key in {unit.name, unit.short_name, unit.division_code}:
            if key:
                units[key] = unit
    return choices, units


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    return datetime.date.fromisoformat(text)


def _source(upload):
    """What the sheet reader reads: the file's path when it is on disk (a stored or a large upload), which
    a capped child process can open itself, else its bytes."""
    if hasattr(upload, "temporary_file_path"):
        return upload.temporary_file_path()
    inner, seen = getattr(upload, "file", None), 0
    while inner is not None and seen < 5:  # File → FieldFile → File → the open file, whose name is its path
        name = getattr(inner, "name", None)
        if isinstance(name, str) and os.path.isabs(name) and os.path.isfile(name):
            return name
        inner, seen = getattr(inner, "file", None), seen + 1
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _open(upload, *, checked: bool = False):
    """The rows after the heading row, and the column positions by field.

    Read with python-calamine: openpyxl (used for writing) parses a large sheet several times slower,
    and reading was most of an import's time. A large file is read in a child process with a memory
    ceiling (qcity.core.sheets), so that it fails its import instead of taking the worker down.
    """
    if not checked:
        check_upload(upload)
    try:
        rows = iter(first_sheet_rows(_source(upload)))
    except SheetReadError as exc:
        if exc.reason == "unreadable":
            raise ImportFileError({"file": [_("无法读取工作簿：%(error)s") % {"error": exc.detail}]}) from None
        raise ImportFileError({"file": [exc.user_message()]}) from None
    header = next(rows, None)
    if header is None or not any(header):
        raise ImportFileError({"file": [_("工作表为空：第1行应为表头")]})
    headings = [_text(h) for h in header]
    missing = [h for h in COLUMNS if h in REQUIRED and h not in headings]
    unknown = [h for h in headings if h and h not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("缺少列：%(columns)s") % {"columns": "、".join(missing)})
        if unknown:
            parts.append(_("无法识别的列：%(columns)s") % {"columns": "、".join(unknown)})
        raise ImportFileError({"file": [_("表头错误（第1行）：%(problems)s") % {"problems": "；".join(parts)}]})
    return rows, {COLUMNS[h]: i for i, h in enumerate(headings) if h in COLUMNS}


def check_file(upload) -> None:
    """The file-level checks done before queueing: type, size, emptiness and the zip checks, and for a small
    file its headings too. A large file's headings are checked by the background job, which reads it in a
    capped child process (a file's rows are only parsed in the request when that costs little)."""
    check_upload(upload)
    if reads_in_process(_source(upload)):
        _open(upload, checked=True)
    upload.seek(0)


def parse(upload, *, user: User | None) -> ParseResult:
    rows, positions = _open(upload)
    return _parse_rows(rows, positions, user)


def _parse_rows(rows, positions: dict[str, int], user: User | None) -> ParseResult:
    result = ParseResult()
    lookups = _lookup_tables(user)
    today = timezone.localdate()
    seen: dict[str, int] = {}
    scope = None if user is None else access.org_unit_scope(user, MARKET_OFFICERS)
    can_edit = user is None or access.has_role(user, *MARKET_OFFICERS)
    for number, raw in enumerate(rows, start=2):
        if raw is None or not any(v not in (None, "") for v in raw):
            continue
        result.total_rows += 1
        values = {name: (raw[i] if i < len(raw) else None) for name, i in positions.items()}
        row, problems = _parse_row(values, lookups, scope, can_edit, today)
        if "uscc" in row:
            if row["uscc"] in seen:
                problems.append((HEADING["uscc"], _("与第%(seen)s行重复") % {"seen": seen[row['uscc']]}))
            else:
                seen[row["uscc"]] = number
        for column, message in problems:
            result.error(number, column, message)
        if not problems:
            result.rows.append((number, row))
    _check_existing(result)
    if result.total_rows == 0:
        raise ImportFileError({"file": [_("文件只有表头，没有数据行")]})
    return result


def _parse_row(values: dict, lookups, scope: list[str] | None, can_edit: bool,
               today: datetime.date) -> tuple[dict, list]:
    """One row's model fields and its problems as (column heading, reason) pairs."""
    choices, units = lookups
    row: dict = {}
    problems: list[tuple[str, str]] = []
    try:
        row["uscc"] = validate_uscc(_text(values.get("uscc")))
    except ValidationError as exc:
        problems.append((HEADING["uscc"], exc.messages[0]))
    row["name"] = _text(values.get("name"))
    if not row["name"]:
        problems.append((HEADING["name"], _("不能为空")))
    elif len(row["name"]) > 200:
        problems.append((HEADING["name"], _("超过200字")))
    row["entity_type"] = choices[EntityType].get(_text(values.get("entity_type")))
    if row["entity_type"] is None:
        problems.append((HEADING["entity_type"], _("无法识别“%(value)s”") % {"value": _text(values.get('entity_type'))}))
    try:
        row["industry_code"] = validate_industry_code(_text(values.get("industry_code")))
    except ValidationError as exc:
        problems.append((HEADING["industry_code"], exc.messages[0]))
    unit = units.get(_text(values.get("org_unit")))
    if unit is None:
        problems.append((HEADING["org_unit"], _("无法识别“%(value)s”") % {"value": _text(values.get('org_unit'))}))
    elif not can_edit or (scope is not None and not any(unit.path.startswith(p) for p in scope)):
        problems.append((HEADING["org_unit"], _("无权导入%(name)s的企业") % {"name": unit.name}))
    row["org_unit_id"] = unit.pk if unit else None
    row["address"] = _text(values.get("address"))[:300]
    row["legal_representative"] = _text(values.get("legal_representative"))[:50]
    capital = values.get("registered_capital")
    try:
        row["registered_capital"] = None if capital in (None, "") else decimal.Decimal(_text(capital))
        if row["registered_capital"] is not None and row["registered_capital"] < 0:
            problems.append((HEADING["registered_capital"], _("不能为负数")))
    except decimal.InvalidOperation:
        problems.append((HEADING["registered_capital"], _("不是数字：“%(capital)s”") % {"capital": _text(capital)}))
    try:
        row["established_on"] = _date(values.get("established_on"))
        if row["established_on"] and row["established_on"] > today:
            problems.append((HEADING["established_on"], _("晚于今天")))
    except ValueError:
        problems.append((HEADING["established_on"], _("日期格式应为 YYYY-MM-DD：“%(value)s”") % {"value": _text(values.get('established_on'))}))
    status_text = _text(values.get("status"))
    row["status"] = choices[EnterpriseStatus].get(status_text) if status_text else EnterpriseStatus.ACTIVE
    if row["status"] is None:
        problems.append((HEADING["status"], _("无法识别“%(status_text)s”") % {"status_text": status_text}))
    return row, problems


def _check_existing(result: ParseResult) -> None:
    """Codes already in the registry are duplicates: reported per row, never overwritten silently."""
    existing = _registered_codes([row["uscc"] for _, row in result.rows])
    if not existing:
        return
    kept = []
    for number, row in result.rows:
        if row["uscc"] in existing:
            result.error(number, HEADING["uscc"], _("%(uscc)s 已登记") % {"uscc": row['uscc']})
        else:
            kept.append((number, row))
    result.rows = kept


def _registered_codes(codes: list[str]) -> set[str]:
    """Which of `codes` are registered: one query for the whole file, the codes as one array (PostgreSQL) or
    one JSON text (SQLite). `uscc__in` in chunks of 900 (SQLite's old parameter limit) was 223 queries for
    200,000 rows, most of their time spent by the ORM on the parameters."""
    if not codes:
        return set()
    table = connection.ops.quote_name(Enterprise._meta.db_table)
    if connection.vendor == "postgresql":
        sql, param = f"SELECT uscc FROM {table} WHERE uscc = ANY(%s)", codes
    else:
        sql, param = f"SELECT uscc FROM {table} WHERE uscc IN (SELECT value FROM json_each(%s))", json.dumps(codes)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return {code for (code,) in cursor.fetchall()}


_INSERT_FIELDS = ("uscc", "name", "name_initials", "entity_type", "industry_code", "org_unit", "address",
                  "legal_representative", "registered_capital", "established_on", "status", "created_at",
                  "updated_at")


def _insert(rows) -> None:
    """The rows without the ORM (core.bulk: COPY on PostgreSQL, one prepared executemany on SQLite).

    bulk_create on SQLite is capped at 999 parameters per statement (about 76 enterprises) and builds
    a model instance per row; for a 200,000-row file that was two thirds of the import's time. The
    rows were fully validated by `_parse_row`, and the table's constraints still apply.
    """
    now = timezone.now()
    with search.index_bulk_write():
        rows_insert(Enterprise, _INSERT_FIELDS, (
            (row["uscc"], row["name"], search.name_initials(row["name"]), row["entity_type"], row["industry_code"],
             row["org_unit_id"], row["address"], row["legal_representative"], row["registered_capital"],
             row["established_on"], row["status"], now, now)
            for row in rows))


def enterprise_import_submit(*, upload, by: User, skip_bad_rows: bool = False) -> EnterpriseImport:
    """Check the file as a whole now, keep it, and queue the row-by-row import as a background job."""
    from .tasks import enterprise_import_process_task  # cycle: the task runs enterprise_import_process

    check_file(upload)
    with transaction.atomic():
        record = EnterpriseImport(file_name=getattr(upload, "name", "")[:200], created_by=by,
                                  skip_bad_rows=skip_bad_rows, status=EnterpriseImportStatus.QUEUED)
        record.stored_file.save(record.file_name or "import.xlsx", upload, save=True)
        transaction.on_commit(lambda: enterprise_import_process_task.delay(record.pk))
    return record


def enterprise_import_good_rows(*, previous: EnterpriseImport, by: User) -> EnterpriseImport:
    """The user saw the bad rows of `previous` and chose to import the good ones from the same file."""
    from .tasks import enterprise_import_process_task  # cycle: the task runs enterprise_import_process

    if previous.status != EnterpriseImportStatus.REJECTED or not previous.stored_file:
        raise ValidationError({"file": [_("只有被拒绝的导入才能选择导入正确的行")]})
    with transaction.atomic():
        record = EnterpriseImport.objects.create(
            file_name=previous.file_name, created_by=by, skip_bad_rows=True, status=EnterpriseImportStatus.QUEUED,
            stored_file=previous.stored_file.name)
        transaction.on_commit(lambda: enterprise_import_process_task.delay(record.pk))
    return record


def enterprise_import_process(*, record: EnterpriseImport) -> EnterpriseImport:
    """The background job's work: run the import of a queued file; a file-level failure is recorded."""
    record.status = EnterpriseImportStatus.RUNNING
    record.save(update_fields=["status"])
    try:
        with record.stored_file.open("rb") as stored:
            enterprise_import_run(upload=File(stored, name=record.file_name), by=record.created_by,
                                  skip_bad_rows=record.skip_bad_rows, record=record)
    except ValidationError as exc:
        record.status = EnterpriseImportStatus.FAILED
        record.errors = [{"row": None, "column": _("文件"), "message": m} for m in exc.messages]
        record.save(update_fields=["status", "errors"])
    except MemoryError:  # a small file read in this process after all: the import fails, the worker lives
        record.status = EnterpriseImportStatus.FAILED
        record.errors = [{"row": None, "column": _("文件"), "message": _("读取工作簿时内存不足：请拆分为几个较小的文件后再导入")}]
        record.save(update_fields=["status", "errors"])
    return record


def enterprise_import_run(*, upload, by: User, skip_bad_rows: bool = False,
                          record: EnterpriseImport | None = None) -> EnterpriseImport:
    """Check the whole file, then write all rows — or none when a row is bad and skip_bad_rows is off."""
    record = record or EnterpriseImport(file_name=getattr(upload, "name", "")[:200], created_by=by,
                                        skip_bad_rows=skip_bad_rows)
    result = parse(upload, user=by)
    record.total_rows = result.total_rows
    record.errors = sorted(result.errors, key=lambda e: e["row"])
    if result.errors and not skip_bad_rows:
        record.status = EnterpriseImportStatus.REJECTED
        record.save()
        audit_record(action=AuditAction.IMPORT, by=by, obj=record,
                     message=f"rejected: {record.bad_row_count} bad rows of {record.total_rows}")
        return record
    skipped_rows = sorted({e["row"] for e in result.errors})
    try:
        with transaction.atomic():
            _insert(row for _, row in result.rows)
            record.status = EnterpriseImportStatus.IMPORTED
            record.imported_rows = len(result.rows)
            record.save()
            audit_record(
                action=AuditAction.IMPORT, by=by, obj=record,
                message=f"imported {record.imported_rows} of {record.total_rows} rows"
                + (f", skipped {len(skipped_rows)} bad rows" if skipped_rows else ""),
                after={"imported": record.imported_rows, "skipped_rows": skipped_rows[:100]},
            )
    except IntegrityError as exc:  # another import registered some of the same codes meanwhile
        raise ImportFileError({"file": [_("部分统一社会信用代码刚被其他导入登记，请重新上传以查看冲突行")]}) from exc
    return record
