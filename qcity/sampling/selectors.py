"""Reads of supervision sampling, with each user's scope applied.

Officers (inspectors and district officers in their district, the leadership office city-wide) see the
samples of enterprises in their org units and the plans of their units and the units above them (a city
plan is carried out in every district). An enterprise user sees only its own samples once served.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qcity.core import access
from qcity.core.choices import DeliveryStatus, NotificationChannel, Role
from qcity.core.models import Notification, NotificationDelivery, OrgUnit, User
from qcity.core.roles import MARKET_OFFICERS

from .choices import FollowupStatus, SampleStatus, SamplingConclusion
from .models import (
    Followup,
    ProductCategory,
    Sample,
    SamplingObjectionEvidence,
    SamplingPlan,
    TestItemResult,
)


def product_category_list() -> QuerySet[ProductCategory]:
    return ProductCategory.objects.all()


def _plan_unit_ids(user: User) -> list[int] | None:
    """Org units whose plans the user sees: the covered ones and their ancestors; None for every plan."""
    prefixes = access.org_unit_scope(user, MARKET_OFFICERS)
    if prefixes is None:
        return None if access.has_role(user, *MARKET_OFFICERS) else []
    ids = set()
    for prefix in prefixes:
        ids |= {int(part) for part in prefix.strip("/").split("/") if part}
    covered = Q(pk__in=[])
    for prefix in prefixes:
        covered |= Q(path__startswith=prefix)
    ids |= set(OrgUnit.objects.filter(covered).values_list("id", flat=True))
    return sorted(ids)


def sampling_plan_list(*, user: User | None = None) -> QuerySet[SamplingPlan]:
    queryset = (SamplingPlan.objects.select_related("org_unit").prefetch_related("categories")
                .annotate(sample_count=Count("samples", distinct=True)).order_by("-period_start", "-id"))
    if user is None:
        return queryset
    ids = _plan_unit_ids(user)
    return queryset if ids is None else queryset.filter(org_unit_id__in=ids)


def sampling_plan_get(*, user: User, pk: int) -> SamplingPlan:
    return get_object_or_404(sampling_plan_list(user=user), pk=pk)


def _sample_scope(user: User) -> Q | None:
    condition = Q(pk__in=[])
    if access.has_role(user, *MARKET_OFFICERS):
        officer = access.scope_condition(user=user, roles=MARKET_OFFICERS)
        if officer is None:
            return None
        condition |= officer
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        # The result is the enterprise's once it has been served on it (Order 18: report served on the
        # sampled party and the named manufacturer).
        condition |= (Q(enterprise_id=user.enterprise_id) | Q(manufacturer_id=user.enterprise_id)) & Q(
            served_on__isnull=False)
    return condition


def sample_list(*, user: User | None = None) -> QuerySet[Sample]:
    queryset = Sample.objects.select_related("plan", "category", "enterprise", "org_unit", "manufacturer")
    if user is None:
        return queryset
    scope = _sample_scope(user)
    return queryset if scope is None else queryset.filter(scope)


def sample_get(*, user: User, pk: int) -> Sample:
    queryset = sample_list(user=user).prefetch_related(
        Prefetch("items", queryset=TestItemResult.objects.order_by("id")), "samplers", "objection__evidence")
    return get_object_or_404(queryset, pk=pk)


def sample_can_act(*, user: User, sample: Sample) -> bool:
    """Officers covering the sampled enterprise's unit enter results, conclude, serve, publish, follow up."""
    return access.covers(user, sample.org_unit, MARKET_OFFICERS)


def sample_can_object(*, user: User, sample: Sample) -> bool:
    """The sampled party (or the named manufacturer) applies for a retest; an officer may record it for them."""
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id in (sample.enterprise_id,
                                                                              sample.manufacturer_id):
        return True
    return sample_can_act(user=user, sample=sample)


def sample_available_steps(*, sample: Sample, user: User, today: datetime.date | None = None) -> set[str]:
    """The workflow steps `user` may take on `sample` now (the detail page shows exactly these forms).

    Each key names its step view and form prefix; the service of each step re-checks its own rule."""
    today = today or timezone.localdate()
    can_act = sample_can_act(user=user, sample=sample)
    followup = getattr(sample, "followup", None)
    final = sample.is_final(today)
    open_followup = followup is not None and followup.status not in (
        FollowupStatus.RECTIFIED, FollowupStatus.TRANSFERRED, FollowupStatus.CANCELLED)
    steps = {
        "results": can_act and sample.status == SampleStatus.SAMPLED,
        "conclude": can_act and sample.status == SampleStatus.SAMPLED and bool(sample.items.all()),
        "serve": can_act and sample.status == SampleStatus.CONCLUDED,
        "objection": (sample_can_object(user=user, sample=sample) and sample.status == SampleStatus.SERVED
                      and sample.conclusion == SamplingConclusion.FAIL and sample.retest_window_open(today)),
        "retest": can_act and sample.status == SampleStatus.RETESTING,
        "publish": can_act and final and not sample.published_on,
        "followup_order": can_act and final and sample.conclusion == SamplingConclusion.FAIL and followup is None,
        "report": can_act and followup is not None and followup.status == FollowupStatus.ORDERED,
        "reinspect": can_act and followup is not None and followup.status == FollowupStatus.REPORTED,
        "announce": can_act and followup is not None and (
            followup.status == FollowupStatus.REINSPECTION_FAILED or followup.is_overdue(today)),
        "transfer": can_act and open_followup,
    }
    return {step for step, allowed in steps.items() if allowed}


