"""Upload safety benchmark: zip-bomb xlsx files posted to the two spreadsheet import endpoints.

    .venv/bin/python bench/uploads.py                 # SQLite, var/bench/uploads/
    .venv/bin/python bench/uploads.py --control-rows 0  # skip the legitimate control file

Builds in var/bench/uploads/: a ~300 KB xlsx whose one cell (a shared string) is 300 MB unpacked, an xlsx
of 20,000 tiny members, an xlsx whose member inflates far past the size its headers declare, and a
legitimate enterprise file (the control, read by the capped child process). The SQLite database there is
recreated, migrated and seeded (org units, plans) for each run.

Each case runs in a fresh interpreter, as a web worker would: Django with the dev settings (eager jobs), a
leadership-office user logged in with the test client, one POST of the file. It reports the status, the
time to the answer and the peak resident memory of that process (ru_maxrss, plus the capped reader child
when there is one), after a warm-up request (idle: the peak before the upload). Prints a table: figure, target, measured, result.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reporting import print_report  # noqa: E402

WORK = ROOT / "var" / "bench" / "uploads"
DATABASE = WORK / "uploads.sqlite3"
CELL_MB = 300
MEMBERS = 20_000
PEAK_TARGET_MB = 300
TIME_TARGET_S = 2.0
ENDPOINTS = {"enterprises": "/api/enterprise-imports/", "values": "/api/reported-values/import/"}
USERNAME = "bench-uploads-office"
PASSWORD = "Qz7#kLm2-Wp9vRt4"


# --- files ---------------------------------------------------------------------------------------------


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_bomb(path: Path, cell_mb: int = CELL_MB) -> Path:
    """A real workbook whose cell A1 is a shared string of `cell_mb` MB of one letter."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook([("统一社会信用代码", "企业名称"), ("x", "y")]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # A1 becomes a reference to the huge string
                data = re.sub(rb'<c r="A1" t="inlineStr">.*?</c>', b'<c r="A1" t="s"><v>0</v></c>', data)
            target.writestr(item, data)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
            chunk = b"A" * (1024 * 1024)
            for _ in range(cell_mb):
                member.write(chunk)
            member.write(b"</t></si><si><t>y</t></si><si><t>x</t></si></sst>")
    path.write_bytes(buffer.getvalue())
    return path


