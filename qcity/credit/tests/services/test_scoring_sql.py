"""Property: the SQL evaluator of the scoring model (`evaluator_sql`, through the registry-wide pass and the
single-enterprise path) gives every enterprise the class, score and reasons that an independent Python
evaluation (`scoring_reference`) gives, and the reasons shown (`scoring.contributions`) add up to the score.

Histories are generated: event kinds and states (recorded, published, withdrawn), dates spread over a dozen
years and packed around each cut-off the model draws (look-back, recent years, age bands, validity of
certificates and licences, the evaluation day itself, leap days), list entries in force or removed, and
optionally a whole random, valid set of model parameters.
"""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from qcity.credit.choices import CreditEventKind, CreditEventStatus, CreditListEntryStatus, CreditListKind
from qcity.credit.models import CreditClassification, ScoringModel
from qcity.credit.scoring import DEFAULT_PARAMETERS, contributions, parameters_validate
from qcity.credit.services import credit_reclassify_all, enterprise_reclassify
from qcity.enterprises.choices import EnterpriseStatus
from qcity.enterprises.tests.factories import CertificationFactory, EnterpriseFactory, LicenceFactory

from ..factories import CreditEventFactory, CreditListEntryFactory
from ..scoring_reference import EnterpriseFacts, EventFact, ValidityFact, reference_classify

pytestmark = pytest.mark.django_db

# Evaluation days: ordinary ones, the last and first day of a year, and leap days (a year back from
# 29 February is 28 February).
DAYS = [datetime.date(2026, 6, 15), datetime.date(2025, 12, 31), datetime.date(2026, 1, 1),
        datetime.date(2024, 2, 29), datetime.date(2025, 3, 1), datetime.date(2028, 2, 29)]
LIST_REASON = {CreditListKind.ABNORMAL_OPERATIONS: "no_annual_report",
               CreditListKind.SERIOUS_VIOLATION: "heavier_penalty", CreditListKind.RED: "quality_award"}
LICENCE_KINDS = ["food_production", "food_business"]
CERTIFICATION_KINDS = ["iso9001", "haccp"]


def dates_near(on: datetime.date, cuts: list[int]) -> st.SearchStrategy[datetime.date]:
    """A day on, just before or just after a cut-off of the model (`cuts`: whole numbers of years before
    `on`) or any other whole number of years before `on`, or any day from twelve years before to a year
    after."""

    def near(years: int, days: int) -> datetime.date:
        return on - relativedelta(years=years) + datetime.timedelta(days=days)

    return st.one_of(st.builds(near, st.sampled_from(cuts), st.integers(-1, 1)),
                     st.builds(near, st.integers(-1, 12), st.integers(-1, 1)),
                     st.builds(lambda days: on + datetime.timedelta(days=days), st.integers(-12 * 366, 366)))


@st.composite
def validity(draw, on: datetime.date, cuts: list[int], kinds: list[str]) -> ValidityFact:
    valid_from = draw(dates_near(on, cuts))
    valid_to = draw(st.one_of(
        st.builds(lambda days: valid_from + datetime.timedelta(days=days), st.integers(1, 4 * 366)),
        st.builds(lambda days: on + datetime.timedelta(days=days), st.integers(-1, 1)),
    ))
    if valid_to <= valid_from:  # the database requires a validity that ends after it starts
        valid_to = valid_from + datetime.timedelta(days=1)
    return ValidityFact(draw(st.sampled_from(kinds)), valid_from, valid_to)


@st.composite
def enterprise_facts(draw, on: datetime.date, cuts: list[int]) -> EnterpriseFacts:
    events = draw(st.lists(st.builds(EventFact, st.sampled_from(CreditEventKind.values), dates_near(on, cuts),
                                     st.sampled_from(CreditEventStatus.values)), max_size=8))
    return EnterpriseFacts(
        established_on=draw(st.one_of(st.none(), dates_near(on, cuts))),
        status=draw(st.sampled_from(EnterpriseStatus.values)),
        events=events,
        certifications=draw(st.lists(validity(on, cuts, CERTIFICATION_KINDS), max_size=4)),
        licences=draw(st.lists(validity(on, cuts, LICENCE_KINDS), max_size=4)),
        listed=draw(st.sets(st.sampled_from(CreditListKind.values))),
    )


@st.composite
def capped_rule(draw) -> dict[str, int]:
    each = draw(st.integers(-6, 6))
    return {"points_each": each, "cap": each * draw(st.integers(1, 4))}


