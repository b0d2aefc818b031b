"""Reads of the credit module, with each user's org-unit scope applied.

Officers (inspectors and district officers in their district, the leadership office city-wide) read the
credit files in their scope; an enterprise user reads only its own file, never the risk class.
"""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qcity.core import access
from qcity.core.choices import Role
from qcity.core.models import User
from qcity.core.personal_data import NAME
from qcity.enterprises.models import Enterprise
from qcity.enterprises.selectors import scope_filter

from .choices import (
    CreditEventStatus,
    CreditListKind,
    ListEntryStatus,
    ObjectionStatus,
    RepairStatus,
    RiskClass,
)
from .models import (
    CreditClassChange,
    CreditClassification,
    CreditEvent,
    CreditListEntry,
    Objection,
    RepairApplication,
)
from .publication import findings_of
from .services.access import OFFICE_ROLES, OFFICER_ROLES  # noqa: F401  (re-exported for views and the API)

FILE_ROLES = OFFICER_ROLES | {Role.ENTERPRISE_USER}


def with_risk_class(enterprises: QuerySet) -> QuerySet:
    """Annotates `risk_class` ("a".."d"); an enterprise never classified counts as B (一般)."""
    return enterprises.annotate(risk_class=Coalesce(F("credit_classification__risk_class"), Value(RiskClass.B.value)))


def risk_class_of(enterprise: Enterprise) -> str:
    row = CreditClassification.objects.filter(enterprise_id=enterprise.pk).values_list("risk_class", flat=True).first()
    return row or RiskClass.B.value


def is_officer(user: User) -> bool:
    return access.has_role(user, *OFFICER_ROLES)


def _enterprise_scope(user: User, field: str = "enterprise__org_unit") -> Q | None:
    """Officers: their org units; an enterprise user: its own enterprise; others: nothing."""
    if is_officer(user):
        return scope_filter(user, roles=OFFICER_ROLES, field=field)
    if access.has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id:
        prefix = field.rsplit("__", 1)[0] if "__" in field else ""
        return Q(**{f"{prefix}__pk" if prefix else "pk": user.enterprise_id})
    return Q(pk__in=[])


def _scoped(queryset: QuerySet, user: User, field: str = "enterprise__org_unit") -> QuerySet:
    scope = _enterprise_scope(user, field)
    return queryset if scope is None else queryset.filter(scope)


def credit_file_search(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises whose credit file the officer may open, with their class (officers only)."""
    queryset = with_risk_class(Enterprise.objects.select_related("org_unit"))
    return _scoped(queryset, user, field="org_unit")


def credit_file_enterprise(*, user: User, pk: int) -> Enterprise:
    return get_object_or_404(_scoped(Enterprise.objects.select_related("org_unit"), user, field="org_unit"), pk=pk)


def credit_events(*, user: User) -> QuerySet[CreditEvent]:
    return _scoped(CreditEvent.objects.select_related("enterprise__org_unit"), user)


def credit_event_get(*, user: User, pk: int) -> CreditEvent:
    return get_object_or_404(credit_events(user=user), pk=pk)


def classification_of(enterprise: Enterprise) -> CreditClassification | None:
    return CreditClassification.objects.filter(enterprise=enterprise).first()


def class_history(enterprise: Enterprise, limit: int = 20) -> list[CreditClassChange]:
    return list(CreditClassChange.objects.filter(enterprise=enterprise)[:limit])


def list_entries(*, user: User, list_kind: str | None = None, listed_only: bool = False) -> QuerySet[CreditListEntry]:
    queryset = CreditListEntry.objects.select_related("enterprise__org_unit")
    if list_kind:
        queryset = queryset.filter(list_kind=list_kind)
    if listed_only:
        queryset = queryset.filter(status=ListEntryStatus.LISTED)
    return _scoped(queryset, user)


def list_entry_get(*, user: User, pk: int) -> CreditListEntry:
    return get_object_or_404(list_entries(user=user), pk=pk)


def repairs(*, user: User, open_only: bool = False) -> QuerySet[RepairApplication]:
    queryset = RepairApplication.objects.select_related("enterprise__org_unit", "list_entry", "credit_event")
    if open_only:
        queryset = queryset.filter(status__in=[RepairStatus.SUBMITTED, RepairStatus.ACCEPTED])
    return _scoped(queryset, user)


def repair_get(*, user: User, pk: int) -> RepairApplication:
    return get_object_or_404(repairs(user=user), pk=pk)


def objections(*, user: User, open_only: bool = False) -> QuerySet[Objection]:
    queryset = Objection.objects.select_related("enterprise__org_unit", "list_entry", "credit_event")
    if open_only:
        queryset = queryset.filter(status=ObjectionStatus.SUBMITTED)
    return _scoped(queryset, user)


def objection_get(*, user: User, pk: int) -> Objection:
    return get_object_or_404(objections(user=user), pk=pk)


def overdue_publications(*, user: User, today: datetime.date) -> QuerySet[CreditEvent]:
    """Events whose legal publication deadline has passed unpublished (DOMAIN §2.3)."""
    return credit_events(user=user).filter(status=CreditEventStatus.RECORDED, publication_due_on__lt=today)


# Public reads: published items inside their publication period only, never the class.

def public_enterprise_by_uscc(uscc: str) -> Enterprise:
    code = (uscc or "").strip().upper()
    enterprise = Enterprise.objects.select_related("org_unit").filter(uscc=code).first()
    if enterprise is None:
        raise Http404("no enterprise with this credit code")
    return enterprise


def public_events_on(today: datetime.date) -> QuerySet[CreditEvent]:
    """Every event the public credit files show on `today`: published, and inside its publication period."""
    return (CreditEvent.objects.filter(status=CreditEventStatus.PUBLISHED, published_on__lte=today)
            .filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=today)))


def public_events(enterprise: Enterprise, today: datetime.date) -> QuerySet[CreditEvent]:
    return (public_events_on(today).filter(enterprise=enterprise)
            .select_related("enterprise").order_by("-occurred_on", "-id"))


def public_list_entries(list_kind: str | None = None, enterprise: Enterprise | None = None) -> QuerySet[CreditListEntry]:
    queryset = CreditListEntry.objects.filter(status=ListEntryStatus.LISTED, published_on__isnull=False)
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
    events = (public_events_on(today).select_related("enterprise")
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