def member_bomb(path: Path, members: int = MEMBERS) -> Path:
    """A real workbook plus `members` tiny extra parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook([("a", 1)]))) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for number in range(members):
            target.writestr(f"xl/media/part{number}.xml", b"<x/>")
    path.write_bytes(buffer.getvalue())
    return path


def lying_bomb(path: Path, real_mb: int = CELL_MB) -> Path:
    """A workbook whose sheet part declares 1 KB in its headers but inflates to `real_mb` MB."""
    good = _workbook([("a", 1)])
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        parts = [(i.filename, source.read(i.filename)) for i in source.infolist()]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = b"<row/>" * (1024 * 1024 // 6)
    stream = b"".join(compressor.compress(block) for _ in range(real_mb)) + compressor.flush()
    body, directory = b"", b""
    for name, data in parts:
        encoded = name.encode()
        if name == "xl/worksheets/sheet1.xml":
            packed, size, crc = stream, 1024, zlib.crc32(b"<row/>" * 200)
        else:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            packed, size, crc = compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)
        offset = len(body)
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size,
                            len(encoded), 0) + encoded + packed
        directory += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


# --- one case, in its own interpreter ------------------------------------------------------------------------


def _env() -> dict:
    return os.environ | {"DJANGO_SETTINGS_MODULE": "qcity.settings.dev", "DATABASE_URL": f"sqlite:///{DATABASE}",
                         "QCITY_VAR_DIR": str(WORK / "var"), "DEBUG": "0", "CELERY_TASK_ALWAYS_EAGER": "1",
                         "REDIS_URL": ""}


def run_case(endpoint: str, path: str) -> dict:
    import django

    django.setup()
    from qcity.core.startup import server_ready

    server_ready()  # as a gunicorn worker does once loaded (qcity/wsgi.py)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from qcity.core.choices import Role
    from qcity.core.models import OrgUnit, User
    from qcity.core.services import role_grant, user_create
    from qcity.indicators.models import Plan

    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        city = OrgUnit.objects.get(parent__isnull=True)
        user = user_create(username=USERNAME, password=PASSWORD, org_unit=city, by=None)
        role_grant(user=user, role=Role.LEADERSHIP_OFFICE, org_unit=city, by=None)
    User.objects.filter(pk=user.pk).update(**{f.name: False for f in User._meta.fields
                                              if f.name == "must_change_password"})
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    data = {"file": None}
    if endpoint == "values":
        data["plan"] = Plan.objects.values_list("code", flat=True).first()
    # warm up as a running worker is: the first request imports every app's views and the upload path
    client.get("/api/plans/")
    client.post(ENDPOINTS[endpoint], {**data, "file": SimpleUploadedFile("warm-up.xlsx", b"")})
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(path, "rb") as upload:
        data["file"] = upload
        started = time.perf_counter()
        response = client.post(ENDPOINTS[endpoint], data)
        seconds = time.perf_counter() - started
    body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
    message = body.get("file", [""])[0] if isinstance(body.get("file"), list) else ""
    if not message and body.get("errors"):
        message = body["errors"][0].get("message", "")
    return {"status": response.status_code, "seconds": seconds, "baseline_mb": baseline,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "import_status": body.get("status", ""), "message": message[:90]}


def case(endpoint: str, path: Path, **env: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--case", endpoint, str(path)], env=_env() | env, cwd=ROOT,
                            capture_output=True, text=True, check=False)
    if output.returncode != 0:
        return {"status": f"crash {output.returncode}", "seconds": 0, "peak_mb": 0, "baseline_mb": 0, "child_mb": 0,
                "message": output.stderr.strip().splitlines()[-1][:90] if output.stderr.strip() else ""}
    return json.loads(output.stdout.strip().splitlines()[-1])


def prepare(control_rows: int) -> dict[str, Path]:
    WORK.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DATABASE}{suffix}").unlink(missing_ok=True)
    for args in (("migrate", "--noinput", "-v", "0"), ("seed",), ("plans", "load")):
        subprocess.run([sys.executable, "-m", "qcity.cli", *args], env=_env(), cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    files = {"cell": cell_bomb(WORK / "cell-bomb.xlsx"), "members": member_bomb(WORK / "member-bomb.xlsx"),
             "lying": lying_bomb(WORK / "lying-bomb.xlsx")}
    if control_rows:
        subprocess.run([sys.executable, str(ROOT / "bench" / "xlsx_fixture.py"), str(WORK / "control.xlsx"),
                        "--rows", str(control_rows)], env=_env(), cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        files["control"] = WORK / "control.xlsx"
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs=2, metavar=("ENDPOINT", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-ceiling", action="store_true", help="skip the case with the zip checks relaxed")
    parser.add_argument("--control-rows", type=int, default=20_000)
    args = parser.parse_args()
    if args.case:
        os.environ.update({k: v for k, v in _env().items() if k not in os.environ or not k.startswith("QCITY_UPLOAD")})
        print(json.dumps(run_case(*args.case)))
        return

    files = prepare(args.control_rows)
    labels = {"cell": f"{CELL_MB} MB cell", "members": f"{MEMBERS:,} members", "lying": f"{CELL_MB} MB behind a 1 KB header",
              "control": f"{args.control_rows:,}-row file (control)"}
    rows = []
    for name, path in files.items():
        for endpoint in ENDPOINTS:
            if name == "control" and endpoint == "values":
                continue  # the control is an enterprise file
            result = case(endpoint, path)
            size = f"{path.stat().st_size / 1024:,.0f} KB"
            figure = f"{ENDPOINTS[endpoint]}  {labels[name]} ({size})"
            refused = name != "control"
            ok_status = result["status"] == 400 if refused else result["status"] in (201, 202)
            ok = ok_status and result["peak_mb"] < PEAK_TARGET_MB and (not refused or result["seconds"] < TIME_TARGET_S)
            rows.append((figure, f"{'400, ' if refused else ''}peak < {PEAK_TARGET_MB} MB"
                         + (f", < {TIME_TARGET_S:g} s" if refused else ""),
                         f"{result['status']} in {result['seconds']:.2f} s, peak {result['peak_mb']:.0f} MB "
                         f"(idle {result['baseline_mb']:.0f} MB)"
                         + (f", capped reader {result['child_mb']:.0f} MB" if result["child_mb"] else ""),
                         "ok" if ok else "MISSED"))
            print(f"  {figure}: {result.get('import_status') or ''} {result['message']}", file=sys.stderr)
    if not args.skip_ceiling:
        # the second line of defence: with the zip limits relaxed, the 300 MB cell reaches the reader, which
        # runs in the capped child process (QCITY_IMPORT_MEMORY_LIMIT_BYTES) and fails its import alone
        result = case("enterprises", files["cell"], QCITY_UPLOAD_MAX_UNPACKED_BYTES=str(2**30),
                      QCITY_UPLOAD_MAX_COMPRESSION_RATIO=str(10**6))
        ok = result["status"] == 400 and result["peak_mb"] < PEAK_TARGET_MB
        rows.append((f"{ENDPOINTS['enterprises']}  {labels['cell']}, zip limits relaxed",
                     f"failed import, web peak < {PEAK_TARGET_MB} MB",
                     f"{result['status']} ({result.get('import_status', '')}) in {result['seconds']:.2f} s, "
                     f"peak {result['peak_mb']:.0f} MB, capped reader {result['child_mb']:.0f} MB", "ok" if ok else "MISSED"))
        print(f"  relaxed: {result.get('import_status') or ''} {result['message']}", file=sys.stderr)
    print_report(rows, f"Upload safety — Python {sys.version.split()[0]}, SQLite, one interpreter per case")


if __name__ == "__main__":
    main()
