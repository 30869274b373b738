"""Make the access log append-only in the database itself, not only in the app.

UPDATE and DELETE on accounts_accesslogentry raise an error on PostgreSQL and SQLite. (A
TRUNCATE by the table owner is still possible on PostgreSQL; production runs the app with a
role that does not own the table, see README "Access log".)
"""

from django.db import migrations

TABLE = "accounts_accesslogentry"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION woonbrug_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION woonbrug_access_log_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS access_log_append_only ON {TABLE};
DROP FUNCTION IF EXISTS woonbrug_access_log_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS access_log_no_update;", "DROP TRIGGER IF EXISTS access_log_no_delete;"]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)  # no placeholders: "%" is PL/pgSQL
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement, params=None)
    else:
        raise NotImplementedError(f"No append-only trigger for {vendor}")


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = [POSTGRES_DOWN] if vendor == "postgresql" else SQLITE_DOWN
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
