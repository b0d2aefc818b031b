import datetime

import pytest

from qcity.credit.models import CreditClassChange, CreditClassification
from qcity.credit.services import credit_reclassify_all, enterprise_reclassify

from .factories import TODAY, enterprise_factory, event_factory

pytestmark = pytest.mark.django_db


def test_bulk_pass_agrees_with_single_and_writes_history_only_for_changes(district):
    young = enterprise_factory(org_unit=district, established_on=TODAY - datetime.timedelta(days=100))
    old = enterprise_factory(org_unit=district, established_on=datetime.date(2001, 1, 1))
    penalised = enterprise_factory(org_unit=district, established_on=datetime.date(2018, 1, 1))
    event_factory(penalised, kind="heavier_penalty")
    event_factory(penalised, kind="administrative_penalty")
    CreditClassification.objects.all().delete()
    CreditClassChange.objects.all().delete()

    outcome = credit_reclassify_all(on=TODAY)

    assert outcome.enterprises == 3
    rows = {r.enterprise_id: r for r in CreditClassification.objects.all()}
    assert rows[young.pk].reasons == {"age": [10, "new"]} and rows[young.pk].risk_class == "b"
    assert rows[old.pk].reasons == {"age": [-5, "mature"]}
    assert rows[penalised.pk].risk_class == "d" and rows[penalised.pk].score == 60
    assert rows[old.pk].risk_class == "a"
    assert outcome.changed == 2  # the penalised enterprise and the old one left B
    for enterprise in (young, old, penalised):
        bulk = rows[enterprise.pk]
        single = enterprise_reclassify(enterprise=enterprise, on=TODAY)
        assert (single.risk_class, single.score, single.reasons) == (bulk.risk_class, bulk.score, bulk.reasons)
    # a second pass changes nothing
    assert credit_reclassify_all(on=TODAY).changed == 0
    assert CreditClassChange.objects.count() == 2


def _reference(enterprise, parameters, on):
    """An independent Python evaluation of the scoring model, to check the SQL evaluator against."""
    from dateutil.relativedelta import relativedelta

    from qcity.credit.models import CreditEvent, CreditListEntry

    p, reasons = parameters, {}
    age = p["age"]
    est = enterprise.established_on
    if est is not None:
        if est > on - relativedelta(years=age["new_under_years"]):
            reasons["age"] = [age["new_points"], "new"]
        elif est > on - relativedelta(years=age["young_under_years"]):
            reasons["age"] = [age["young_points"], "young"]
        elif est <= on - relativedelta(years=age["mature_years"]):
            reasons["age"] = [age["mature_points"], "mature"]
    status_points = p["status"].get(enterprise.status, 0)
    if status_points:
        reasons["status"] = [status_points, enterprise.status]
    certs = enterprise.certifications.filter(valid_from__lte=on, valid_to__gte=on).count()
    each, cap = p["certifications"]["points_each"], p["certifications"]["cap"]
    if certs:
        reasons["certifications"] = [max(cap, certs * each) if cap < 0 else min(cap, certs * each), certs]
    newest = {}
    for lic in enterprise.licences.filter(valid_from__lte=on):
        newest[lic.kind] = max(newest.get(lic.kind, lic.valid_to), lic.valid_to)
    lapsed = sum(1 for d in newest.values() if d < on)
    each, cap = p["lapsed_licences"]["points_each"], p["lapsed_licences"]["cap"]
    if lapsed:
        reasons["lapsed_licences"] = [min(cap, lapsed * each), lapsed]
    listed = set(CreditListEntry.objects.filter(enterprise=enterprise, status="listed").values_list("list_kind", flat=True))
    for kind in sorted(listed):
        if p["lists"][kind]:
            reasons[f"list.{kind}"] = [p["lists"][kind], 1]
    recent_cut = on - relativedelta(years=p["recent_years"])
    events = CreditEvent.objects.filter(enterprise=enterprise, occurred_on__gt=on - relativedelta(years=p["look_back_years"]),
                                        occurred_on__lte=on).exclude(status="withdrawn")
    per_kind = {}
    for event in events:
        weight = p["events"][event.kind]["recent" if event.occurred_on > recent_cut else "older"]
        points, count = per_kind.get(event.kind, (0, 0))
        per_kind[event.kind] = (points + weight, count + 1)
    for kind, (points, count) in per_kind.items():
        if points:
            reasons[f"event.{kind}"] = [points, count]
    score = sum(v[0] for v in reasons.values())
    t = p["thresholds"]
    base = "a" if score <= t["a"] else "b" if score <= t["b"] else "c" if score <= t["c"] else "d"
    floor = max([p["floors"][k] for k in listed if p["floors"].get(k)] or [""])
    if floor > base:
        reasons["floor"] = [0, floor]
    return max(base, floor), score, reasons


def test_sql_evaluator_agrees_with_a_reference_on_many_random_enterprises(district, city):
    import random

    from qcity.credit.choices import CreditEventKind
    from qcity.credit.services import abnormal_list_enter, scoring_model_in_force
    from qcity.enterprises.models import Certification, Licence

    rng = random.Random(42)
    units = list(city.children.all()[:4])
    enterprises = []
    for n in range(60):
        established = None if n % 7 == 0 else TODAY - datetime.timedelta(days=rng.randint(10, 8000))
        e = enterprise_factory(org_unit=rng.choice(units), established_on=established,
                               status=rng.choice(["active"] * 6 + ["revoked", "deregistered"]))
        for c in range(rng.randint(0, 4)):
            start = TODAY - datetime.timedelta(days=rng.randint(0, 2000))
            Certification.objects.create(enterprise=e, kind="iso9001", certificate_number=f"C{n}-{c}",
                                         valid_from=start, valid_to=start + datetime.timedelta(days=rng.randint(30, 1500)))
        for c in range(rng.randint(0, 3)):
            start = TODAY - datetime.timedelta(days=rng.randint(0, 2500))
            Licence.objects.create(enterprise=e, kind=rng.choice(["food_business", "food_production"]),
                                   number=f"L{n}-{c}", valid_from=start,
                                   valid_to=start + datetime.timedelta(days=rng.randint(100, 1800)))
        for _ in range(rng.randint(0, 5)):
            event_factory(e, kind=rng.choice(CreditEventKind.values),
                          occurred_on=TODAY - datetime.timedelta(days=rng.randint(0, 1500)))
        if n % 9 == 0:
            abnormal_list_enter(enterprise=e, reason="unreachable", decided_on=TODAY, decision_authority="局",
                                by=None, today=TODAY)
        enterprises.append(e)
    credit_reclassify_all(on=TODAY)
    parameters = scoring_model_in_force().parameters
    rows = {r.enterprise_id: r for r in CreditClassification.objects.all()}
    for e in enterprises:
        expected = _reference(e, parameters, TODAY)
        got = rows[e.pk]
        assert (got.risk_class, got.score, got.reasons) == expected, e.pk
        single = enterprise_reclassify(enterprise=e, on=TODAY)
        assert (single.risk_class, single.score, single.reasons) == expected
