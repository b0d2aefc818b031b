from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qcity.core import notifications


class Command(BaseCommand):
    help = ("Notifications by hand: `qcity notifications remind [YYYY-MM-DD]` (the daily deadline reminders; "
            "running it twice sends nothing new), `sweep` (send again the deliveries pending for over an hour).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind", "sweep"])
        parser.add_argument("day", nargs="?", default="")

    def handle(self, *args, action, day, **options):
        if action == "remind":
            try:
                today = date.fromisoformat(day) if day else timezone.localdate()
            except ValueError as exc:
                raise CommandError(f"{exc}; usage: qcity notifications remind [YYYY-MM-DD]") from exc
            run = notifications.deadline_reminders_send(today=today)
            self.stdout.write(f"{today}: {run.reminders} reminders, {run.notifications} new notifications, "
                              f"{run.deliveries} e-mail/SMS deliveries queued")
        else:
            self.stdout.write(f"{notifications.notification_deliveries_sweep()} pending deliveries tried again")
