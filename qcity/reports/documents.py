"""A report as plain blocks (headings, paragraphs, tables, figures), written once and rendered twice:
DOCX with python-docx and PDF with WeasyPrint, so both files always say the same thing."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string

CJK_FONT = "Noto Sans CJK SC"


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Figure:
    png: bytes
    caption: str

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


@dataclass
class Section:
    title: str
    blocks: list[str | Table | Figure] = field(default_factory=list)
    level: int = 1

    @property
    def items(self) -> list[dict]:
        """Blocks tagged by kind, for the HTML template."""
        kinds = {Table: "table", Figure: "figure"}
        return [{"kind": kinds.get(type(b), "text"), "block": b} for b in self.blocks]


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]


def docx_bytes(report: Report) -> bytes:
    # lazy: python-docx (and lxml) loads only when a Word report is asked for
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        style = document.styles[style_name]
        style.font.name = CJK_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(report.title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(report.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in report.sections:
        document.add_heading(section.title, level=section.level)
        for block in section.blocks:
            if isinstance(block, Table):
                if block.caption:
                    document.add_paragraph(block.caption, style="Caption")
                table = document.add_table(rows=1, cols=len(block.headings))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.headings, strict=True):
                    cell.text = text
                    cell.paragraphs[0].runs[0].bold = True
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
            elif isinstance(block, Figure):
                document.add_picture(io.BytesIO(block.png), width=Cm(15))
                document.add_paragraph(block.caption, style="Caption").alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                document.add_paragraph(block)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(report: Report) -> bytes:
    from weasyprint import HTML  # lazy: WeasyPrint loads Pango and its fonts, ~1 s, only for a PDF

    html = render_to_string("reports/pdf/report.html", {"report": report, "font": CJK_FONT})
    return HTML(string=html).write_pdf()
