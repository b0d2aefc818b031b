"""Hostile and ordinary upload files for tests and the upload benchmark: a real xlsx, a zip bomb, a zip
whose headers lie about its size."""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook


def xlsx_bytes(rows=(("a", 1),)) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bomb_xlsx(cell_bytes: int = 300 * 1024 * 1024) -> bytes:
    """A real workbook whose shared string is `cell_bytes` long: ~300 KB on disk for 300 MB unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                         b'uniqueCount="1"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(cell_bytes // len(chunk)):
                member.write(chunk)
            member.write(b"</t></si><si><t>1</t></si></sst>")
    return buffer.getvalue()


def lying_zip(declared: int = 1000, real: int = 5 * 1024 * 1024) -> bytes:
    """One deflated member whose headers declare `declared` bytes while its stream inflates to `real`."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(b"\0" * real) + compressor.flush()
    crc = zlib.crc32(b"\0" * declared)
    name = b"xl/workbook.xml"
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0)
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                          len(name), 0, 0, 0, 0, 0, 0)
    body = local + name + data
    directory = central + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end
