"""`qcity credit reclassify [--on D]` classifies every enterprise (the job Celery beat runs nightly);
`qcity credit maintain-lists [--today D]` escalates and removes list entries whose period has run out."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qcity.core.request_context import RequestContext, acting_as


class Command(BaseCommand):
    help = "Credit: `reclassify` every enterprise; `maintain-lists` (escalation and automatic removal)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reclassify = sub.add_parser("reclassify", help="classify every enterprise with the scoring model in force")
        reclassify.add_argument("--on", type=datetime.date.fromisoformat, default=None,
                                help="classify as of this day, YYYY-MM-DD (default: today)")
        maintain = sub.add_parser("maintain-lists", help="escalate abnormal listings, remove expired ones")
        maintain.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                              help="run as of this day, YYYY-MM-DD (default: today)")

    def handle(self, *args, action, **options):
        from qcity.credit.services import credit_lists_maintain, credit_reclassify_all

        try:
            with acting_as(RequestContext(channel="job")):
                if action == "reclassify":
                    outcome = credit_reclassify_all(on=options["on"])
                    self.stdout.write(f"classified {outcome.enterprises:,} enterprises with model "
                                      f"v{outcome.model_version} in {outcome.seconds:.1f} s; "
                                      f"{outcome.changed:,} changed class")
                else:
                    counts = credit_lists_maintain(today=options["today"])
                    self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
        except ValidationError as exc:
            raise CommandError("\n".join(getattr(exc, "messages", [str(exc)]))) from exc
