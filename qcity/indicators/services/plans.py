"""Plans and their indicator catalogue: the built-in plans, and plans imported from a document."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core import access
from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import Department, User
from qcity.core.roles import OFFICE

from .. import computed, decomposition
from ..choices import (
    IndicatorAccumulation,
    IndicatorAttribute,
    IndicatorComparator,
    IndicatorDecomposition,
    IndicatorDomain,
    IndicatorSource,
)
from ..decomposition import UNIFORM
from ..documents import read_plan_document
from ..extraction import QUALITATIVE, extract_targets, guess_plan_end_year
from ..models import Indicator, Plan, PlanImport, Target

PLANS_DIR = Path(__file__).resolve().parent.parent / "data" / "plans"

# Where a plan names no responsible department, its domain's usual lead department reports it.
DOMAIN_LEAD_DEPARTMENT = {
    IndicatorDomain.PRODUCT: "market-regulation",
    IndicatorDomain.ENGINEERING: "housing-construction",
    IndicatorDomain.SERVICE: "commerce",
    IndicatorDomain.ENVIRONMENT: "ecology-environment",
    IndicatorDomain.BRAND_IP: "market-regulation",
    IndicatorDomain.QUALITY_INFRASTRUCTURE: "market-regulation",
    IndicatorDomain.TALENT: "human-resources",
    IndicatorDomain.ECONOMY: "development-reform",
    IndicatorDomain.GOVERNMENT_SERVICE: "development-reform",
}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _departments_for(names: list[str], domain: str, departments: list[Department]) -> list[Department]:
    """Match departments as the plan writes them ("市市场监管局") against the short names we keep."""
    found = []
    for name in names:
        for department in departments:
            core = department.short_name.rstrip("局委")  # i18n-ignore: matches plan text
            if core and core in name and department not in found:
                found.append(department)
    if not found:
        code = DOMAIN_LEAD_DEPARTMENT.get(domain)
        found = [d for d in departments if d.code == code]
    return found


def _indicator_fields(item: dict, text: str, position: int) -> dict:
    return {
        "name": item["name"], "domain": item["domain"], "unit": item.get("unit") or "",
        "comparator": item["comparator"],
        "attribute": item.get("attribute") or IndicatorAttribute.UNSPECIFIED,
        "accumulation": item.get("accumulation") or IndicatorAccumulation.LEVEL,
        "source": IndicatorSource.COMPUTED if item.get("computed_key") else IndicatorSource.REPORTED,
        "computed_key": item.get("computed_key") or "",
        "baseline_year": item.get("baseline_year"), "baseline_value": _decimal(item.get("baseline_value")),
        "section": (item.get("section") or "")[:200],
        "departments_text": "、".join(item.get("departments") or [])[:300],
        "quote": item["quote"], "quote_start": text.find(item["quote"]), "position": position,
    }


def _catalogue_errors(data: dict, text: str) -> list[str]:
    """A catalogue is shipped data, but a typo in it must fail loudly, naming the indicator."""
    errors = []
    codes = set()
    for item in data["indicators"]:
        code = item.get("code", "?")
        if code in codes:
            errors.append(f"{code}: duplicate code")
        codes.add(code)
        if item["domain"] not in IndicatorDomain.values:
            errors.append(f"{code}: unknown domain {item['domain']!r}")
        if item.get("computed_key") and item["computed_key"] not in computed.registered():
            errors.append(f"{code}: no computed indicator registered under {item['computed_key']!r}")
        if (item.get("decomposition") or data.get("decomposition") or UNIFORM) not in IndicatorDecomposition.values:
            errors.append(f"{code}: unknown decomposition {item.get('decomposition') or data.get('decomposition')!r}")
        if item["comparator"] not in IndicatorComparator.values:
            errors.append(f"{code}: unknown comparator {item['comparator']!r}")
        for quote in [item["quote"], *(t.get("quote") or item["quote"] for t in item["targets"])]:
            if quote not in text:
                errors.append(f"{code}: quote not in the plan text: {quote[:40]!r}")
    return errors


def _load_catalogue(path: Path, *, by: User | None) -> Plan:
    data = json.loads(path.read_text(encoding="utf-8"))
    text = path.with_suffix(".txt").read_text(encoding="utf-8")
    errors = _catalogue_errors(data, text)
    if errors:
        raise ValidationError([f"{path.name}: {e}" for e in errors])
    departments = list(Department.objects.all())
    plan, created = Plan.objects.update_or_create(
        code=data["code"],
        defaults={
            "title": data["title"], "issuing_body": data.get("issuing_body") or "",
            "document_number": data.get("document_number") or "", "period_start": data["period_start"],
            "period_end": data["period_end"], "text": text, "is_builtin": True,
        },
    )
    kept = []
    for position, item in enumerate(data["indicators"], start=1):
        # the decomposition kind is set once, when the indicator is first loaded: the office may change it
        kind = (item.get("decomposition") or data.get("decomposition")
                or decomposition.default_kind(name=item["name"], unit=item.get("unit") or "",
                                              accumulation=item.get("accumulation") or IndicatorAccumulation.LEVEL))
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan, code=item["code"], create_defaults={"decomposition": kind, **_indicator_fields(item, text, position)},
            defaults=_indicator_fields(item, text, position),
        )
        indicator.departments.set(_departments_for(item.get("departments") or [], item["domain"], departments))
        years = []
        for target in item["targets"]:
            quote = target.get("quote") or item["quote"]
            Target.objects.update_or_create(
                indicator=indicator, year=target["year"],
                defaults={"value": _decimal(target.get("value")), "low": _decimal(target.get("low")),
                          "high": _decimal(target.get("high")), "quote": quote, "quote_start": text.find(quote)},
            )
            years.append(target["year"])
        indicator.targets.exclude(year__in=years).delete()
        kept.append(indicator.pk)
    # An indicator dropped from the catalogue goes, unless values were reported against it.
    plan.indicators.exclude(pk__in=kept).filter(values__isnull=True).delete()
    audit_record(action=AuditAction.CREATE if created else AuditAction.UPDATE, by=by, obj=plan,
                 message=f"built-in plan loaded: {len(kept)} indicators, "
                         f"{Target.objects.filter(indicator__plan=plan).count()} targets")
    return plan


def plans_load_builtin(*, by: User | None = None, directory: Path = PLANS_DIR) -> list[Plan]:
    """Load (or refresh) every plan catalogue shipped under data/plans; all or nothing."""
    with transaction.atomic():
        return [_load_catalogue(path, by=by) for path in sorted(directory.glob("*.json"))]


def plan_import_create(*, name: str, data: bytes, title: str = "", by: User) -> PlanImport:
    """Read an uploaded plan document and store the targets the extractor proposes, for review."""
    access.require_role(by, *OFFICE, action="import plan document")
    text = read_plan_document(name, data)  # PlanDocumentError (a ValueError) names what is wrong
    default_year = guess_plan_end_year(text)
    proposals = [t.as_dict() for t in extract_targets(text, default_year=default_year)]
    title = title.strip() or _first_line(text) or name
    with transaction.atomic():
        record = PlanImport.objects.create(title=title[:200], original_name=name[:200], text=text,
                                           proposals=proposals, created_by=by)
        audit_record(action=AuditAction.IMPORT, by=by, obj=record,
                     message=f"plan document {name}: {len(proposals)} targets proposed")
    return record


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def plan_create_from_import(*, plan_import: PlanImport, code: str, title: str, issuing_body: str = "",
                            document_number: str = "", period_start: int, period_end: int,
                            accepted: list[dict], by: User) -> Plan:
    """Turn the reviewed proposals into a plan. Each accepted item has been checked by a person.

    A qualitative item (kind "qualitative": 质量损失率 / 低于全国平均水平) becomes a qualitative
    indicator: an indicator whose name states the relative target, with a comparator and no Target row,
    so no progress status is computed for it (there is no number to compare a value with).
    """
    access.require_role(by, *OFFICE, action="create plan from import")
    errors = {}
    if plan_import.plan_id:
        errors["plan_import"] = [_("该文件已生成规划")]
    if Plan.objects.filter(code=code).exists():
        errors["code"] = [_("规划代码 %(code)s 已存在") % {"code": code}]
    if period_end < period_start:
        errors["period_end"] = [_("终止年不能早于起始年")]
    if not accepted:
        errors["accepted"] = [_("至少接受一项目标")]
    for number, item in enumerate(accepted, start=1):
        item_errors = _proposal_errors(item)
        if item_errors:
            errors[f"accepted[{number}]"] = item_errors
    if errors:
        raise ValidationError(errors)
    departments = list(Department.objects.all())
    with transaction.atomic():
        plan = Plan.objects.create(code=code, title=title, issuing_body=issuing_body,
                                   document_number=document_number, period_start=period_start,
                                   period_end=period_end, text=plan_import.text)
        for position, item in enumerate(accepted, start=1):
            quote = item.get("quote") or item["name"]
            start = plan_import.text.find(quote)
            accumulation = item.get("accumulation") or IndicatorAccumulation.LEVEL
            qualitative = item.get("kind") == QUALITATIVE
            if qualitative:
                item = {**item, "name": _qualitative_name(item)}
            indicator = Indicator.objects.create(
                decomposition=decomposition.default_kind(name=item["name"], unit=item.get("unit") or "",
                                                         accumulation=accumulation),
                plan=plan, code=f"I-{position:03d}", name=item["name"], domain=item["domain"],
                unit=item.get("unit") or "", comparator=item["comparator"], quote=quote,
                quote_start=start if start >= 0 else None, position=position, accumulation=accumulation,
            )
            indicator.departments.set(_departments_for([], item["domain"], departments))
            if qualitative:
                continue
            is_range = item["comparator"] == IndicatorComparator.RANGE
            Target.objects.create(indicator=indicator, year=item["year"],
                                  value=None if is_range else _decimal(item.get("value")),
                                  low=_decimal(item.get("low")) if is_range else None,
                                  high=_decimal(item.get("high")) if is_range else None,
                                  quote=quote, quote_start=indicator.quote_start)
        plan_import.plan = plan
        plan_import.save(update_fields=["plan"])
        audit_record(action=AuditAction.CREATE, by=by, obj=plan,
                     message=f"plan created from document {plan_import.original_name}: {len(accepted)} targets")
    return plan


def _qualitative_name(item: dict) -> str:
    """质量损失率 + 低于全国平均水平 → 质量损失率低于全国平均水平 (the name is the whole target)."""
    name, wording = item["name"].strip(), (item.get("qualitative") or "").strip()
    return (name if wording in name else name + wording)[:200]


def _proposal_errors(item: dict) -> list[str]:
    errors = []
    if not (item.get("name") or "").strip():
        errors.append(_("指标名称不能为空"))
    if item.get("domain") not in IndicatorDomain.values:
        errors.append(_("领域无效：%(value)s") % {"value": item.get('domain')})
    if item.get("kind") == QUALITATIVE:
        return errors + _qualitative_errors(item)
    comparator = item.get("comparator")
    numbers = {k: item.get(k) for k in ("value", "low", "high")}
    bad = [k for k, v in numbers.items() if v is not None and not isinstance(v, int | float)]
    if bad:
        errors.append(_("数值无效：%(values)s") % {"values": "、".join(f"{k}={numbers[k]}" for k in bad)})
    elif comparator not in IndicatorComparator.values:
        errors.append(_("比较方式无效：%(comparator)s") % {"comparator": comparator})
    elif comparator == IndicatorComparator.RANGE:
        if numbers["low"] is None or numbers["high"] is None or numbers["low"] > numbers["high"]:
            errors.append(_("区间目标需要下限和上限，且下限不大于上限"))
    elif numbers["value"] is None:
        errors.append(_("目标值不能为空"))
    errors.extend(_year_errors(item))
    return errors


def _year_errors(item: dict) -> list[str]:
    if not isinstance(item.get("year"), int) or not 1990 <= item["year"] <= 2100:
        return [_("目标年无效：%(value)s") % {"value": item.get('year')}]
    return []


def _qualitative_errors(item: dict) -> list[str]:
    errors = []
    wording = (item.get("qualitative") or "").strip()
    if not wording or len(wording) > 100:
        errors.append(_("定性目标的表述不能为空，且不超过100字"))
    if item.get("comparator") not in (IndicatorComparator.AT_LEAST, IndicatorComparator.AT_MOST):
        errors.append(_("比较方式无效：%(comparator)s") % {"comparator": item.get("comparator")})
    return errors + _year_errors(item)
