import pytest
from django.core.exceptions import ValidationError

from qcity.core.models import AuditEvent
from qcity.credit.models import CreditClassification
from qcity.credit.scoring import DEFAULT_PARAMETERS, contributions, parameters_validate
from qcity.credit.services import credit_reclassify_all, scoring_model_in_force, scoring_model_save

from .factories import TODAY, enterprise_factory, event_factory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad, path", [
    ({"thresholds": {"a": 30, "b": 19, "c": 49}}, "thresholds"),
    ({"events": {"administrative_penalty": {"recent": "20"}}}, "events.administrative_penalty.recent"),
    ({"events": {"parking": {"recent": 1}}}, "events.parking"),
    ({"floors": {"serious_violation": "z"}}, "floors.serious_violation"),
    ({"look_back_years": 0}, "look_back_years"),
    ({"recent_years": 5}, "recent_years"),
    ({"certifications": {"points_each": -3, "cap": 9}}, "certifications.cap"),
    ({"age": {"new_under_years": 5}}, "age"),
    ({"colour": 1}, "colour"),
    ({"status": {"active": True}}, "status.active"),
])
def test_bad_parameters_name_the_path(bad, path):
    with pytest.raises(ValidationError) as error:
        parameters_validate(bad)
    assert any(path in message for message in error.value.message_dict["parameters"])


def test_parameters_must_be_an_object():
    with pytest.raises(ValidationError):
        parameters_validate([1, 2])


def test_a_new_version_is_used_by_the_next_classification(district):
    enterprise = enterprise_factory(org_unit=district)
    event_factory(enterprise, kind="substantiated_complaint")
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


def test_contributions_are_readable_rows():
    rows = contributions({"event.administrative_penalty": [40, 2], "age": [-5, "mature"], "floor": [0, "c"]},
                         DEFAULT_PARAMETERS)
    assert [r["label"] for r in rows] == ["行政处罚 2 次", "成立满10年", "名录名单限定最低分类：C（信用风险较高）"]
