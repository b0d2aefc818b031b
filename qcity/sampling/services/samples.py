"""Samples: recording a sampling, test results per item, the conclusion, service on the enterprise and
publication."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from qcity.core import access, deadlines
from qcity.core.access import require_scope
from qcity.core.audit import audit_record, snapshot
from qcity.core.choices import AuditAction, NotificationKind, Role
from qcity.core.deadlines import Deadline, deadline
from qcity.core.messages import not_in_future
from qcity.core.models import User
from qcity.core.notifications import notify
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise

from ..choices import LEVEL_RANK, SampleStatus, SamplingConclusion
from ..models import ProductCategory, Sample, SamplingPlan, TestItemResult
from . import feeds

RETEST_CODE = "sampling-retest-application"


def retest_deadline(sample: Sample) -> Deadline | None:
    """DOMAIN §6 / 产品质量法 art. 15: a retest is applied for within 15 natural days of receiving the result
    (a last day off work moves to the next working day)."""
    return deadline(RETEST_CODE, sample.served_on) if sample.served_on else None
MIN_SAMPLERS = 2


def served_key(sample: Sample) -> str:
    """The notification key of a result's service on the enterprise: its proof of service reads it back."""
    return f"sample:{sample.pk}:served"


def enterprise_users(sample: Sample) -> list[User]:
    """The active accounts of the sampled enterprise and of the named manufacturer in the city (Order 18:
    the report is served on both)."""
    ids = [i for i in (sample.enterprise_id, sample.manufacturer_id) if i]
    return list(User.objects.filter(is_active=True, enterprise_id__in=ids,
                                     role_assignments__role=Role.ENTERPRISE_USER).distinct())


def sample_url(sample: Sample) -> str:
    return reverse("sampling:sample-detail", args=[sample.pk])


def _samplers_notify(sample: Sample, samplers: list[User], *, by: User | None) -> None:
    others = [u for u in samplers if by is None or u.pk != by.pk]
    notify(recipients=others, kind=NotificationKind.ASSIGNMENT, key=f"sample:{sample.pk}:samplers",
           title=_("您被登记为抽样人员：%(number)s %(product)s") % {"number": sample.number,
                                                           "product": sample.product_name},
           body=_("抽样日期 %(date)s，被抽样单位 %(enterprise)s。") % {"date": sample.sampling_date,
                                                           "enterprise": sample.enterprise.name},
           url=sample_url(sample))


def _served_notify(sample: Sample) -> None:
    conclusion = sample.get_conclusion_display()
    body = _("检验结论：%(conclusion)s。") % {"conclusion": conclusion}
    if sample.conclusion == SamplingConclusion.FAIL:
        body += _("对检验结果有异议的，可自收到之日起15日内（截止 %(deadline)s）申请复检。") % {
            "deadline": sample.retest_deadline}
    notify(recipients=enterprise_users(sample), kind=NotificationKind.SAMPLING_RESULT_SERVED,
           key=served_key(sample),
           title=_("监督抽检结果送达：%(product)s（%(number)s）") % {"product": sample.product_name,
                                                          "number": sample.number},
           body=body, url=sample_url(sample))


def _norm(text: str) -> str:
    return "".join((text or "").split()).lower()


def _duplicate_of(plan: SamplingPlan, *, product_name: str, batch_number: str, producer: str) -> Sample | None:
    """A sample of the same product batch by a higher-level plan, if any."""
    rank = LEVEL_RANK[plan.level]
    higher = [level for level, r in LEVEL_RANK.items() if r < rank]
    if not higher:
        return None
    candidates = (Sample.objects.filter(batch_number=batch_number.strip(), plan__level__in=higher)
                  .select_related("plan", "enterprise", "manufacturer"))
    for sample in candidates:
        if _norm(sample.product_name) == _norm(product_name) and _norm(sample.producer_name) == _norm(producer):
            return sample
    return None


