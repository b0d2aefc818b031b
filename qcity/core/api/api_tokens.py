"""API for API credentials: a person's own tokens (`api-tokens/`) and the service accounts (`service-accounts/`).

A key appears only in the answer to the create that made it, marked `Cache-Control: no-store`, so neither a
proxy nor the idempotency table keeps it; a repeated create under the same Idempotency-Key finds the first
token (409 naming it) instead of making a second.
"""

from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core import access, api_tokens
from qcity.core.choices import Role
from qcity.core.idempotency import HEADER
from qcity.core.models import ApiToken, OrgUnit, ServiceAccount, User
from qcity.core.permissions import HasRole
from qcity.core.roles import BUSINESS


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.SerializerMethodField(help_text="The first characters of the key, to recognise it.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expiry", "last_used_at"]

    def get_prefix(self, token) -> str:
        return token.token_key[:8]


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.ChoiceField(choices=api_tokens.EXPIRY_DAYS, help_text="Lifetime: 30, 90 or 365 days.")


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(help_text="The key, shown this once only: send it as `Authorization: Token <key>`.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


def _created(token: ApiToken, key: str) -> Response:
    token.key = key
    response = Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)
    add_never_cache_headers(response)  # no-store: the key is kept by no cache and no idempotency record
    return response


def _session_only(request, action: str) -> None:
    """Tokens are made and revoked from a logged-in session only: a leaked token can neither mint itself
    successors nor lock its owner's scripts out."""
    if isinstance(request.auth, ApiToken):
        access.deny(request.user, action=f"{action} with an API token")
        raise PermissionDenied(_("令牌只能在登录后的会话中创建或撤销，不能用令牌操作"))


class ApiTokenListApi(APIView):
    """The caller's own API tokens (never the keys), and creating one from a logged-in session (the key is in
    this answer only)."""

    permission_classes = [HasRole]
    required_roles = BUSINESS

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens.api_token_list(user=request.user), many=True).data)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer, 409: None})
    def post(self, request):
        _session_only(request, "create API token")
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token, key = api_tokens.api_token_create(
                user=request.user, name=data.validated_data["name"], days=int(data.validated_data["days"]),
                by=request.user, request_key=api_tokens.request_key_digest(request.headers.get(HEADER)))
        except api_tokens.ApiTokenAlreadyCreated as exc:  # 409, as the idempotency middleware answers a reused key
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        return _created(token, key)


class ApiTokenDetailApi(APIView):
    """Revoke one of the caller's own tokens (another user's is a 404), from a logged-in session: a leaked
    token can neither make successors nor revoke its owner's other tokens."""

    permission_classes = [HasRole]
    required_roles = BUSINESS

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        _session_only(request, "revoke API token")
        token = get_object_or_404(api_tokens.api_token_list(user=request.user), pk=pk)
        api_tokens.api_token_revoke(token=token, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceAccountSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", max_length=150)
    full_name = serializers.CharField(source="user.full_name", max_length=50, required=False, allow_blank=True)
    is_active = serializers.BooleanField(source="user.is_active", required=False)
    org_unit = serializers.PrimaryKeyRelatedField(source="user.org_unit", queryset=OrgUnit.objects.all(),
                                                  required=False, allow_null=True)
    enterprise = serializers.PrimaryKeyRelatedField(
        source="user.enterprise", queryset=User._meta.get_field("enterprise").related_model.objects.all(),
        required=False, allow_null=True)
    allowed_paths = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50,
                                          help_text="API path prefixes it may call, e.g. /api/reported-values/")

    class Meta:
        model = ServiceAccount
        fields = ["id", "username", "full_name", "is_active", "org_unit", "enterprise", "purpose",
                  "allowed_paths", "rate", "created_at"]
        read_only_fields = ["created_at"]


class ServiceAccountUpdateSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=200)
    allowed_paths = serializers.ListField(child=serializers.CharField(max_length=200), max_length=50)
    rate = serializers.CharField(max_length=20)
    is_active = serializers.BooleanField()


class ServiceAccountListApi(APIView):
    """Service accounts (system-to-system clients): the system administrator lists and creates them. Their
    role over an org unit is granted by the security administrator, like any user's."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.SYSTEM_ADMIN})

    @extend_schema(responses=ServiceAccountSerializer(many=True))
    def get(self, request):
        return Response(ServiceAccountSerializer(api_tokens.service_account_list(), many=True).data)

    @extend_schema(request=ServiceAccountSerializer, responses={201: ServiceAccountSerializer})
    def post(self, request):
        data = ServiceAccountSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values, user = data.validated_data, data.validated_data.get("user", {})
        account = api_tokens.service_account_create(
            username=user["username"], full_name=user.get("full_name", ""), purpose=values["purpose"],
            allowed_paths=values["allowed_paths"], rate=values.get("rate", api_tokens.DEFAULT_RATE),
            org_unit=user.get("org_unit"), enterprise=user.get("enterprise"), by=request.user)
        return Response(ServiceAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class ServiceAccountDetailApi(APIView):
    """One service account: read it, change its endpoints, rate and purpose, or disable it (is_active)."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.SYSTEM_ADMIN})

    @extend_schema(responses=ServiceAccountSerializer)
    def get(self, request, pk):
        return Response(ServiceAccountSerializer(get_object_or_404(api_tokens.service_account_list(), pk=pk)).data)

    @extend_schema(request=ServiceAccountUpdateSerializer, responses=ServiceAccountSerializer)
    def put(self, request, pk):
        account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
        data = ServiceAccountUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = api_tokens.service_account_update(account=account, by=request.user, **data.validated_data)
        return Response(ServiceAccountSerializer(account).data)


class ServiceAccountApiTokenListApi(APIView):
    """A service account's tokens, and issuing one (the key is in this answer only)."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.SYSTEM_ADMIN})

    @extend_schema(responses=ApiTokenSerializer(many=True))
    def get(self, request, pk):
        account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
        return Response(ApiTokenSerializer(api_tokens.service_account_token_list(account=account), many=True).data)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenCreatedSerializer, 409: None})
    def post(self, request, pk):
        _session_only(request, "issue service account token")
        account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            token, key = api_tokens.service_account_token_issue(
                account=account, name=data.validated_data["name"], days=int(data.validated_data["days"]),
                by=request.user, request_key=api_tokens.request_key_digest(request.headers.get(HEADER)))
        except api_tokens.ApiTokenAlreadyCreated as exc:
            return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
        return _created(token, key)


class ServiceAccountApiTokenDetailApi(APIView):
    """Revoke a service account's token."""

    permission_classes = [HasRole]
    required_roles = frozenset({Role.SYSTEM_ADMIN})

    @extend_schema(responses={204: None})
    def delete(self, request, pk, token_pk):
        account = get_object_or_404(api_tokens.service_account_list(), pk=pk)
        token = get_object_or_404(api_tokens.service_account_token_list(account=account), pk=token_pk)
        api_tokens.api_token_revoke(token=token, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
