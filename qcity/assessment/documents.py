"""The assessment results as a Word document built in the background (registered in core.document_kinds;
the job, its pages and API are the reports module's). The office only: the file holds every subject's breakdown."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core import access
from qcity.core.document_kinds import DocumentKind, DocumentRequestError, DocumentTarget, Progress
from qcity.core.models import User
from qcity.core.roles import OFFICE

from . import exports, selectors
from .models import AssessmentResult, AssessmentScheme


def _resolve(*, user: User, year: int | None, object_id: int | None) -> DocumentTarget:
    if object_id is None:
        raise DocumentRequestError(_("object: 请指定考核方案"))
    if not selectors.is_manager(user):
        raise access.deny(user, action="export assessment results")
    scheme = selectors.scheme_get(user=user, pk=object_id)
    if not AssessmentResult.objects.filter(scheme=scheme).exists():
        raise DocumentRequestError(_("object: 尚未测算"))
    return DocumentTarget(year=scheme.year, object_id=scheme.pk, filename=f"assessment-{scheme.year}-{scheme.pk}")


def _build(*, year: int, object_id: int, fmt: str, progress: Progress) -> bytes:
    scheme = AssessmentScheme.objects.get(pk=object_id)
    results = list(AssessmentResult.objects.filter(scheme=scheme).select_related("scheme", "org_unit", "department")
                   .order_by("subject_kind", "rank", "pk"))
    progress(30)
    return exports.results_docx(scheme, results)


ASSESSMENT_RESULTS = DocumentKind(
    name="assessment-results", label=gettext_lazy("考核结果"), formats=("docx",),
    content_types={"docx": exports.DOCX_CONTENT_TYPE}, roles=OFFICE, resolve=_resolve, build=_build)
