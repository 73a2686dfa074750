"""A published framework version never changes: the database refuses it, whatever the code does.

A draft may change freely and may become published; after that, its row, its sections and its
expectations are refused any change, except the person who made it being set to nobody when that
person is deleted. The message is raised as a constraint violation (IntegrityError in Django).
"""

from django.db import migrations

POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION reviews_framework_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    candidate reviews_framework%ROWTYPE;
BEGIN
    IF OLD.status <> 'published' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.created_by_id IS NULL THEN
        candidate := NEW;
        candidate.created_by_id := OLD.created_by_id;
        IF candidate IS NOT DISTINCT FROM OLD THEN RETURN NEW; END IF;
    END IF;
    RAISE EXCEPTION 'A published framework version cannot change: % version %',
        OLD.code, OLD.version
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE OR REPLACE FUNCTION reviews_framework_content_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM reviews_framework WHERE id = OLD.framework_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'A published framework version cannot change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM reviews_framework WHERE id = NEW.framework_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'A published framework version cannot change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER reviews_framework_published_guard
    BEFORE UPDATE OR DELETE ON reviews_framework
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_guard();
CREATE TRIGGER reviews_section_published_guard
    BEFORE INSERT OR UPDATE OR DELETE ON reviews_section
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_content_guard();
CREATE TRIGGER reviews_expectation_published_guard
    BEFORE INSERT OR UPDATE OR DELETE ON reviews_expectation
    FOR EACH ROW EXECUTE FUNCTION reviews_framework_content_guard();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS reviews_expectation_published_guard ON reviews_expectation;
DROP TRIGGER IF EXISTS reviews_section_published_guard ON reviews_section;
DROP TRIGGER IF EXISTS reviews_framework_published_guard ON reviews_framework;
DROP FUNCTION IF EXISTS reviews_framework_content_guard();
DROP FUNCTION IF EXISTS reviews_framework_guard();
"""

# SQLite has no row variables: the framework's columns are compared one by one.
FRAMEWORK_COLUMNS = [
    "id",
    "code",
    "version",
    "name",
    "publisher",
    "published_on",
    "source",
    "description",
    "content_hash",
    "loaded_at",
    "status",
    "published_at",
    "lock_version",
]
UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in FRAMEWORK_COLUMNS)
PUBLISHED = "(SELECT status FROM reviews_framework WHERE id = {row}.framework_id) = 'published'"
REFUSE = "BEGIN SELECT RAISE(ABORT, 'A published framework version cannot change'); END"


def sqlite_statements() -> list[str]:
    statements = [
        f"""CREATE TRIGGER reviews_framework_published_update BEFORE UPDATE ON reviews_framework
        FOR EACH ROW WHEN OLD.status = 'published'
        AND NOT (NEW.created_by_id IS NULL AND {UNCHANGED}) {REFUSE};""",
        f"""CREATE TRIGGER reviews_framework_published_delete BEFORE DELETE ON reviews_framework
        FOR EACH ROW WHEN OLD.status = 'published' {REFUSE};""",
    ]
    for table in ("reviews_section", "reviews_expectation"):
        old, new = PUBLISHED.format(row="OLD"), PUBLISHED.format(row="NEW")
        statements += [
            f"""CREATE TRIGGER {table}_published_insert BEFORE INSERT ON {table}
            FOR EACH ROW WHEN {new} {REFUSE};""",
            f"""CREATE TRIGGER {table}_published_update BEFORE UPDATE ON {table}
            FOR EACH ROW WHEN {old} OR {new} {REFUSE};""",
            f"""CREATE TRIGGER {table}_published_delete BEFORE DELETE ON {table}
            FOR EACH ROW WHEN {old} {REFUSE};""",
        ]
    return statements


SQLITE_TRIGGERS = [
    "reviews_framework_published_update",
    "reviews_framework_published_delete",
    *[
        f"{table}_published_{event}"
        for table in ("reviews_section", "reviews_expectation")
        for event in ("insert", "update", "delete")
    ],
]


def create_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in sqlite_statements():
            schema_editor.execute(statement, params=None)


def drop_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0005_self_assessment_reply_and_drafts"),
    ]

    operations = [
        migrations.RunPython(create_guard, drop_guard),
    ]
