"""The access log partitioned by month on PostgreSQL (issue 21 item 5; accounts.access.partitions).

PostgreSQL only (SQLite keeps its one table): the plain table is renamed, a table partitioned
by RANGE (at) takes its name with the same columns, the months from the oldest row to
ACCESS_LOG_PARTITIONS_AHEAD months ahead get a partition (and a DEFAULT partition takes any
other), the rows move over, the old table is dropped, and the indexes (same names), the
append-only trigger and the CHECK that ties `chain` to the month go on the new table. The
primary key becomes (id, at) (a partitioned table's unique keys include its partition key);
the model's UniqueConstraint (chain, seq) becomes one unique index per partition, which with
the CHECK is the same guarantee. The application role's grants are renewed by post_migrate.

Then, on both databases, the two indexes the org admin's page needs (organisation, person,
time; organisation, time). Backwards restores the plain table with every attached row.
"""

from django.conf import settings
from django.db import migrations, models

from accounts.access import partitions as p

TABLE = p.TABLE
OLD = f"{TABLE}_unpartitioned"


def _index_defs(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s"
        " AND indexname NOT IN (%s, 'accesslog_chain_seq_unique')",
        [table, f"{table}_pkey"],
    )
    return [row[0].replace(" ON ONLY ", " ON ") for row in cursor.fetchall()]


def _reset_identity(cursor) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'),"
        f" coalesce((SELECT max(id) FROM {TABLE}), 1),"
        f" (SELECT count(*) > 0 FROM {TABLE}))"  # noqa: S608
    )


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes = _index_defs(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {TABLE}_pkey TO {OLD}_pkey")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY"
            f" INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (at)"
        )
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, at)")
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {p.CHECK}"
            " CHECK (chain = to_char(at AT TIME ZONE 'UTC', 'YYYY-MM'))"
        )
        cursor.execute(f"CREATE TABLE {p.DEFAULT} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"CREATE UNIQUE INDEX {p.DEFAULT}_chain_seq ON {p.DEFAULT} (chain, seq)")
        cursor.execute(p.CREATE_FUNCTION)
        cursor.execute(f"SELECT min(at) FROM {OLD}")  # noqa: S608
        (oldest,) = cursor.fetchone()
        cursor.execute("SELECT now()")
        (now,) = cursor.fetchone()
        first = p.month_start(min(oldest, now) if oldest else now)
        last = p.add_months(p.month_start(now), settings.ACCESS_LOG_PARTITIONS_AHEAD)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        cursor.execute(f"SELECT {p.FUNCTION}(%s, %s)", [first, months])
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        _reset_identity(cursor)
        cursor.execute(f"DROP TABLE {OLD}")
        for statement in indexes:
            cursor.execute(statement)
        cursor.execute(p.APPEND_ONLY_TRIGGER.format(table=TABLE))
        cursor.execute(
            f"""CREATE TABLE {p.REGISTER} (
                chain varchar(7) PRIMARY KEY,
                table_name varchar(63) NOT NULL,
                detached_at timestamptz NOT NULL DEFAULT now(),
                rows bigint NOT NULL,
                head_seq bigint NOT NULL,
                head_hash varchar(64) NOT NULL
            )"""
        )
        cursor.execute(p.APPEND_ONLY_TRIGGER.format(table=p.REGISTER))
        cursor.execute(f"ANALYZE {TABLE}")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        indexes = _index_defs(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {TABLE}_pkey TO {OLD}_pkey")
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY"
            f" INCLUDING STORAGE INCLUDING COMMENTS)"
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")  # noqa: S608
        _reset_identity(cursor)
        cursor.execute(f"DROP TABLE {OLD} CASCADE")
        cursor.execute(f"DROP TABLE IF EXISTS {p.REGISTER}")
        cursor.execute(f"DROP FUNCTION IF EXISTS {p.FUNCTION}(date, integer)")
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
        for statement in indexes:
            if f"{TABLE}_default_chain_seq" not in statement:
                cursor.execute(statement)
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT accesslog_chain_seq_unique UNIQUE (chain, seq)"
        )
        cursor.execute(p.APPEND_ONLY_TRIGGER.format(table=TABLE))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_i21_oidc")]

    operations = [
        migrations.RunPython(partition, unpartition),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                fields=["organisation_id", "user_id", "at"], name="accesslog_org_user_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["organisation_id", "at"], name="accesslog_org_at_idx"),
        ),
    ]
