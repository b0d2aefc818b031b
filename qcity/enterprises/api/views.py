from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.parsers import NulCheckingMultiPartParser
from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_MANAGERS, MARKET_OFFICERS, STAFF
from qcity.core.uploads import request_too_large
from qcity.enterprises import accounts, imports, selectors, services
from qcity.enterprises.choices import EnterpriseImportStatus
from qcity.enterprises.filters import EnterpriseAccountFilter, EnterpriseFilter
from qcity.enterprises.models import EnterpriseImport

from .serializers import (
    EnterpriseAccountRevokeInputSerializer,
    EnterpriseAccountSerializer,
    EnterpriseDetailSerializer,
    EnterpriseImportSerializer,
    EnterpriseInputSerializer,
    EnterpriseListSerializer,
    EnterpriseUpdateSerializer,
)


class EnterpriseListApi(generics.ListAPIView):
    """Enterprises in the caller's org-unit scope. `q` searches code, name substring or pinyin initials."""

    permission_classes = [HasRole]
    serializer_class = EnterpriseListSerializer
    filterset_class = EnterpriseFilter

    @property
    def required_roles(self):
        return MARKET_OFFICERS if self.request.method == "POST" else STAFF

    count_estimate: int | None = None  # a frequent term's estimated count, for StandardPagination

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user).prefetch_related("org_unit")

    def filter_queryset(self, queryset):
        """The filter backend's work (a bad parameter is a 400 naming it), keeping the filterset's estimate."""
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        found = filterset.qs
        self.count_estimate = filterset.count_estimate
        return found

    @extend_schema(request=EnterpriseInputSerializer, responses={201: EnterpriseDetailSerializer})
    def post(self, request):
        """Register an enterprise (editor roles, within their org unit)."""
        data = EnterpriseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = services.enterprise_create(by=request.user, **data.validated_data)
        return Response(EnterpriseDetailSerializer(enterprise).data, status=status.HTTP_201_CREATED)


class EnterpriseDetailApi(generics.RetrieveAPIView):
    permission_classes = [HasRole]
    required_roles = STAFF
    serializer_class = EnterpriseDetailSerializer

    def get_object(self):
        return selectors.enterprise_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=EnterpriseUpdateSerializer, responses=EnterpriseDetailSerializer)
    def patch(self, request, pk):
        """Change an enterprise; a district officer only within their district (403 and audited otherwise)."""
        enterprise = self.get_object()
        data = EnterpriseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = services.enterprise_update(enterprise=enterprise, by=request.user, **data.validated_data)
        return Response(EnterpriseDetailSerializer(enterprise).data)


class EnterpriseImportApi(APIView):
    """Upload an xlsx; its rows are checked and written by a background job.

    A file that cannot be imported as a whole (type, size, headings) is a 400 at once. Otherwise the
    answer is the import record: 202 while queued or running (poll its URL), 201 when imported, 400
    with every bad row listed when nothing was written.
    """

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS
    parser_classes = [NulCheckingMultiPartParser]

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"}, "skip_bad_rows": {"type": "boolean"}}}},
        responses={201: EnterpriseImportSerializer, 202: EnterpriseImportSerializer,
                   400: EnterpriseImportSerializer},
    )
    def post(self, request):
        too_big = request_too_large(request)
        if too_big:
            return Response({"file": [too_big]}, status=status.HTTP_400_BAD_REQUEST)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("请上传文件")]}, status=status.HTTP_400_BAD_REQUEST)
        skip = str(request.data.get("skip_bad_rows", "")).lower() in {"1", "true", "yes", "on"}
        record = imports.enterprise_import_submit(upload=upload, by=request.user, skip_bad_rows=skip)
        record.refresh_from_db()  # an eager job has already finished
        return _import_response(record)


class EnterpriseImportDetailApi(APIView):
    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS

    @extend_schema(responses=EnterpriseImportSerializer)
    def get(self, request, pk):
        return _import_response(get_object_or_404(EnterpriseImport, pk=pk, created_by=request.user))


def _import_response(record: EnterpriseImport) -> Response:
    code = {EnterpriseImportStatus.IMPORTED: status.HTTP_201_CREATED, EnterpriseImportStatus.QUEUED: status.HTTP_202_ACCEPTED,
            EnterpriseImportStatus.RUNNING: status.HTTP_202_ACCEPTED}.get(record.status, status.HTTP_400_BAD_REQUEST)
    return Response(EnterpriseImportSerializer(record).data, status=code)


# --- enterprise accounts ---------------------------------------------------------------------------


class EnterpriseAccountListApi(generics.ListAPIView):
    """Accounts of enterprises in the caller's unit (district officers, the office); filter by `status`."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS
    serializer_class = EnterpriseAccountSerializer
    filterset_class = EnterpriseAccountFilter

    def get_queryset(self):
        return accounts.enterprise_account_list(user=self.request.user)


class EnterpriseAccountConfirmApi(APIView):
    """Confirm an enterprise account (待区县确认 → 已确认); a repeat changes nothing."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=None, responses=EnterpriseAccountSerializer)
    def post(self, request, pk):
        account = accounts.enterprise_account_get(user=request.user, pk=pk)
        return Response(EnterpriseAccountSerializer(
            accounts.enterprise_account_confirm(account=account, by=request.user)).data)


class EnterpriseAccountRevokeApi(APIView):
    """Revoke an enterprise account with a reason: its user can no longer log in and loses the role."""

    permission_classes = [HasRole]
    required_roles = MARKET_MANAGERS

    @extend_schema(request=EnterpriseAccountRevokeInputSerializer, responses=EnterpriseAccountSerializer)
    def post(self, request, pk):
        account = accounts.enterprise_account_get(user=request.user, pk=pk)
        data = EnterpriseAccountRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(EnterpriseAccountSerializer(
            accounts.enterprise_account_revoke(account=account, by=request.user, **data.validated_data)).data)
