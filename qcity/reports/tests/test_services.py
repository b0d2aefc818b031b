import io

import pytest
from docx import Document

from qcity.core.choices import AuditAction, Role
from qcity.core.models import AuditEvent
from qcity.reports import services
from qcity.reports.services import ReportError

from .conftest import pdf_fonts, pdf_outline_titles

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
    assert rows["食品抽检合格率"][4:] == ["98.5", "—", "已达标"]
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
