"""`qcity plans load` loads the built-in plans; `qcity plans extract FILE` prints proposed targets as JSON."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qcity.core.services import reference_data_load
from qcity.indicators.documents import PlanDocumentError, read_plan_document
from qcity.indicators.extraction import extract_targets, guess_plan_end_year
from qcity.indicators.services import plans_load_builtin


class Command(BaseCommand):
    help = "Plans: `load` the built-in plans and their targets; `extract FILE` proposes targets from a document."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load or refresh the built-in plans (idempotent)")
        extract = sub.add_parser("extract", help='print {"indicators": [...]} for a .txt, .md or .docx plan')
        extract.add_argument("file", type=Path)
        extract.add_argument("--year", type=int, default=None,
                             help="target year for sentences that name none (default: guessed from the text)")

    def handle(self, *args, action, **options):
        if action == "load":
            self._load()
        else:
            self._extract(options["file"], options["year"])

    def _load(self):
        reference_data_load(by=None)  # departments must exist to assign responsibility
        try:
            plans = plans_load_builtin(by=None)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        for plan in plans:
            targets = sum(i.targets.count() for i in plan.indicators.all())
            self.stdout.write(f"{plan.code}: {plan.indicators.count()} indicators, {targets} targets — {plan.title}")

    def _extract(self, path: Path, year: int | None):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            text = read_plan_document(path.name, data)
        except PlanDocumentError as exc:
            raise CommandError(str(exc)) from exc
        targets = extract_targets(text, default_year=year or guess_plan_end_year(text))
        self.stdout.write(json.dumps({"indicators": [t.as_dict() for t in targets]}, ensure_ascii=False, indent=1))
