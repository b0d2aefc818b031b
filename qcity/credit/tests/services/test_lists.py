import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import Role
from qcity.core.models import AuditEvent
from qcity.credit.choices import (
    CreditEventKind,
    CreditListEntryStatus,
    CreditListKind,
    CreditListRemovalReason,
)
from qcity.credit.models import CreditClassification, CreditEvent, CreditListEntry
from qcity.credit.selectors import risk_class_of
from qcity.credit.services import (
    abnormal_list_enter,
    credit_event_withdraw,
    credit_lists_maintain,
    enterprise_reclassify,
    list_entry_publish,
    red_list_enter,
    red_list_remove,
    serious_list_enter,
)
from qcity.enterprises.tests.factories import EnterpriseFactory

from ..factories import TODAY, make_credit_event

pytestmark = pytest.mark.django_db
AUTHORITY = "郑州市金水区市场监督管理局"


def _abnormal(enterprise, decided_on=TODAY, by=None, **kw):
    kw.setdefault("reason", "no_annual_report")
    return abnormal_list_enter(enterprise=enterprise, decided_on=decided_on,
                               decision_authority=AUTHORITY, by=by, today=kw.pop("today", TODAY), **kw)


def _serious(enterprise, decided_on=TODAY, by=None, penalty=None, today=TODAY):
    penalty = penalty or make_credit_event(enterprise, kind="heavier_penalty", occurred_on=decided_on, today=today)
    return serious_list_enter(enterprise=enterprise, penalty_event=penalty, decided_on=decided_on,
                              decision_authority=AUTHORITY, by=by, today=today)


def test_abnormal_entry_is_published_records_an_event_and_sets_a_floor_of_c(enterprise):
    entry = _abnormal(enterprise)
    assert entry.published_on == TODAY and entry.ends_on == datetime.date(2028, 11, 28)
    assert entry.entry_event.kind == CreditEventKind.ABNORMAL_OPERATIONS_LISTING
    assert risk_class_of(enterprise) == "c"
    assert AuditEvent.objects.filter(object_type="credit.creditlistentry").exists()


@pytest.mark.parametrize("field, kw", [
    ("reason", {"reason": "heavier_penalty"}),
    ("reason", {"reason": "nonsense"}),
    ("decided_on", {"decided_on": TODAY + datetime.timedelta(days=1)}),
    ("decision_authority", {"decision_authority": ""}),
])
def test_abnormal_entry_bad_input(enterprise, field, kw):
    with pytest.raises(ValidationError) as error:
        abnormal_list_enter(**{"enterprise": enterprise, "reason": "unreachable", "decided_on": TODAY,
                               "decision_authority": AUTHORITY, "by": None, "today": TODAY, **kw})
    assert field in error.value.message_dict
    assert not CreditListEntry.objects.exists()


def test_cannot_list_twice(enterprise):
    _abnormal(enterprise)
    with pytest.raises(ValidationError) as error:
        _abnormal(enterprise, reason="unreachable")
    assert "enterprise" in error.value.message_dict


def test_officer_of_another_district_is_refused(enterprise, make_user, city):
    other = city.children.exclude(pk=enterprise.org_unit_id).first()
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=other)
    with pytest.raises(PermissionDenied):
        _abnormal(enterprise, by=officer)
    assert _abnormal(enterprise, by=make_user(Role.INSPECTOR, org_unit=enterprise.org_unit)).pk


def test_abnormal_listing_escalates_after_three_full_years(enterprise):
    entry = _abnormal(enterprise, decided_on=datetime.date(2022, 11, 1), today=datetime.date(2022, 11, 2))
    assert credit_lists_maintain(today=datetime.date(2025, 10, 31))["escalated"] == 0
    counts = credit_lists_maintain(today=datetime.date(2025, 11, 3))
    assert counts["escalated"] == 1
    entry.refresh_from_db()
    assert entry.status == CreditListEntryStatus.REMOVED and entry.removal_reason == CreditListRemovalReason.ESCALATED
    serious = CreditListEntry.objects.get(enterprise=enterprise, list_kind=CreditListKind.SERIOUS_VIOLATION)
    assert serious.escalated_from == entry and serious.reason == "abnormal_escalation"
    assert serious.publication_due_on is not None and serious.published_on is None
    assert risk_class_of(enterprise) == "d"
    assert CreditEvent.objects.filter(enterprise=enterprise, kind=CreditEventKind.LIST_REMOVAL).count() == 1


