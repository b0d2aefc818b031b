"""Celery application. Without REDIS_URL the tasks run eagerly in-process (the embedded default)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qcity.settings.dev")

app = Celery("qcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _worker_ready(**kwargs):
    """Each worker process, once Celery's Django fix-up has loaded the apps, readies itself as a web worker does
    (exports render the list views; captures and documents build as many objects as a page)."""
    from qcity.core.startup import server_ready  # lazy: the apps are not loaded when this module is imported

    server_ready()
