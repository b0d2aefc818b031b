"""Reading uploaded plan documents: the encodings and formats departments actually send."""

import io
import struct
import zipfile
import zlib

import docx
import pytest

from qcity.indicators import documents
from qcity.indicators.documents import MAX_PLAN_DOCUMENT_BYTES, PlanDocumentError, read_plan_document

PLAN = "某某市质量强市建设方案\n到2025年，食品抽检合格率达到98%以上。\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b""), ("gb18030", b""), ("utf-16-le", b"\xff\xfe"),
     ("utf-16-be", b"\xfe\xff")],
)
def test_text_files_are_decoded_whatever_the_encoding(encoding, bom):
    # given the plan saved by different editors / when read / then the same text, without a BOM
    data = bom + PLAN.encode(encoding)
    assert read_plan_document("方案.txt", data) == PLAN


def test_markdown_is_read_as_text_and_windows_line_ends_are_normalised():
    data = "# 规划\r\n\r\n合格率达到 98%。\r\n".encode()
    assert read_plan_document("plan.MD", data) == "# 规划\n\n合格率达到 98%。\n"


def test_gbk_text_that_is_not_valid_utf8_is_not_mangled():
    data = "质量强市，合格率９８％".encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_plan_document("a.txt", data) == "质量强市，合格率９８％"


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_and_table_rows_in_document_order():
    def build(document):
        document.add_paragraph("专栏1 产品质量主要量化指标")
        table = document.add_table(rows=2, cols=3)
        for row, cells in zip(table.rows, [("序号", "指标", "目标"), ("1", "食品抽检合格率", "98%以上")], strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
        document.add_paragraph("到2025年，工程验收合格率达到100%。")

    text = read_plan_document("规划.docx", _docx_bytes(build))
    assert text.splitlines() == [
        "专栏1 产品质量主要量化指标",
        "序号\t指标\t目标",
        "1\t食品抽检合格率\t98%以上",
        "到2025年，工程验收合格率达到100%。",
    ]


def test_docx_merged_cells_are_not_repeated():
    def build(document):
        table = document.add_table(rows=1, cols=3)
        merged = table.cell(0, 1).merge(table.cell(0, 2))
        table.cell(0, 0).text = "财政投入递增率"
        merged.text = "每年递增 20%"

    assert read_plan_document("a.docx", _docx_bytes(build)) == "财政投入递增率\t每年递增 20%"


def _one_pixel_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def test_image_only_docx_has_no_text():
    # given a scanned plan: a Word file holding only a picture of each page
    data = _docx_bytes(lambda document: document.add_picture(io.BytesIO(_one_pixel_png())))
    # when read / then the user is told there is no text to extract
    with pytest.raises(PlanDocumentError, match="没有可识别的文字"):
        read_plan_document("扫描件.docx", data)


def test_corrupt_docx_is_refused():
    with pytest.raises(PlanDocumentError, match="Word"):
        read_plan_document("a.docx", b"PK\x03\x04 this is not a real package")


def test_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(PlanDocumentError, match="Word"):
        read_plan_document("a.docx", buffer.getvalue())


@pytest.mark.parametrize("name", ["plan.pdf", "plan.doc", "plan.xlsx", "plan"])
def test_unsupported_file_type_names_the_accepted_types(name):
    with pytest.raises(PlanDocumentError) as error:
        read_plan_document(name, b"anything")
    assert ".txt" in str(error.value) and ".docx" in str(error.value) and ".md" in str(error.value)


def test_empty_file_is_refused():
    with pytest.raises(PlanDocumentError, match="文件为空"):
        read_plan_document("a.txt", b"")


def test_whitespace_only_text_is_refused():
    with pytest.raises(PlanDocumentError, match="没有可识别的文字"):
        read_plan_document("a.txt", b" \n\t\n")


def test_oversized_file_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(documents, "_decode_text", lambda data: pytest.fail("decoded an oversized file"))
    with pytest.raises(PlanDocumentError, match="10 MB"):
        read_plan_document("a.txt", b"a" * (MAX_PLAN_DOCUMENT_BYTES + 1))


def test_binary_junk_is_refused():
    with pytest.raises(PlanDocumentError, match="编码"):
        read_plan_document("a.txt", bytes(range(256)) * 4)


def test_error_is_a_value_error_for_callers_that_catch_those():
    assert issubclass(PlanDocumentError, ValueError)