@st.composite
def random_parameters(draw) -> dict:
    """A valid model unlike the default: every weight, band, cap, floor and threshold drawn."""
    look_back = draw(st.integers(1, 10))
    new = draw(st.integers(1, 3))
    young = draw(st.integers(new + 1, 6))
    a = draw(st.integers(-30, 10))
    b = a + draw(st.integers(1, 40))
    c = b + draw(st.integers(1, 40))
    weight = st.integers(-50, 50)
    parameters = {
        "look_back_years": look_back,
        "recent_years": draw(st.integers(1, look_back)),
        "events": {kind: {"recent": draw(weight), "older": draw(weight)} for kind in CreditEventKind.values},
        "age": {"new_under_years": new, "new_points": draw(weight), "young_under_years": young,
                "young_points": draw(weight), "mature_years": draw(st.integers(young, 11)),
                "mature_points": draw(weight)},
        "status": {status: draw(weight) for status in EnterpriseStatus.values},
        "certifications": draw(capped_rule()),
        "lapsed_licences": draw(capped_rule()),
        "lists": {kind: draw(st.integers(-60, 80)) for kind in CreditListKind.values},
        "floors": {kind: draw(st.sampled_from([None, "a", "b", "c", "d"]))
                   for kind in (CreditListKind.ABNORMAL_OPERATIONS, CreditListKind.SERIOUS_VIOLATION)},
        "thresholds": {"a": a, "b": b, "c": c},
    }
    return parameters_validate(parameters)


@st.composite
def histories(draw) -> tuple[datetime.date, dict | None, list[EnterpriseFacts]]:
    on = draw(st.one_of(st.sampled_from(DAYS), st.dates(datetime.date(2022, 1, 1), datetime.date(2030, 12, 31))))
    parameters = draw(st.one_of(st.none(), random_parameters()))  # None: the built-in default model
    p = parameters or DEFAULT_PARAMETERS
    cuts = sorted({0, p["look_back_years"], p["recent_years"], p["age"]["new_under_years"],
                   p["age"]["young_under_years"], p["age"]["mature_years"]})
    return on, parameters, draw(st.lists(enterprise_facts(on, cuts), min_size=1, max_size=3))


def _write(facts: EnterpriseFacts, district, on: datetime.date):
    enterprise = EnterpriseFactory(org_unit=district, established_on=facts.established_on, status=facts.status)
    for event in facts.events:
        CreditEventFactory(enterprise=enterprise, kind=event.kind, occurred_on=event.occurred_on, status=event.status)
    for certificate in facts.certifications:
        CertificationFactory(enterprise=enterprise, kind=certificate.kind, valid_from=certificate.valid_from,
                             valid_to=certificate.valid_to)
    for licence in facts.licences:
        LicenceFactory(enterprise=enterprise, kind=licence.kind, valid_from=licence.valid_from,
                       valid_to=licence.valid_to)
    for kind in CreditListKind.values:
        # an entry removed earlier never counts; one in force counts when the kind is listed
        CreditListEntryFactory(enterprise=enterprise, list_kind=kind, reason=LIST_REASON[kind],
                               decided_on=on - datetime.timedelta(days=400), status=CreditListEntryStatus.REMOVED)
        if kind in facts.listed:
            CreditListEntryFactory(enterprise=enterprise, list_kind=kind, reason=LIST_REASON[kind], decided_on=on)
    return enterprise


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories())
def test_sql_evaluator_agrees_with_the_python_reference(district, history):
    on, parameters, all_facts = history
    note(f"on={on}, model={'generated' if parameters else 'default'}: {parameters}")
    for n, facts in enumerate(all_facts):
        note(f"enterprise {n}: {facts}")
    with transaction.atomic():  # each example starts from the same database: roll it back at the end
        if parameters is not None:
            ScoringModel.objects.create(version=ScoringModel.objects.count() + 1, parameters=parameters,
                                        note="生成的模型")
        in_force = parameters or DEFAULT_PARAMETERS
        written = [(_write(facts, district, on), facts) for facts in all_facts]

        credit_reclassify_all(on=on)

        stored = {row.enterprise_id: row for row in CreditClassification.objects.all()}
        for enterprise, facts in written:
            risk_class, score, reasons = reference_classify(facts, in_force, on)
            row = stored[enterprise.pk]
            assert (row.risk_class, row.score, row.reasons) == (risk_class, score, reasons)
            single = enterprise_reclassify(enterprise=enterprise, on=on)
            assert (single.risk_class, single.score, single.reasons) == (risk_class, score, reasons)
            shown = contributions(row.reasons, in_force)
            assert sum(line["points"] for line in shown if line["points"] is not None) == score
            assert [line["key"] for line in shown if line["points"] is None] == (["floor"] if "floor" in reasons else [])
            assert all(str(line["label"]) for line in shown)
        transaction.set_rollback(True)