def test_serious_entry_needs_a_heavier_penalty_of_the_same_enterprise(enterprise, district):
    ordinary = make_credit_event(enterprise, kind="administrative_penalty")
    with pytest.raises(ValidationError) as error:
        _serious(enterprise, penalty=ordinary)
    assert "penalty_event" in error.value.message_dict
    other = EnterpriseFactory(org_unit=district)
    foreign = make_credit_event(other, kind="heavier_penalty")
    with pytest.raises(ValidationError) as error:
        _serious(enterprise, penalty=foreign)
    assert "penalty_event" in error.value.message_dict
    late = make_credit_event(enterprise, kind="heavier_penalty", occurred_on=TODAY)
    with pytest.raises(ValidationError) as error:
        _serious(enterprise, penalty=late, decided_on=TODAY - datetime.timedelta(days=3))
    assert "decided_on" in error.value.message_dict


def test_serious_entry_dates_publication_and_automatic_removal(enterprise):
    entry = _serious(enterprise, decided_on=datetime.date(2022, 9, 1), today=datetime.date(2022, 9, 2))
    assert entry.publication_due_on == datetime.date(2022, 9, 30)  # 20 working days (09-12 Mid-Autumn)
    assert entry.earliest_repair_on == datetime.date(2023, 9, 1) and entry.ends_on == datetime.date(2025, 9, 1)
    assert risk_class_of(enterprise) == "d"
    list_entry_publish(entry=entry, published_on=datetime.date(2022, 9, 20), by=None, today=datetime.date(2022, 9, 20))
    entry.refresh_from_db()
    assert entry.entry_event.status == "published"
    with pytest.raises(ValidationError):
        list_entry_publish(entry=entry, published_on=datetime.date(2022, 9, 21), by=None, today=TODAY)
    assert credit_lists_maintain(today=datetime.date(2025, 9, 1))["serious_removed"] == 1
    entry.refresh_from_db()
    assert entry.removal_reason == CreditListRemovalReason.EXPIRED
    assert entry.entry_event.publication_ends_on == datetime.date(2025, 9, 1)


def test_withdrawing_the_penalty_revokes_the_serious_listing(enterprise):
    penalty = make_credit_event(enterprise, kind="heavier_penalty", source_ref="case:77")
    entry = _serious(enterprise, penalty=penalty, decided_on=penalty.occurred_on)
    credit_event_withdraw(source_ref="case:77", reason="复议撤销", by=None, today=TODAY)
    entry.refresh_from_db()
    assert entry.status == CreditListEntryStatus.REMOVED and entry.removal_reason == CreditListRemovalReason.PENALTY_REVOKED


def test_red_list_rules(enterprise, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=enterprise.org_unit)
    kw = {"enterprise": enterprise, "decided_on": TODAY, "decision_authority": "质量强市办", "today": TODAY}
    with pytest.raises(ValidationError) as error:
        red_list_enter(reason="quality_award", by=office, **kw)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        red_list_enter(reason="sustained_good_credit", by=office, **kw)  # class B
    assert "reason" in error.value.message_dict
    make_credit_event(enterprise, kind="quality_award")
    with pytest.raises(PermissionDenied):
        red_list_enter(reason="quality_award", by=officer, **kw)
    entry = red_list_enter(reason="quality_award", by=office, **kw)
    assert entry.ends_on == datetime.date(2026, 11, 28)
    # a negative record takes it off the red list at once
    make_credit_event(enterprise, kind="sampling_failure")
    entry.refresh_from_db()
    assert entry.removal_reason == CreditListRemovalReason.NEGATIVE_RECORD
    entry2 = red_list_enter(reason="quality_award", by=office, **{**kw, "decided_on": TODAY})
    with pytest.raises(ValidationError) as error:
        red_list_remove(entry=entry2, note="", by=office, today=TODAY)
    assert "note" in error.value.message_dict
    assert red_list_remove(entry=entry2, note="办公室复核", by=office, today=TODAY).status == CreditListEntryStatus.REMOVED


def test_sustained_good_credit_needs_class_a_and_a_clean_record(enterprise, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    CreditClassification.objects.filter(enterprise=enterprise).delete()
    enterprise.established_on = datetime.date(2000, 1, 1)
    enterprise.save()
    make_credit_event(enterprise, kind="quality_award")  # -15 - 5 (age) = -20 → A
    assert enterprise_reclassify(enterprise=enterprise, on=TODAY).risk_class == "a"
    entry = red_list_enter(enterprise=enterprise, reason="sustained_good_credit", decided_on=TODAY,
                           decision_authority="质量强市办", by=office, today=TODAY)
    assert entry.is_listed


def test_red_list_refused_while_on_abnormal_list(enterprise, make_user):
    make_credit_event(enterprise, kind="quality_award")
    _abnormal(enterprise)
    with pytest.raises(ValidationError) as error:
        red_list_enter(enterprise=enterprise, reason="quality_award", decided_on=TODAY, decision_authority="办",
                       by=make_user(Role.LEADERSHIP_OFFICE), today=TODAY)
    assert "enterprise" in error.value.message_dict
