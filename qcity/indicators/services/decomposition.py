"""Target decomposition (指标分解): the office gives each district (and department) its own target.

The rule is `qcity.indicators.decomposition` (uniform: stricter only; split: must add up; city_only: no
district targets). A split that does not add up is saved as a draft with the remainder as a warning;
`target_decomposition_confirm` refuses it until it adds up, because a confirmed split is what the status
board, the ranking and the assessment hold each district to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import Department, OrgUnit, User
from qcity.core.roles import OFFICE
from qcity.core.text import normalize_number
from qcity.core.units import is_count

from .. import decomposition as rule
from ..choices import IndicatorComparator, IndicatorDecomposition, TargetDecompositionStatus
from ..decomposition import decomposition_warnings, fmt_decimal
from ..models import VALUE_DIGITS, Indicator, Plan, Target, TargetDecomposition, UnitTarget
from .values import xlsx_upload_rows


@dataclass(frozen=True)
class UnitTargetInput:
    """One unit's target as entered: a district (org_unit) or a department, and the raw value."""

    value: object
    org_unit: OrgUnit | None = None
    department: Department | None = None

    @property
    def unit(self) -> OrgUnit | Department:
        return self.org_unit or self.department


@dataclass(frozen=True)
class DecompositionSaved:
    decomposition: TargetDecomposition
    changed: bool
    warnings: list[str] = field(default_factory=list)
    created: bool = False  # this call made the row (decided under the row lock, so one of twins says so)


