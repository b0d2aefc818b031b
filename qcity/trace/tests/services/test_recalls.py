"""Recalls: opened once per lot with the holders of the forward trace, holders stepped one status at a time,
closed when every holder is done or with a reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qcity.core.choices import NotificationKind, Role
from qcity.core.models import AuditEvent, Notification
from qcity.enterprises.tests.factories import EnterpriseFactory
from qcity.trace.choices import RecallHolderStatus, RecallKind, RecallStatus
from qcity.trace.models import Party, Recall
from qcity.trace.services import recalls
from qcity.trace.tests import epcis_documents as d
from qcity.trace.tests.factories import LotFactory, PartyFactory, ProductFactory, gs1_number, make_dairy_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user, district):
    return make_user(Role.DISTRICT_OFFICER, district)


@pytest.fixture
def chain(manager, district):
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)
    return make_dairy_chain(by=manager, start=start, org_unit=district)


def _open(chain, manager, **kw):
    kw.setdefault("kind", RecallKind.ORDERED)
    kw.setdefault("reason", "菌落总数超标")
    return recalls.recall_open(lot=chain.lot, by=manager, **kw)


def test_opening_a_recall_lists_the_holders_from_the_forward_trace(chain, manager, district):
    # when the lot's recall is opened
    recall = _open(chain, manager)

    # then the shops and the distributor are its holders with what they hold; the plant, which shipped it all, is not
    holders = {h.party_id: h for h in recall.holders.all()}
    assert set(holders) == {p.pk for p in (*chain.shops, chain.distributor)}
    assert holders[chain.shops[0].pk].quantity_held == Decimal(300)
    assert holders[chain.shops[0].pk].last_location == chain.locations["shop1"]
    assert holders[chain.distributor.pk].quantity_held == Decimal(200)
    assert holders[chain.shops[2].pk].quantity_received == Decimal(200)
    assert all(h.status == RecallHolderStatus.PENDING for h in holders.values())
    assert recall.org_unit == district and recall.status == RecallStatus.OPEN
    assert AuditEvent.objects.filter(object_type="trace.recall", object_id=str(recall.pk),
                                     message__contains="4 holders").exists()


def test_opening_it_again_returns_the_open_recall(chain, manager):
    # given an open recall
    first = _open(chain, manager)

    # when it is opened again, even with other words
    again, created = recalls.recall_open_or_get(lot=chain.lot, kind=RecallKind.VOLUNTARY, reason="再次", by=manager)

    # then it is the same recall, unchanged
    assert (again.pk, created, again.reason) == (first.pk, False, "菌落总数超标")
    assert Recall.objects.count() == 1


def test_a_closed_recall_does_not_stop_a_new_one(chain, manager):
    # given a recall closed early
    first = _open(chain, manager)
    recalls.recall_close(recall=first, by=manager, reason="批次经复检合格")

    # when the lot is recalled again, then a new recall opens
    assert _open(chain, manager).pk != first.pk


@pytest.mark.parametrize(("values", "field"), [({"kind": "sell_off"}, "kind"), ({"reason": "  "}, "reason")])
def test_bad_input_is_refused_by_field(chain, manager, values, field):
    with pytest.raises(ValidationError) as refused:
        _open(chain, manager, **values)
    assert field in refused.value.message_dict


def test_an_inspector_or_another_district_may_not_open_one(chain, make_user, district, city):
    # given an inspector of the district and an officer of another district
    inspector = make_user(Role.INSPECTOR, district)
    elsewhere = make_user(Role.DISTRICT_OFFICER, city.children.exclude(pk=district.pk).first())

    # then neither may open the recall, and the refusal is audited
    for user in (inspector, elsewhere):
        with pytest.raises(PermissionDenied):
            _open(chain, user)
    assert not Recall.objects.exists()
    assert AuditEvent.objects.filter(action="denied", actor=elsewhere).exists()


def test_the_unit_is_the_opener_s_when_the_producer_has_none(manager, district):
    # given a lot whose producer has no unit
    lot = LotFactory()

    # when its recall is opened (no events: no holders), then it is the opener's unit
    recall = recalls.recall_open(lot=lot, kind=RecallKind.VOLUNTARY, reason="标签错误", by=manager)
    assert recall.org_unit == district and recall.holders.count() == 0


def test_holders_step_one_status_at_a_time(chain, manager):
    # given an open recall
    recall = _open(chain, manager)
    holder = recall.holders.get(party=chain.shops[0])

    # then a holder cannot skip a step
    with pytest.raises(ValidationError) as refused:
        recalls.recall_holder_advance(holder=holder, status=RecallHolderStatus.RETURNED, by=manager)
    assert "status" in refused.value.message_dict

    # and goes pending → notified → confirmed → destroyed, then no further
    for status in (RecallHolderStatus.NOTIFIED, RecallHolderStatus.CONFIRMED, RecallHolderStatus.DESTROYED):
        holder = recalls.recall_holder_advance(holder=holder, status=status, by=manager, note="现场核实")
    assert holder.status == RecallHolderStatus.DESTROYED and holder.status_changed_at is not None
    with pytest.raises(ValidationError):
        recalls.recall_holder_advance(holder=holder, status=RecallHolderStatus.RETURNED, by=manager)
    assert AuditEvent.objects.filter(object_id=str(recall.pk), message__contains="now destroyed").exists()


def test_notifying_a_holder_tells_its_enterprise_users(manager, district, make_user):
    # given a shop of a registered enterprise with a user
    enterprise = EnterpriseFactory(org_unit=district)
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=10)
    chain = make_dairy_chain(by=manager, start=start, org_unit=district)
    shop = chain.shops[0]
    shop.enterprise = enterprise
    shop.save()
    owner = make_user(Role.ENTERPRISE_USER, district, enterprise=enterprise)
    recall = _open(chain, manager)

    # when the shop is marked notified
    recalls.recall_holder_advance(holder=recall.holders.get(party=shop), status=RecallHolderStatus.NOTIFIED,
                                  by=manager)

    # then its user has a message about the recall
    message = Notification.objects.get(recipient=owner)
    assert message.kind == NotificationKind.ASSIGNMENT and chain.lot.lot_number in message.title


def test_a_recall_closes_when_every_holder_is_done_or_with_a_reason(chain, manager):
    # given an open recall with holders still pending
    recall = _open(chain, manager)

    # then it cannot close without a reason
    with pytest.raises(ValidationError) as refused:
        recalls.recall_close(recall=recall, by=manager)
    assert "reason" in refused.value.message_dict

    # when every holder has returned or destroyed the goods, then it closes
    for holder in recall.holders.all():
        for status in (RecallHolderStatus.NOTIFIED, RecallHolderStatus.CONFIRMED, RecallHolderStatus.RETURNED):
            holder = recalls.recall_holder_advance(holder=holder, status=status, by=manager)
    closed = recalls.recall_close(recall=recall, by=manager)
    assert closed.status == RecallStatus.CLOSED and closed.closed_at is not None

    # and then nothing moves any more
    with pytest.raises(ValidationError):
        recalls.recall_close(recall=closed, by=manager, reason="再关一次")


def test_holders_of_a_closed_recall_stay_as_they_are(chain, manager):
    # given a recall closed early
    recall = _open(chain, manager)
    recalls.recall_close(recall=recall, by=manager, reason="无法联系部分持有方，移交稽查")

    # then no holder moves
    with pytest.raises(ValidationError):
        recalls.recall_holder_advance(holder=recall.holders.first(), status=RecallHolderStatus.NOTIFIED, by=manager)
    assert AuditEvent.objects.filter(object_id=str(recall.pk), message__contains="移交稽查").exists()


def test_a_holder_unknown_to_the_master_data_is_added_by_its_gln(manager, district):
    # given a lot of the district's producer shipped to a GLN without a party row
    lot = LotFactory(product=ProductFactory(producer=PartyFactory(org_unit=district)))
    stranger = gs1_number("691", 424242, 13)
    d.capture(d.object_event(lot=lot, quantity=40, uom="EA", biz_step="shipping", destination=stranger), by=manager)

    # when the lot is recalled, then the stranger is a holder, added to the master data by its GLN
    recall = recalls.recall_open(lot=lot, kind=RecallKind.VOLUNTARY, reason="异物", by=manager)
    holder = recall.holders.get(party__gln=stranger)
    assert holder.quantity_held == Decimal(40) and Party.objects.get(gln=stranger).name == stranger
    assert AuditEvent.objects.filter(object_id=str(recall.pk), message__contains=stranger).exists()
