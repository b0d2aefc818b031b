from django.db import migrations

from qcity.enterprises import search


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": search.SQLITE_FTS_SQL, "postgresql": search.PG_TRGM_SQL}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search.SQLITE_FTS_DROP_TRIGGERS:
            schema_editor.execute(statement)
        schema_editor.execute(f"DROP TABLE IF EXISTS {search.FTS_TABLE}")
    elif vendor == "postgresql":
        for statement in search.PG_TRGM_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
