"""Two database roles on PostgreSQL: the owner runs the migrations, the application connects
as a role that may read and write the data but only INSERT and SELECT on the access log.

The owner's `migrate` calls `grant_app_role` after every run (post_migrate), so tables added
by later migrations get the same grants. The application role therefore cannot UPDATE,
DELETE or TRUNCATE the access log, nor disable its trigger (only the owner may alter a
table), whatever code runs as it. Set `DATABASE_APP_ROLE` where migrations run.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

ACCESS_LOG_TABLE = "accounts_accesslogentry"
ACCESS_LOG_REGISTER = "accounts_accesslog_archive"  # accounts.access.partitions.REGISTER
PARTITION_FUNCTION = "woonbrug_access_log_create_partitions"


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give `role` what the application needs, and on the access log only INSERT and SELECT."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if owner == role:
            raise ImproperlyConfigured(
                "DATABASE_APP_ROLE must not be the role that owns the tables (it runs migrate)."
            )
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise ImproperlyConfigured(f"DATABASE_APP_ROLE {role!r} does not exist: create it.")
        r = quote(role)
        cursor.execute(f"GRANT CONNECT ON DATABASE {quote(database)} TO {r}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {r}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}")
        cursor.execute(
            f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(ACCESS_LOG_TABLE)} "
            f"FROM {r}"
        )
        cursor.execute(f"GRANT SELECT, INSERT ON {quote(ACCESS_LOG_TABLE)} TO {r}")
        # PostgreSQL partitions (accounts.access.partitions): the role reaches the rows only
        # through the log table itself, never a partition or a detached month directly; it
        # may read the archive register and create partitions through the owner's function.
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            " AND (c.relname LIKE %s OR c.relname = %s)",
            [ACCESS_LOG_TABLE.replace("_", r"\_") + r"\_%", ACCESS_LOG_REGISTER],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {r}")
            if table == ACCESS_LOG_REGISTER:
                cursor.execute(f"GRANT SELECT ON {quote(table)} TO {r}")
        cursor.execute(
            "SELECT to_regprocedure(%s) IS NOT NULL", [f"{PARTITION_FUNCTION}(date, integer)"]
        )
        if cursor.fetchone()[0]:
            cursor.execute(f"GRANT EXECUTE ON FUNCTION {PARTITION_FUNCTION}(date, integer) TO {r}")


def grant_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: keep the application role's grants in step with the schema."""
    role = settings.DATABASE_APP_ROLE
    if role:
        grant_app_role(connections[using], role)
