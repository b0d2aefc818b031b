"""Reads of the credit module, with each user's org-unit scope applied.

Officers (inspectors and district officers in their district, the leadership office city-wide) read the
credit files in their scope; an enterprise user reads only its own file, never the risk class.
"""

from __future__ import annotations

import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.personal_data import NAME
from qcity.core.roles import MARKET_OFFICERS
from qcity.enterprises.models import Enterprise

from .choices import (
    CreditEventStatus,
    CreditListEntryStatus,
    CreditListKind,
    CreditObjectionStatus,
    CreditRepairStatus,
)
from .models import (
    CreditAttachment,
    CreditClassChange,
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    CreditObjection,
    CreditRepair,
)
from .publication import findings_of
from .scoring import UNCLASSIFIED_RISK_CLASS


def with_risk_class(enterprises: QuerySet) -> QuerySet:
    """Annotates `risk_class` ("a".."d"); an enterprise never classified counts as B (一般)."""
    return enterprises.annotate(risk_class=Coalesce(F("credit_classification__risk_class"), Value(UNCLASSIFIED_RISK_CLASS.value)))


def risk_class_of(enterprise: Enterprise) -> str:
    row = CreditClassification.objects.filter(enterprise_id=enterprise.pk).values_list("risk_class", flat=True).first()
    return row or UNCLASSIFIED_RISK_CLASS.value


def is_officer(user: User) -> bool:
    return access.has_role(user, *MARKET_OFFICERS)


def _enterprise_scope(user: User, field: str = "enterprise__org_unit") -> Q | None:
    """Officers: their org units; an enterprise user: its own enterprise; others: nothing."""
    if is_officer(user):
        return access.scope_condition(user=user, roles=MARKET_OFFICERS, field=field)
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        prefix = field.rsplit("__", 1)[0] if "__" in field else ""
        return Q(**{f"{prefix}__pk" if prefix else "pk": user.enterprise_id})
    return Q(pk__in=[])


def _scoped(queryset: QuerySet, user: User, field: str = "enterprise__org_unit") -> QuerySet:
    scope = _enterprise_scope(user, field)
    return queryset if scope is None else queryset.filter(scope)


def _scoped_through_key(queryset: QuerySet, user: User) -> QuerySet:
    """`_scoped` for rows that are few against a district's enterprises (the open publication duties): an
    officer's scope reads each row's unit through its enterprise's primary key, a correlated subquery run per
    row. Joined instead, PostgreSQL merged the district's 240,000 enterprises with 1,600 open events (45 ms
    for a count a subquery per row answers in 9 ms)."""
    if not is_officer(user):
        return _scoped(queryset, user)
    unit = Subquery(Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("org_unit_id")[:1])
    return _scoped(queryset.alias(enterprise_unit_id=unit), user, field="enterprise_unit")