def sample_create(*, by: User | None, plan: SamplingPlan, category: ProductCategory, enterprise: Enterprise,
                  product_name: str, batch_number: str, sampling_date: datetime.date, sampling_place: str,
                  samplers, quantity: int, backup_quantity: int, manufacturer: Enterprise | None = None,
                  manufacturer_name: str = "", brand: str = "", specification: str = "",
                  production_date: datetime.date | None = None, quantity_unit: str = "件",  # i18n-ignore: stored unit, shown through core.units
                  backup_sealed: bool = True, number: str = "", fee_charged: bool = False,
                  today: datetime.date | None = None) -> Sample:
    require_scope(by, enterprise.org_unit, roles=MARKET_OFFICERS, action="record sample")
    today = today or timezone.localdate()
    samplers = list({u.pk: u for u in samplers}.values())
    if manufacturer is not None and manufacturer.pk == enterprise.pk:
        manufacturer = None
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    if not enterprise.org_unit.path.startswith(plan.org_unit.path):
        error("enterprise", _("被抽样单位不在该计划的实施范围（%(name)s）内") % {"name": plan.org_unit.name})
    if not plan.categories.filter(pk=category.pk).exists():
        error("category", _("该计划不包括产品类别“%(name)s”") % {"name": category.name})
    if not (plan.period_start <= sampling_date <= plan.period_end):
        error("sampling_date", _("抽样日期须在计划期 %(period_start)s—%(period_end)s 内") % {"period_start": plan.period_start, "period_end": plan.period_end})
    if sampling_date > today:
        error("sampling_date", not_in_future(_("抽样日期")))
    if production_date and production_date > sampling_date:
        error("production_date", _("生产日期不能晚于抽样日期"))
    if not product_name.strip():
        error("product_name", _("请填写产品名称"))
    if not batch_number.strip():
        error("batch_number", _("请填写生产批号（无批号的填写生产或购进日期）"))
    if sampling_place not in ("market", "warehouse"):
        # 产品质量法 art. 15: drawn at random from goods for sale, in the market or the finished-goods warehouse
        error("sampling_place", _("抽样场所须为市场或企业成品仓库"))
    # DOMAIN §6 / Order 18: at least two samplers, law-enforcement staff with ID
    if len(samplers) < MIN_SAMPLERS:
        error("samplers", _("抽样人员不得少于%(min_samplers)s名") % {"min_samplers": MIN_SAMPLERS})
    not_officers = [u.display_name for u in samplers if not access.has_role(u, *MARKET_OFFICERS)]
    if not_officers:
        error("samplers", _("抽样人员须为执法人员：%(not_officers)s") % {"not_officers": '、'.join(not_officers)})
    if quantity is None or quantity < 1:
        error("quantity", _("抽样数量须至少为1"))
    # Order 18: a sealed backup sample is kept for the retest
    if backup_quantity is None or backup_quantity < 1:
        error("backup_quantity", _("须留存封存的备用样品"))
    if fee_charged:
        # 产品质量法 art. 15: no fee may be charged to the sampled party
        error("fee_charged", _("监督抽查不得向被抽查人收取检验费用"))
    if not errors:
        # DOMAIN §6 / 产品质量法 art. 15: a lower level must not re-sample a batch a higher level sampled
        producer = manufacturer.name if manufacturer else (manufacturer_name.strip() or enterprise.name)
        earlier = _duplicate_of(plan, product_name=product_name, batch_number=batch_number, producer=producer)
        if earlier is not None:
            error("batch_number", _("该批次产品已由%(level)s监督抽查抽样（抽样单 %(number)s），下级不得重复抽查") % {"level": earlier.plan.get_level_display(), "number": earlier.number})
    number = number.strip()
    if number and Sample.objects.filter(number=number).exists():
        error("number", _number_taken(number))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                number=number or f"tmp-{uuid.uuid4().hex}", plan=plan, category=category, enterprise=enterprise,
                org_unit=enterprise.org_unit, manufacturer=manufacturer,
                manufacturer_name="" if manufacturer else manufacturer_name.strip(), product_name=product_name.strip(),
                brand=brand.strip(), specification=specification.strip(), batch_number=batch_number.strip(),
                production_date=production_date, sampling_date=sampling_date, sampling_place=sampling_place,
                quantity=quantity, backup_quantity=backup_quantity, quantity_unit=quantity_unit or "件",  # i18n-ignore: stored unit, shown through core.units
                backup_sealed=backup_sealed, created_by=by)
            if not number:
                sample.number = f"CY{sampling_date:%Y}{sample.pk:07d}"
                sample.save(update_fields=["number"])
            sample.samplers.set(samplers)
            audit_record(action=AuditAction.CREATE, by=by, obj=sample, org_unit=sample.org_unit,
                         after=snapshot(sample) | {"samplers": sorted(u.pk for u in samplers)})
            _samplers_notify(sample, samplers, by=by)
    except IntegrityError as exc:  # a concurrent insert of the same sheet number
        raise ValidationError({"number": [_number_taken(number)]}) from exc
    return sample


def _number_taken(number: str) -> str:
    return gettext("抽样单编号 %(number)s 已存在，同一抽样单不能重复录入") % {"number": number}


# --- test results ----------------------------------------------------------------------------------

