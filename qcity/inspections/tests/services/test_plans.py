"""Services of inspection plans: plan rules and the draw (rules, bad input, reproducibility, concurrency)."""


import json
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection  # noqa: F401 (read by the skipif condition of the concurrency test)
from django.db.models import ProtectedError

from qcity.core.choices import Role
from qcity.enterprises.models import Enterprise
from qcity.inspections import draw as algorithm
from qcity.inspections import services
from qcity.inspections.choices import InspectionPlanStatus
from qcity.inspections.models import Assignment, Draw, DrawnTarget, InspectionPlan
from qcity.inspections.records import draw_record, draw_verify

from ..factories import make_inspection_item, make_inspection_plan

pytestmark = pytest.mark.django_db


# --- the draw --------------------------------------------------------------------------------------------


def test_draw_is_stratified_and_every_target_gets_two_eligible_inspectors(setting, district, make_plan):
    # given a plan of 2 per class and a declared conflict of one local inspector with every enterprise
    recused = setting["local"][0]
    for firm in setting["firms"]:
        services.conflict_declare(inspector=recused, enterprise=firm, reason="亲属任职", by=None)
    plan = make_plan()
    # when it is drawn
    draw = services.draw_run(plan=plan, by=None, seed="test-seed")
    # then 2 targets per class come from that class, each has the basic item and two inspectors
    targets = list(DrawnTarget.objects.filter(draw=draw))
    assert len(targets) == 8
    for target in targets:
        assert target.enterprise_id in setting["members"][target.stratum]
        assert setting["items"][0].pk in target.item_ids
        team = [a.inspector for a in target.assignments.all()]
        assert len(team) == 2 and recused not in team and setting["elsewhere"] not in team
    assert sum(setting["items"][1].pk in t.item_ids for t in targets) == 4  # 50 % of 8 on the second item
    plan.refresh_from_db()
    assert plan.status == InspectionPlanStatus.DRAWN and draw.sample_sizes == {"a": 2, "b": 2, "c": 2, "d": 2}


def test_ratios_round_up_per_class(setting, district, make_plan):
    plan = make_plan(counts={}, ratios={"a": Decimal(10), "b": Decimal(0), "c": Decimal(50),
                                                       "d": Decimal(100)})
    draw = services.draw_run(plan=plan, by=None, seed="ratio")
    assert draw.sample_sizes == {"a": 1, "b": 0, "c": 2, "d": 2}


def test_pool_smaller_than_sample_is_refused_naming_the_stratum(setting, district, make_plan):
    plan = make_plan(counts={"a": 1, "d": 3})
    with pytest.raises(ValidationError) as error:
        services.draw_run(plan=plan, by=None)
    assert "count_d" in error.value.message_dict and "D类" in error.value.message_dict["count_d"][0]
    assert not Draw.objects.exists() and InspectionPlan.objects.get(pk=plan.pk).status == InspectionPlanStatus.DRAFT


def test_too_few_conflict_free_inspectors_lists_the_targets_and_writes_nothing(setting, district, make_plan):
    # given every local and the city inspector recused from the first D enterprise
    victim = next(f for f in setting["firms"] if f.pk in setting["members"]["d"])
    for inspector in [*setting["local"][:3], setting["city_inspector"]]:
        services.conflict_declare(inspector=inspector, enterprise=victim, reason="曾任该企业顾问", by=None)
    plan = make_plan()
    with pytest.raises(ValidationError) as error:
        services.draw_run(plan=plan, by=None)
    message = error.value.message_dict["inspectors"][0]
    assert victim.name in message and "可用 1 名" in message
    assert not Draw.objects.exists() and not DrawnTarget.objects.exists() and not Assignment.objects.exists()


