"""Building the reports. Each build is an export of official figures, so it is audited (who, what, when)."""

from __future__ import annotations

import datetime
import logging

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qcity.core.audit import audit_record
from qcity.core.choices import AuditAction
from qcity.core.document_kinds import (
    DocumentKind,
    DocumentRequestError,
    DocumentTarget,
    Progress,
    document_kind,
)
from qcity.core.fields import parse_int
from qcity.core.fields import parse_year as parse_year_param
from qcity.core.models import User
from qcity.core.roles import OFFICE
from qcity.indicators.models import Plan

from . import content
from .choices import PENDING_STATUSES, GeneratedDocumentStatus
from .documents import docx_bytes, pdf_bytes
from .models import GeneratedDocument
from .selectors import (
    CACHE_SECONDS,
    CockpitError,
    approval_marker,
    cockpit_plan,
    document_resolve,
    latest_approved_year,
)

FORMATS = ("docx", "pdf")
CONTENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 "pdf": "application/pdf"}


logger = logging.getLogger(__name__)


class ReportError(DocumentRequestError):
    """Bad request for a report ("field: reason"); the views answer 400 with it."""


def parse_year(raw: str | None) -> int:
    year = parse_year_param(raw)
    if year is None:
        raise ReportError(_("year: 请填写年份（如 2025）"))
    return year


def parse_plan_year(code: str | None, raw_year: str | None) -> tuple[Plan, int]:
    """The plan by code and the evaluation year (default: the plan's midpoint year)."""
    plan = Plan.objects.filter(code=code or "").defer("text").first()
    if plan is None:
        raise ReportError((_("plan: 未找到规划 %(code)s") % {"code": code or ""}).strip())
    year = parse_year(raw_year) if raw_year else midpoint_year(plan)
    if not plan.period_start <= year <= plan.period_end:
        raise ReportError(_("year: %(year)s 不在规划期 %(period_start)s–%(period_end)s 内") % {"year": year, "period_start": plan.period_start, "period_end": plan.period_end})
    return plan, year


def midpoint_year(plan: Plan) -> int:
    return (plan.period_start + plan.period_end) // 2


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ReportError(_("format: 应为 %(formats)s") % {"formats": _(" 或 ").join(FORMATS)})


def report_plans():
    return (Plan.objects.annotate(indicator_count=Count("indicators")).filter(indicator_count__gt=0)
            .defer("text").order_by("-period_end", "code"))


def white_paper_plan(year: int) -> Plan:
    """The programme the white paper of `year` reports on: the plan in force that year with most indicators."""
    plan = (Plan.objects.filter(Q(period_start__lte=year) & Q(period_end__gte=year))
            .annotate(indicator_count=Count("indicators")).defer("text")
            .order_by("-indicator_count", "code").first())
    if plan is None:
        raise ReportError(_("year: %(year)s 年没有生效的规划") % {"year": year})
    return plan


def white_paper_years() -> list[int]:
    """Years a white paper can be issued for: the current programme's years up to the latest approved one
    (the programme the cockpit shows: a freshly imported plan without values does not displace it)."""
    try:
        plan = cockpit_plan()
    except CockpitError:
        return []
    return list(range(latest_approved_year(plan), plan.period_start - 1, -1))


def _render(report, fmt: str) -> bytes:
    return docx_bytes(report) if fmt == "docx" else pdf_bytes(report)


def _report(kind: str, plan: Plan, year: int, make):
    """The report's content (statuses, sentences, charts) is cached by approval marker, so asking for the
    PDF after the DOCX only renders it again instead of recomputing every status."""
    key = f"reports:{kind}:v1:{plan.pk}:{year}:{approval_marker(plan)}"
    report = cache.get(key)
    if report is None:
        report = make(plan=plan, year=year)
        cache.set(key, report, CACHE_SECONDS)
    return report


