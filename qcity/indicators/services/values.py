"""Reported values: entry by the responsible unit, review and approval by the leadership office.

submitted → reviewed → approved (locked); submitted/reviewed → returned → submitted again;
approved → reopened (explicit, with a reason) → submitted again. A second submission for the same
indicator, unit and period updates the row, with the before/after values in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qcity.core import access
from qcity.core.audit import audit_record, changed, snapshot
from qcity.core.choices import AuditAction, NotificationKind
from qcity.core.models import OrgUnit, User
from qcity.core.notifications import notify
from qcity.core.roles import OFFICE
from qcity.core.selectors import org_root_and_children
from qcity.core.sheets import SheetReadError, first_sheet_rows
from qcity.core.text import normalize_number
from qcity.core.uploads import ATTACHMENT_TYPES, XLSX_TYPES, validate_upload

from .. import computed, selectors, todos
from ..choices import IndicatorSource, ReportedValueStatus, ReportingPeriodKind
from ..models import VALUE_DIGITS, Indicator, Plan, ReportedValue, ValueEvidence

AUDITED_FIELDS = ("value", "note", "status", "status_note")
PERIOD_NUMBERS = {ReportingPeriodKind.YEAR: range(0, 1), ReportingPeriodKind.QUARTER: range(1, 5), ReportingPeriodKind.MONTH: range(1, 13)}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 0


def _require_reporter(by: User, indicator: Indicator, org_unit: OrgUnit) -> None:
    """A district reports for its district; a department reporter only for indicators its department
    is responsible for; the leadership office anywhere. Refusals are audited."""
    if not selectors.reporter_may_report(user=by, indicator=indicator, org_unit=org_unit):
        raise access.deny(by, action=f"report value of {indicator.code} for {org_unit}", obj=indicator,
                          org_unit=org_unit)


def _require_approver(by: User, value: ReportedValue, action: str) -> None:
    if not access.covers(by, value.org_unit, OFFICE):
        raise access.deny(by, action=action, obj=value, org_unit=value.org_unit)


def parse_value(raw) -> Decimal:
    """Full-width digits are read after NFKC; a value the column would store as 0 (1e-999999) is refused."""
    text = normalize_number(str(raw)).rstrip("%")
    try:
        if not text.isascii():
            raise ValueError(text)
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": [_("数值无效：%(raw)s") % {"raw": repr(raw)}]}) from None
    if not value.is_finite() or abs(value) >= Decimal("1e14"):
        raise ValidationError({"value": [_("数值无效：%(raw)s") % {"raw": repr(raw)}]})
    if value and abs(value) < Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"]) / 2:
        raise ValidationError({"value": [_("数值过小，按 %(places)s 位小数保存会变成 0")
                                         % {"places": VALUE_DIGITS["decimal_places"]}]})
    return value


def _period_errors(indicator: Indicator, period: Period) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if period.kind not in PERIOD_NUMBERS:
        return {"period_kind": [_("周期无效：%(kind)s") % {"kind": period.kind}]}
    if period.number not in PERIOD_NUMBERS[period.kind]:
        errors["period_number"] = [_("%(label)s的期次无效：%(number)s") % {"label": ReportingPeriodKind(period.kind).label, "number": period.number}]
    today = timezone.localdate()
    first = min(indicator.plan.period_start, indicator.baseline_year or indicator.plan.period_start) - 1
    if not first <= period.year <= today.year:
        errors["year"] = [_("年度须在 %(first)s–%(year)s 之间") % {"first": first, "year": today.year}]
    elif period.year == today.year and (
        (period.kind == ReportingPeriodKind.MONTH and period.number > today.month)
        or (period.kind == ReportingPeriodKind.QUARTER and (period.number - 1) * 3 + 1 > today.month)
    ):
        errors["period_number"] = [_("不能填报尚未开始的期次")]
    return errors


def _value_errors(indicator: Indicator, value: Decimal) -> dict[str, list[str]]:
    if indicator.is_bounded_percentage and not Decimal(0) <= value <= Decimal(100):
        return {"value": [_("%(name)s是百分比，数值须在 0–100 之间（填写 98 表示 98%%），收到 %(value)s")
                       % {"name": indicator.name, "value": value}]}
    return {}


def _period_row(indicator: Indicator, org_unit: OrgUnit, period: Period) -> ReportedValue | None:
    return (ReportedValue.objects.select_for_update()
            .filter(indicator=indicator, org_unit=org_unit, period_kind=period.kind, year=period.year,
                    period_number=period.number).first())


def _submit(*, indicator: Indicator, org_unit: OrgUnit, period: Period, value: Decimal, note: str,
            by: User | None, source: str = IndicatorSource.REPORTED) -> tuple[ReportedValue, bool]:
    """Create or update the one row for this period, and say whether it was created (the API answers 201
    only then); the caller holds the transaction."""
    existing = _period_row(indicator, org_unit, period)
    now = timezone.now()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first report may win the insert
                row = ReportedValue.objects.create(
                    indicator=indicator, org_unit=org_unit, period_kind=period.kind, year=period.year,
                    period_number=period.number, value=value, note=note, source=source,
                    status=ReportedValueStatus.APPROVED if source == IndicatorSource.COMPUTED else ReportedValueStatus.SUBMITTED,
                    submitted_by=by, submitted_at=now,
                    approved_at=now if source == IndicatorSource.COMPUTED else None,
                )
        except IntegrityError:  # it did (unique indicator, unit, period): this report updates its row
            existing = _period_row(indicator, org_unit, period)
        else:
            audit_record(action=AuditAction.CREATE, by=by, obj=row, org_unit=org_unit,
                         after=snapshot(row, AUDITED_FIELDS), message=f"value reported: {row.value}")
            return row, True
    if existing.is_locked and source == IndicatorSource.REPORTED:
        raise ValidationError({"period": [_("%(period_label)s 的数值已审定锁定；如需更正，请先由质量强市办重开") % {"period_label": existing.period_label}]})
    before = snapshot(existing, AUDITED_FIELDS)
    existing.value, existing.note = value, note
    existing.submitted_by, existing.submitted_at = by, now
    if source == IndicatorSource.REPORTED:
        existing.status, existing.status_note = ReportedValueStatus.SUBMITTED, ""
        existing.reviewed_by = existing.reviewed_at = existing.approved_by = existing.approved_at = None
    existing.save()
    existing.refresh_from_db(fields=["value"])  # the stored scale, so 98.2 and 98.2000 compare equal
    old, new = changed(before, snapshot(existing, AUDITED_FIELDS))
    if new:
        audit_record(action=AuditAction.UPDATE, by=by, obj=existing, org_unit=org_unit, before=old, after=new,
                     message=f"value resubmitted: {old.get('value', existing.value)} → {existing.value}")
    return existing, False


def reported_value_submit(*, indicator: Indicator, org_unit: OrgUnit, period: Period, value, note: str = "",
                          by: User) -> ReportedValue:
    return reported_value_report(indicator=indicator, org_unit=org_unit, period=period, value=value, note=note,
                                 by=by)[0]


def reported_value_report(*, indicator: Indicator, org_unit: OrgUnit, period: Period, value, note: str = "",
                          by: User) -> tuple[ReportedValue, bool]:
    """Submit a value: (the period's row, whether this report created it). A second report of the same
    period, also a concurrent twin, updates the one row (unique indicator, unit, period)."""
    if indicator.source == IndicatorSource.COMPUTED:
        raise ValidationError({"indicator": [_("%(name)s由系统根据业务数据计算，不需填报") % {"name": indicator.name}]})
    _require_reporter(by, indicator, org_unit)
    number = parse_value(value)
    errors = {**_period_errors(indicator, period), **_value_errors(indicator, number)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _submit(indicator=indicator, org_unit=org_unit, period=period, value=number,
                       note=note.strip()[:500], by=by)


def _transition(value: ReportedValue, *, allowed: tuple[str, ...], to: str, by: User, note: str = "",
                verb: str) -> ReportedValue:
    with transaction.atomic():
        row = ReportedValue.objects.select_for_update().get(pk=value.pk)
        if row.status not in allowed:
            raise ValidationError({"status": [
                _("当前状态为「%(label)s」，不能%(verb)s") % {"label": ReportedValueStatus(row.status).label, "verb": verb}]})
        before = snapshot(row, AUDITED_FIELDS)
        now = timezone.now()
        row.status, row.status_note = to, note.strip()[:500]
        if to == ReportedValueStatus.REVIEWED:
            row.reviewed_by, row.reviewed_at = by, now
        elif to == ReportedValueStatus.APPROVED:
            row.approved_by, row.approved_at = by, now
        row.save()
        old, new = changed(before, snapshot(row, AUDITED_FIELDS))
        audit_record(action=AuditAction.UPDATE, by=by, obj=row, org_unit=row.org_unit, before=old, after=new,
                     message=f"value {verb}: {row.period_label} {row.value}" + (f" ({row.status_note})" if note else ""))
    return row


def reported_value_review(*, value: ReportedValue, by: User) -> ReportedValue:
    _require_approver(by, value, "review value")
    return _transition(value, allowed=(ReportedValueStatus.SUBMITTED,), to=ReportedValueStatus.REVIEWED, by=by, verb=pgettext("verb", "审核"))


def reported_value_approve(*, value: ReportedValue, by: User) -> ReportedValue:
    _require_approver(by, value, "approve value")
    return _transition(value, allowed=(ReportedValueStatus.REVIEWED,), to=ReportedValueStatus.APPROVED, by=by, verb=pgettext("verb", "审定"))


def reported_value_return(*, value: ReportedValue, reason: str, by: User) -> ReportedValue:
    _require_approver(by, value, "return value")
    if not reason.strip():
        raise ValidationError({"reason": [_("退回须说明理由")]})
    with transaction.atomic():
        row = _transition(value, allowed=(ReportedValueStatus.SUBMITTED, ReportedValueStatus.REVIEWED),
                          to=ReportedValueStatus.RETURNED, by=by, note=reason, verb=pgettext("verb", "退回"))
        _notify_returned(row)
    return row


def _notify_returned(value: ReportedValue) -> None:
    """The reporters of record are told, with the reason; the key names the submission returned, so a
    submission is announced as returned once (a resubmission returned again is a new event)."""
    submitted = int(value.submitted_at.timestamp()) if value.submitted_at else 0
    period = todos.reporting_period(value.period_kind, value.year, value.period_number)
    notify(recipients=todos.reported_value_reporters(value=value), kind=NotificationKind.VALUE_RETURNED,
           key=f"reported-value:{value.pk}:returned:{submitted}",
           title=_("指标值被退回：%(indicator)s · %(unit)s · %(period)s") % {
               "indicator": value.indicator.name, "unit": value.org_unit.short_name or value.org_unit.name,
               "period": period.label},
           body=_("退回理由：%(reason)s。请修改后重新提交。") % {"reason": value.status_note},
           url=reverse("indicators:value-resubmit", args=[value.pk]))


def reported_value_reopen(*, value: ReportedValue, reason: str, by: User) -> ReportedValue:
    """Unlock an approved value for a correction; the reason stays in the audit log."""
    _require_approver(by, value, "reopen value")
    if not reason.strip():
        raise ValidationError({"reason": [_("重开已审定的数值须说明理由")]})
    if value.source == IndicatorSource.COMPUTED:
        raise ValidationError({"status": [_("系统计算的数值不能重开，请更正业务数据")]})
    return _transition(value, allowed=(ReportedValueStatus.APPROVED,), to=ReportedValueStatus.REOPENED, by=by, note=reason,
                       verb=pgettext("verb", "重开"))


def reported_value_evidence_attach(*, value: ReportedValue, file, by: User) -> ValueEvidence:
    _require_reporter(by, value.indicator, value.org_unit)
    if value.is_locked:
        raise ValidationError({"file": [_("数值已审定锁定，不能再补充材料")]})
    validate_upload(file, field="file", allowed=ATTACHMENT_TYPES, label=_("佐证材料"))
    with transaction.atomic():
        evidence = ValueEvidence.objects.create(reported_value=value, file=file, original_name=file.name[:200],
                                                uploaded_by=by)
        audit_record(action=AuditAction.CREATE, by=by, obj=evidence, org_unit=value.org_unit,
                     message=f"evidence attached to {value}: {evidence.original_name}")
    return evidence


def computed_values_refresh(*, indicator: Indicator, year: int, org_units: list[OrgUnit]) -> int:
    """Write the registered function's values for a computed indicator as approved annual values."""
    compute = computed.lookup(indicator.computed_key).compute
    written = 0
    with transaction.atomic():
        for org_unit in org_units:
            result = compute(org_unit, year)
            if result is None:
                continue
            _submit(indicator=indicator, org_unit=org_unit, period=Period(ReportingPeriodKind.YEAR, year),
                    value=Decimal(result), note="", by=None, source=IndicatorSource.COMPUTED)
            written += 1
    return written


def computed_indicators_refresh(*, key: str, year: int) -> int:
    """Rewrite the values of every indicator computed under `key` for `year` (called by the module that owns
    the data, e.g. sampling after a conclusion).

    Each plan is refreshed for the units it is reported by (the airport zone's plan for the zone only);
    a plan with no values yet, for the city and its districts.
    """
    city, districts = org_root_and_children()
    written = 0
    for indicator in Indicator.objects.filter(source=IndicatorSource.COMPUTED, computed_key=key).select_related("plan"):
        unit_ids = set(ReportedValue.objects.filter(indicator__plan=indicator.plan).values_list("org_unit", flat=True))
        units = [u for u in [city, *districts] if u.pk in unit_ids] or [city, *districts]
        written += computed_values_refresh(indicator=indicator, year=year, org_units=units)
    return written


# --- xlsx import --------------------------------------------------------------------------------

IMPORT_HEADERS = ("指标名称", "行政单元", "年度", "周期", "期次", "数值", "说明")  # i18n-ignore: sheet headings
PERIOD_WORDS = {  # i18n-ignore: words of the Chinese import sheet
                "年": ReportingPeriodKind.YEAR, "年度": ReportingPeriodKind.YEAR, "季": ReportingPeriodKind.QUARTER, "季度": ReportingPeriodKind.QUARTER,
                "月": ReportingPeriodKind.MONTH, "月度": ReportingPeriodKind.MONTH, **{k.value: k.value for k in ReportingPeriodKind}}


def _cell(value):
    """A cell as the rows below read it: calamine gives every number as float and an empty cell as ""."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def xlsx_upload_rows(data: bytes, name: str) -> list[tuple]:
    """The sheet's rows, after the upload checks (type, zip bomb); a large file is read in a capped child."""
    validate_upload(ContentFile(data, name=name), field="file", allowed=XLSX_TYPES, label=_("xlsx 文件"))
    try:
        return [tuple(map(_cell, row)) for row in first_sheet_rows(data)]
    except SheetReadError as exc:
        if exc.reason == "unreadable":
            raise ValidationError({"file": [_("不是有效的 xlsx 文件")]}) from None
        raise ValidationError({"file": [exc.user_message()]}) from None


def reported_values_import(*, plan: Plan, data: bytes, by: User, name: str = "values.xlsx") -> int:
    """Import values from an xlsx sheet with the IMPORT_HEADERS columns; all rows or none.

    Every bad row is reported with its row number and reason (unknown indicator names included),
    and nothing is written unless every row is good.
    """
    return reported_values_import_report(plan=plan, data=data, by=by, name=name)[0]


def reported_values_import_report(*, plan: Plan, data: bytes, by: User, name: str = "values.xlsx") -> tuple[int, int]:
    """`reported_values_import`, answering (rows imported, rows created): a resent sheet updates the same
    rows, and the API answers 201 only when a row was created."""
    rows = xlsx_upload_rows(data, name)
    if not rows:
        raise ValidationError({"file": [_("文件为空")]})
    header = tuple(str(c).strip() if c is not None else "" for c in rows[0][:len(IMPORT_HEADERS)])
    if header != IMPORT_HEADERS:
        raise ValidationError({"file": [_("表头应为：%(import_headers)s；收到：%(header)s") % {"import_headers": '、'.join(IMPORT_HEADERS), "header": '、'.join(header)}]})
    indicators = {i.name: i for i in plan.indicators.prefetch_related("departments").select_related("plan")}
    units = {u.name: u for u in OrgUnit.objects.all()} | {u.short_name: u for u in OrgUnit.objects.all() if u.short_name}
    errors, parsed = [], []
    for number, row in enumerate(rows[1:], start=2):
        row = tuple(row) + (None,) * (len(IMPORT_HEADERS) - len(row))
        if all(c in (None, "") for c in row):
            continue
        name, unit_name, year, kind, period_number, value, note = row[:7]
        problems = []
        indicator = indicators.get(str(name or "").strip())
        if indicator is None:
            problems.append(_("未知指标「%(name)s」") % {"name": name})
        org_unit = units.get(str(unit_name or "").strip())
        if org_unit is None:
            problems.append(_("未知行政单元「%(unit_name)s」") % {"unit_name": unit_name})
        period_kind = PERIOD_WORDS.get(str(kind or "年").strip())  # i18n-ignore: sheet word
        if period_kind is None:
            problems.append(_("周期无效「%(kind)s」") % {"kind": kind})
        try:
            period = Period(period_kind, int(year), int(period_number or 0))
        except (TypeError, ValueError):
            problems.append(_("年度或期次无效「%(year)s」「%(period_number)s」") % {"year": year, "period_number": period_number})
            period = None
        try:
            amount = parse_value(value)
        except ValidationError as exc:
            problems.extend(exc.messages)
            amount = None
        if indicator and period and period_kind and amount is not None:
            for messages in {**_period_errors(indicator, period), **_value_errors(indicator, amount)}.values():
                problems.extend(messages)
            if indicator.source == IndicatorSource.COMPUTED:
                problems.append(_("%(name)s由系统计算，不需填报") % {"name": indicator.name})
        if indicator and org_unit and not problems:
            try:
                _require_reporter(by, indicator, org_unit)
            except Exception:
                problems.append(_("无权填报%(org_unit)s的「%(name)s」") % {"org_unit": org_unit, "name": indicator.name})
        if problems:
            errors.append(_("第 %(row)s 行：%(problems)s") % {"row": number, "problems": "；".join(problems)})
        else:
            parsed.append((indicator, org_unit, period, amount, str(note or "")[:500]))
    if errors:
        raise ValidationError({"file": errors})
    if not parsed:
        raise ValidationError({"file": [_("文件中没有数据行")]})
    created = 0
    with transaction.atomic():
        for indicator, org_unit, period, amount, note in parsed:
            created += _submit(indicator=indicator, org_unit=org_unit, period=period, value=amount, note=note,
                               by=by)[1]
    return len(parsed), created
