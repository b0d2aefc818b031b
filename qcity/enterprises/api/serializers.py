from rest_framework import serializers

from qcity.core.fields import BoundedDateField, BoundedDecimalField, CleanTextField
from qcity.core.models import OrgUnit
from qcity.enterprises.choices import EnterpriseStatus, EntityType
from qcity.enterprises.models import (
    Certification,
    ChiefQualityOfficer,
    Enterprise,
    EnterpriseAccount,
    EnterpriseImport,
    Licence,
)


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["id", "kind", "number", "issued_by", "valid_from", "valid_to"]


class CertificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "kind", "certificate_number", "issuer", "valid_from", "valid_to"]


class ChiefQualityOfficerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChiefQualityOfficer
        fields = ["name", "title", "appointed_on", "trained"]


class EnterpriseListSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "entity_type", "industry_code", "org_unit", "org_unit_name",
                  "legal_representative", "established_on", "status"]


class EnterpriseDetailSerializer(EnterpriseListSerializer):
    licences = LicenceSerializer(many=True, read_only=True)
    certifications = CertificationSerializer(many=True, read_only=True)
    chief_quality_officer = ChiefQualityOfficerSerializer(read_only=True)

    class Meta(EnterpriseListSerializer.Meta):
        fields = [*EnterpriseListSerializer.Meta.fields, "address", "registered_capital", "name_initials",
                  "licences", "certifications", "chief_quality_officer", "created_at", "updated_at"]


class EnterpriseInputSerializer(serializers.Serializer):
    """Input shape only: the code checksum, duplicates and org-unit scope are checked by the service."""

    uscc = CleanTextField(max_length=40)
    name = CleanTextField(max_length=200)
    entity_type = serializers.ChoiceField(choices=EntityType.choices)
    industry_code = CleanTextField(max_length=5)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    legal_representative = CleanTextField(max_length=50, required=False, allow_blank=True)
    registered_capital = BoundedDecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    established_on = BoundedDateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=EnterpriseStatus.choices, required=False)


class EnterpriseUpdateSerializer(EnterpriseInputSerializer):
    uscc = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class EnterpriseImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseImport
        fields = ["id", "file_name", "status", "skip_bad_rows", "total_rows", "imported_rows", "errors",
                  "created_at"]


# --- enterprise accounts (the district's list and its confirm / revoke steps) ---------------------------


class EnterpriseAccountSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = EnterpriseAccount
        fields = ["id", "enterprise", "enterprise_name", "uscc", "username", "full_name", "role", "status",
                  "created_at", "confirmed_at", "revoked_reason"]


class EnterpriseAccountRevokeInputSerializer(serializers.Serializer):
    reason = CleanTextField(max_length=200)
