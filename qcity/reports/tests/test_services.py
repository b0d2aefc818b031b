import datetime
import io
import os

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from docx import Document

from qcity.core.choices import AuditAction, Role
from qcity.core.document_kinds import DocumentRequestError
from qcity.core.models import AuditEvent
from qcity.reports import services, tasks
from qcity.reports.choices import GeneratedDocumentStatus
from qcity.reports.models import GeneratedDocument
from qcity.reports.services import ReportError

from .conftest import pdf_fonts, pdf_outline_titles
from .factories import GeneratedDocumentFactory

pytestmark = pytest.mark.django_db
CHAPTERS = ["一、产品质量", "二、工程质量", "三、服务质量", "四、环境质量"]


def _docx(content: bytes):
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    texts = [p.text for p in document.paragraphs]
    return document, headings, texts


def test_white_paper_docx_has_the_four_chapters_with_indicator_tables(programme, make_user):
    # given approved 2023 values; when the office builds the 2023 white paper as DOCX
    office = make_user(Role.LEADERSHIP_OFFICE)
    document, headings, texts = _docx(services.white_paper_build(year=2023, fmt="docx", by=office))
    # then the overview, the four quality chapters and the brand chapter (it has data) are there
    assert headings == ["综述", *CHAPTERS, "五、品牌建设与质量基础设施"]
    tables = {t.rows[1].cells[0].text: t for t in document.tables if t.rows[0].cells[0].text == "指标"}
    assert set(tables) == {"食品抽检合格率", "工程验收合格率", "投诉按时办结率", "空气优良天数比例", "新增省长质量奖"}
    food = [c.text for c in tables["食品抽检合格率"].rows[1].cells]
    assert food == ["食品抽检合格率", "%", "≥ 98（2025年）", "98.5", "已达标"]
    # and the prose is written from the data, without blanks
    assert "产品质量领域 1 项指标中，1 项已达标。有数据指标的平均达成度为 100.0%。" in texts
    assert not [t for t in texts if "None" in t or "{" in t or "nan" in t]
    assert len(document.inline_shapes) >= 5  # overview chart and one chart per chapter


def test_white_paper_pdf_has_the_chapters_in_the_cjk_font(programme, make_user):
    content = services.white_paper_build(year=2023, fmt="pdf", by=make_user(Role.LEADERSHIP_OFFICE))
    assert content.startswith(b"%PDF")
    titles = pdf_outline_titles(content)
    assert all(chapter in titles for chapter in CHAPTERS), titles
    assert any("Noto-Sans-CJK-SC" in font for font in pdf_fonts(content))


def test_building_a_report_is_audited_as_an_export(programme, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    services.white_paper_build(year=2023, fmt="docx", by=office)
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=office).get()
    assert event.message == "white paper 2023 (docx)" and event.object_id == str(programme["plan"].pk)


def test_bad_format_and_year_without_plan_are_refused_and_not_audited(programme, make_user):
    office = make_user(Role.LEADERSHIP_OFFICE)
    with pytest.raises(ReportError, match="format"):
        services.white_paper_build(year=2023, fmt="xlsx", by=office)
    with pytest.raises(ReportError, match="year"):
        services.white_paper_build(year=1990, fmt="docx", by=office)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_midterm_evaluation_compares_with_the_linear_expectation(programme, make_user):
    # given food safety: baseline 90 (2020), target 98 (2025); 2023 value 98.5 (met), and
    # complaints: baseline 80, target 95; 2023 value 89 vs expectation 80 + 15 × 3/5 = 89 → on track;
    # air: baseline 60, target 80; 2023 value 64 vs 72 expected, 8 short of a 20-point way → off track
    plan, year = services.parse_plan_year("test-programme", None)
    assert year == 2023  # the plan's midpoint by default
    content = services.midterm_evaluation_build(plan=plan, year=year, fmt="docx",
                                                by=make_user(Role.LEADERSHIP_OFFICE))
    document, headings, texts = _docx(content)
    assert headings == ["一、总体评估", "二、分指标评估", "三、分区县评估", "四、后半程工作建议"]
    detail = next(t for t in document.tables if t.rows[0].cells[1].text == "指标")
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in detail.rows[1:]}
    assert rows["投诉按时办结率"][4:] == ["89", "89", "进度正常"]
    assert rows["空气优良天数比例"][4:] == ["64", "72", "严重滞后"]
    assert rows["食品抽检合格率"][4:] == ["98.5", "94.8", "已达标"]  # the line is shown for a met target too
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "领域")
    assert [r.cells[0].text for r in summary.rows[1:]] == ["产品质量", "工程质量", "服务质量", "环境质量", "品牌与知识产权"]
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "名次")
    assert [r.cells[1].text for r in ranking.rows[1:3]] == ["金水区", "二七区"]


def test_midterm_evaluation_pdf_and_bad_plan(programme, make_user):
    plan, year = services.parse_plan_year("test-programme", "2023")
    content = services.midterm_evaluation_build(plan=plan, year=year, fmt="pdf", by=make_user(Role.LEADERSHIP_OFFICE))
    assert content.startswith(b"%PDF") and "二、分指标评估" in pdf_outline_titles(content)
    with pytest.raises(ReportError, match="plan"):
        services.parse_plan_year("nope", None)
    with pytest.raises(ReportError, match="year"):
        services.parse_plan_year("test-programme", "2030")


# --- documents generated in the background -------------------------------------------------------------


