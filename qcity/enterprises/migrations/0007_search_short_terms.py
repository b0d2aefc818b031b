"""Indexes that answer terms of any length: on SQLite the FTS table indexes each text with a final
pair of separator characters (through a view) and gets a vocabulary table; on PostgreSQL, GIN indexes on the texts' characters
and bigrams replace pg_trgm's."""

from django.db import migrations

from qcity.enterprises import search


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [*search.SQLITE_FTS_DROP, *search.SQLITE_FTS_SQL]:
            schema_editor.execute(statement)
        schema_editor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('rebuild')")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_name_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS enterprise_initials_trgm")
        # 0005's large statistics served pg_trgm's LIKE estimates; the search no longer asks the planner.
        schema_editor.execute("ALTER TABLE enterprises_enterprise ALTER COLUMN name SET STATISTICS -1, "
                              "ALTER COLUMN name_initials SET STATISTICS -1")
        for statement in search.PG_INDEX_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0006_enterprise_accounts")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
