"""Complaint test data, rows straight into the tables (factory-boy); shared by every complaints test module.

`ComplaintFactory(org_unit=district)` makes a complaint received on the pinned day in the unit's hands;
`org_unit=None` puts it in the city-level triage queue. Deadlines are not computed here: set them, or call
`qcity.complaints.deadlines.refresh` on the row, where a test needs them.
"""

import datetime

import factory
from django.utils import timezone

from qcity.complaints.choices import (
    ComplaintChannel,
    ComplaintEventKind,
    ComplaintKind,
    ComplaintStatus,
    RoutingMethod,
)
from qcity.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    DirectSettlementMembership,
    GazetteerEntry,
    ProblemType,
    Reward,
)


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    tracking_number = factory.Sequence(lambda n: f"TS{n:010d}")
    kind = ComplaintKind.COMPLAINT
    channel = ComplaintChannel.PORTAL
    status = ComplaintStatus.RECEIVED
    received_at = factory.LazyFunction(timezone.now)
    received_on = factory.LazyAttribute(lambda o: timezone.localtime(o.received_at).date())
    acceptance_clock_from = factory.LazyAttribute(lambda o: o.received_on)
    person_name = "王小明"
    person_phone = "13812345678"
    person_id_number = "410105199001011234"
    person_address = "郑州市金水区花园路1号"
    phone_last4 = factory.LazyAttribute(lambda o: o.person_phone[-4:])
    respondent_name = "郑州测试食品有限公司"
    subject = "买到过期食品"
    facts = "在超市购买的牛奶已过保质期，要求退货并赔偿。"
    request = "退一赔十"
    routing_method = RoutingMethod.REGISTRY

    class Params:
        # report=True: a real-name report (举报); add anonymous=True for an anonymous one
        report = factory.Trait(kind=ComplaintKind.REPORT_TIP, subject="无证经营", request="")


class ComplaintEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintEvent

    complaint = factory.SubFactory(ComplaintFactory)
    kind = ComplaintEventKind.RECEIVED
    at = factory.LazyFunction(timezone.now)


class ComplaintAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintAttachment

    complaint = factory.SubFactory(ComplaintFactory)
    file = factory.django.FileField(filename="receipt.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "receipt.pdf"
    size = 15


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"测试类别{n}")
    group = "goods"


class ProblemTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-problem-{n}")
    name = factory.Sequence(lambda n: f"测试问题{n}")


class GazetteerEntryFactory(factory.django.DjangoModelFactory):
    """GazetteerEntryFactory(name=..., org_unit=district): `org_unit` is required (reference data)."""

    class Meta:
        model = GazetteerEntry

    name = factory.Sequence(lambda n: f"测试路{n}")
    kind = "road"


class DirectSettlementMembershipFactory(factory.django.DjangoModelFactory):
    """DirectSettlementMembershipFactory(enterprise=...): joined on the pinned day's eve, still a member."""

    class Meta:
        model = DirectSettlementMembership

    joined_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))


class RewardFactory(factory.django.DjangoModelFactory):
    """RewardFactory(complaint=...): a reward proposed on the pinned day (status, amount: as given)."""

    class Meta:
        model = Reward

    grade = "grade_2"
    fine_amount = 200_000
    amount = 6_000
    penalty_decision_number = factory.Sequence(lambda n: f"郑金市监罚〔2026〕{n}号")
    proposed_on = factory.LazyFunction(timezone.localdate)
