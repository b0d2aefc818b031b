"""Real concurrency: 20 identical requests at once, each in its own thread with its own database connection,
at every create endpoint of the API (a POST on a collection, found in the OpenAPI schema, so a new endpoint
is covered or fails `test_every_create_endpoint_has_an_example` until it gets an example here).

With one Idempotency-Key: exactly one execution, one set of rows; the 19 twins get the stored answer.
Without a key, the endpoints with a natural key still end with one row: the unique constraint refuses the
twins with a 400 naming the field (or, for an upsert, they update the one row), never a 500.

The data is committed (transactional tests: the threads cannot see a test transaction); pytest-django empties
the tables after each test, and this module reloads the reference data the other tests expect. On SQLite the
test database is a file (qcity/settings/test.py), so the threads meet SQLite's real locking.
"""

from __future__ import annotations

import datetime
import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

N = 20
PASSWORD = "Test-pass-123!"
_n = itertools.count(1)


@dataclass
class Example:
    """How to call one create endpoint: who, what, and how to count the rows one execution writes."""

    user: object
    body: Callable[[], dict]  # a function: uploads must be fresh for every request
    count: Callable[[], int]
    format: str = "json"
    created: int = 1  # rows one execution adds to `count`
    natural_key: bool = False  # a twin without a key is refused (or updates the row): still `created` rows
    # Twins without a key answer 400 or 200, only the one that created answers 201. Not so for an import
    # that answers 200 with what each row did, or a state change (marking read).
    one_created_answer: bool = True
    session: bool = False  # called from a logged-in session (creating API tokens), not with a token


# --- the create endpoints ------------------------------------------------------------------------

def _create_paths() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, operations in schema["paths"].items() if "post" in operations and "{" not in path)


def _user(role, org_unit, **kw):
    from qcity.core.models import ApiToken
    from qcity.core.services import role_grant, user_create

    user = user_create(username=f"burst-{role or 'user'}-{next(_n)}", password=PASSWORD, org_unit=org_unit, by=None,
                       **kw)
    if role:
        role_grant(user=user, role=role, org_unit=org_unit, by=None)
    _token, user.api_key = ApiToken.objects.create(user=user, expiry=None, name="burst")
    return user


def _json(body: dict) -> Callable[[], dict]:
    return lambda: body


class World:
    """The people and the data the examples share, committed once for the module."""

    def __init__(self):
        from qcity.core.choices import Role
        from qcity.core.models import OrgUnit
        from qcity.enterprises.tests.factories import EnterpriseFactory
        from qcity.inspections.tests.factories import (
            make_inspection_item,
            make_inspector,
            make_pool_with_snapshot,
        )
        from qcity.sampling.tests.factories import make_plan

        self.today = timezone.localdate()
        self.city = OrgUnit.objects.get(parent__isnull=True)
        self.district = self.city.children.get(name="金水区")
        self.officer = _user(Role.DISTRICT_OFFICER, self.district)
        self.office = _user(Role.LEADERSHIP_OFFICE, self.city)
        self.admin = _user(Role.SYSTEM_ADMIN, self.city)
        self.inspector = _user(Role.INSPECTOR, self.district)
        self.samplers = [_user(Role.INSPECTOR, self.district, full_name=f"抽样{i}") for i in range(2)]
        self.enterprise = EnterpriseFactory(org_unit=self.district, name="郑州并发测试食品有限公司")
        self.owner = _user(Role.ENTERPRISE_USER, self.district, enterprise=self.enterprise)
        self.indicator = _indicator()
        self.item = make_inspection_item(org_unit=self.city, code="BURST-01")
        self.firms = [EnterpriseFactory(org_unit=self.district, name=f"郑州并发{i}有限公司") for i in range(6)]
        self.pool = make_pool_with_snapshot(self.district, {"a": [f.pk for f in self.firms[:3]],
                                                       "b": [f.pk for f in self.firms[3:]]})
        self.team = [make_inspector(lambda role, org_unit, **kw: _user(role, org_unit, **kw), org_unit=self.district,
                                       items=[self.item], name=f"检查{i}号") for i in range(2)]
        self.sampling_plan = make_plan(self.city)

    def firm(self):
        from qcity.enterprises.tests.factories import EnterpriseFactory

        return EnterpriseFactory(org_unit=self.district, name=f"郑州并发新企业{next(_n)}有限公司")