def followup_list(*, user: User | None = None) -> QuerySet[Followup]:
    queryset = Followup.objects.select_related("sample__enterprise", "sample__category", "sample__org_unit",
                                               "sample__plan")
    if user is None:
        return queryset
    return queryset.filter(sample__in=sample_list(user=user).values("pk"))


def sample_published_list() -> QuerySet[Sample]:
    """What the public sees: published final conclusions only."""
    return (Sample.objects.filter(published_on__isnull=False)
            .select_related("category", "enterprise", "org_unit", "manufacturer", "plan")
            .order_by("-published_on", "-id"))


def sample_published_get(*, pk: int) -> Sample:
    queryset = sample_published_list().prefetch_related(
        Prefetch("items", queryset=TestItemResult.objects.order_by("id")))
    return get_object_or_404(queryset, pk=pk)


@dataclass(frozen=True)
class ServiceProof:
    """Proof of service (送达) of a sampling result to one enterprise account: when the message reached the
    message centre, when the SMS went out (or why not), and when the account read it."""

    recipient: str
    delivered_at: datetime.datetime
    sms_status: str  # DeliveryStatus value, or "" when no SMS was queued (no phone, or turned off)
    sms_status_label: str
    sms_sent_at: datetime.datetime | None
    read_at: datetime.datetime | None


def _own_enterprise_only(user: User) -> int | None:
    """The enterprise an enterprise user's view of a sample's parties is cut to (the sampled party and the
    manufacturer each see only their own people and files); None for an officer, who sees every party."""
    if access.has_role(user, *MARKET_OFFICERS):
        return None
    return user.enterprise_id or 0


def sample_service_proof(*, sample: Sample, user: User) -> list[ServiceProof]:
    """Per recipient of the served notification (`sample:<pk>:served`), oldest first; two queries. The
    caller has read the sample through `sample_get`, so the scope was applied; an enterprise user sees only
    the rows of its own enterprise's accounts (the other party's people are not its business)."""
    notifications = (Notification.objects.filter(key=f"sample:{sample.pk}:served")
                     .select_related("recipient").order_by("created_at", "pk")
                     .prefetch_related(Prefetch("deliveries", to_attr="sms",
                                                queryset=NotificationDelivery.objects.filter(
                                                    channel=NotificationChannel.SMS))))
    own = _own_enterprise_only(user)
    if own is not None:
        notifications = notifications.filter(recipient__enterprise_id=own)
    rows = []
    for n in notifications:
        sms = n.sms[0] if n.sms else None
        rows.append(ServiceProof(
            recipient=n.recipient.display_name, delivered_at=n.created_at,
            sms_status=sms.status if sms else "",
            sms_status_label=str(DeliveryStatus(sms.status).label) if sms else "",
            sms_sent_at=sms.sent_at if sms else None, read_at=n.read_at))
    return rows


def _objection_evidence_scoped(user: User) -> QuerySet[SamplingObjectionEvidence]:
    queryset = SamplingObjectionEvidence.objects.select_related("objection__sample").filter(
        objection__sample__in=sample_list(user=user).values("pk"))
    own = _own_enterprise_only(user)
    return queryset if own is None else queryset.filter(uploaded_by__enterprise_id=own)


def objection_evidence_list(*, user: User, sample: Sample) -> list[SamplingObjectionEvidence]:
    """The evidence files of `sample`'s objection the user may download, in upload order."""
    return list(_objection_evidence_scoped(user).filter(objection__sample=sample).order_by("uploaded_at", "pk"))


def objection_evidence_get(*, user: User, pk: int) -> SamplingObjectionEvidence:
    """An evidence file of an objection on a sample the user may read: officers in scope, and an enterprise
    user only for files uploaded by its own enterprise (the manufacturer does not get the sampled party's
    files, nor the other way round)."""
    return get_object_or_404(_objection_evidence_scoped(user), pk=pk)


def sample_unread_service(*, user: User, sample: Sample) -> Notification | None:
    """The user's unread message serving `sample`'s result on them, if any (opening the sample reads it)."""
    return Notification.objects.filter(recipient=user, key=f"sample:{sample.pk}:served", read_at__isnull=True).first()
