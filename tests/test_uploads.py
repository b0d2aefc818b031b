"""Upload safety (qcity.core.uploads, sheets, downloads): zip bombs, content types, capped parsing, and no
public /media/ route."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from qcity.core import sheets
from qcity.core.downloads import attachment_response
from qcity.core.tests.uploads import bomb_xlsx, lying_zip, xlsx_bytes
from qcity.core.uploads import ATTACHMENT_TYPES, XLSX_TYPES, UploadValidator, check_upload, check_zip

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def refusal(upload, allowed=ATTACHMENT_TYPES, **limits) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, allowed=allowed, **limits)
    return " ".join(caught.value.messages)


# --- zip bombs ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bomb_xlsx()


def test_a_300_mb_cell_in_a_small_xlsx_is_refused_quickly_without_reading_the_sheet(bomb, monkeypatch):
    # given a ~300 KB workbook that unpacks to 300 MB, and readers that must not be reached
    assert len(bomb) < 1024 * 1024
    import openpyxl
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("the reader was called")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    # when it is checked
    message = refusal(SimpleUploadedFile("bomb.xlsx", bomb), allowed=XLSX_TYPES, label="xlsx 文件")
    # then it is refused in well under a second, naming the field and the limit
    assert "xlsx 文件" in message and "解压后过大" in message and "200 MB" in message


def test_a_member_compressed_beyond_the_ratio_is_refused(settings):
    settings.QCITY_UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
    message = refusal(SimpleUploadedFile("bomb.xlsx", bomb_xlsx(20 * 1024 * 1024)), allowed=XLSX_TYPES)
    assert "压缩比异常" in message and "100:1" in message


def test_a_zip_with_too_many_members_is_refused(settings):
    settings.QCITY_UPLOAD_MAX_ZIP_MEMBERS = 50
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(60):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", b"<x/>")
    assert "文件过多" in " ".join(pytest.raises(ValidationError, check_zip, buffer.getvalue()).value.messages)


def test_a_member_that_inflates_past_its_declared_size_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_zip(lying_zip())
    assert caught.value.code == "zip_lie"


def test_a_real_workbook_passes_and_is_left_at_the_start():
    upload = SimpleUploadedFile("values.xlsx", xlsx_bytes([("指标", 1)] * 100))
    assert check_upload(upload, allowed=XLSX_TYPES) == ".xlsx"
    assert upload.tell() == 0


# --- types by content ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("photo.png", PNG, ".png"), ("report.pdf", PDF, ".pdf"), ("old.doc", OLE, ".doc"), ("表.wps", OLE, ".wps"),
    ("sheet.xlsx", xlsx_bytes(), ".xlsx"),
], ids=["png", "pdf", "doc", "wps", "xlsx"])
def test_allowed_types_pass_when_their_content_agrees(name, content, expected):
    assert check_upload(SimpleUploadedFile(name, content), allowed=ATTACHMENT_TYPES) == expected


@pytest.mark.parametrize(("name", "content", "words"), [
    ("page.html", HTML, "只接受"), ("tool.exe", EXE, "只接受"), ("logo.svg", SVG, "只接受"),
    ("page.pdf", HTML, "内容与扩展名不符"), ("tool.png", EXE, "exe"), ("sheet.xlsx", PDF, "内容与扩展名不符"),
    ("photo.docx", xlsx_bytes(), "内容与扩展名不符"), ("empty.pdf", b"", "0 字节"),
], ids=["html", "exe", "svg", "html-as-pdf", "exe-as-png", "pdf-as-xlsx", "xlsx-as-docx", "empty"])
def test_other_types_and_disguised_or_empty_files_are_refused(name, content, words):
    assert words in refusal(SimpleUploadedFile(name, content))


def test_the_form_validator_refuses_like_the_service():
    with pytest.raises(ValidationError):
        UploadValidator(ATTACHMENT_TYPES)(SimpleUploadedFile("x.html", HTML))
    UploadValidator(ATTACHMENT_TYPES)(SimpleUploadedFile("x.pdf", PDF))


# --- capped parsing --------------------------------------------------------------------------------------


def test_a_large_sheet_is_read_in_a_child_process_with_the_same_rows(settings):
    settings.QCITY_IMPORT_INPROCESS_BYTES = 0
    data = xlsx_bytes([("统一社会信用代码", "企业名称"), ("91410100MA0000001X", "甲公司")])
    assert sheets.first_sheet_rows(data) == [["统一社会信用代码", "企业名称"], ["91410100MA0000001X", "甲公司"]]
    settings.QCITY_IMPORT_INPROCESS_BYTES = 10**9
    assert sheets.first_sheet_rows(data) == [["统一社会信用代码", "企业名称"], ["91410100MA0000001X", "甲公司"]]


def test_a_sheet_over_the_memory_ceiling_fails_without_taking_the_process_down(settings):
    # given a ceiling below what the reader needs for one 80 MB cell
    settings.QCITY_IMPORT_INPROCESS_BYTES = 0
    settings.QCITY_IMPORT_MEMORY_LIMIT_BYTES = 128 * 1024 * 1024
    content = bomb_xlsx(80 * 1024 * 1024)
    # when it is read, then the child fails and the caller gets a reason it can word
    with pytest.raises(sheets.SheetReadError) as caught:
        sheets.first_sheet_rows(content)
    assert caught.value.reason == "memory"


def test_a_corrupt_sheet_is_unreadable_not_a_crash(settings):
    settings.QCITY_IMPORT_INPROCESS_BYTES = 0
    with pytest.raises(sheets.SheetReadError) as caught:
        sheets.first_sheet_rows(b"PK\x03\x04" + b"\0" * 100)
    assert caught.value.reason == "unreadable"


# --- downloads ---------------------------------------------------------------------------------------------


def test_an_attachment_is_never_rendered_by_the_browser():
    response = attachment_response(ContentFile(HTML), "统计表.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''" in response[
        "Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.django_db
def test_media_is_not_served_even_in_debug(client, settings, make_user):
    # given an uploaded file in MEDIA_ROOT and the URLs as built with DEBUG on, as under `make run`
    import importlib
    from pathlib import Path

    from django.urls import clear_url_caches

    import qcity.urls

    settings.DEBUG = True
    importlib.reload(qcity.urls)
    clear_url_caches()
    try:
        path = Path(settings.MEDIA_ROOT) / "workplan" / "notices" / "2026"
        path.mkdir(parents=True, exist_ok=True)
        (path / "notice-2026-001.docx").write_bytes(b"secret")
        # when anyone asks for it by its storage path, then there is no such page
        assert client.get("/media/workplan/notices/2026/notice-2026-001.docx").status_code == 404
        client.force_login(make_user())
        assert client.get("/media/workplan/notices/2026/notice-2026-001.docx").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(qcity.urls)
        clear_url_caches()


@pytest.mark.parametrize("inprocess", [True, False], ids=["in-process", "child"])
def test_a_cell_longer_than_excel_allows_is_refused_before_it_is_copied(settings, inprocess):
    settings.QCITY_IMPORT_INPROCESS_BYTES = 10**9 if inprocess else 0
    # openpyxl truncates a long cell when it writes one: put it in the sheet's XML by hand
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes([("统一社会信用代码", "企业名称"), ("x", "LONG")]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"LONG", b"y" * (sheets.MAX_CELL_CHARS + 1))
            target.writestr(item, data)
    content = buffer.getvalue()
    with pytest.raises(sheets.SheetReadError) as caught:
        sheets.first_sheet_rows(content)
    assert (caught.value.reason, caught.value.detail) == ("cell", "B2")
    assert "B2" in caught.value.user_message() and "32,767" in caught.value.user_message()