@pytest.fixture
def no_worker(monkeypatch):
    """The queued job is not run: `delay` only records the ids it was given."""
    queued = []
    monkeypatch.setattr(tasks.generated_document_build_task, "delay", queued.append)
    return queued


def test_a_double_request_joins_the_queued_job(programme, make_user, no_worker, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    # given a white paper requested and not yet built
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    # when it is requested again (a double click, or a colleague)
    with django_capture_on_commit_callbacks(execute=True):
        second, created_again = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    # then the same job is returned and only one is scheduled and audited
    assert created and not created_again and second.pk == first.pk
    assert GeneratedDocument.objects.count() == 1 and no_worker == [first.pk]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="reports.generateddocument").count() == 1
    # another format is another document
    other, created_other = services.document_request(kind="white-paper", year=2023, fmt="docx", by=office)
    assert created_other and other.pk != first.pk


def test_the_eager_job_builds_and_stores_the_document(programme, make_user, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    # when the office asks for the DOCX and the task runs (eagerly, at commit)
    with django_capture_on_commit_callbacks(execute=True):
        document, _created = services.document_request(kind="white-paper", year=2023, fmt="docx", by=office)
    document.refresh_from_db()
    # then the file is stored, the job done at 100 % and audited
    assert document.status == GeneratedDocumentStatus.DONE and document.progress == 100
    assert document.finished_at is not None and document.started_at is not None and not document.error
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data[:2] == b"PK" and len(data) == document.size > 5000
    assert document.download_name == "2023年质量白皮书.docx"
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(document.pk),
                                     message__startswith="generated white-paper 2023").exists()


def test_a_new_document_replaces_the_last_one_of_its_year(programme, make_user, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)
    monkeypatch.setattr(services, "white_paper_render", lambda **kw: b"%PDF-1.4 small")
    old = GeneratedDocumentFactory(status=GeneratedDocumentStatus.DONE)
    other_year = GeneratedDocumentFactory(status=GeneratedDocumentStatus.DONE, year=2022)
    old_path = old.file.path
    with django_capture_on_commit_callbacks(execute=True):
        new, _created = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    # then only the new one is kept for 2023 (its file gone from storage), 2022's stays
    assert set(GeneratedDocument.objects.values_list("pk", flat=True)) == {new.pk, other_year.pk}
    assert not os.path.exists(old_path)


def test_a_failure_is_recorded_with_its_error_and_a_new_request_starts_again(
        programme, make_user, monkeypatch, django_capture_on_commit_callbacks):
    office = make_user(Role.LEADERSHIP_OFFICE)

    def broken(**kwargs):
        raise RuntimeError("font missing")

    monkeypatch.setattr(services, "white_paper_render", broken)
    # when the build fails (eager: inside the request, which must not turn it into a 500)
    with django_capture_on_commit_callbacks(execute=True):
        document, _created = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    document.refresh_from_db()
    # then the job is failed with the error, audited, and no longer blocks a new request
    assert document.status == GeneratedDocumentStatus.FAILED and "font missing" in document.error
    assert not document.file and document.finished_at is not None
    assert AuditEvent.objects.filter(object_id=str(document.pk), message__contains="font missing").exists()
    again, created = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    assert created and again.pk != document.pk


def test_a_job_whose_worker_died_does_not_block_the_next_request(programme, make_user, no_worker):
    office = make_user(Role.LEADERSHIP_OFFICE)
    stuck = GeneratedDocumentFactory(status=GeneratedDocumentStatus.RUNNING)
    GeneratedDocument.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - services.STALE_AFTER - datetime.timedelta(minutes=1))
    document, created = services.document_request(kind="white-paper", year=2023, fmt="pdf", by=office)
    stuck.refresh_from_db()
    assert created and stuck.status == GeneratedDocumentStatus.FAILED and stuck.error


def test_a_job_is_built_once_even_if_delivered_twice(programme, make_user, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "white_paper_render", lambda **kw: calls.append(1) or b"%PDF-1.4 x")
    document = GeneratedDocumentFactory()
    assert services.generated_document_build(document_id=document.pk).status == GeneratedDocumentStatus.DONE
    assert services.generated_document_build(document_id=document.pk) is None
    assert calls == [1]


@pytest.mark.parametrize("role", [Role.DISTRICT_OFFICER, Role.ENTERPRISE_USER, Role.DEPARTMENT_REPORTER])
def test_only_the_office_may_request_a_document(programme, make_user, district, role, no_worker):
    user = make_user(role, org_unit=district if role == Role.DISTRICT_OFFICER else None)
    with pytest.raises(PermissionDenied):
        services.document_request(kind="white-paper", year=2023, fmt="pdf", by=user)
    assert not GeneratedDocument.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user).count() == 1


@pytest.mark.parametrize("params, field", [
    ({"kind": "nope"}, "kind"), ({"kind": "white-paper", "format": "xls"}, "format"),
    ({"kind": "white-paper", "year": "20x3"}, "year"), ({"kind": "assessment-results", "object": "-1"}, "object"),
])
def test_a_bad_request_names_its_field(params, field):
    with pytest.raises(DocumentRequestError, match=f"^{field}: "):
        services.document_request_parse(params)


def test_a_year_without_a_plan_is_refused(programme, make_user, no_worker):
    with pytest.raises(services.ReportError, match="^year: "):
        services.document_request(kind="white-paper", year=1999, fmt="pdf", by=make_user(Role.LEADERSHIP_OFFICE))
