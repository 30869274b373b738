"""The access log partitioned by month on PostgreSQL (issue 21 item 5), so it stays fast at
national scale and old months can leave the database for an archive.

Migration 0010 turns `accounts_accesslogentry` into a table partitioned by RANGE on `at`, one
partition per UTC month (`accounts_accesslogentry_p2026_12`), the same unit as the hash chain
(`chain.chain_of`): a CHECK ties each row's `chain` to the month of its `at`, and each partition
has its own unique (chain, seq), so every partition holds exactly one whole chain. A DEFAULT
partition takes a row whose month has no partition yet, so a write never fails; the function
that creates a month moves such rows into it.

`woonbrug_access_log_create_partitions(first, months)` is SECURITY DEFINER (it runs as the
owner): the application role, which may only INSERT and SELECT on the log, can call it and
nothing more. The daily beat task `create_access_log_partitions` creates the current month and
ACCESS_LOG_PARTITIONS_AHEAD months ahead (idempotent).

`manage.py access_log_detach YYYY-MM` (run as the owner) detaches a month older than
ACCESS_LOG_RETENTION_DAYS: the partition becomes a table of its own, still append-only, and the
register `accounts_accesslog_archive` keeps its chain's head, so `verify_access_log` reports the
month as archived (and verifies the detached table while it is still there) instead of calling
the chain broken. SQLite (development, the demo) has one plain table and none of this.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

TABLE = "accounts_accesslogentry"
DEFAULT = f"{TABLE}_default"
REGISTER = "accounts_accesslog_archive"
FUNCTION = "woonbrug_access_log_create_partitions"
CHECK = "accesslog_chain_is_month"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(first_month date, months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
DECLARE
    start timestamp := date_trunc('month', first_month::timestamp);
    lo timestamptz;
    hi timestamptz;
    part text;
    created integer := 0;
BEGIN
    IF months IS NULL OR months < 1 OR months > 1200 THEN
        RAISE EXCEPTION 'months must be between 1 and 1200, not %', months;
    END IF;
    FOR i IN 0 .. months - 1 LOOP
        lo := (start + make_interval(months => i)) AT TIME ZONE 'UTC';
        hi := (start + make_interval(months => i + 1)) AT TIME ZONE 'UTC';
        part := '{TABLE}_p' || to_char(lo AT TIME ZONE 'UTC', 'YYYY_MM');
        CONTINUE WHEN to_regclass('public.' || part) IS NOT NULL;
        -- One creator at a time; writers wait for the few statements below.
        LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE;
        CONTINUE WHEN to_regclass('public.' || part) IS NOT NULL;
        IF EXISTS (SELECT 1 FROM {DEFAULT} WHERE at >= lo AND at < hi) THEN
            -- Rows of this month were written before it had a partition: move them in.
            ALTER TABLE {TABLE} DETACH PARTITION {DEFAULT};
            EXECUTE format('CREATE TABLE public.%I (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format(
                'INSERT INTO %I SELECT * FROM {DEFAULT} WHERE at >= $1 AND at < $2', part
            ) USING lo, hi;
            -- Detached, the default partition has no append-only trigger (it is cloned
            -- from the parent again on ATTACH): this DELETE is the move's, nothing else.
            DELETE FROM {DEFAULT} WHERE at >= lo AND at < hi;
            EXECUTE format(
                'ALTER TABLE {TABLE} ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                part, lo, hi
            );
            ALTER TABLE {TABLE} ATTACH PARTITION {DEFAULT} DEFAULT;
        ELSE
            EXECUTE format(
                'CREATE TABLE public.%I PARTITION OF {TABLE} FOR VALUES FROM (%L) TO (%L)',
                part, lo, hi
            );
        END IF;
        -- The chain's unique (chain, seq), per partition: one partition holds one chain.
        EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (chain, seq)', part || '_chain_seq', part);
        created := created + 1;
    END LOOP;
    RETURN created;
END;
$fn$;
REVOKE ALL ON FUNCTION {FUNCTION}(date, integer) FROM PUBLIC;
"""  # noqa: S608

APPEND_ONLY_TRIGGER = """
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION woonbrug_access_log_append_only();
"""


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def month_start(value: dt.date | dt.datetime) -> dt.date:
    return dt.date(value.year, value.month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def create(first: dt.date, months: int) -> int:
    """Create the partitions of `months` months from `first` that do not exist yet (the
    function is idempotent); the number created. Nothing on SQLite."""
    if not is_partitioned():
        return 0
    with connection.cursor() as cursor:
        # Creating a partition locks the log briefly; never queue behind a long reader for
        # more than a few seconds (writers would queue behind us): the next run retries.
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        cursor.execute(f"SELECT {FUNCTION}(%s, %s)", [month_start(first), months])
        (created,) = cursor.fetchone()
    return int(created)


def create_ahead(*, now: dt.datetime, ahead: int) -> int:
    """The current UTC month and `ahead` months after it."""
    return create(month_start(now.astimezone(dt.UTC)), ahead + 1)


@dataclass(frozen=True)
class Partition:
    name: str
    low: dt.datetime | None  # None: the default partition
    high: dt.datetime | None
    rows: int


def attached() -> list[Partition]:
    """The log's partitions, oldest first (default last), with their row estimates."""
    if not is_partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s) ORDER BY c.relname
            """,
            [TABLE],
        )
        rows = cursor.fetchall()
    result = []
    for name, bound, estimate in rows:
        low = high = None
        if bound != "DEFAULT":
            # "FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')"
            parts = bound.split("'")
            low, high = dt.datetime.fromisoformat(parts[1]), dt.datetime.fromisoformat(parts[3])
        result.append(Partition(name, low, high, max(int(estimate), 0)))
    result.sort(key=lambda p: (p.low is None, p.low or dt.datetime.min.replace(tzinfo=dt.UTC)))
    return result


# --- Detached months (the archive register) -------------------------------------------------


@dataclass(frozen=True)
class Archived:
    chain: str
    table_name: str
    detached_at: dt.datetime
    rows: int
    head_seq: int
    head_hash: str

    def table_present(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [self.table_name])
            (present,) = cursor.fetchone()
        return bool(present)


def archived() -> dict[str, Archived]:
    """The months detached for the archive, by chain; empty on SQLite."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [REGISTER])
        (exists,) = cursor.fetchone()
        if not exists:
            return {}
        cursor.execute(
            f"SELECT chain, table_name, detached_at, rows, head_seq, head_hash FROM {REGISTER}"  # noqa: S608
        )
        return {row[0]: Archived(*row) for row in cursor.fetchall()}
