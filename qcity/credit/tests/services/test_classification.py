import datetime

import pytest
from django.core.exceptions import ValidationError

from qcity.core.models import AuditEvent
from qcity.credit.models import CreditClassChange, CreditClassification
from qcity.credit.scoring import DEFAULT_PARAMETERS
from qcity.credit.services import (
    credit_reclassify_all,
    enterprise_reclassify,
    scoring_model_in_force,
    scoring_model_save,
)
from qcity.enterprises.tests.factories import CertificationFactory, EnterpriseFactory, LicenceFactory

from ..factories import TODAY, make_credit_event
from ..scoring_reference import EnterpriseFacts, EventFact, ValidityFact, reference_classify

pytestmark = pytest.mark.django_db


def test_bulk_pass_agrees_with_single_and_writes_history_only_for_changes(district):
    young = EnterpriseFactory(org_unit=district, established_on=TODAY - datetime.timedelta(days=100))
    old = EnterpriseFactory(org_unit=district, established_on=datetime.date(2001, 1, 1))
    penalised = EnterpriseFactory(org_unit=district, established_on=datetime.date(2018, 1, 1))
    make_credit_event(penalised, kind="heavier_penalty")
    make_credit_event(penalised, kind="administrative_penalty")
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
    """The independent Python evaluation (`scoring_reference`) of what the database holds on `enterprise`."""
    from qcity.credit.models import CreditListEntry

    facts = EnterpriseFacts(
        established_on=enterprise.established_on, status=enterprise.status,
        events=[EventFact(e.kind, e.occurred_on, e.status) for e in enterprise.credit_events.all()],
        certifications=[ValidityFact(c.kind, c.valid_from, c.valid_to) for c in enterprise.certifications.all()],
        licences=[ValidityFact(lic.kind, lic.valid_from, lic.valid_to) for lic in enterprise.licences.all()],
        listed=set(CreditListEntry.objects.filter(enterprise=enterprise, status="listed")
                   .values_list("list_kind", flat=True)))
    return reference_classify(facts, parameters, on)


def test_sql_evaluator_agrees_with_a_reference_on_many_random_enterprises(district, city):
    import random

    from qcity.credit.choices import CreditEventKind
    from qcity.credit.services import abnormal_list_enter, scoring_model_in_force

    rng = random.Random(42)
    units = list(city.children.all()[:4])
    enterprises = []
    for n in range(60):
        established = None if n % 7 == 0 else TODAY - datetime.timedelta(days=rng.randint(10, 8000))
        e = EnterpriseFactory(org_unit=rng.choice(units), established_on=established,
                               status=rng.choice(["active"] * 6 + ["revoked", "deregistered"]))
        for c in range(rng.randint(0, 4)):
            start = TODAY - datetime.timedelta(days=rng.randint(0, 2000))
            CertificationFactory(enterprise=e, kind="iso9001", certificate_number=f"C{n}-{c}",
                                         valid_from=start, valid_to=start + datetime.timedelta(days=rng.randint(30, 1500)))
        for c in range(rng.randint(0, 3)):
            start = TODAY - datetime.timedelta(days=rng.randint(0, 2500))
            LicenceFactory(enterprise=e, kind=rng.choice(["food_business", "food_production"]),
                                   number=f"L{n}-{c}", valid_from=start,
                                   valid_to=start + datetime.timedelta(days=rng.randint(100, 1800)))
        for _ in range(rng.randint(0, 5)):
            make_credit_event(e, kind=rng.choice(CreditEventKind.values),
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


def test_a_new_version_is_used_by_the_next_classification(district):
    enterprise = EnterpriseFactory(org_unit=district)
    make_credit_event(enterprise, kind="substantiated_complaint")
    credit_reclassify_all(on=TODAY)
    assert CreditClassification.objects.get(enterprise=enterprise).risk_class == "b"
    assert scoring_model_in_force().version == 0
    row = scoring_model_save(parameters={"events": {"substantiated_complaint": {"recent": 60, "older": 30}}},
                             note="投诉查实加重", by=None)
    assert row.version == 1 and row.parameters["thresholds"] == DEFAULT_PARAMETERS["thresholds"]
    assert AuditEvent.objects.filter(object_type="credit.scoringmodel").exists()
    credit_reclassify_all(on=TODAY)
    current = CreditClassification.objects.get(enterprise=enterprise)
    assert current.risk_class == "d" and current.model_version == 1
    assert scoring_model_save(parameters={}, note="再版", by=None).version == 2
    with pytest.raises(ValidationError) as error:
        scoring_model_save(parameters={}, note=" ", by=None)
    assert "note" in error.value.message_dict
