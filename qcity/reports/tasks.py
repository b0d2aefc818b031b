"""Background jobs of the reports: build a requested document (white paper, assessment results …)."""

from celery import shared_task

from .services import generated_document_build


@shared_task
def generated_document_build_task(document_id: int) -> str:
    document = generated_document_build(document_id=document_id)
    return document.status if document is not None else "skipped"
