from django.urls import reverse
from rest_framework import serializers

from qcity.core.fields import CleanTextField, IdField, YearField
from qcity.reports.choices import GeneratedDocumentStatus
from qcity.reports.models import GeneratedDocument


class GeneratedDocumentRequestSerializer(serializers.Serializer):
    kind = CleanTextField(max_length=40, help_text="white-paper | assessment-results")
    year = YearField(required=False, allow_null=True, help_text="the white paper's year")
    object = IdField(required=False, allow_null=True, help_text="the assessment scheme (assessment-results)")
    format = CleanTextField(max_length=8, required=False, allow_blank=True, default="")


class GeneratedDocumentSerializer(serializers.ModelSerializer):
    """A background job building a document; `download` is set once it is done."""

    download = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedDocument
        fields = ["id", "kind", "year", "object_id", "format", "status", "progress", "error", "filename", "size",
                  "requested_at", "started_at", "finished_at", "download"]

    def get_download(self, document) -> str | None:
        if document.status != GeneratedDocumentStatus.DONE:
            return None
        return reverse("api-generated-document-download", args=[document.pk])
