"""`qcity serve`: Django's runserver for development, gunicorn with `--production`."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve qcity on ADDR:PORT (default 127.0.0.1:8000): runserver, or gunicorn with --production."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--production", action="store_true",
                            help="run gunicorn (qcity.wsgi) with several workers")
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)))
        parser.add_argument("--noreload", action="store_true", help="runserver without the auto-reloader")

    def handle(self, *args, addrport, production, workers, noreload, **options):
        # Without DEBUG, static files come from STATIC_ROOT through WhiteNoise, so collect them first.
        if production or not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if not production:
            call_command("runserver", addrport, use_reloader=not noreload)
            return
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; set DJANGO_SETTINGS_MODULE=qcity.settings.production")
        argv = [sys.executable, "-m", "gunicorn", "qcity.wsgi", "--bind", addrport,
                "--workers", str(workers), "--access-logfile", "-"]
        sys.stdout.flush()
        os.execv(sys.executable, argv)