def parse_target_value(raw, *, label: str, field_name: str) -> Decimal:
    """A unit target: a finite, non-negative number; the error names the unit and the field."""
    text = normalize_number(str(raw if raw is not None else "")).strip()
    try:
        if not text or not text.isascii():
            raise ValueError(text)
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: [_("%(unit)s的目标值无效：%(raw)s") % {"unit": label, "raw": repr(raw)}]}) from None
    if not value.is_finite() or abs(value) >= Decimal("1e14"):
        raise ValidationError({field_name: [_("%(unit)s的目标值无效：%(raw)s") % {"unit": label, "raw": repr(raw)}]})
    if value < 0:
        raise ValidationError({field_name: [_("%(unit)s的目标值不能为负数：%(raw)s") % {"unit": label, "raw": raw}]})
    return value.quantize(Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"]))


def _city_target(indicator: Indicator, year: int) -> Target:
    target = indicator.targets.filter(year=year).first()
    if target is None:
        raise ValidationError({"year": [_("「%(name)s」没有 %(year)s 年的全市目标") % {"name": indicator.name, "year": year}]})
    return target


def _check(indicator: Indicator, target: Target, targets: list[UnitTargetInput]) -> list[tuple[UnitTargetInput, Decimal]]:
    """Every problem of the entered targets at once, each naming its unit; nothing is written on any."""
    errors: dict[str, list[str]] = {}
    parsed, seen = [], set()
    for number, item in enumerate(targets):
        name = f"targets[{number}]"
        unit = item.unit
        if unit is None or (item.org_unit is not None and item.department is not None):
            errors[name] = [_("请指定一个区县或一个责任单位")]
            continue
        try:
            value = parse_target_value(item.value, label=str(unit), field_name=name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        key = ("org_unit", unit.pk) if item.org_unit is not None else ("department", unit.pk)
        if key in seen:
            errors[name] = [_("%(unit)s重复填写") % {"unit": unit}]
            continue
        seen.add(key)
        if item.org_unit is not None and item.org_unit.parent_id is None:
            errors[name] = [_("全市目标即规划目标，不在分解表中填写")]
        elif item.org_unit is not None and indicator.decomposition == IndicatorDecomposition.CITY_ONLY:
            errors[name] = [_("「%(name)s」仅考核全市，不能给%(unit)s下达目标") % {"name": indicator.name, "unit": unit}]
        elif indicator.decomposition == IndicatorDecomposition.UNIFORM:
            if indicator.comparator not in (IndicatorComparator.AT_LEAST, IndicatorComparator.AT_MOST):
                errors[name] = [_("「%(name)s」为%(comparator)s目标，各单位统一执行全市目标，不能单独设定")
                                % {"name": indicator.name, "comparator": indicator.get_comparator_display()}]
            elif rule.is_looser(comparator=indicator.comparator, city=target.value, unit=value):
                errors[name] = [_("%(unit)s的目标 %(value)s 比全市目标 %(city)s 宽松；统一目标类指标只能设定更严格的目标")
                                % {"unit": unit, "value": fmt_decimal(value), "city": fmt_decimal(target.value)}]
        elif is_count(unit=indicator.unit, name=indicator.name) and value != value.to_integral_value():
            errors[name] = [_("%(unit)s的目标值须为整数（计量单位：%(measure)s）") % {"unit": unit, "measure": indicator.unit}]
        if name not in errors:
            parsed.append((item, value))
    if errors:
        raise ValidationError(errors)
    return parsed


def _summary(rows) -> dict[str, str]:
    return {f"{'org_unit' if r.org_unit_id else 'department'}:{r.org_unit_id or r.department_id}": fmt_decimal(r.value)
            for r in rows}


def target_decomposition_save(*, indicator: Indicator, year: int, targets: list[UnitTargetInput],
                              note: str | None = "", by: User) -> DecompositionSaved:
    """Set the unit targets of an indicator for a target year (the whole set: a unit left out has none).

    Saving the same set again changes nothing and writes no audit event; a changed set goes back to
    draft (a confirmed split that is edited needs confirming again). `note=None` keeps the stored note
    (the xlsx import has no note column)."""
    access.require_role(by, *OFFICE, action="decompose target")
    target = _city_target(indicator, year)
    parsed = _check(indicator, target, targets)
    with transaction.atomic():
        row, created = TargetDecomposition.objects.select_for_update().get_or_create(
            indicator=indicator, year=year, defaults={"updated_by": by, "note": (note or "").strip()[:500]})
        note = row.note if note is None else note
        before = _summary(row.unit_targets.all())
        wanted = [UnitTarget(decomposition=row, org_unit=item.org_unit, department=item.department, value=value)
                  for item, value in parsed]
        after = _summary(wanted)
        changed = created or before != after or row.note != note.strip()[:500]
        if changed:
            row.unit_targets.all().delete()
            UnitTarget.objects.bulk_create(wanted)
            row.status, row.confirmed_by, row.confirmed_at = TargetDecompositionStatus.DRAFT, None, None
            row.note, row.updated_by = note.strip()[:500], by
            row.save()
            audit_record(action=AuditAction.CREATE if created else AuditAction.UPDATE, by=by, obj=row,
                         before=None if created else before, after=after,
                         message=f"target decomposition saved as draft: {indicator.code} {year}, {len(wanted)} unit targets")
    warnings = decomposition_warnings(
        indicator=indicator, target=target,
        district_values=[v for item, v in parsed if item.org_unit is not None],
        department_values=[v for item, v in parsed if item.department is not None])
    return DecompositionSaved(row, changed, warnings, created)


def target_decomposition_confirm(*, decomposition: TargetDecomposition, by: User) -> TargetDecomposition:
    """Confirm a decomposition: allowed only when it adds up (every kind of unit that has shares sums to
    the city target). Confirming a confirmed one changes nothing."""
    access.require_role(by, *OFFICE, action="confirm target decomposition")
    with transaction.atomic():
        row = TargetDecomposition.objects.select_for_update().select_related("indicator").get(pk=decomposition.pk)
        if row.is_confirmed:
            return row
        indicator = row.indicator
        target = _city_target(indicator, row.year)
        rows = list(row.unit_targets.all())
        warnings = decomposition_warnings(indicator=indicator, target=target,
                                          district_values=[r.value for r in rows if r.org_unit_id],
                                          department_values=[r.value for r in rows if r.department_id])
        if warnings:
            raise ValidationError({"status": [_("分解合计与全市目标不一致，不能确认：%(warnings)s") % {"warnings": "；".join(warnings)}]})
        row.status, row.confirmed_by, row.confirmed_at = TargetDecompositionStatus.CONFIRMED, by, timezone.now()
        row.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=row, before={"status": TargetDecompositionStatus.DRAFT},
                     after={"status": TargetDecompositionStatus.CONFIRMED},
                     message=f"target decomposition confirmed: {indicator.code} {row.year}, {len(rows)} unit targets")
    return row


def indicator_decomposition_set(*, indicator: Indicator, kind: str, by: User) -> Indicator:
    """Change how an indicator is decomposed. Existing decompositions go back to draft, and a uniform or
    city_only indicator keeps no district targets: a district's share of a total is no stricter rate (it
    would hold the district to less than the city), and a city title has none."""
    access.require_role(by, *OFFICE, action="set indicator decomposition")
    if kind not in IndicatorDecomposition.values:
        raise ValidationError({"decomposition": [_("分解方式无效：%(kind)s") % {"kind": kind}]})
    if kind == indicator.decomposition:
        return indicator
    with transaction.atomic():
        before = indicator.decomposition
        indicator.decomposition = kind
        indicator.save(update_fields=["decomposition"])
        TargetDecomposition.objects.filter(indicator=indicator).update(
            status=TargetDecompositionStatus.DRAFT, confirmed_by=None, confirmed_at=None)
        if kind != IndicatorDecomposition.SPLIT:
            UnitTarget.objects.filter(decomposition__indicator=indicator, org_unit__isnull=False).delete()
        audit_record(action=AuditAction.UPDATE, by=by, obj=indicator, before={"decomposition": before},
                     after={"decomposition": kind}, message=f"indicator decomposition: {before} → {kind}")
    return indicator


# --- xlsx import: the exported table, edited and sent back ------------------------------------------

FIXED_HEADERS = ("指标编号", "指标名称", "分解方式", "计量单位", "目标年", "全市目标")  # i18n-ignore: sheet headings
TRAILING_HEADERS = ("尚余未分解", "状态")  # i18n-ignore: sheet headings the import ignores


def _unit_columns(header: tuple) -> tuple[dict[int, OrgUnit | Department], list[str]]:
    """The unit columns after the fixed ones: a district's or a department's name (full or short)."""
    districts = {}
    for unit in OrgUnit.objects.filter(parent__isnull=False):
        districts[unit.name] = unit
        if unit.short_name:
            districts.setdefault(unit.short_name, unit)
    departments = {}
    for department in Department.objects.all():
        departments[department.name] = department
        if department.short_name:
            departments.setdefault(department.short_name, department)
    columns, errors = {}, []
    for index, heading in enumerate(header[len(FIXED_HEADERS):], start=len(FIXED_HEADERS)):
        text = str(heading or "").strip()
        if not text or text in TRAILING_HEADERS or text in {_(h) for h in TRAILING_HEADERS}:
            continue
        unit = districts.get(text) or departments.get(text)
        if unit is None:
            errors.append(_("第 1 行：未知的区县或责任单位「%(name)s」") % {"name": text})
        columns[index] = unit
    return columns, errors


def target_decompositions_import(*, plan: Plan, data: bytes, by: User, name: str = "decomposition.xlsx"
                                 ) -> list[DecompositionSaved]:
    """Import the decomposition table (the layout of its export); all rows or none.

    A row with a negative or non-numeric target, an unknown indicator or year, or a looser uniform target
    is listed with its row number and nothing is written. A row that does not add up is saved as a draft
    and its warning returned."""
    access.require_role(by, *OFFICE, action="import target decomposition")
    rows = xlsx_upload_rows(data, name)
    if not rows:
        raise ValidationError({"file": [_("文件为空")]})
    header = tuple(str(c).strip() if c is not None else "" for c in rows[0])
    # the export's headings are in the reader's language; the Chinese ones are always accepted
    if header[:len(FIXED_HEADERS)] not in (FIXED_HEADERS, tuple(_(h) for h in FIXED_HEADERS)):
        raise ValidationError({"file": [_("表头应以 %(expected)s 开始；收到：%(header)s")
                                        % {"expected": "、".join(FIXED_HEADERS), "header": "、".join(header[:len(FIXED_HEADERS)])}]})
    columns, errors = _unit_columns(header)
    if errors:
        raise ValidationError({"file": errors})
    indicators = {i.code: i for i in plan.indicators.prefetch_related("targets")}
    parsed, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        row = tuple(row) + (None,) * (len(header) - len(row))
        if all(c in (None, "") for c in row):
            continue
        problems = []
        indicator = indicators.get(str(row[0] or "").strip())
        year = row[4]
        if indicator is None:
            problems.append(_("未知指标编号「%(code)s」") % {"code": row[0]})
        elif not isinstance(year, int) or not any(t.year == year for t in indicator.targets.all()):
            problems.append(_("目标年无效「%(year)s」") % {"year": year})
        elif (indicator.pk, year) in seen:
            problems.append(_("%(code)s 的 %(year)s 年目标重复") % {"code": indicator.code, "year": year})
        else:
            seen.add((indicator.pk, year))
        targets = [UnitTargetInput(value=row[index], org_unit=unit if isinstance(unit, OrgUnit) else None,
                                   department=unit if isinstance(unit, Department) else None)
                   for index, unit in columns.items() if row[index] is not None]
        if not problems:
            try:
                _check(indicator, _city_target(indicator, year), targets)
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            errors.append(_("第 %(row)s 行：%(problems)s") % {"row": number, "problems": "；".join(problems)})
        else:
            parsed.append((indicator, year, targets))
    if errors:
        raise ValidationError({"file": errors})
    if not parsed:
        raise ValidationError({"file": [_("文件中没有数据行")]})
    existing = set(TargetDecomposition.objects.filter(indicator__plan=plan).values_list("indicator_id", "year"))
    with transaction.atomic():  # a row with no unit target and no decomposition yet (a uniform rate) saves nothing
        saved = [target_decomposition_save(indicator=indicator, year=year, targets=targets, note=None, by=by)
                 for indicator, year, targets in parsed if targets or (indicator.pk, year) in existing]
        audit_record(action=AuditAction.IMPORT, by=by, obj=plan,
                     message=f"target decomposition imported from {name}: {len(saved)} rows, "
                             f"{sum(s.changed for s in saved)} changed")
    return saved
