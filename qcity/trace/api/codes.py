"""QR codes (追溯码) over the API: list and issue (idempotent: issuing again answers 200 with the code already
issued), the QR image as SVG or PNG (`trace-codes/<id>/qr/?image=png`), and `digital-links/?uri=`: a GS1 Digital
Link URI read as a scanner app reads it (GTIN with its check digit verified, lot, serial, the product)."""

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from qcity.core.fields import CleanTextField, IdField
from qcity.core.permissions import HasRole
from qcity.core.roles import MARKET_OFFICERS_AND_ENTERPRISES
from qcity.enterprises.models import Enterprise

from .. import codes, selectors
from ..choices import TraceCodeKind
from ..filters import TraceCodeFilter
from ..identifiers import IdentifierError, gtin_clean
from ..models import Product, TraceCode
from ..services.codes import trace_code_issue


class TraceCodeSerializer(serializers.ModelSerializer):
    gtin = serializers.CharField(source="product.gtin", read_only=True, default="")
    product_name = serializers.CharField(source="product.name", read_only=True, default="")
    lot_number = serializers.CharField(source="lot.lot_number", read_only=True, default="")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")
    content = serializers.SerializerMethodField(help_text="what the QR code carries: the URL a scan opens")

    class Meta:
        model = TraceCode
        fields = ["id", "kind", "key", "product", "gtin", "product_name", "lot", "lot_number", "enterprise",
                  "enterprise_name", "issued_at", "content"]

    def get_content(self, code) -> str:
        return codes.code_content(code, base=codes.site_base(self.context.get("request")))


class TraceCodeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TraceCodeKind.choices)
    gtin = CleanTextField(max_length=14, required=False, allow_blank=True,
                          help_text="product code: the product's GTIN (8–14 digits)")
    lot_number = CleanTextField(max_length=20, required=False, allow_blank=True,
                                help_text="product code of one lot: its lot number")
    enterprise = IdField(required=False, allow_null=True,
                         help_text="merchant code: the enterprise (an enterprise user's own when left out)")
    biz_transaction = CleanTextField(max_length=300, required=False, allow_blank=True,
                                     help_text="transaction code: the bizTransaction of captured events")


def _issue_arguments(data: dict) -> dict:
    """Resolve the body's GTIN, lot and enterprise, or a 400 naming the field."""
    arguments = {"kind": data["kind"], "biz_transaction": data.get("biz_transaction", "")}
    if data["kind"] == TraceCodeKind.PRODUCT:
        if not data.get("gtin"):
            raise ValidationError({"gtin": [_("请填写商品条码 GTIN")]})
        try:
            gtin = gtin_clean(data["gtin"])
        except IdentifierError as exc:
            raise ValidationError({"gtin": [str(exc)]}) from exc
        product = Product.objects.select_related("producer__enterprise__org_unit").filter(gtin=gtin).first()
        if product is None:
            raise ValidationError({"gtin": [_("没有登记该商品条码的产品")]})
        arguments["product"] = product
        if data.get("lot_number"):
            arguments["lot"] = product.lots.filter(lot_number=data["lot_number"]).first()
            if arguments["lot"] is None:
                raise ValidationError({"lot_number": [_("该产品没有登记这个批号")]})
    if data["kind"] == TraceCodeKind.MERCHANT and data.get("enterprise"):
        arguments["enterprise"] = Enterprise.objects.select_related("org_unit").filter(pk=data["enterprise"]).first()
        if arguments["enterprise"] is None:
            raise ValidationError({"enterprise": [_("企业不存在")]})
    return arguments


class TraceCodeListApi(generics.ListAPIView):
    """Issued codes in the caller's scope (officers: their district's enterprises; enterprise users: their own).
    Filters: `TraceCodeFilter` (kind, q). POST issues a code, or returns the one already issued (200)."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = TraceCodeSerializer
    filterset_class = TraceCodeFilter

    def get_queryset(self):
        return selectors.trace_code_list(user=self.request.user).order_by("-issued_at", "-id")

    @extend_schema(request=TraceCodeInputSerializer, responses={201: TraceCodeSerializer, 200: TraceCodeSerializer})
    def post(self, request):
        data = TraceCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = trace_code_issue(by=request.user, **_issue_arguments(data.validated_data))
        return Response(TraceCodeSerializer(code, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if code.created else status.HTTP_200_OK)


class TraceCodeImageApi(APIView):
    """The QR code of an issued code as an image: `?image=svg` (the default; scales without loss, for print) or
    `?image=png`. (Not `format`: DRF reads that parameter to pick a renderer.)"""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(parameters=[OpenApiParameter("image", str, enum=["svg", "png"], required=False)],
                   responses={(200, "image/svg+xml"): OpenApiTypes.BINARY, (200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        image = request.query_params.get("image", "svg")
        if image not in ("svg", "png"):
            raise ValidationError({"image": [_("图片格式只能是 svg 或 png")]})
        code = selectors.trace_code_get(user=request.user, pk=pk)
        content = codes.code_content(code, base=codes.site_base(request))
        if image == "png":
            return HttpResponse(codes.qr_png(content), content_type="image/png")
        return HttpResponse(codes.qr_svg(content), content_type="image/svg+xml")


class DigitalLinkSerializer(serializers.Serializer):
    gtin = serializers.CharField()
    lot = serializers.CharField()
    serial = serializers.CharField()
    uri = serializers.CharField(help_text="the canonical form on id.gs1.org, as the event store keys it")
    product = serializers.IntegerField(allow_null=True, help_text="the registered product with this GTIN")
    product_name = serializers.CharField()


class DigitalLinkApi(APIView):
    """Check a GS1 Digital Link URI (or a resolver path `/01/…`): its GTIN (check digit verified), lot and
    serial, and the registered product. A URI that cannot be read is a 400 naming the part that is wrong."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES

    @extend_schema(parameters=[OpenApiParameter("uri", str, required=True)], responses=DigitalLinkSerializer)
    def get(self, request):
        try:
            link = codes.parse(request.query_params.get("uri", "")[:2000])
        except codes.DigitalLinkError as exc:
            raise ValidationError({"uri": [exc.message]}) from exc
        product = Product.objects.filter(gtin=link.gtin).only("id", "name").first()
        return Response(DigitalLinkSerializer({"gtin": link.gtin, "lot": link.lot, "serial": link.serial,
                                               "uri": link.uri, "product": product.pk if product else None,
                                               "product_name": product.name if product else ""}).data)


urlpatterns = [
    path("trace-codes/", TraceCodeListApi.as_view(), name="api-trace-codes"),
    path("trace-codes/<int:pk>/qr/", TraceCodeImageApi.as_view(), name="api-trace-code-qr"),
    path("digital-links/", DigitalLinkApi.as_view(), name="api-digital-links"),
]
