"""`qcity complaints anonymise [--today D] [--retention-days N]` anonymises the complaints finished before
the retention period; `qcity complaints escalate [--today D]` runs the overdue scan (逾期督办). Both are the
jobs Celery beat runs daily."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qcity.complaints.services.escalation import complaints_overdue_escalate
from qcity.complaints.services.retention import complaints_anonymise
from qcity.core.request_context import RequestContext, acting_as


class Command(BaseCommand):
    help = ("Complaints: `anonymise` the personal data of complaints finished before the retention period; "
            "`escalate` the open complaints and reports past a deadline (idempotent).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        anonymise = sub.add_parser("anonymise", help="anonymise complaints past the retention period")
        anonymise.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                               help="run as of this day, YYYY-MM-DD (default: today)")
        anonymise.add_argument("--retention-days", type=int, default=None,
                               help="days to keep (default: QCITY_COMPLAINT_RETENTION_DAYS)")

        escalate = sub.add_parser("escalate", help="escalate open complaints past a deadline (idempotent)")
        escalate.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                              help="run as of this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, action, **options):
        if action == "anonymise":
            self._anonymise(today=options["today"], retention_days=options["retention_days"])
        elif action == "escalate":
            self._escalate(today=options["today"] or timezone.localdate())

    def _escalate(self, *, today) -> None:
        with acting_as(RequestContext(channel="job")):
            count = complaints_overdue_escalate(today=today)
        self.stdout.write(f"{today}: escalated {count} overdue complaint(s) and report(s)")

    def _anonymise(self, *, today, retention_days) -> None:
        try:
            with acting_as(RequestContext(channel="job")):
                count = complaints_anonymise(today=today, retention_days=retention_days)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"anonymised {count} complaint(s)")
