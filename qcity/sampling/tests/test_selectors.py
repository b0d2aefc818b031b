"""Reads with rules: which workflow steps a user may take on a sample now."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from qcity.core.choices import DeliveryStatus, Role
from qcity.core.models import Notification, NotificationDelivery, User
from qcity.core.notifications import notification_open
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.sampling import selectors, services
from qcity.sampling.models import Sample, SamplingObjectionEvidence

from .factories import TODAY, concluded, make_sample

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_new_sample_offers_result_entry_to_its_officers_only(make_user, city, district, city_plan, enterprise,
                                                               samplers):
    # given a sample just taken in the district
    sample = make_sample(city_plan, enterprise, samplers)
    officer = make_user(Role.INSPECTOR, org_unit=district)
    stranger = make_user(Role.INSPECTOR, org_unit=city.children.exclude(pk=district.pk).first())
    # then its officer may enter results (not conclude without any), an officer elsewhere nothing
    assert selectors.sample_available_steps(sample=sample, user=officer, today=TODAY) == {"results"}
    assert selectors.sample_available_steps(sample=sample, user=stranger, today=TODAY) == set()


def test_a_failed_final_sample_offers_publication_and_follow_up(make_user, district, city_plan, enterprise, samplers):
    # given a failed sample served long ago (no retest asked: the result is final)
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    officer = make_user(Role.DISTRICT_OFFICER, org_unit=district)
    # then the officer may publish it and order rectification, and nothing of the earlier steps
    assert selectors.sample_available_steps(sample=sample, user=officer, today=TODAY) == {"publish", "followup_order"}
    # and once rectification is ordered, the follow-up steps replace the order
    services.followup_order(sample=sample, ordered_on=datetime.date(2025, 4, 20),
                            rectification_deadline=datetime.date(2025, 5, 20), by=None, today=TODAY)
    sample.refresh_from_db()
    steps = selectors.sample_available_steps(sample=sample, user=officer, today=TODAY)
    assert "followup_order" not in steps and {"report", "transfer"} <= steps


def test_the_sampled_enterprise_may_object_within_the_retest_window(make_user, city_plan, enterprise, samplers):
    sample = concluded(make_sample(city_plan, enterprise, samplers), fail=True)
    owner = make_user(Role.ENTERPRISE_USER, enterprise=enterprise)
    assert selectors.sample_available_steps(sample=sample, user=owner, today=sample.served_on) == {"objection"}
    assert selectors.sample_available_steps(sample=sample, user=owner, today=TODAY) == set()


def test_service_proof_shows_delivery_sms_and_reading_per_account(city_plan, enterprise, samplers, make_user,
                                                                 district):
    # given an enterprise account with a phone, served a result
    owner = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理")
    User.objects.filter(pk=owner.pk).update(phone="13800000000")
    sample = concluded(make_sample(city_plan, enterprise, samplers), served=False)
    services.sample_serve(sample=sample, served_on=datetime.date(2025, 4, 1), by=None, today=TODAY)
    # then the proof lists it: in the message centre, the SMS waiting, not read
    [row] = selectors.sample_service_proof(sample=sample, user=owner)
    assert (row.recipient, row.sms_status, row.sms_sent_at, row.read_at) == ("王经理", DeliveryStatus.PENDING,
                                                                            None, None)
    assert row.delivered_at is not None
    # when the SMS went out and the account read the message
    sent = timezone.now()
    NotificationDelivery.objects.filter(notification__key=f"sample:{sample.pk}:served").update(
        status=DeliveryStatus.SENT, sent_at=sent)
    notification_open(notification=Notification.objects.get(key=f"sample:{sample.pk}:served"), by=owner)
    [row] = selectors.sample_service_proof(sample=sample, user=owner)
    assert (row.sms_status, row.sms_sent_at) == (DeliveryStatus.SENT, sent) and row.read_at is not None


@pytest.fixture
def two_parties(make_user, district, city_plan, enterprise, samplers, settings, tmp_path):
    """A failed sample served on the sampled enterprise and its manufacturer, one account each, both of
    which filed evidence with the retest application: (sample, seller's account, manufacturer's account)."""
    settings.MEDIA_ROOT = tmp_path
    maker = EnterpriseFactory(org_unit=district)
    seller = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=enterprise, full_name="王经理")
    producer = make_user(Role.ENTERPRISE_USER, org_unit=district, enterprise=maker, full_name="赵厂长")
    sample = concluded(make_sample(city_plan, enterprise, samplers, manufacturer=maker), fail=True)
    Sample.objects.filter(pk=sample.pk).update(retest_deadline=datetime.date(2999, 1, 1))
    sample.refresh_from_db()
    objection = services.sampling_objection_apply(
        sample=sample, applied_on=sample.served_on, reason="检测方法有误", by=seller, today=TODAY,
        evidence=[SimpleUploadedFile("seller.pdf", PDF)])
    SamplingObjectionEvidence.objects.create(objection=objection, file=SimpleUploadedFile("maker.pdf", PDF),
                                             original_name="maker.pdf", uploaded_by=producer)
    return sample, seller, producer


def test_each_party_sees_only_its_own_accounts_in_the_proof_of_service(two_parties, make_user, district):
    # given a result served on the sampled enterprise and on the manufacturer
    sample, seller, producer = two_parties
    officer = make_user(Role.INSPECTOR, org_unit=district)
    # then the officer sees both accounts, each party only its own
    assert [r.recipient for r in selectors.sample_service_proof(sample=sample, user=officer)] == ["王经理", "赵厂长"]
    assert [r.recipient for r in selectors.sample_service_proof(sample=sample, user=seller)] == ["王经理"]
    assert [r.recipient for r in selectors.sample_service_proof(sample=sample, user=producer)] == ["赵厂长"]


def test_each_party_downloads_only_the_evidence_its_own_enterprise_filed(two_parties, make_user, district):
    # given evidence filed by the sampled enterprise and by the manufacturer
    sample, seller, producer = two_parties
    officer = make_user(Role.INSPECTOR, org_unit=district)
    files = {e.original_name: e.pk for e in SamplingObjectionEvidence.objects.all()}
    # then the officer reaches both, each party only its own file
    assert [e.original_name for e in selectors.objection_evidence_list(user=officer, sample=sample)] == [
        "seller.pdf", "maker.pdf"]
    assert [e.original_name for e in selectors.objection_evidence_list(user=producer, sample=sample)] == ["maker.pdf"]
    assert selectors.objection_evidence_get(user=seller, pk=files["seller.pdf"]).original_name == "seller.pdf"
    with pytest.raises(Http404):
        selectors.objection_evidence_get(user=seller, pk=files["maker.pdf"])
    with pytest.raises(Http404):
        selectors.objection_evidence_get(user=producer, pk=files["seller.pdf"])