def _decimal(value, field: str, row: int, errors: list[str]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.append(_("第%(row)s项 %(field)s：不是有效的数值") % {"row": row, "field": field})
        return None


def _item(sample: Sample, row: int, data: dict, errors: list[str]) -> TestItemResult | None:
    name = (data.get("item_name") or "").strip()
    if not name:
        errors.append(_("第%(row)s项：请填写检验项目名称") % {"row": row})
        return None
    before = len(errors)
    limit_min = _decimal(data.get("limit_min"), "limit_min", row, errors)
    limit_max = _decimal(data.get("limit_max"), "limit_max", row, errors)
    measured = _decimal(data.get("measured_value"), "measured_value", row, errors)
    if len(errors) > before:
        return None
    if limit_min is not None and limit_max is not None and limit_max < limit_min:
        errors.append(_("第%(row)s项（%(name)s）：上限不能小于下限") % {"row": row, "name": name})
        return None
    conforming = data.get("conforming")
    if measured is not None and (limit_min is not None or limit_max is not None):
        computed = ((limit_min is None or measured >= limit_min) and (limit_max is None or measured <= limit_max))
        if conforming is not None and bool(conforming) != computed:
            errors.append(_("第%(row)s项（%(name)s）：单项判定与限量不一致（实测 %(measured)s）") % {"row": row, "name": name, "measured": measured})
            return None
        conforming = computed
    elif conforming is None:
        errors.append(_("第%(row)s项（%(name)s）：没有数值限量时须给出单项判定（conforming）") % {"row": row, "name": name})
        return None
    return TestItemResult(sample=sample, item_name=name[:200], standard=(data.get("standard") or "")[:200],
                          limit_min=limit_min, limit_max=limit_max, limit_text=(data.get("limit_text") or "")[:200],
                          measured_value=measured, measured_text=(data.get("measured_text") or "")[:200],
                          unit=(data.get("unit") or "")[:30], conforming=bool(conforming))


def test_results_record(*, sample: Sample, items: list[dict], by: User | None) -> list[TestItemResult]:
    """Record (or replace, by item name) test items of a sample not yet concluded; all items or none."""
    return test_results_enter(sample=sample, items=items, by=by)[0]


def test_results_enter(*, sample: Sample, items: list[dict], by: User | None) -> tuple[list[TestItemResult], bool]:
    """`test_results_record`, also saying whether any item was new (the API answers 201 only then; a resent
    list replaces the items of the same names and answers 200)."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="enter test results", obj=sample)
    if sample.status != SampleStatus.SAMPLED:
        raise ValidationError({"sample": [_("该样品已出检验结论，不能再录入或修改检验结果")]})
    if not items:
        raise ValidationError({"items": [_("请至少录入一个检验项目")]})
    errors: list[str] = []
    rows = [_item(sample, n, data, errors) for n, data in enumerate(items, start=1)]
    names = [r.item_name for r in rows if r is not None]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(_("检验项目重复：%(duplicates)s") % {"duplicates": '、'.join(duplicates)})
    if errors:
        raise ValidationError({"items": errors})
    with transaction.atomic():
        sample = Sample.objects.select_for_update().get(pk=sample.pk)
        if sample.status != SampleStatus.SAMPLED:
            raise ValidationError({"sample": [_("该样品已出检验结论，不能再录入或修改检验结果")]})
        replaced = TestItemResult.objects.filter(sample=sample, item_name__in=names).delete()[1].get(
            TestItemResult._meta.label, 0)
        created = TestItemResult.objects.bulk_create(rows)
        failed = [r.item_name for r in rows if not r.conforming]
        audit_record(action=AuditAction.UPDATE, by=by, obj=sample, org_unit=sample.org_unit,
                     message=f"test results entered: {len(rows)} items, {len(failed)} non-conforming"
                             + (f" ({', '.join(failed)})" if failed else ""))
    return created, replaced < len(rows)


def test_item_delete(*, item: TestItemResult, by: User | None) -> None:
    sample = item.sample
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="delete test result", obj=sample)
    if sample.status != SampleStatus.SAMPLED:
        raise ValidationError({"sample": [_("该样品已出检验结论，不能再修改检验结果")]})
    with transaction.atomic():
        audit_record(action=AuditAction.DELETE, by=by, obj=item, org_unit=sample.org_unit,
                     before=snapshot(item), message=f"test item removed from {sample.number}")
        item.delete()


def computed_conclusion(sample: Sample) -> str | None:
    """Fail when any item fails, pass when all pass; None without items."""
    verdicts = list(sample.items.values_list("conforming", flat=True))
    if not verdicts:
        return None
    return SamplingConclusion.PASS if all(verdicts) else SamplingConclusion.FAIL


def sample_conclude(*, sample: Sample, conclusion: str, test_report_number: str, by: User | None,
                    test_agency: str = "", concluded_on: datetime.date | None = None,
                    today: datetime.date | None = None) -> Sample:
    """Confirm the conclusion the items give (the officer states it: a mismatch is refused), record the
    credit event and refresh the pass-rate indicator."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="conclude sample", obj=sample)
    today = today or timezone.localdate()
    concluded_on = concluded_on or today
    errors: dict[str, list[str]] = {}
    if sample.status != SampleStatus.SAMPLED:
        raise ValidationError({"status": [_("该样品已出检验结论（%(conclusion)s），不能重复下结论") % {"conclusion": sample.get_conclusion_display()}]})
    expected = computed_conclusion(sample)
    if expected is None:
        errors["items"] = [_("尚未录入检验项目结果，不能下结论")]
    elif conclusion != expected:
        errors["conclusion"] = [_("结论须与检验项目判定一致：%(label)s") % {"label": SamplingConclusion(expected).label}]
    report = (test_report_number or "").strip()
    if not report:
        errors["test_report_number"] = [_("请填写检验报告编号")]
    elif Sample.objects.filter(test_report_number=report).exclude(pk=sample.pk).exists():
        errors["test_report_number"] = [_("检验报告编号 %(report)s 已被其他样品使用") % {"report": report}]
    if concluded_on < sample.sampling_date:
        errors["concluded_on"] = [_("结论日期不能早于抽样日期")]
    elif concluded_on > today:
        errors["concluded_on"] = [not_in_future(_("结论日期"))]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Sample.objects.select_for_update().get(pk=sample.pk)
        if locked.status != SampleStatus.SAMPLED:
            raise ValidationError({"status": [_("该样品已出检验结论，不能重复下结论")]})
        sample.status = SampleStatus.CONCLUDED
        sample.conclusion = sample.initial_conclusion = conclusion
        sample.test_report_number = report
        sample.test_agency = test_agency.strip()[:200]
        sample.concluded_on = concluded_on
        sample.save(update_fields=["status", "conclusion", "initial_conclusion", "test_report_number",
                                   "test_agency", "concluded_on"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=sample, org_unit=sample.org_unit,
                     message=f"concluded: {sample.get_conclusion_display()}, report {report}")
        feeds.credit_record(sample, by=by)
        feeds.indicators_refresh_on_commit(sample)
    return sample


def sample_serve(*, sample: Sample, served_on: datetime.date, by: User | None,
                 today: datetime.date | None = None) -> Sample:
    """Serve the result on the sampled party; the 15-day retest window runs from this day."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="serve sampling result", obj=sample)
    today = today or timezone.localdate()
    if sample.status != SampleStatus.CONCLUDED:
        message = _("尚未出检验结论，不能送达") if sample.status == SampleStatus.SAMPLED else _("检验结论已送达")
        raise ValidationError({"status": [message]})
    if served_on < sample.concluded_on:
        raise ValidationError({"served_on": [_("送达日期不能早于结论日期")]})
    if served_on > today:
        raise ValidationError({"served_on": [not_in_future(_("送达日期"))]})
    with transaction.atomic():
        sample.status = SampleStatus.SERVED
        sample.served_on = served_on
        window = retest_deadline(sample)
        deadlines.assign(sample, "retest_deadline", window)
        sample.save(update_fields=["status", "served_on", "retest_deadline", "retest_deadline_provisional_year"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=sample, org_unit=sample.org_unit,
                     message=f"result served on {served_on}; retest window until {window.on}"
                             + (" (provisional)" if window.provisional else ""))
        _served_notify(sample)
    return sample


def sample_publish(*, sample: Sample, by: User | None, published_on: datetime.date | None = None,
                   today: datetime.date | None = None) -> Sample:
    """Publish a final conclusion (never one still open to, or under, a retest)."""
    require_scope(by, sample.org_unit, roles=MARKET_OFFICERS, action="publish sampling result", obj=sample)
    today = today or timezone.localdate()
    published_on = published_on or today
    if sample.published_on:
        raise ValidationError({"published_on": [_("该结果已于 %(published_on)s 公布") % {"published_on": sample.published_on}]})
    if not sample.is_final(today):
        raise ValidationError({"status": [_("检验结论尚未最终确定（未送达、仍在复检申请期内或复检中），不能公布")]})
    if published_on < sample.served_on or published_on > today:
        raise ValidationError({"published_on": [_("公布日期须在送达日期之后、不晚于今天")]})
    with transaction.atomic():
        sample.published_on = published_on
        sample.save(update_fields=["published_on"])
        audit_record(action=AuditAction.UPDATE, by=by, obj=sample, org_unit=sample.org_unit,
                     message=f"result published on {published_on}: {sample.get_conclusion_display()}")
        feeds.credit_publish(sample, by=by)
    return sample