def _assessment_schemes(w: World, n: int) -> Example:
    from qcity.assessment.models import AssessmentScheme

    return Example(w.office, _json({"year": w.indicator.plan.period_end, "name": f"并发考核方案{n}"}),
                   AssessmentScheme.objects.count, natural_key=True)


def _credit_events(w: World, n: int) -> Example:
    from qcity.credit.models import CreditEvent

    body = {"enterprise": w.enterprise.pk, "kind": "administrative_penalty",
            "occurred_on": str(w.today - datetime.timedelta(days=3)), "source_authority": "金水区市场监督管理局",
            "summary": "并发录入的处罚", "decision_number": f"郑金市监罚〔2026〕{n}号"}
    return Example(w.officer, _json(body), CreditEvent.objects.count, natural_key=True)


def _credit_list_entries(w: World, n: int) -> Example:
    from qcity.credit.models import CreditListEntry

    body = {"list_kind": "abnormal_operations", "enterprise": w.firm().pk, "reason": "unreachable",
            "decided_on": str(w.today), "decision_authority": "金水区市场监督管理局"}
    return Example(w.officer, _json(body), CreditListEntry.objects.count, natural_key=True)


def _credit_objections(w: World, n: int) -> Example:
    from qcity.credit.models import CreditObjection
    from qcity.credit.tests.factories import make_credit_event

    event = make_credit_event(w.enterprise, kind="sampling_failure", occurred_on=w.today - datetime.timedelta(days=3),
                          published_on=w.today, today=w.today)
    return Example(w.owner, _json({"credit_event": event.pk, "grounds": "检验结论有误"}), CreditObjection.objects.count)


def _credit_reclassify(w: World, n: int) -> Example:
    from qcity.core.models import AuditEvent

    def runs():  # each execution audits one pass over the registry
        return AuditEvent.objects.filter(object_type="credit.creditclassification", actor=w.office).count()

    return Example(w.office, _json({}), runs)


def _credit_repairs(w: World, n: int) -> Example:
    from rest_framework.test import APIClient

    from qcity.credit.models import CreditRepair
    from qcity.credit.tests.factories import repair_documents

    firm = w.firm()
    owner = _user("enterprise_user", w.district, enterprise=firm)
    api = APIClient()
    api.force_authenticate(w.officer)
    entry = api.post("/api/credit-list-entries/", {
        "list_kind": "abnormal_operations", "enterprise": firm.pk, "reason": "unreachable",
        "decided_on": str(w.today), "decision_authority": "金水区市场监督管理局"}, format="json")
    assert entry.status_code == 201, entry.content
    body = {"kind": "abnormal_list_removal", "list_entry": entry.json()["id"], "compliance_proof": "已变更住所",
            "commitment_letter": "承诺"}
    return Example(owner, lambda: {**body, **repair_documents()}, CreditRepair.objects.count, format="multipart")


def _credit_scoring_models(w: World, n: int) -> Example:
    from qcity.credit.models import ScoringModel

    return Example(w.office, _json({"parameters": {}, "note": f"并发版本{n}"}), ScoringModel.objects.count)


def _enterprises(w: World, n: int) -> Example:
    from qcity.enterprises.models import Enterprise
    from qcity.enterprises.tests.factories import make_uscc

    body = {"uscc": make_uscc(serial=900000 + n), "name": f"郑州并发接口{n}有限公司", "entity_type": "limited_company",
            "industry_code": "14", "org_unit": w.district.pk}
    return Example(w.officer, _json(body), Enterprise.objects.count, natural_key=True)


def _enterprise_imports(w: World, n: int) -> Example:
    from qcity.enterprises.models import EnterpriseImport
    from qcity.enterprises.tests.factories import import_row, make_uscc, xlsx_upload

    row = import_row(uscc=make_uscc(serial=800000 + n), name=f"郑州并发导入{n}有限公司")
    return Example(w.officer, lambda: {"file": xlsx_upload([row])}, EnterpriseImport.objects.count,
                   format="multipart")


