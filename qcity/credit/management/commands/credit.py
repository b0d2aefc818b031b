"""`qcity credit reclassify [--on D]` classifies every enterprise (the job Celery beat runs nightly);
`qcity credit maintain-lists [--today D]` escalates and removes list entries whose period has run out;
`qcity credit personal-data-check [--today D] [--strict]` counts personal data in the public credit files."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qcity.core.request_context import RequestContext, acting_as
from qcity.credit.publication import describe
from qcity.credit.selectors import credit_event_public_list_on, credit_public_personal_data_hits
from qcity.credit.services import credit_lists_maintain, credit_reclassify_all


class Command(BaseCommand):
    help = ("Credit: `reclassify` every enterprise; `maintain-lists` (escalation and automatic removal); "
            "`personal-data-check` (personal data in the public credit files).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reclassify = sub.add_parser("reclassify", help="classify every enterprise with the scoring model in force")
        reclassify.add_argument("--on", type=datetime.date.fromisoformat, default=None,
                                help="classify as of this day, YYYY-MM-DD (default: today)")
        maintain = sub.add_parser("maintain-lists", help="escalate abnormal listings, remove expired ones")
        maintain.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                              help="run as of this day, YYYY-MM-DD (default: today)")
        check = sub.add_parser("personal-data-check", help="personal data in what the public credit files show")
        check.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                           help="the public files as of this day, YYYY-MM-DD (default: today)")
        check.add_argument("--strict", action="store_true", help="fail (exit 1) when anything is found")

    def handle(self, *args, action, **options):
        if action == "personal-data-check":
            return self._personal_data_check(today=options["today"], strict=options["strict"])
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

    def _personal_data_check(self, *, today, strict: bool) -> None:
        hits = credit_public_personal_data_hits(today=today)
        found = sum(len(findings) for _uscc, _pk, findings in hits)
        for uscc, pk, findings in hits[:20]:  # masked: this output ends up in logs
            self.stdout.write(f"{uscc} event {pk}: {describe(findings)}")
        day = today or timezone.localdate()
        checked = credit_event_public_list_on(day).count()
        self.stdout.write(f"personal data in public credit files: {found} hit(s) in {len(hits)} of {checked} "
                          f"public event(s) as of {day}")
        if strict and found:
            raise CommandError("personal data found in public credit files")
