import json
import shutil

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.indicators.models import Indicator, Plan, PlanImport, Target
from qcity.indicators.services import plan_create_from_import, plan_import_create, plans_load_builtin
from qcity.indicators.services.plans import PLANS_DIR


def test_every_quote_of_the_shipped_catalogues_is_in_its_plan_text():
    for path in sorted(PLANS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        for item in data["indicators"]:
            assert item["quote"] in text, (path.name, item["code"])
            for target in item["targets"]:
                assert (target.get("quote") or item["quote"]) in text, (path.name, item["code"], target["year"])


@pytest.mark.django_db
def test_loading_the_builtin_plans_twice_keeps_one_copy_of_everything():
    # given the three shipped plans loaded once
    plans_load_builtin()
    counts = (Plan.objects.count(), Indicator.objects.count(), Target.objects.count())
    # when loaded again
    plans_load_builtin()
    # then nothing is duplicated, and every target links back to its sentence
    assert (Plan.objects.count(), Indicator.objects.count(), Target.objects.count()) == counts
    assert counts[0] == 3 and counts[1] >= 150
    plan = Plan.objects.get(code="zz-2021-14th-fyp")
    indicator = plan.indicators.get(name="食品抽检合格率")
    assert plan.text[indicator.quote_start:indicator.quote_start + len(indicator.quote)] == indicator.quote
    assert indicator.departments.filter(code="market-regulation").exists()
    assert AuditEvent.objects.filter(object_type="indicators.plan", action=AuditAction.UPDATE).count() >= 3


@pytest.mark.django_db
def test_airport_zone_table_has_two_milestones_with_baseline_and_attribute():
    plans_load_builtin()
    indicator = Indicator.objects.get(plan__code="zz-airport-2021", code="A-08")
    assert [t.year for t in indicator.targets.all()] == [2022, 2025]
    assert indicator.baseline_year == 2020 and indicator.attribute in {"binding", "expected"}


@pytest.mark.django_db
def test_a_catalogue_quote_missing_from_the_text_fails_naming_the_indicator(tmp_path):
    shutil.copy(PLANS_DIR / "zz-2014-demonstration.txt", tmp_path / "broken.txt")
    data = json.loads((PLANS_DIR / "zz-2014-demonstration.json").read_text(encoding="utf-8"))
    data["code"] = "broken"
    data["indicators"][0]["quote"] = "这句话不在规划里"
    (tmp_path / "broken.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        plans_load_builtin(directory=tmp_path)
    assert data["indicators"][0]["code"] in caught.value.messages[0]
    assert not Plan.objects.filter(code="broken").exists()


def _import(user, text="到2025年，食品抽检合格率达到98%以上。新建图书馆1~2个。"):
    return PlanImport.objects.create(title="测试", original_name="plan.txt", text=text, created_by=user)


PROPOSALS = [
    {"name": "食品抽检合格率", "comparator": ">=", "value": 98, "low": None, "high": None, "unit": "%", "year": 2025,
     "domain": "product", "quote": "食品抽检合格率达到98%以上"},
    {"name": "新建图书馆", "comparator": "range", "value": None, "low": 1, "high": 2, "unit": "个", "year": 2025,
     "domain": "service", "quote": "新建图书馆1~2个"},
]


@pytest.mark.django_db
def test_accepted_proposals_become_a_plan_with_linked_quotes(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    record = _import(office)
    plan = plan_create_from_import(plan_import=record, code="new-plan", title="新规划", period_start=2021,
                                   period_end=2025, accepted=PROPOSALS, by=office)
    indicators = list(plan.indicators.order_by("position"))
    assert [i.name for i in indicators] == ["食品抽检合格率", "新建图书馆"]
    library = indicators[1].targets.get()
    assert (library.value, library.low, library.high) == (None, 1, 2)
    assert plan.text[indicators[0].quote_start:].startswith("食品抽检合格率达到98%以上")
    record.refresh_from_db()
    assert record.plan == plan


@pytest.mark.django_db
def test_bad_proposals_are_rejected_by_row_and_nothing_is_created(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    bad = [dict(PROPOSALS[0], value="九十八"), dict(PROPOSALS[1], low=3, high=2)]
    with pytest.raises(ValidationError) as caught:
        plan_create_from_import(plan_import=_import(office), code="bad-plan", title="x", period_start=2021,
                                period_end=2025, accepted=bad, by=office)
    assert set(caught.value.message_dict) == {"accepted[1]", "accepted[2]"}
    assert not Plan.objects.filter(code="bad-plan").exists()


@pytest.mark.django_db
def test_only_the_leadership_office_creates_plans(make_user, district):
    officer = make_user(Role.DISTRICT_OFFICER, district)
    with pytest.raises(PermissionDenied):
        plan_create_from_import(plan_import=_import(officer), code="p", title="x", period_start=2021,
                                period_end=2025, accepted=PROPOSALS, by=officer)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=officer).exists()


QUALITATIVE_PROPOSAL = {"kind": "qualitative", "name": "质量损失率", "qualitative": "低于全国平均水平",
                        "comparator": "<=", "unit": "", "year": 2025, "domain": "product",
                        "quote": "质量损失率低于全国平均水平"}


@pytest.mark.django_db
def test_an_accepted_qualitative_proposal_becomes_an_indicator_without_a_numeric_target(make_user):
    # given an import whose text states a relative target
    office = make_user(Role.LEADERSHIP_OFFICE)
    record = _import(office, text="到2025年，食品抽检合格率达到98%以上。质量损失率低于全国平均水平。")
    # when the reviewer accepts it beside a quantified one
    plan = plan_create_from_import(plan_import=record, code="qual-plan", title="x", period_start=2021,
                                   period_end=2025, accepted=[PROPOSALS[0], QUALITATIVE_PROPOSAL], by=office)
    # then it is a qualitative indicator: the name states the target, a comparator, no Target row
    food, loss = plan.indicators.order_by("position")
    assert food.targets.count() == 1
    assert (loss.name, loss.comparator, loss.unit, loss.targets.count()) == ("质量损失率低于全国平均水平", "<=", "", 0)
    assert plan.text[loss.quote_start:].startswith("质量损失率低于全国平均水平")


@pytest.mark.django_db
def test_a_qualitative_proposal_without_wording_or_with_a_range_is_refused(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    bad = [dict(QUALITATIVE_PROPOSAL, qualitative=" "), dict(QUALITATIVE_PROPOSAL, comparator="range", year="x")]
    with pytest.raises(ValidationError) as caught:
        plan_create_from_import(plan_import=_import(office), code="bad-qual", title="x", period_start=2021,
                                period_end=2025, accepted=bad, by=office)
    errors = caught.value.message_dict
    assert set(errors) == {"accepted[1]", "accepted[2]"}
    assert len(errors["accepted[2]"]) == 2  # the comparator and the year
    assert not Plan.objects.filter(code="bad-qual").exists()


@pytest.mark.django_db
def test_an_uploaded_plan_proposes_converted_numbers_split_targets_and_qualitative_ones(make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    text = "到2025年，新增市场主体3.5万户，食品和药品抽检合格率均达98%以上，质量损失率低于全国平均水平。"
    record = plan_import_create(name="plan.txt", data=text.encode(), by=office)
    assert [(p["name"], p["value"], p["unit"], p.get("kind")) for p in record.proposals] == [
        ("新增市场主体", 35000, "户", None),
        ("食品抽检合格率", 98, "%", None),
        ("药品抽检合格率", 98, "%", None),
        ("质量损失率", None, "", "qualitative"),
    ]
    assert record.proposals[3]["qualitative"] == "低于全国平均水平"