def credit_file_list(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises whose credit file the officer may open, with their class (officers only)."""
    queryset = with_risk_class(Enterprise.objects.select_related("org_unit"))
    return _scoped(queryset, user, field="org_unit")


def credit_file_get(*, user: User, pk: int) -> Enterprise:
    return get_object_or_404(_scoped(Enterprise.objects.select_related("org_unit"), user, field="org_unit"), pk=pk)


def credit_event_list(*, user: User) -> QuerySet[CreditEvent]:
    return _scoped(CreditEvent.objects.select_related("enterprise__org_unit"), user)


def credit_event_to_publish_list(*, user: User | None) -> QuerySet[CreditEvent]:
    """Recorded events with a publication deadline (the duty to publish them), in the user's scope
    (user=None: everyone's)."""
    queryset = CreditEvent.objects.select_related("enterprise__org_unit").filter(
        status=CreditEventStatus.RECORDED, publication_due_on__isnull=False)
    return queryset if user is None else _scoped_through_key(queryset, user)


def credit_event_get(*, user: User, pk: int) -> CreditEvent:
    return get_object_or_404(credit_event_list(user=user), pk=pk)


def credit_classification_get(enterprise: Enterprise) -> CreditClassification | None:
    return CreditClassification.objects.filter(enterprise=enterprise).first()


def credit_class_change_list(enterprise: Enterprise, limit: int = 20) -> list[CreditClassChange]:
    return list(CreditClassChange.objects.filter(enterprise=enterprise)[:limit])


def credit_list_entry_list(*, user: User, list_kind: str | None = None, listed_only: bool = False) -> QuerySet[CreditListEntry]:
    queryset = CreditListEntry.objects.select_related("enterprise__org_unit")
    if list_kind:
        queryset = queryset.filter(list_kind=list_kind)
    if listed_only:
        queryset = queryset.filter(status=CreditListEntryStatus.LISTED)
    return _scoped(queryset, user)


def credit_list_entry_get(*, user: User, pk: int) -> CreditListEntry:
    return get_object_or_404(credit_list_entry_list(user=user), pk=pk)


# the queues' "open" items: still waiting for an officer's step
OPEN_REPAIR_STATUSES = (CreditRepairStatus.SUBMITTED, CreditRepairStatus.ACCEPTED)
OPEN_OBJECTION_STATUSES = (CreditObjectionStatus.SUBMITTED,)


def credit_repair_list(*, user: User) -> QuerySet[CreditRepair]:
    queryset = CreditRepair.objects.select_related("enterprise__org_unit", "list_entry", "credit_event")
    return _scoped(queryset, user)


def credit_repair_get(*, user: User, pk: int) -> CreditRepair:
    return get_object_or_404(credit_repair_list(user=user), pk=pk)


def credit_objection_list(*, user: User) -> QuerySet[CreditObjection]:
    queryset = CreditObjection.objects.select_related("enterprise__org_unit", "list_entry", "credit_event")
    return _scoped(queryset, user)


def credit_objection_get(*, user: User, pk: int) -> CreditObjection:
    return get_object_or_404(credit_objection_list(user=user), pk=pk)


def credit_attachment_list(*, user: User) -> QuerySet[CreditAttachment]:
    """Documents of repair applications and objections: the enterprise's own, or those of enterprises in
    the officer's units."""
    return _scoped(CreditAttachment.objects.select_related("enterprise"), user)


def credit_attachment_get(*, user: User, pk: int) -> CreditAttachment:
    return get_object_or_404(credit_attachment_list(user=user), pk=pk)


def overdue_publication_q(today: datetime.date) -> Q:
    """Events whose legal publication deadline has passed unpublished (DOMAIN §2.3)."""
    return Q(status=CreditEventStatus.RECORDED, publication_due_on__lt=today)


def credit_event_overdue_list(*, user: User, today: datetime.date) -> QuerySet[CreditEvent]:
    """Events whose legal publication deadline has passed unpublished (DOMAIN §2.3)."""
    return credit_event_list(user=user).filter(overdue_publication_q(today))


# Public reads: published items inside their publication period only, never the class.

def credit_file_public_get(uscc: str) -> Enterprise:
    code = (uscc or "").strip().upper()
    enterprise = Enterprise.objects.select_related("org_unit").filter(uscc=code).first()
    if enterprise is None:
        raise Http404("no enterprise with this credit code")
    return enterprise


def credit_event_public_list_on(today: datetime.date) -> QuerySet[CreditEvent]:
    """Every event the public credit files show on `today`: published, and inside its publication period."""
    return (CreditEvent.objects.filter(status=CreditEventStatus.PUBLISHED, published_on__lte=today)
            .filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=today)))


def credit_event_public_list(enterprise: Enterprise, today: datetime.date) -> QuerySet[CreditEvent]:
    return (credit_event_public_list_on(today).filter(enterprise=enterprise)
            .select_related("enterprise").order_by("-occurred_on", "-id"))


def credit_list_entry_public_list(list_kind: str | None = None, enterprise: Enterprise | None = None) -> QuerySet[CreditListEntry]:
    queryset = CreditListEntry.objects.filter(status=CreditListEntryStatus.LISTED, published_on__isnull=False)
    if list_kind:
        queryset = queryset.filter(list_kind=list_kind)
    if enterprise is not None:
        queryset = queryset.filter(enterprise=enterprise)
    return queryset.select_related("enterprise").order_by("-published_on", "-id")


PUBLIC_LIST_KINDS = [CreditListKind.ABNORMAL_OPERATIONS, CreditListKind.SERIOUS_VIOLATION, CreditListKind.RED]


def credit_public_personal_data_hits(*, today: datetime.date | None = None) -> list[tuple[str, int, list]]:
    """Personal data in what the public credit files show today: for each public event whose public summary
    holds personal data (other than a name confirmed for publication), (uscc, event id, findings). The
    platform's promise is that this is empty; `qcity credit personal-data-check` reports it."""
    today = today or timezone.localdate()
    events = (credit_event_public_list_on(today).select_related("enterprise")
              .only("pk", "kind", "public_summary", "confirmed_names", "enterprise__uscc", "enterprise__name",
                    "enterprise__legal_representative")
              .order_by("pk"))
    hits = []
    for event in events.iterator(chunk_size=2000):
        confirmed = set(event.confirmed_names or [])
        findings = [f for f in findings_of(event) if not (f.kind == NAME and f.text in confirmed)]
        if findings:
            hits.append((event.enterprise.uscc, event.pk, findings))
    return hits