def white_paper_render(*, year: int, fmt: str, progress: Progress = lambda percent: None) -> bytes:
    """The white paper's file, unaudited: the caller (a download, or a background job) audits."""
    _check_format(fmt)
    plan = white_paper_plan(year)
    progress(10)
    report = _report("white-paper", plan, year, content.white_paper)
    progress(50)
    return _render(report, fmt)


def white_paper_build(*, year: int, fmt: str, by: User | None) -> bytes:
    data = white_paper_render(year=year, fmt=fmt)
    plan = white_paper_plan(year)
    audit_record(action=AuditAction.EXPORT, by=by, obj=plan, message=f"white paper {year} ({fmt})")
    return data


def midterm_evaluation_build(*, plan: Plan, year: int, fmt: str, by: User | None) -> bytes:
    _check_format(fmt)
    if not plan.period_start <= year <= plan.period_end:
        raise ReportError(_("year: %(year)s 不在规划期 %(period_start)s–%(period_end)s 内") % {"year": year, "period_start": plan.period_start, "period_end": plan.period_end})
    data = _render(_report("midterm", plan, year, content.midterm_evaluation), fmt)
    audit_record(action=AuditAction.EXPORT, by=by, obj=plan, message=f"midterm evaluation {year} ({fmt})")
    return data


# --- documents generated in the background -------------------------------------------------------------

# A job queued or running longer than this lost its worker (restart, crash): it no longer blocks a new request.
STALE_AFTER = datetime.timedelta(minutes=15)


def _white_paper_resolve(*, user: User, year: int | None, object_id: int | None) -> DocumentTarget:
    if year is None:
        raise ReportError(_("year: 请填写年份（如 2025）"))
    white_paper_plan(year)
    return DocumentTarget(year=year, object_id=0, filename=_("%(year)s年质量白皮书") % {"year": year})


def _white_paper_build(*, year: int, object_id: int, fmt: str, progress: Progress) -> bytes:
    return white_paper_render(year=year, fmt=fmt, progress=progress)


WHITE_PAPER = DocumentKind(
    name="white-paper", label=gettext_lazy("质量白皮书"), formats=FORMATS, content_types=CONTENT_TYPES,
    roles=OFFICE, resolve=_white_paper_resolve, build=_white_paper_build)


def document_request_parse(params) -> dict:
    """The request's fields from a query string or a form body (`kind`, `year`, `object`, `format`); a value
    given but unreadable is a DocumentRequestError naming the field."""
    kind = document_kind(params.get("kind"))
    fmt = params.get("format") or kind.formats[0]
    if fmt not in kind.formats:
        raise DocumentRequestError(_("format: 应为 %(formats)s") % {"formats": _(" 或 ").join(kind.formats)})
    raw_year, raw_object = params.get("year"), params.get("object")
    year = parse_year_param(raw_year) if raw_year not in (None, "") else None
    if raw_year not in (None, "") and year is None:
        raise DocumentRequestError(_("year: 请填写年份（如 2025）"))
    object_id = parse_int(raw_object) if raw_object not in (None, "") else None
    if raw_object not in (None, "") and object_id is None:
        raise DocumentRequestError(_("object: 应为正整数"))
    return {"kind": kind.name, "year": year, "object_id": object_id, "fmt": fmt}


def _expire_stale(**key) -> None:
    cutoff = timezone.now() - STALE_AFTER
    GeneratedDocument.objects.filter(status__in=PENDING_STATUSES, requested_at__lt=cutoff, **key).update(
        status=GeneratedDocumentStatus.FAILED, error=_("生成超时（后台任务未完成），请重新生成"),
        finished_at=timezone.now())


