"""Issuing QR codes: once per (kind, key), by officers in scope or the enterprise itself, audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import TraceCodeKind
from qcity.trace.codes import transaction_of
from qcity.trace.models import TraceCode
from qcity.trace.services.codes import trace_code_issue
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import LocationFactory, LotFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db

BIZ = "urn:epcglobal:cbv:bt:6901234000004:DESADV-2026-0001"


@pytest.fixture
def producer(district):
    return EnterpriseFactory(org_unit=district, numbered=True)


@pytest.fixture
def product(producer):
    return ProductFactory(producer=PartyFactory(enterprise=producer))


@pytest.fixture
def officer(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


def _issued_audits(code):
    return AuditEvent.objects.filter(object_type="trace.tracecode", object_id=str(code.pk), action=AuditAction.CREATE)


def test_a_product_code_is_issued_once_and_audited(officer, product):
    # given a product of an enterprise in the officer's district
    # when its code is issued twice
    first = trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, product=product)
    again = trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, product=product)
    # then one code, keyed by the product's canonical URI, linked to the producer, audited once
    assert first.pk == again.pk and first.created and not again.created
    assert first.key == product.uri and first.enterprise == product.producer.enterprise
    assert TraceCode.objects.count() == 1
    assert _issued_audits(first).count() == 1


def test_a_lot_code_is_keyed_by_the_lot_and_separate_from_the_product_code(officer, product):
    # given a lot of the product
    lot = LotFactory(product=product)
    # when the product code and the lot code are issued
    product_code = trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, product=product)
    lot_code = trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, lot=lot)
    # then two codes; the lot's carries the lot and its URI
    assert product_code.pk != lot_code.pk
    assert lot_code.key == lot.uri and lot_code.lot == lot and lot_code.product == product


def test_the_producers_own_user_may_issue_but_another_enterprise_may_not(make_user, district, product):
    # given the producer's user and another enterprise's user
    own = make_user(Role.ENTERPRISE_USER, district, enterprise=product.producer.enterprise)
    other = make_user(Role.ENTERPRISE_USER, district, enterprise=EnterpriseFactory(org_unit=district, numbered=True))
    # when both issue the product's code / then the producer's user gets it, the other is refused and audited
    assert trace_code_issue(kind=TraceCodeKind.PRODUCT, by=own, product=product).issued_by == own
    with pytest.raises(PermissionDenied):
        trace_code_issue(kind=TraceCodeKind.PRODUCT, by=other, product=product)
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=other).exists()


def test_an_officer_of_another_district_is_refused(make_user, city, product):
    # given an officer of another district
    elsewhere = city.children.exclude(pk=product.producer.enterprise.org_unit_id).first()
    officer = make_user(Role.DISTRICT_OFFICER, elsewhere)
    # when they issue the product's code / then refused
    with pytest.raises(PermissionDenied):
        trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer, product=product)
    assert not TraceCode.objects.exists()


def test_a_merchant_code_defaults_to_the_users_own_enterprise(make_user, district, producer):
    # given an enterprise user
    user = make_user(Role.ENTERPRISE_USER, district, enterprise=producer)
    # when they issue a merchant code without naming the enterprise
    code = trace_code_issue(kind=TraceCodeKind.MERCHANT, by=user)
    # then it is their enterprise's, keyed enterprise:<id>
    assert code.enterprise == producer and code.key == f"enterprise:{producer.pk}"
    # and a code for another enterprise is refused
    with pytest.raises(PermissionDenied):
        trace_code_issue(kind=TraceCodeKind.MERCHANT, by=user, enterprise=EnterpriseFactory(org_unit=district,
                                                                                               numbered=True))


def test_a_transaction_code_carries_a_signed_token_of_the_delivery(officer, district, producer):
    # given a captured shipment with a bizTransaction, from the producer's location
    party = PartyFactory(enterprise=producer)
    lot = LotFactory(product=ProductFactory(producer=party))
    d.capture(d.object_event(lot=lot, quantity=10, uom="KGM", biz_step="shipping", location=LocationFactory(party=party),
                             source=party, destination=PartyFactory(), biz_transaction=BIZ), by=officer)
    # when its transaction code is issued twice
    code = trace_code_issue(kind=TraceCodeKind.TRANSACTION, by=officer, biz_transaction=BIZ)
    again = trace_code_issue(kind=TraceCodeKind.TRANSACTION, by=officer, biz_transaction=f" {BIZ} ")
    # then one code whose key is an unguessable token carrying the bizTransaction, linked to the seller
    assert code.pk == again.pk
    assert BIZ not in code.key and transaction_of(code.key) == BIZ
    value, signature = code.key.rsplit(":", 1)  # the signature's first character (its last has unused bits)
    assert transaction_of(f"{value}:{'B' if signature[0] == 'A' else 'A'}{signature[1:]}") is None
    assert code.enterprise == producer


def test_a_transaction_without_events_is_refused_naming_the_field(officer):
    # given no event with this bizTransaction / when its code is issued / then a 400-style error on the field
    with pytest.raises(ValidationError) as error:
        trace_code_issue(kind=TraceCodeKind.TRANSACTION, by=officer, biz_transaction="urn:x:unknown")
    assert "biz_transaction" in error.value.message_dict


def test_a_product_code_needs_a_product(officer):
    with pytest.raises(ValidationError) as error:
        trace_code_issue(kind=TraceCodeKind.PRODUCT, by=officer)
    assert "product" in error.value.message_dict
