"""`qcity workplan load` loads the built-in task lists; `qcity workplan supervise [--today D]` runs the
daily supervision job (the same service the Celery beat task calls)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qcity.core.services import reference_data_load
from qcity.indicators.services import plans_load_builtin
from qcity.workplan.services import plan_tasks_load_builtin, plan_tasks_supervise
from qcity.workplan.services.plan_tasks import plan_tasks_file


class Command(BaseCommand):
    help = "Tasks and supervision: `load` the built-in task lists; `supervise` overdue tasks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="load or refresh the built-in plans' task lists (idempotent)")
        supervise = sub.add_parser("supervise", help="open and escalate supervisions of overdue tasks (idempotent)")
        supervise.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                               help="run as of this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, action, **options):
        try:
            if action == "load":
                self._load()
            else:
                self._supervise(options["today"])
        except ValidationError as exc:
            raise CommandError("\n".join(getattr(exc, "messages", [str(exc)]))) from exc

    def _load(self):
        reference_data_load(by=None)
        for plan in plans_load_builtin(by=None):
            if plan_tasks_file(plan).exists():
                tasks = plan_tasks_load_builtin(plan=plan, by=None)
                self.stdout.write(f"{plan.code}: {len(tasks)} tasks — {plan.title}")

    def _supervise(self, today):
        outcome = plan_tasks_supervise(today=today)
        self.stdout.write(f"supervisions opened: {outcome.opened}, escalated: {outcome.escalated}")
