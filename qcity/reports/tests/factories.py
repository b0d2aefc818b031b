import factory
from django.core.files.base import ContentFile

from qcity.reports.choices import GeneratedDocumentStatus
from qcity.reports.models import GeneratedDocument


class GeneratedDocumentFactory(factory.django.DjangoModelFactory):
    """A job row straight into the table; `status=done` gets a small stored file."""

    class Meta:
        model = GeneratedDocument
        skip_postgeneration_save = True

    kind = "white-paper"
    year = 2023
    format = "pdf"
    filename = "white-paper-2023"
    status = GeneratedDocumentStatus.QUEUED

    @factory.post_generation
    def stored(obj, create, extracted, **kwargs):
        if obj.status == GeneratedDocumentStatus.DONE and not obj.file:
            data = extracted or b"%PDF-1.4 stored"
            obj.file.save(obj.download_name, ContentFile(data), save=False)
            obj.size, obj.progress = len(data), 100
            if create:
                obj.save()
