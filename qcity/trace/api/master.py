"""Master data over the API: the catalogue (GET /api/trace-categories/), and the parties, locations, products
(list and register) and lots (list). A registration is idempotent on its GS1 key: 201 when it was registered
now, 200 with the row already there; a bad GLN, GTIN or credit code is a 400 naming the field."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from qcity.core.fields import CleanTextField, IdField
from qcity.core.permissions import HasRole
from qcity.core.roles import BUSINESS, MARKET_OFFICERS_AND_ENTERPRISES

from .. import selectors
from ..filters import LocationFilter, LotFilter, PartyFilter, ProductFilter, TraceCategoryFilter
from ..models import Location, Lot, Party, Product, TraceCategory
from ..services import master as services


class TraceCategorySerializer(serializers.ModelSerializer):
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TraceCategory
        fields = ["id", "group", "name", "keywords", "effective_from", "effective_to", "source", "product_count"]


class PartySerializer(serializers.ModelSerializer):
    uri = serializers.CharField(read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, default="")

    class Meta:
        model = Party
        fields = ["id", "gln", "uri", "name", "enterprise", "uscc", "org_unit"]


class PartyInputSerializer(serializers.Serializer):
    gln = CleanTextField(max_length=13, help_text="the party's GLN (13 digits, check digit verified)")
    name = CleanTextField(max_length=200, required=False, allow_blank=True,
                          help_text="left out: the registered enterprise's name")
    uscc = CleanTextField(max_length=18, required=False, allow_blank=True,
                          help_text="the enterprise's unified social credit code (an enterprise user's own when left out)")


class LocationSerializer(serializers.ModelSerializer):
    uri = serializers.CharField(read_only=True)
    party_gln = serializers.CharField(source="party.gln", read_only=True)

    class Meta:
        model = Location
        fields = ["id", "gln", "extension", "uri", "name", "party", "party_gln", "org_unit", "address"]


class LocationInputSerializer(serializers.Serializer):
    gln = CleanTextField(max_length=13)
    extension = CleanTextField(max_length=20, required=False, allow_blank=True, help_text="GLN extension; 0 or empty: none")
    name = CleanTextField(max_length=200)
    party = CleanTextField(max_length=13, help_text="the GLN of the registered party the place belongs to")
    address = CleanTextField(max_length=300, required=False, allow_blank=True)


class ProductSerializer(serializers.ModelSerializer):
    uri = serializers.CharField(read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default="")
    producer_gln = serializers.CharField(source="producer.gln", read_only=True, default="")

    class Meta:
        model = Product
        fields = ["id", "gtin", "uri", "name", "brand", "category", "category_name", "producer", "producer_gln"]


class ProductInputSerializer(serializers.Serializer):
    gtin = CleanTextField(max_length=14, help_text="GTIN-8/12/13/14, check digit verified; stored as 14 digits")
    name = CleanTextField(max_length=200)
    brand = CleanTextField(max_length=100, required=False, allow_blank=True)
    producer = CleanTextField(max_length=13, required=False, allow_blank=True, help_text="the producer's GLN")
    category = IdField(required=False, allow_null=True,
                       help_text="a catalogue entry; left out: the entry in force whose keywords the name contains")

    def validate_category(self, value):
        if value is None:
            return None
        category = TraceCategory.objects.filter(pk=value).first()
        if category is None:
            raise serializers.ValidationError("unknown catalogue entry")
        return category


class LotSerializer(serializers.ModelSerializer):
    uri = serializers.CharField(read_only=True)
    gtin = serializers.CharField(source="product.gtin", read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "product", "gtin", "lot_number", "uri", "produced_on", "expires_on"]


class TraceCategoryListApi(generics.ListAPIView):
    """The catalogue of products that must be traceable, every entry with its dates (in force or retired)."""

    permission_classes = [HasRole]
    required_roles = BUSINESS
    serializer_class = TraceCategorySerializer
    filterset_class = TraceCategoryFilter

    def get_queryset(self):
        return selectors.trace_category_list()


class _RegisterListApi(generics.ListAPIView):
    """A list in the caller's scope (officers: all; enterprise users: their own) and POST to register."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    selector = None
    input_serializer = None
    register = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user).order_by("pk")

    def post(self, request):
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        row, created = type(self).register(by=request.user, **data.validated_data)
        return Response(self.serializer_class(row).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PartyListApi(_RegisterListApi):
    """Trading parties by GLN, linked to their enterprise. POST registers one (idempotent on the GLN)."""

    serializer_class = PartySerializer
    filterset_class = PartyFilter
    selector = staticmethod(selectors.party_list)
    input_serializer = PartyInputSerializer
    register = staticmethod(services.party_register)

    @extend_schema(request=PartyInputSerializer, responses={201: PartySerializer, 200: PartySerializer})
    def post(self, request):
        return super().post(request)


class LocationListApi(_RegisterListApi):
    """Places by GLN and extension. POST registers one of a registered party (idempotent on GLN + extension)."""

    serializer_class = LocationSerializer
    filterset_class = LocationFilter
    selector = staticmethod(selectors.location_list)
    input_serializer = LocationInputSerializer
    register = staticmethod(services.location_register)

    @extend_schema(request=LocationInputSerializer, responses={201: LocationSerializer, 200: LocationSerializer})
    def post(self, request):
        return super().post(request)


class ProductListApi(_RegisterListApi):
    """Trade items by GTIN with their catalogue entry. POST registers one (idempotent on the GTIN)."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    selector = staticmethod(selectors.product_list)
    input_serializer = ProductInputSerializer
    register = staticmethod(services.product_register)

    @extend_schema(request=ProductInputSerializer, responses={201: ProductSerializer, 200: ProductSerializer})
    def post(self, request):
        return super().post(request)


class LotListApi(generics.ListAPIView):
    """Lots (GTIN + lot number) in the caller's scope."""

    permission_classes = [HasRole]
    required_roles = MARKET_OFFICERS_AND_ENTERPRISES
    serializer_class = LotSerializer
    filterset_class = LotFilter

    def get_queryset(self):
        return selectors.lot_list(user=self.request.user).order_by("pk")


urlpatterns = [
    path("trace-categories/", TraceCategoryListApi.as_view(), name="api-trace-categories"),
    path("parties/", PartyListApi.as_view(), name="api-parties"),
    path("locations/", LocationListApi.as_view(), name="api-locations"),
    path("products/", ProductListApi.as_view(), name="api-products"),
    path("lots/", LotListApi.as_view(), name="api-lots"),
]
