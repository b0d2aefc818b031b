from django.db import migrations

# The statements as they were when this migration was written (0007 replaced the SQLite table).
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS enterprises_enterprise_fts USING fts5("
    "name, name_initials, content='enterprises_enterprise', content_rowid='id', tokenize='trigram')",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ai AFTER INSERT ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_enterprise_fts(rowid, name, name_initials) VALUES (new.id, new.name, new.name_initials);
    END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_ad AFTER DELETE ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_enterprise_fts(enterprises_enterprise_fts, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
    END""",
    """CREATE TRIGGER IF NOT EXISTS enterprises_enterprise_fts_au AFTER UPDATE OF name, name_initials
        ON enterprises_enterprise BEGIN
        INSERT INTO enterprises_enterprise_fts(enterprises_enterprise_fts, rowid, name, name_initials)
        VALUES ('delete', old.id, old.name, old.name_initials);
        INSERT INTO enterprises_enterprise_fts(rowid, name, name_initials) VALUES (new.id, new.name, new.name_initials);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ai",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS enterprises_enterprise_fts_au",
    "DROP TABLE IF EXISTS enterprises_enterprise_fts",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_initials_trgm ON enterprises_enterprise "
    "USING gin (name_initials gin_trgm_ops)",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS enterprise_name_trgm", "DROP INDEX IF EXISTS enterprise_initials_trgm"]


def forward(apps, schema_editor):
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
