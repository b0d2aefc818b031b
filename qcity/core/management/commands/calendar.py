from datetime import date

from django.core.management.base import BaseCommand, CommandError

from qcity.core import workdays
from qcity.core.services import holiday_calendar_load_from_library
from qcity.core.tasks import holiday_calendar_coverage


class Command(BaseCommand):
    help = "Holiday schedule: `qcity calendar load` (from chinesecalendar), `check` (coverage), `add DATE N`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "check", "add", "between"])
        parser.add_argument("values", nargs="*")

    def handle(self, *args, action, **options):
        try:
            if action == "load":
                years = holiday_calendar_load_from_library(by=None)
                self.stdout.write(f"holiday schedule loaded for {years[0]}–{years[-1]}")
            elif action == "check":
                message = holiday_calendar_coverage()
                self.stdout.write(message or "holiday schedule covers this year and next")
            elif action == "add":
                start, n = date.fromisoformat(options["values"][0]), int(options["values"][1])
                self.stdout.write(workdays.add_working_days(start, n).isoformat())
            elif action == "between":
                a, b = (date.fromisoformat(x) for x in options["values"][:2])
                self.stdout.write(str(workdays.working_days_between(a, b)))
        except (workdays.CalendarNotAvailable, ValueError, IndexError) as exc:
            raise CommandError(str(exc)) from exc