def _holiday_years_import(w: World, n: int) -> Example:
    from qcity.core.models import HolidayCalendarYear
    from qcity.core.tests.schedules import drop_official_year, official_schedule

    year = 2040 + n % 60  # years without a schedule, inside what the API accepts
    drop_official_year(year)
    days = [{"date": d.date.isoformat(), "type": "休", "name": d.name} for d in official_schedule(year)]
    return Example(w.admin, _json({"year": year, "source": "国办发明电", "days": days}),
                   HolidayCalendarYear.objects.filter(year=year).count, natural_key=True)


def _inspection_items(w: World, n: int) -> Example:
    from qcity.inspections.models import InspectionItem

    body = {"code": f"BURST-{n:03d}", "name": "并发事项", "legal_basis": "某法", "org_unit": w.city.pk}
    return Example(w.office, _json(body), InspectionItem.objects.count, natural_key=True)


def _inspection_plans(w: World, n: int) -> Example:
    from qcity.inspections.models import InspectionPlan

    year = w.today.year
    body = {"name": f"并发抽查计划{n}", "org_unit": w.district.pk, "year": year, "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31", "pool": w.pool.pk, "items": [{"item": w.item.code, "ratio": 100}],
            "counts": {"a": 1, "b": 1}}
    return Example(w.officer, _json(body), InspectionPlan.objects.count)


def _inspector_conflicts(w: World, n: int) -> Example:
    from qcity.inspections.models import InspectorConflict

    body = {"inspector": w.team[0].pk, "enterprise": w.firm().uscc, "reason": "亲属"}
    return Example(w.office, _json(body), InspectorConflict.objects.count, natural_key=True)


def _inspectors(w: World, n: int) -> Example:
    from qcity.inspections.models import Inspector

    user = _user("inspector", w.district, full_name=f"新检查{n}")
    body = {"user": user.username, "badge_number": f"4199{n:06d}", "org_unit": w.district.pk,
            "qualifications": [w.item.code]}
    return Example(w.office, _json(body), Inspector.objects.count, natural_key=True)


def _notices(w: World, n: int) -> Example:
    from qcity.workplan.models import Notice
    from qcity.workplan.tests.factories import PlanTaskFactory

    task = PlanTaskFactory(deadline=w.today - datetime.timedelta(days=30))
    return Example(w.office, _json({"kind": "criticism", "tasks": [task.pk]}), Notice.objects.count)


def _plan_imports(w: World, n: int) -> Example:
    from qcity.indicators.models import PlanImport
    from qcity.workplan.tests.factories import PLAN_TEXT

    text = f"并发导入规划{n}\n" + PLAN_TEXT + "到2025年，食品抽检合格率达到98%以上。\n"
    return Example(w.office, lambda: {"title": f"并发规划{n}", "file": SimpleUploadedFile("plan.txt", text.encode())},
                   PlanImport.objects.count, format="multipart")


def _indicator():
    """A reported indicator of its own plan (2021–2025), which the market regulation department reports."""
    from qcity.core.models import Department
    from qcity.indicators.tests.factories import IndicatorFactory

    indicator = IndicatorFactory()
    indicator.departments.set([Department.objects.get(code="market-regulation")])
    return indicator


def _reported_values(w: World, n: int) -> Example:
    from qcity.indicators.models import ReportedValue

    body = {"indicator": _indicator().pk, "org_unit": w.district.pk, "period_kind": "year", "year": 2024,
            "period_number": 0, "value": "97.5"}
    return Example(w.officer, _json(body), ReportedValue.objects.count, natural_key=True)


