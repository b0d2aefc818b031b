import datetime

import pytest
from django.core.exceptions import ValidationError

from qcity.core.models import AuditEvent
from qcity.credit.choices import CreditEventStatus, RiskClass
from qcity.credit.models import CreditClassChange, CreditClassification, CreditEvent
from qcity.credit.selectors import risk_class_of, with_risk_class
from qcity.credit.services import credit_event_publish, credit_event_withdraw
from qcity.enterprises.models import Enterprise
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import TODAY, make_credit_event

pytestmark = pytest.mark.django_db


def test_recording_an_event_audits_it_and_reclassifies_at_once(enterprise):
    # given an enterprise never classified (counts as B)
    assert risk_class_of(enterprise) == "b"
    # when two heavier penalties arrive (40 + 40 points > C threshold 49)
    make_credit_event(enterprise, kind="heavier_penalty", source_ref="test:penalty:1")
    make_credit_event(enterprise, kind="heavier_penalty", source_ref="test:penalty:2")
    # then the class is D at once, with history and the reasons
    assert risk_class_of(enterprise) == "d"
    row = CreditClassification.objects.get(enterprise=enterprise)
    assert row.reasons["event.heavier_penalty"] == [80, 2]
    assert row.score == 80
    changes = list(CreditClassChange.objects.filter(enterprise=enterprise).order_by("changed_at", "id"))
    assert [(c.from_class, c.to_class) for c in changes] == [("b", "c"), ("c", "d")]
    assert AuditEvent.objects.filter(object_type="credit.creditevent").count() == 2


def test_same_source_ref_updates_instead_of_duplicating(enterprise):
    make_credit_event(enterprise, kind="sampling_failure", source_ref="sampling:sample:42", summary="旧")
    event = make_credit_event(enterprise, kind="sampling_failure", source_ref="sampling:sample:42", summary="新")
    assert CreditEvent.objects.filter(source_ref="sampling:sample:42").count() == 1
    assert event.summary == "新"


def test_source_ref_of_another_enterprise_is_refused(enterprise, district):
    other = EnterpriseFactory(org_unit=district)
    make_credit_event(enterprise, source_ref="sampling:sample:7")
    with pytest.raises(ValidationError) as error:
        make_credit_event(other, source_ref="sampling:sample:7")
    assert "source_ref" in error.value.message_dict


def test_empty_source_refs_do_not_collide(enterprise):
    make_credit_event(enterprise)
    make_credit_event(enterprise)
    assert CreditEvent.objects.filter(enterprise=enterprise, source_ref="").count() == 2


@pytest.mark.parametrize("field, kw", [
    ("kind", {"kind": "parking_ticket"}),
    ("occurred_on", {"occurred_on": TODAY + datetime.timedelta(days=1)}),
    ("source_authority", {"source_authority": "  "}),
    ("summary", {"summary": ""}),
    ("published_on", {"occurred_on": TODAY, "published_on": TODAY - datetime.timedelta(days=1)}),
    ("source_ref", {"source_ref": "x" * 101}),
])
def test_bad_input_names_the_field_and_writes_nothing(enterprise, field, kw):
    with pytest.raises(ValidationError) as error:
        make_credit_event(enterprise, **kw)
    assert field in error.value.message_dict
    assert not CreditEvent.objects.exists()


def test_penalty_publication_deadline_and_period(enterprise):
    # DOMAIN §2.3: published within 20 working days; 3 years for an ordinary penalty, 3 months for a minor one
    decided = datetime.date(2025, 9, 1)
    event = make_credit_event(enterprise, occurred_on=decided, source_ref="case:1")
    assert event.publication_due_on == datetime.date(2025, 9, 28)  # 20 working days; 09-28 is an adjusted workday
    assert event.is_publication_overdue(datetime.date(2025, 10, 9))
    published = credit_event_publish(source_ref="case:1", published_on=datetime.date(2025, 9, 10), by=None, today=TODAY)
    assert published.status == CreditEventStatus.PUBLISHED
    assert published.publication_ends_on == datetime.date(2028, 9, 10)
    minor = make_credit_event(enterprise, occurred_on=decided, source_ref="case:2", minor_penalty=True,
                          published_on=datetime.date(2025, 9, 10))
    assert minor.publication_ends_on == datetime.date(2025, 12, 10)
    assert minor.is_public_on(datetime.date(2025, 12, 10)) and not minor.is_public_on(datetime.date(2025, 12, 11))


