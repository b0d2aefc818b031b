from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from qcity.credit.choices import RiskClass
from qcity.credit.scoring import (
    DEFAULT_PARAMETERS,
    UNCLASSIFIED_RISK_CLASS,
    contributions,
    parameters_validate,
    risk_class_or_default,
)

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



def test_contributions_are_readable_rows():
    rows = contributions({"event.administrative_penalty": [40, 2], "age": [-5, "mature"], "floor": [0, "c"]},
                         DEFAULT_PARAMETERS)
    assert [r["label"] for r in rows] == ["行政处罚 2 次", "成立满10年", "名录名单限定最低分类：C（信用风险较高）"]


def test_an_enterprise_never_classified_counts_as_b():
    assert UNCLASSIFIED_RISK_CLASS == RiskClass.B
    assert risk_class_or_default(None) == "b"
    assert risk_class_or_default(SimpleNamespace(risk_class=RiskClass.D.value)) == "d"
