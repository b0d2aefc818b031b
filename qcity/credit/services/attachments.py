"""Documents filed with a repair application or an objection (DOMAIN §2.4): a repair needs proof of
compliance and a credit commitment letter, an objection may carry evidence. PDF, JPEG or PNG, checked by
content and size (`core.uploads`) before anything is written; stored as `CreditAttachment` rows."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.models import User
from qcity.core.uploads import MB, PDF_TYPES, validate_upload

from ..choices import CreditAttachmentKind
from ..models import CreditAttachment, CreditObjection, CreditRepair

# a scan or photo of a letter, a receipt, a certificate
DOCUMENT_TYPES = (*PDF_TYPES, ".jpg", ".jpeg", ".png")
DOCUMENT_MAX_BYTES = 10 * MB
# the request/form field of each kind
FIELDS = {
    CreditAttachmentKind.COMPLIANCE_PROOF: "compliance_proof_file",
    CreditAttachmentKind.COMMITMENT_LETTER: "commitment_letter_file",
    CreditAttachmentKind.OBJECTION_EVIDENCE: "evidence_file",
}


logger = logging.getLogger(__name__)

# The files `attachments_store` wrote inside the innermost `attachments_atomic` block: (storage, name).
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "credit_attachments_written", default=None
)


@contextmanager
def attachments_atomic() -> Iterator[None]:
    """`transaction.atomic()` for a service that stores attachments: when the block fails (its rows roll
    back), the files `attachments_store` wrote inside it are deleted too, so no file is left without its
    row. Use as a decorator (`@attachments_atomic()`) or a `with` block."""
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        files_delete(written)
        raise
    finally:
        _written.reset(token)


def files_delete(files: list[tuple[Storage, str]]) -> None:
    """Delete stored files whose rows were rolled back; a file that cannot be deleted is logged and left,
    never raised over the error that caused the rollback."""
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete %s after a rollback", name, exc_info=True)


def max_bytes() -> int:
    return min(DOCUMENT_MAX_BYTES, settings.QCITY_MAX_UPLOAD_BYTES)


def attachments_check(uploads: dict[str, object], *, required: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Errors by field for `uploads` (kind → uploaded file or None): a required one missing, or a file of
    the wrong type by content, empty or too big. Nothing is stored here."""
    errors: dict[str, list[str]] = {}
    for kind, upload in uploads.items():
        field, label = FIELDS[kind], CreditAttachmentKind(kind).label
        if upload is None:
            if kind in required:
                errors[field] = [_("请上传%(label)s（PDF、JPG 或 PNG）") % {"label": label}]
            continue
        try:
            validate_upload(
                upload, field=field, allowed=DOCUMENT_TYPES, label=str(label), max_bytes=max_bytes()
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


def attachments_store(
    *, owner: CreditRepair | CreditObjection, uploads: dict[str, object], by: User | None
) -> list[CreditAttachment]:
    """Store the checked `uploads` (kind → file) under `owner`, each audited; call inside the service's
    `attachments_atomic()` block (a rollback then deletes the files written here)."""
    written = _written.get()
    stored = []
    for kind, upload in uploads.items():
        if upload is None:
            continue
        attachment = CreditAttachment(
            enterprise_id=owner.enterprise_id,
            kind=kind,
            uploaded_by=by,
            original_name=os.path.basename(upload.name or "")[:200] or str(CreditAttachmentKind(kind).label),
            **({"repair": owner} if isinstance(owner, CreditRepair) else {"objection": owner}),
        )
        # stored under a name of ours; the enterprise's file name is kept for the download
        attachment.file.save(f"{kind}{os.path.splitext(upload.name or '')[1].lower()}", upload, save=False)
        if written is not None:
            written.append((attachment.file.storage, attachment.file.name))
        attachment.save()
        audit_record(
            action=AuditAction.CREATE,
            by=by,
            obj=attachment,
            org_unit=owner.enterprise.org_unit,
            message=f"credit document filed: {kind}",
        )
        stored.append(attachment)
    return stored
