from rest_framework import generics

from qcity.core import selectors
from qcity.core.choices import Role
from qcity.core.filters import AuditEventFilter
from qcity.core.permissions import HasRole

from .serializers import AuditEventSerializer, DepartmentSerializer, OrgUnitSerializer


class OrgUnitListApi(generics.ListAPIView):
    """Org units (GB/T 2260 divisions and development zones): readable by every role."""

    permission_classes = [HasRole]
    required_roles = frozenset(Role)
    serializer_class = OrgUnitSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.org_unit_list()


class DepartmentListApi(generics.ListAPIView):
    permission_classes = [HasRole]
    required_roles = frozenset(Role)
    serializer_class = DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.department_list()


class AuditEventListApi(generics.ListAPIView):
    """The audit log: only the audit administrator reads it."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.AUDIT_ADMIN})
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self):
        return selectors.audit_event_list()