def _reported_values_import(w: World, n: int) -> Example:
    import io

    from openpyxl import Workbook

    from qcity.indicators.models import ReportedValue
    from qcity.indicators.services.values import IMPORT_HEADERS

    indicator = _indicator()
    book = Workbook()
    book.active.append(list(IMPORT_HEADERS))
    book.active.append([indicator.name, "金水区", 2024, "年", 0, 96.5, "并发导入"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    return Example(w.office, lambda: {"plan": indicator.plan.code, "file": SimpleUploadedFile("values.xlsx", data)},
                   ReportedValue.objects.count, format="multipart", natural_key=True)


def _sampling_plans(w: World, n: int) -> Example:
    from qcity.sampling.models import SamplingPlan

    body = {"title": f"金水区2025年食品抽检计划（第{n}批）", "level": "district", "org_unit": w.district.pk,
            "period_start": "2025-01-01", "period_end": "2025-12-31", "categories": ["SP01"], "planned_batches": 20}
    return Example(w.officer, _json(body), SamplingPlan.objects.count, natural_key=True)


def _sample_body(w: World, n: int) -> dict:
    return {"number": f"CY-BURST-{n:04d}", "plan": w.sampling_plan.pk, "category": "SP01",
            "enterprise": w.enterprise.uscc, "product_name": "挂面", "batch_number": f"B{n:04d}",
            "sampling_date": "2025-03-10", "sampling_place": "market",
            "samplers": [u.username for u in w.samplers], "quantity": 4, "backup_quantity": 2}


def _sampling_samples(w: World, n: int) -> Example:
    from qcity.sampling.models import Sample

    return Example(w.inspector, _json(_sample_body(w, n)), Sample.objects.count, natural_key=True)


def _sampling_test_results(w: World, n: int) -> Example:
    from qcity.sampling.models import TestItemResult
    from qcity.sampling.tests.factories import FAILING, make_sample

    sample = make_sample(w.sampling_plan, w.enterprise, w.samplers, batch=f"TR{n:04d}")
    return Example(w.inspector, _json({"sample": sample.pk, "items": FAILING}),
                   TestItemResult.objects.filter(sample=sample).count, created=len(FAILING), natural_key=True)


def _supervisions(w: World, n: int) -> Example:
    from qcity.workplan.models import Supervision
    from qcity.workplan.tests.factories import PlanTaskFactory

    task = PlanTaskFactory(deadline=w.today - datetime.timedelta(days=10))
    return Example(w.office, _json({"task": task.pk}), Supervision.objects.count, natural_key=True)


def _split_indicator():
    """A count of its own plan, split among the districts (指标分解), with a city target of 98 in 2025."""
    from qcity.indicators.choices import IndicatorDecomposition

    indicator = _indicator()
    indicator.unit, indicator.decomposition = "家", IndicatorDecomposition.SPLIT
    indicator.save(update_fields=["unit", "decomposition"])
    return indicator


def _target_decompositions(w: World, n: int) -> Example:
    from qcity.indicators.models import TargetDecomposition

    body = {"indicator": _split_indicator().pk, "year": 2025, "targets": [{"org_unit": w.district.pk, "value": "50"}]}
    return Example(w.office, _json(body), TargetDecomposition.objects.count, natural_key=True)


def _target_decompositions_import(w: World, n: int) -> Example:
    import io

    from openpyxl import Workbook

    from qcity.indicators.models import TargetDecomposition
    from qcity.indicators.services.decomposition import FIXED_HEADERS

    indicator = _split_indicator()
    book = Workbook()
    book.active.append([*FIXED_HEADERS, "金水区"])
    book.active.append([indicator.code, indicator.name, "分解下达", "家", 2025, 98, 50])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    # an import answers 200 with what each row did (like the holiday schedule's), never 201
    return Example(w.office, lambda: {"plan": indicator.plan.code, "file": SimpleUploadedFile("split.xlsx", data)},
                   TargetDecomposition.objects.count, format="multipart", natural_key=True, one_created_answer=False)


def _generated_documents(w: World, n: int) -> Example:
    from qcity.reports.models import GeneratedDocument

    return Example(w.office, _json({"kind": "white-paper", "year": 2025, "format": "docx"}),
                   GeneratedDocument.objects.count)


def _target_pools(w: World, n: int) -> Example:
    from qcity.inspections.models import TargetPool

    body = {"name": f"并发名录库{n}", "org_unit": w.district.pk, "industry_codes": ["14"], "statuses": ["active"]}
    return Example(w.office, _json(body), TargetPool.objects.count)


def _tasks(w: World, n: int) -> Example:
    from qcity.indicators.tests.factories import PlanFactory
    from qcity.workplan.models import PlanTask
    from qcity.workplan.tests.factories import PLAN_TEXT

    body = {"plan": PlanFactory(text=PLAN_TEXT, period_end=2030).code, "code": f"9.{n}", "title": "加强执法", "quote": "深入开展执法打假。",
            "lead_department": "market-regulation", "supporting_departments": ["public-security"],
            "start_date": "2022-01-01", "deadline": "2023-12-31", "deliverable": "专项行动总结"}
    return Example(w.office, _json(body), PlanTask.objects.count, natural_key=True)


def _api_tokens(w: World, n: int) -> Example:
    from qcity.core.models import ApiToken

    # tokens are created from a session only; the key is never stored, so a twin is a 409, not a replay
    return Example(w.officer, _json({"name": f"并发令牌{n}", "days": 30}), ApiToken.objects.count, session=True)


def _service_accounts(w: World, n: int) -> Example:
    from qcity.core.models import ServiceAccount

    body = {"username": f"feed-{n}", "purpose": "数据报送", "allowed_paths": ["/api/reported-values/"],
            "rate": "60/min", "org_unit": w.district.pk}
    return Example(w.admin, _json(body), ServiceAccount.objects.count, natural_key=True)


def _notifications_read_all(w: World, n: int) -> Example:
    from qcity.core.choices import NotificationKind
    from qcity.core.models import Notification
    from qcity.core.notifications import notify

    reader = _user("district_officer", w.district)
    for k in range(3):
        notify(recipients=[reader], kind=NotificationKind.ASSIGNMENT, key=f"burst:{n}:{k}", title=f"待办{k}")
    # marking read is a state, not a row: one execution marks the three, twins find nothing left to mark
    return Example(reader, _json({}), Notification.objects.filter(recipient=reader, read_at__isnull=False).count,
                   created=3, natural_key=True, one_created_answer=False)


def _complaints_intake(w: World, n: int) -> Example:
    from qcity.complaints.models import Complaint
    from qcity.core.choices import Role

    body = {"source_ref": f"12315-burst-{n}", "kind": "complaint", "person_name": "王并发",
            "person_phone": "13800001234", "respondent_name": w.enterprise.name, "respondent_uscc": w.enterprise.uscc,
            "subject": "并发转办的投诉", "facts": "买到的牛奶已过保质期。"}
    return Example(_user(Role.COMPLAINT_HANDLER, w.district), _json(body), Complaint.objects.count, natural_key=True)


def _epcis_document(n: int) -> dict:
    from qcity.trace.tests.epcis_documents import document, object_event
    from qcity.trace.tests.factories import LocationFactory, LotFactory

    return document(object_event(lot=LotFactory(), quantity=n, uom="KGM", location=LocationFactory()))


def _epcis_capture(w: World, n: int) -> Example:
    from qcity.trace.models import Event

    # Every capture answers 202 with its own capture job; the events are the rows: a twin's are duplicates of
    # the first's (same GS1 event hash), skipped, so one execution and twenty both store one event.
    return Example(w.officer, _json(_epcis_document(n)), Event.objects.count, natural_key=True,
                   one_created_answer=False)


def _epcis_events(w: World, n: int) -> Example:
    from qcity.trace.models import Event

    event = _epcis_document(n)["epcisBody"]["eventList"][0]
    return Example(w.officer, _json(event), Event.objects.count, natural_key=True, one_created_answer=False)


def _trace_codes(w: World, n: int) -> Example:
    from qcity.trace.models import TraceCode
    from qcity.trace.tests.factories import LotFactory, PartyFactory, ProductFactory

    # a lot of a product made by an enterprise in the officer's district: its code is issued once per lot
    lot = LotFactory(product=ProductFactory(producer=PartyFactory(enterprise=w.enterprise)))
    body = {"kind": "product", "gtin": lot.product.gtin, "lot_number": lot.lot_number}
    return Example(w.officer, _json(body), TraceCode.objects.count, natural_key=True)


def _recalls(w: World, n: int) -> Example:
    from qcity.trace.models import Recall
    from qcity.trace.tests.factories import LotFactory, PartyFactory, ProductFactory

    # one open recall per lot: twins without a key get the open recall (200), never a second one
    lot = LotFactory(product=ProductFactory(producer=PartyFactory(org_unit=w.district)), lot_number=f"BURST{n}")
    body = {"gtin": lot.product.gtin, "lot": lot.lot_number, "kind": "ordered_recall", "reason": "并发召回"}
    return Example(w.officer, _json(body), Recall.objects.count, natural_key=True)


def _trace_parties(w: World, n: int) -> Example:
    from qcity.trace.models import Party
    from qcity.trace.tests.factories import gs1_number

    # idempotent on the GLN: twins without a key get the party already registered (200)
    body = {"gln": gs1_number("693", 900 + n, 13), "uscc": w.enterprise.uscc}
    return Example(w.officer, _json(body), Party.objects.count, natural_key=True)


def _trace_locations(w: World, n: int) -> Example:
    from qcity.trace.models import Location
    from qcity.trace.tests.factories import PartyFactory

    party = PartyFactory(enterprise=w.enterprise)
    body = {"gln": party.gln, "extension": str(n), "name": "并发仓库", "party": party.gln}
    return Example(w.officer, _json(body), Location.objects.count, natural_key=True)


def _trace_products(w: World, n: int) -> Example:
    from qcity.trace.models import Product
    from qcity.trace.tests.factories import PartyFactory, gs1_number

    party = PartyFactory(enterprise=w.enterprise)
    body = {"gtin": gs1_number("692", 900 + n, 13), "name": "并发纯牛奶", "producer": party.gln}
    return Example(w.officer, _json(body), Product.objects.count, natural_key=True)


EXAMPLES: dict[str, Callable[[World, int], Example]] = {
    "/api/complaints/intake/": _complaints_intake,
    "/api/notifications/read-all/": _notifications_read_all,
    "/api/api-tokens/": _api_tokens,
    "/api/service-accounts/": _service_accounts,
    "/api/assessment-schemes/": _assessment_schemes,
    "/api/credit-events/": _credit_events,
    "/api/credit-list-entries/": _credit_list_entries,
    "/api/credit-objections/": _credit_objections,
    "/api/credit-classifications/reclassify/": _credit_reclassify,
    "/api/credit-repairs/": _credit_repairs,
    "/api/credit-scoring-models/": _credit_scoring_models,
    "/api/enterprises/": _enterprises,
    "/api/enterprise-imports/": _enterprise_imports,
    "/api/holiday-calendar-years/import/": _holiday_years_import,
    "/api/inspection-items/": _inspection_items,
    "/api/inspection-plans/": _inspection_plans,
    "/api/inspector-conflicts/": _inspector_conflicts,
    "/api/inspectors/": _inspectors,
    "/api/notices/": _notices,
    "/api/plan-imports/": _plan_imports,
    "/api/reported-values/": _reported_values,
    "/api/reported-values/import/": _reported_values_import,
    "/api/sampling-plans/": _sampling_plans,
    "/api/samples/": _sampling_samples,
    "/api/test-item-results/": _sampling_test_results,
    "/api/supervisions/": _supervisions,
    "/api/target-pools/": _target_pools,
    "/api/target-decompositions/": _target_decompositions,
    "/api/target-decompositions/import/": _target_decompositions_import,
    "/api/generated-documents/": _generated_documents,
    "/api/plan-tasks/": _tasks,
    "/api/epcis/capture": _epcis_capture,
    "/api/trace-codes/": _trace_codes,
    "/api/epcis/events": _epcis_events,
    "/api/recalls/": _recalls,
    "/api/parties/": _trace_parties,
    "/api/locations/": _trace_locations,
    "/api/products/": _trace_products,
}
# Parametrized by the examples; the schema is read inside the first test (at collection time it would open a
# database connection before the test database exists), which fails for a create endpoint without one.
ENDPOINTS = sorted(EXAMPLES)


# --- the database, committed for real ------------------------------------------------------------

pytestmark = pytest.mark.django_db(transaction=True)
_audit = import_module("qcity.core.migrations.0003_audit_append_only")


def _audit_triggers(sql: list[str]) -> None:
    """SQLite: the audit log's append-only triggers refuse the DELETE of the flush after a transactional
    test; they are lifted just for it (PostgreSQL flushes with TRUNCATE, which its trigger allows)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def _reference_data() -> None:
    from qcity.core import workdays
    from qcity.core.models import OrgUnit
    from qcity.core.services import reference_data_load

    if not OrgUnit.objects.exists():
        _audit_triggers(_audit.SQLITE_BACKWARD)
        _audit_triggers(_audit.SQLITE_FORWARD)
        reference_data_load(by=None)
        workdays.invalidate()


@pytest.fixture(scope="module", autouse=True)
def _restore_after_module(django_db_setup, django_db_blocker):
    """After the module's last flush: the triggers and the reference data the other modules expect."""
    yield
    with django_db_blocker.unblock():
        _reference_data()


@pytest.fixture
def committed(transactional_db):
    """Committed data (the threads cannot see a test transaction); pytest-django empties the tables after."""
    _reference_data()
    yield World()
    _audit_triggers(_audit.SQLITE_BACKWARD)


def _burst(path: str, example: Example, key: str | None) -> list[tuple]:
    """N threads, each with its own client and connection, released together by a barrier."""
    from rest_framework.test import APIClient

    token = example.user.api_key
    if example.session:
        login = APIClient()
        login.force_login(example.user)
        cookie = login.cookies[settings.SESSION_COOKIE_NAME].value
    barrier, results = threading.Barrier(N), [None] * N

    def run(i):
        try:
            api = APIClient()
            if example.session:
                api.cookies[settings.SESSION_COOKIE_NAME] = cookie
            else:
                api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            body = example.body()
            headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
            barrier.wait(timeout=30)
            response = api.post(path, body, format=example.format, **headers)
            results[i] = (response.status_code, response.get("Idempotent-Replayed"), response.content[:300])
        except Exception as exc:  # noqa: BLE001  the test reports it below
            results[i] = ("error", None, repr(exc).encode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _summary(results) -> str:
    counts: dict = {}
    for status, replayed, _content in results:
        counts[(status, replayed)] = counts.get((status, replayed), 0) + 1
    return json.dumps({f"{s}{' replayed' if r else ''}": c for (s, r), c in counts.items()})


@pytest.mark.django_db  # reads the schema only: no flush needed
def test_every_create_endpoint_has_an_example():
    create_paths = _create_paths()
    missing = [path for path in create_paths if path not in EXAMPLES]
    assert not missing, ("create endpoints without an example in EXAMPLES (who may call it, a body, what to "
                         f"count):\n{missing}")
    assert not set(EXAMPLES) - set(create_paths), "examples for endpoints that no longer exist"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_twenty_parallel_identical_requests_create_one_record(committed, path):
    # given a create request and one Idempotency-Key
    example = EXAMPLES[path](committed, next(_n))
    before = example.count()
    # when 20 identical requests with that key arrive at once
    results = _burst(path, example, key=f"burst-{next(_n)}")
    # then one executed, its twins got its answer, and one set of rows exists
    detail = f"{path} with a key: {_summary(results)}; first: {results[0][2][:200]!r}"
    executed = [r for r in results if r[1] is None and r[0] != 409]
    assert example.count() - before == example.created, detail
    assert len(executed) == 1 and 200 <= executed[0][0] < 300, detail
    assert all(r[0] == executed[0][0] or r[0] == 409 for r in results), detail

    # and without a key, where the endpoint has a natural key, the unique constraint still makes it one
    example = EXAMPLES[path](committed, next(_n))
    if not example.natural_key:
        return  # nothing tells two such requests apart: only the Idempotency-Key makes a retry safe
    before = example.count()
    results = _burst(path, example, key=None)
    detail = f"{path} without a key: {_summary(results)}; " + "; ".join(
        {r[2][:200].decode("utf-8", "replace") for r in results if r[0] not in (200, 201, 202)})
    assert example.count() - before == example.created, detail
    assert all(r[0] in (200, 201, 202, 400) for r in results), detail
    if example.one_created_answer:
        assert sum(r[0] in (201, 202) for r in results) == 1, detail  # upserts: the twins answer 200