def test_inactive_or_unqualified_inspectors_are_not_drawn(setting, district, make_user, city, make_plan):
    for inspector in setting["local"][1:]:
        services.inspector_update(inspector=inspector, by=None, active=False)
    services.inspector_update(inspector=setting["local"][0], by=None, qualifications=[setting["items"][1]])
    plan = make_plan()
    with pytest.raises(ValidationError, match="可用 1 名"):
        services.draw_run(plan=plan, by=None)


def test_a_target_the_registry_no_longer_has_is_refused_and_nothing_is_written(setting, district, make_plan):
    # given a snapshot taken before an enterprise of every class left the registry (drawn targets keep no
    # database foreign key: the draw itself checks that every target is still registered)
    plan = make_plan(counts={stratum: len(ids) for stratum, ids in setting["members"].items()})  # everyone
    gone = [f for f in setting["firms"] if f.pk in setting["members"]["d"]][0]
    Enterprise.objects.filter(pk=gone.pk).delete()
    with pytest.raises(ValidationError) as error:
        services.draw_run(plan=plan, by=None, seed="gone")
    assert "快照" in error.value.message_dict["pool"][0]
    assert not Draw.objects.exists() and not DrawnTarget.objects.exists() and not Assignment.objects.exists()


def test_an_enterprise_with_drawn_targets_cannot_be_deleted(setting, district, make_plan):
    draw = services.draw_run(plan=make_plan(), by=None, seed="protect")
    target = DrawnTarget.objects.filter(draw=draw).first()
    with pytest.raises(ProtectedError):
        Enterprise.objects.get(pk=target.enterprise_id).delete()


def test_a_plan_is_drawn_once(setting, district, make_plan):
    plan = make_plan()
    services.draw_run(plan=plan, by=None)
    with pytest.raises(ValidationError, match="只能抽取一次"):
        services.draw_run(plan=plan, by=None)


def test_no_snapshot_is_a_clear_error(setting, district):
    pool = services.pool_create(by=None, name="空名录库", org_unit=district)
    plan = make_inspection_plan(org_unit=district, pool=pool, items=[setting["items"][0]])
    with pytest.raises(ValidationError, match="快照"):
        services.draw_run(plan=plan, by=None)


def test_an_item_is_drawn_only_for_targets_of_the_industries_it_applies_to(setting, district, city, make_plan):
    # given half the pool food shops and half software firms, and a food-safety item for food businesses only
    for n, firm in enumerate(setting["firms"]):
        firm.industry_code = "5223" if n % 2 else "6513"
        firm.save(update_fields=["industry_code"])
    food = make_inspection_item(org_unit=city, code="SP-09", name="食品经营者监督检查", industry_codes=["52", "62"])
    for inspector in [*setting["local"], setting["city_inspector"]]:
        inspector.qualifications.add(food)
    basic, _product = setting["items"]
    plan = make_inspection_plan(org_unit=district, pool=setting["pool"], items=[(basic, Decimal(100)), (food, Decimal(100))],
                                counts={"a": 4, "b": 4, "c": 2, "d": 2})
    # when it is drawn
    draw = services.draw_run(plan=plan, by=None, seed="industries")
    # then every target is inspected on the item for everyone, the food item only at the food shops, all of them
    targets = list(DrawnTarget.objects.filter(draw=draw).select_related("enterprise"))
    assert all(basic.pk in t.item_ids for t in targets)
    assert {t.enterprise.industry_code for t in targets} == {"5223", "6513"}
    assert all((food.pk in t.item_ids) == (t.enterprise.industry_code == "5223") for t in targets)
    # and the record freezes the targets' industries, so it verifies after the register changes, and only then
    assert draw.algorithm_version == algorithm.ALGORITHM_VERSION == "qcity-draw/2"
    setting["firms"][0].__class__.objects.update(industry_code="1499")
    record, snapshot = draw_record(draw, full=True), bytes(draw.snapshot.data)
    assert algorithm.verify(record, snapshot).ok and algorithm.verify(draw_record(draw, full=False), snapshot).ok
    software = next(k for k, v in record["target_industries"].items() if v == "6513")
    record["target_industries"][software] = "5223"
    assert not algorithm.verify(record, snapshot).ok


