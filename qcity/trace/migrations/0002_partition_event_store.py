"""On PostgreSQL the event store is partitioned (qcity/trace/partitions.py); SQLite keeps the plain tables."""

from django.db import migrations
from django.utils import timezone


def partition(apps, schema_editor):
    from qcity.trace.partitions import partition_event_store

    partition_event_store(schema_editor, today=timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [("trace", "0001_initial")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
