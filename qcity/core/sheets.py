"""The rows of an uploaded spreadsheet's first sheet, read in a child process with a memory ceiling when
the file is large. The one xlsx reader of the platform: every import reads through `first_sheet_rows`
(python-calamine: openpyxl, used for writing, parses a large sheet several times slower).

A reader can take many times the file's unpacked size in memory (calamine took 4.4 GB for one 314 MB
cell). `qcity.core.uploads.check_zip` bounds the unpacked size before this runs; the child process,
whose address space is capped with RLIMIT_AS, bounds what is left, so a hostile or merely huge file
fails its own import instead of taking the worker (or the web process, with eager jobs) down. A
subprocess rather than multiprocessing, because Celery's prefork children may not start children.

The child loads this file alone (not the qcity package, which would import Celery): the pickled source
comes on stdin, the pickled rows go to stdout.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import subprocess
import sys
import zipfile

from python_calamine import CalamineWorkbook

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell: a longer one was not written by a spreadsheet
_CHILD_BOOTSTRAP = (
    "import importlib.util, sys\n"
    "spec = importlib.util.spec_from_file_location('qcity_sheet_child', sys.argv[1])\n"
    "module = importlib.util.module_from_spec(spec)\n"
    "spec.loader.exec_module(module)\n"
    "sys.exit(module._child(int(sys.argv[2])))\n"
)


class SheetReadError(Exception):
    """The sheet could not be read. `reason` is "unreadable", "cell", "memory" or "timeout"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def user_message(self) -> str:
        """What the person who uploaded the file is told (the caller words "unreadable" its own way)."""
        # lazy: the child process loads this file alone, without Django
        from django.conf import settings
        from django.utils.translation import gettext as _

        if self.reason == "cell":
            return _("工作簿中有超长单元格（%(cell)s，超过 Excel 上限 %(limit)s 个字符），不是一份正常的表格") % {
                "cell": self.detail, "limit": f"{MAX_CELL_CHARS:,}"}
        if self.reason == "timeout":
            return _("读取工作簿超时（%(seconds)d 秒）：请拆分为几个较小的文件后再导入") % {
                "seconds": settings.QCITY_IMPORT_TIMEOUT_SECONDS}
        return _("读取工作簿超出内存上限（%(mb)d MB）：请拆分为几个较小的文件后再导入") % {
            "mb": settings.QCITY_IMPORT_MEMORY_LIMIT_BYTES // (1024 * 1024)}


def reads_in_process(source: bytes | str | os.PathLike) -> bool:
    """Whether the file is small enough to read in this process: what it unpacks to, not its size on disk,
    is what a reader holds (run after `check_zip`, which refuses members that lie about their size)."""
    from django.conf import settings  # lazy: the child process loads this file alone, without Django

    return unpacked_size(source) <= settings.QCITY_IMPORT_INPROCESS_BYTES


def unpacked_size(source) -> int:
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        with zipfile.ZipFile(stream) as archive:
            return sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return len(source) if isinstance(source, bytes | bytearray) else os.path.getsize(source)
    finally:
        if hasattr(stream, "seek"):
            stream.seek(0)


def first_sheet_rows(source: bytes | str | os.PathLike) -> list[list]:
    """Every row of the first sheet as a list of cell values, as calamine gives them: numbers as float,
    empty cells as "", rows padded to the widest. `source` is the file's bytes or its path.

    Files that unpack to at most QCITY_IMPORT_INPROCESS_BYTES are read here; larger ones in a capped
    child process."""
    from django.conf import settings  # lazy: the child process loads this file alone, without Django

    if reads_in_process(source):
        try:
            return read_rows(source)
        except MemoryError:
            raise SheetReadError("memory") from None
    return _read_in_child(source, limit=settings.QCITY_IMPORT_MEMORY_LIMIT_BYTES,
                          timeout=settings.QCITY_IMPORT_TIMEOUT_SECONDS)


def read_rows(source) -> list[list]:
    """The reader itself, the same in the web process and in the child."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else open(source, "rb")  # noqa: SIM115
    with stream:
        try:
            return _bounded(CalamineWorkbook.from_filelike(stream).get_sheet_by_index(0).iter_rows())
        except (MemoryError, SheetReadError):
            raise
        except Exception as exc:  # calamine raises many kinds for a corrupt or foreign file
            raise SheetReadError("unreadable", exc.__class__.__name__) from None


def _bounded(rows) -> list[list]:
    """The rows as lists, refusing a cell longer than Excel allows before it is copied anywhere else."""
    result = []
    for number, row in enumerate(rows, start=1):
        values = list(row)
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise SheetReadError("cell", _cell_name(number, column))
        result.append(values)
    return result


def _cell_name(row: int, column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _read_in_child(source, *, limit: int, timeout: int) -> list[list]:
    payload = pickle.dumps(bytes(source) if isinstance(source, bytes | bytearray) else os.fspath(source))
    process = subprocess.Popen([sys.executable, "-c", _CHILD_BOOTSTRAP, __file__, str(limit)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        output, _ = process.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise SheetReadError("timeout") from None
    if process.returncode != 0 or not output:
        # A Rust reader aborts on a failed allocation instead of raising MemoryError.
        raise SheetReadError("memory", f"exit {process.returncode}")
    status, result = pickle.loads(output)  # written by _child below from the reader's plain values
    if status != "ok":
        raise SheetReadError(status, result)
    return result


def _child(limit: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    source = pickle.load(sys.stdin.buffer)
    try:
        answer = ("ok", read_rows(source))
    except MemoryError:
        answer = ("memory", "")
    except SheetReadError as exc:
        answer = (exc.reason, exc.detail)
    del source
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", ""))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return 0
