from datetime import date

from django.core.management.base import BaseCommand, CommandError

from qcity.core import workdays
from qcity.core.services import holiday_calendar_load_from_library
from qcity.core.tasks import holiday_calendar_coverage


class Command(BaseCommand):
    help = ("Holiday schedule: `qcity calendar load` (from chinesecalendar; recomputes the deadlines of years it "
            "adds), `check` (is this year's and, from November, next year's schedule entered?), "
            "`add DATE N` (the N-th working day after DATE), `between DATE DATE`.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "check", "add", "between"])
        parser.add_argument("values", nargs="*")

    def handle(self, *args, action, **options):
        values = options["values"]
        try:
            if action == "load":
                years = holiday_calendar_load_from_library(by=None)
                self.stdout.write(f"official holiday schedule loaded for {years[0]}–{years[-1]}")
            elif action == "check":
                message = holiday_calendar_coverage()
                self.stdout.write(message or "official holiday schedule entered for this year (and next, from November)")
            elif action == "add":
                start, n = date.fromisoformat(values[0]), int(values[1])
                end = workdays.add_working_days(start, n)
                self._write(end.isoformat(), workdays.provisional_year(start, end))
            elif action == "between":
                a, b = (date.fromisoformat(x) for x in values[:2])
                self._write(str(workdays.working_days_between(a, b)), workdays.provisional_year(a, b))
        except (ValueError, IndexError) as exc:
            raise CommandError(f"{exc or 'missing arguments'}; usage: qcity calendar add YYYY-MM-DD N | "
                               "between YYYY-MM-DD YYYY-MM-DD | load | check") from exc

    def _write(self, result: str, provisional_year: int | None) -> None:
        if provisional_year is None:
            self.stdout.write(result)
        else:
            self.stdout.write(f"{result} (provisional: no official holiday schedule for {provisional_year} yet; "
                              "counted on the statutory holidays of the Measures; 暂定)")  # i18n-ignore: English command output
