"""Turn an uploaded plan document (.txt, .md or .docx) into plain text for the target extractor.

Plans reach us as Word files or as text saved by whatever editor the department uses, so the text
path has to cope with the encodings Chinese government offices actually produce (UTF-8 with or
without BOM, UTF-16 from Windows Notepad, GB18030/GBK from older tools). Only python-docx is needed;
this module must stay importable without Django settings because the benchmark runs it bare.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qcity.core.uploads import check_zip

MAX_PLAN_DOCUMENT_BYTES = 10 * 1024 * 1024
ACCEPTED_EXTENSIONS = (".txt", ".md", ".docx")
_ACCEPTED_LABEL = "、".join(ACCEPTED_EXTENSIONS)


class PlanDocumentError(ValueError):
    """The uploaded plan cannot be read; the message is shown to the user as is (Chinese)."""


def read_plan_document(name: str, data: bytes) -> str:
    """Return the text of an uploaded plan, or raise PlanDocumentError saying what is wrong with it."""
    extension = PurePath(name or "").suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        raise PlanDocumentError(_("不支持的文件类型“%(value)s”：请上传 %(accepted_label)s 格式的规划文本") % {"value": extension or _('无扩展名'), "accepted_label": _ACCEPTED_LABEL})
    if len(data) > MAX_PLAN_DOCUMENT_BYTES:
        raise PlanDocumentError(_("文件过大：上限 %(max_plan_document_bytes)s MB") % {"max_plan_document_bytes": MAX_PLAN_DOCUMENT_BYTES // (1024 * 1024)})
    if not data:
        raise PlanDocumentError(_("文件为空，请选择包含规划正文的文件"))
    text = _read_docx(data) if extension == ".docx" else _decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PlanDocumentError(_("文件中没有可识别的文字（例如只有图片的扫描件），请上传含文字的版本"))
    return text


# --- plain text -------------------------------------------------------------------------------------

# Strict decodes in this order: a BOM is decisive; then UTF-8, whose strict decoder rejects nearly
# every GBK byte sequence, so trying it first is safe; then GB18030, a superset of GBK/GB2312 that also
# decodes any 4-byte sequence. A statistical detector (charset-normalizer) would add a dependency for
# no gain: these are the only encodings Chinese plan texts come in, and strict decoding never guesses.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACK_ENCODINGS = ("utf-8", "gb18030")


def _decode_text(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise PlanDocumentError(_("无法识别文件编码：文件可能已损坏，请另存为 UTF-8 文本后重新上传")) from exc
    for encoding in _FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 accepts some binary junk; control characters other than whitespace mean it was not text.
        if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
            continue
        return text
    raise PlanDocumentError(_("无法识别文件编码：请将文件另存为 UTF-8 或 GBK 编码的文本后重新上传"))


# --- Word ---------------------------------------------------------------------------------------------


def _read_docx(data: bytes) -> str:
    """Paragraphs and table rows in document order; a row's cells are joined by a tab, like the
    built-in plan texts, so the extractor reads tables the same way whatever the source."""
    # lazy: python-docx (and lxml) loads only for a Word upload, so text uploads do not pay for it
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_zip(data)  # a zip bomb is refused before python-docx inflates it
    except ValidationError as exc:
        if exc.code != "bad_zip":  # a damaged package gets python-docx's own message below
            raise PlanDocumentError(_("Word 文件：%(problems)s") % {"problems": "；".join(exc.messages)}) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanDocumentError(_("无法打开 Word 文件：文件已损坏或不是 .docx 格式（旧版 .doc 请另存为 .docx）")) from exc
    except Exception as exc:  # lxml errors and the like from a damaged package
        raise PlanDocumentError(_("无法打开 Word 文件：文件内容已损坏")) from exc

    from docx.table import Table  # lazy: python-docx, as above
    from docx.text.paragraph import Paragraph  # lazy: python-docx, as above

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # python-docx repeats a horizontally merged cell once per grid column; keep one copy.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append("\t".join(cells))
    return lines
