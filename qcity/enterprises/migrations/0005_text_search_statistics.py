from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE enterprises_enterprise ALTER COLUMN name SET STATISTICS 3000, "
                              "ALTER COLUMN name_initials SET STATISTICS 3000")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_import_job_status")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