def test_an_item_of_unknown_industry_codes_is_refused(city):
    with pytest.raises(ValidationError) as error:
        services.item_create(by=None, code="X-1", name="检查", legal_basis="依据", org_unit=city,
                             industry_codes=["52", "5-2"])
    assert "industry_codes" in error.value.message_dict


# --- reproducibility -----------------------------------------------------------------------------------


def test_draw_reproduces_from_its_full_and_public_record(setting, district, make_plan):
    draw = services.draw_run(plan=make_plan(), by=None)
    assert draw_verify(draw).ok
    snapshot = bytes(draw.snapshot.data)
    public = draw_record(draw, full=False)
    assert "strata" not in public and "inspector_snapshot" not in public
    assert "stratum" not in json.dumps(public["selection"])  # no class per target in public
    assert algorithm.verify(public, snapshot).ok
    # a tampered record does not verify
    tampered = draw_record(draw, full=True)
    tampered["selection"][0]["enterprise_id"] = setting["firms"][0].pk + 10_000
    assert not algorithm.verify(tampered, snapshot).ok
    other_seed = draw_record(draw, full=True) | {"seed": "another"}
    assert not algorithm.verify(other_seed, snapshot).ok
    swapped = draw_record(draw, full=True)
    swapped["selection"][0]["inspector_ids"] = list(reversed(swapped["selection"][0]["inspector_ids"]))
    assert not algorithm.verify(swapped, snapshot).ok


def test_verify_draw_command_works_from_exported_files(setting, district, tmp_path, capsys, make_plan):
    draw = services.draw_run(plan=make_plan(), by=None)
    call_command("inspections", "export-draw", str(draw.pk), "--out", str(tmp_path))
    record = tmp_path / f"draw-{draw.pk}-record.json"
    snapshot = next(tmp_path.glob("pool-snapshot-*.bin"))
    call_command("inspections", "verify-draw", str(record), str(snapshot))
    assert "draw verified" in capsys.readouterr().out
    # and with nothing but Python
    assert algorithm.main([str(tmp_path / f"draw-{draw.pk}-public-record.json"), str(snapshot)]) == 0
    snapshot.write_bytes(snapshot.read_bytes()[:-4] + b"\x00\x00\x00\x01")
    with pytest.raises(Exception, match="NOT match"):
        call_command("inspections", "verify-draw", str(record), str(snapshot))


# --- plans: bad input ----------------------------------------------------------------------------------


def test_plan_rules(setting, district, city):
    basic, product = setting["items"]
    unpublished = make_inspection_item(org_unit=city, published=False)
    with pytest.raises(ValidationError) as error:
        make_inspection_plan(org_unit=district, pool=setting["pool"], items=[(product, Decimal(50)), (unpublished, Decimal(30))],
                     ratios={"a": Decimal(120)}, inspectors_per_target=1)
    errors = error.value.message_dict
    assert {"items", "ratio_a", "inspectors_per_target"} <= set(errors)
    assert any("未公开" in m for m in errors["items"]) and any("100%" in m for m in errors["items"])


def test_district_officer_cannot_plan_for_another_district(setting, make_user, other_district):
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=other_district)
    with pytest.raises(PermissionDenied):
        make_inspection_plan(org_unit=setting["pool"].org_unit, pool=setting["pool"], items=[setting["items"][0]], by=officer)


# --- concurrency (PostgreSQL: two connections) -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_concurrent_draws_one_wins_the_other_gets_a_clear_error(setting, district, make_plan):
    from django.db import connections

    plan = make_plan()
    barrier, outcomes = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            services.draw_run(plan=InspectionPlan.objects.get(pk=plan.pk), by=None)
            outcomes.append("drawn")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[0] == "drawn" and "只能抽取一次" in sorted(outcomes)[1], outcomes
    assert Draw.objects.filter(plan=plan).count() == 1
