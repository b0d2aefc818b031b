"""`qcity inspections verify-draw RECORD.json SNAPSHOT.bin` re-runs a draw from its exported files
without the database; `qcity inspections export-draw ID --out DIR` writes those files (full record,
public record, pool snapshot) from the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qcity.inspections.draw import canonical_bytes, verify
from qcity.inspections.models import Draw
from qcity.inspections.records import draw_record


class Command(BaseCommand):
    help = "Double-random inspections: verify a draw from its exported record and snapshot, or export them."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify-draw", help="re-run a draw from its record JSON and pool snapshot file")
        verify.add_argument("record", type=Path, help="draw record JSON (public or full)")
        verify.add_argument("snapshot", type=Path, help="pool snapshot file (qcity-pool/1, raw or zlib)")
        export = sub.add_parser("export-draw", help="write the draw's record JSON files and pool snapshot")
        export.add_argument("draw", type=int, help="draw id")
        export.add_argument("--out", type=Path, default=Path("."))

    def handle(self, *args, action, **options):
        if action == "verify-draw":
            self._verify(options["record"], options["snapshot"])
        else:
            self._export(options["draw"], options["out"])

    def _verify(self, record_path: Path, snapshot_path: Path):
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            snapshot = snapshot_path.read_bytes()
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the files: {exc}") from exc
        try:
            outcome = verify(record, snapshot)
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"not a draw record: {exc!r}") from exc
        for name, passed, detail in outcome.checks:
            self.stdout.write(f"{'OK  ' if passed else 'FAIL'} {name}" + (f" — {detail}" if detail else ""))
        if not outcome.ok:
            raise CommandError("the draw does NOT match its record")
        self.stdout.write(self.style.SUCCESS(
            f"draw verified: {len(record['selection'])} targets, seed {record['seed']}, "
            f"snapshot {record['snapshot_sha256'][:16]}…"))

    def _export(self, draw_id: int, out: Path):
        draw = Draw.objects.select_related("plan__org_unit", "snapshot").filter(pk=draw_id).first()
        if draw is None:
            raise CommandError(f"no draw {draw_id}")
        out.mkdir(parents=True, exist_ok=True)
        for full, name in ((True, "record"), (False, "public-record")):
            path = out / f"draw-{draw.pk}-{name}.json"
            path.write_text(json.dumps(draw_record(draw, full=full), ensure_ascii=False, indent=1), encoding="utf-8")
            self.stdout.write(str(path))
        path = out / f"pool-snapshot-{draw.snapshot_sha256[:16]}.bin"
        path.write_bytes(canonical_bytes(bytes(draw.snapshot.data)))
        self.stdout.write(str(path))