def document_request(*, kind: str, year: int | None, object_id: int | None = None, fmt: str,
                     by: User) -> tuple[GeneratedDocument, bool]:
    """Queue the generation of a document and return (job, created). While a job for the same document is
    queued or running, asking again returns that job: a double click must not build the file twice."""
    from .tasks import generated_document_build_task  # cycle: the task runs generated_document_build here

    spec = document_kind(kind)
    if fmt not in spec.formats:
        raise DocumentRequestError(_("format: 应为 %(formats)s") % {"formats": _(" 或 ").join(spec.formats)})
    target = document_resolve(kind=kind, year=year, object_id=object_id, user=by)
    key = {"kind": kind, "year": target.year, "object_id": target.object_id, "format": fmt}
    with transaction.atomic():
        _expire_stale(**key)
        pending = GeneratedDocument.objects.filter(status__in=PENDING_STATUSES, **key).first()
        if pending is not None:
            return pending, False
        try:
            with transaction.atomic():
                document = GeneratedDocument.objects.create(filename=target.filename[:200], requested_by=by, **key)
        except IntegrityError:  # a concurrent request queued it between our read and our insert
            return GeneratedDocument.objects.get(status__in=PENDING_STATUSES, **key), False
        audit_record(action=AuditAction.CREATE, by=by, obj=document,
                     message=f"requested {kind} {target.year} ({fmt})")
        transaction.on_commit(lambda: generated_document_build_task.delay(document.pk))
    return document, True


def _progress(document: GeneratedDocument) -> Progress:
    def report(percent: int) -> None:
        document.progress = max(0, min(99, int(percent)))
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=document.progress)
    return report


def generated_document_build(*, document_id: int) -> GeneratedDocument | None:
    """The background job: build the file, store it, keep only this one as the last of its kind and year.

    A failure is recorded on the job (status and error, audited) instead of raised, so the page shows it and
    an eager run inside a request does not turn it into a 500. A job already taken by another worker is skipped."""
    now = timezone.now()
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=GeneratedDocumentStatus.QUEUED).update(
        status=GeneratedDocumentStatus.RUNNING, started_at=now, progress=1)
    if not claimed:
        return None
    document = GeneratedDocument.objects.get(pk=document_id)
    try:
        build = document_kind(document.kind).build
        data = build(year=document.year, object_id=document.object_id, fmt=document.format,
                     progress=_progress(document))
        with transaction.atomic():
            document.file.save(document.download_name, ContentFile(data), save=False)
            document.size = len(data)
            document.status, document.progress, document.finished_at = GeneratedDocumentStatus.DONE, 100, timezone.now()
            document.save(update_fields=["file", "size", "status", "progress", "finished_at"])
            older = list(GeneratedDocument.objects.filter(
                kind=document.kind, year=document.year, object_id=document.object_id, format=document.format,
                status__in=(GeneratedDocumentStatus.DONE, GeneratedDocumentStatus.FAILED)).exclude(pk=document.pk))
            GeneratedDocument.objects.filter(pk__in=[old.pk for old in older]).delete()
            stale_files = [old.file for old in older if old.file]
            transaction.on_commit(lambda: [file.delete(save=False) for file in stale_files])
    except Exception as exc:  # any failure of the build is the job's outcome
        logger.exception("generated document %s failed", document_id)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=GeneratedDocumentStatus.FAILED, error=error, finished_at=timezone.now())
        document.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, by=None, obj=document, message=f"generation failed: {error}"[:500])
        return document
    audit_record(action=AuditAction.UPDATE, by=None, obj=document,
                 message=f"generated {document.kind} {document.year} ({document.format}, {document.size} bytes)")
    return document


def generated_document_download(*, document: GeneratedDocument, by: User) -> GeneratedDocument:
    """Check the reader may have this document now (roles and scope may have changed since it was built) and
    audit the download as an export of official figures."""
    if document.status != GeneratedDocumentStatus.DONE or not document.file:
        raise DocumentRequestError(_("document: 文档尚未生成"))
    document_resolve(kind=document.kind, year=document.year, object_id=document.object_id or None, user=by)
    audit_record(action=AuditAction.EXPORT, by=by, obj=document,
                 message=f"download {document.kind} {document.year} ({document.format})")
    return document
