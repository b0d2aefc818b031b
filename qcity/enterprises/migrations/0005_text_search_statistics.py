from django.db import migrations

from qcity.enterprises import search


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(search.PG_TRGM_SQL[-1])


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_import_job_status")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