def test_publish_unknown_or_withdrawn_is_refused(enterprise):
    with pytest.raises(ValidationError) as error:
        credit_event_publish(source_ref="nope:1", published_on=TODAY, by=None, today=TODAY)
    assert "source_ref" in error.value.message_dict
    make_credit_event(enterprise, source_ref="case:9")
    credit_event_withdraw(source_ref="case:9", reason="决定撤销", by=None, today=TODAY)
    with pytest.raises(ValidationError) as error:
        credit_event_publish(source_ref="case:9", published_on=TODAY, by=None, today=TODAY)
    assert "status" in error.value.message_dict


def test_withdrawn_event_stays_in_file_and_stops_counting(enterprise):
    make_credit_event(enterprise, kind="heavier_penalty", source_ref="case:3")
    make_credit_event(enterprise, kind="sampling_failure", source_ref="sampling:sample:3")
    assert risk_class_of(enterprise) == "d"
    event = credit_event_withdraw(source_ref="sampling:sample:3", reason="复检合格", by=None, today=TODAY)
    assert event.status == CreditEventStatus.WITHDRAWN and event.withdrawn_on == TODAY
    assert risk_class_of(enterprise) == "c"
    assert CreditEvent.objects.filter(enterprise=enterprise).count() == 2
    with pytest.raises(ValidationError) as error:
        credit_event_withdraw(source_ref="sampling:sample:3", reason="again", by=None, today=TODAY)
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        credit_event_withdraw(source_ref="case:3", reason=" ", by=None, today=TODAY)
    assert "reason" in error.value.message_dict


def test_with_risk_class_defaults_to_b(enterprise, district):
    other = EnterpriseFactory(org_unit=district)
    make_credit_event(enterprise, kind="heavier_penalty")
    make_credit_event(enterprise, kind="heavier_penalty")
    classes = dict(with_risk_class(Enterprise.objects.filter(pk__in=[enterprise.pk, other.pk]))
                   .values_list("pk", "risk_class"))
    assert classes == {enterprise.pk: RiskClass.D, other.pk: RiskClass.B}


def test_bulk_load_sets_status_and_publication_period_with_one_audit_event(enterprise):
    # given a published penalty and a withdrawn sampling failure from another module's history
    from qcity.credit.choices import CreditEventKind
    from qcity.credit.services import credit_events_load

    audits = AuditEvent.objects.count()
    rows = [
        {"enterprise_id": enterprise.pk, "kind": CreditEventKind.ADMINISTRATIVE_PENALTY, "occurred_on": TODAY,
         "source_authority": "金水区市场监督管理局", "summary": "罚款", "published_on": TODAY},
        {"enterprise_id": enterprise.pk, "kind": CreditEventKind.SAMPLING_FAILURE, "occurred_on": TODAY,
         "source_authority": "金水区市场监督管理局", "summary": "抽检不合格", "source_ref": "sampling:sample:1",
         "withdrawn_on": TODAY, "withdrawal_reason": "复检合格"},
    ]
    # when they are loaded in bulk
    assert credit_events_load(rows=rows, by=None, note="test") == 2
    # then each has its status, the penalty its publication end, and the batch one audit event
    penalty, failure = CreditEvent.objects.order_by("pk")
    assert penalty.status == CreditEventStatus.PUBLISHED and penalty.publication_ends_on > TODAY
    assert penalty.publication_due_on is not None
    assert failure.status == CreditEventStatus.WITHDRAWN and failure.publication_ends_on is None
    assert AuditEvent.objects.count() == audits + 1
    assert not CreditClassification.objects.filter(enterprise=enterprise).exists()  # the nightly pass classifies
