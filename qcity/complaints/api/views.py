"""Read endpoints of complaints (handlers in their units, enterprise users their own complaints), over the
same selectors and FilterSet as the back-office list: a bad filter value is a 400 naming the parameter."""

from rest_framework import generics

from qcity.complaints import selectors
from qcity.complaints.filters import ComplaintEventFilter, ComplaintFilter
from qcity.core.permissions import HasRole
from qcity.core.roles import COMPLAINT_HANDLERS_AND_ENTERPRISES

from .serializers import ComplaintDetailSerializer, ComplaintEventSerializer, ComplaintSerializer


class ComplaintListApi(generics.ListAPIView):
    """Complaints and reports in the caller's scope, newest first; the person masked. The filters are the
    list page's (`mine`, `triage`, `overdue` are its tabs)."""

    permission_classes = [HasRole]
    required_roles = COMPLAINT_HANDLERS_AND_ENTERPRISES
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter

    def get_queryset(self):
        return selectors.complaint_list(user=self.request.user)


class ComplaintDetailApi(generics.RetrieveAPIView):
    """One complaint with its history; the person in full for the handling scope only."""

    permission_classes = [HasRole]
    required_roles = COMPLAINT_HANDLERS_AND_ENTERPRISES
    serializer_class = ComplaintDetailSerializer

    def get_object(self):
        return selectors.complaint_get(user=self.request.user, pk=self.kwargs["pk"])


class ComplaintEventListApi(generics.ListAPIView):
    """The history of the complaints in the caller's scope (`?complaint=<id>` for one)."""

    permission_classes = [HasRole]
    required_roles = COMPLAINT_HANDLERS_AND_ENTERPRISES
    serializer_class = ComplaintEventSerializer
    filterset_class = ComplaintEventFilter

    def get_queryset(self):
        return selectors.complaint_event_list(user=self.request.user)
