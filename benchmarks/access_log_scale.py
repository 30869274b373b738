"""The access log at scale: the two questions asked of it, on PostgreSQL, with COPY-loaded rows.

    uv run python -m benchmarks.access_log_scale --rows 2000000      # ~1 min, ~1 GB of disk
    uv run python -m benchmarks.access_log_scale --rows 100000000    # the national-scale target

Creates a scratch database (`woonbrug_bench_accesslog`, dropped at the end unless `--keep`),
the log table with the same columns and the indexes the application has (client_reference+at,
user_id, organisation_id, at, object type+id, the chain's unique (chain, seq)), loads synthetic
rows with COPY (500 users, 40,000 clients, 5 years, month chains), ANALYZEs, and times with
EXPLAIN ANALYZE:

1. the client overview ("Wie heeft mijn dossier ingezien?") for one client over 5 years;
2. the org admin's access-log page: one organisation, one person, one month, first 50 rows;
3. the cost of one chained log write (advisory lock, head, insert) against the table's size.

Bounded: `--rows` rows in COPY batches, `--seconds` overall (loading stops early and the
figures say how many rows were measured). No partitioning yet (issue 21 item 5): these are the
figures of the plain table with its indexes.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import UTC, datetime, timedelta

import psycopg

DB = "woonbrug_bench_accesslog"
DDL = """
CREATE TABLE accesslog (
    id bigserial PRIMARY KEY, at timestamptz NOT NULL, user_id bigint, user_email varchar(254),
    organisation_id bigint, organisation_name varchar(150), role varchar(100),
    action varchar(16), event varchar(100), object_type varchar(100), object_id varchar(100),
    result varchar(16), rule varchar(150), channel varchar(16), purpose varchar(200),
    client_reference varchar(20), chain varchar(7), seq bigint, prev_hash varchar(64),
    row_hash varchar(64)
);
"""
INDEXES = [
    "CREATE INDEX ON accesslog (client_reference, at)",
    "CREATE INDEX ON accesslog (user_id)",
    "CREATE INDEX ON accesslog (organisation_id)",
    "CREATE INDEX ON accesslog (at)",
    "CREATE INDEX ON accesslog (object_type, object_id)",
    "CREATE UNIQUE INDEX ON accesslog (chain, seq)",
]
EVENTS = ["cases.client.viewed", "placements.agreement.viewed", "aftercare.signal.viewed",
          "matching.proposal.viewed", "cases.client.listed"]  # fmt: skip


def rows(n: int, start: datetime, rng: random.Random, seqs: dict[str, int]) -> io.StringIO:
    out = io.StringIO()
    span = 5 * 365 * 86400
    for _ in range(n):
        at = start + timedelta(seconds=rng.random() * span)
        chain = at.strftime("%Y-%m")
        seqs[chain] = seqs.get(chain, 0) + 1
        user = rng.randint(1, 500)
        org = 1 + user % 25
        client = f"WB-{2021 + rng.randint(0, 5)}-{rng.randint(0, 39999):05d}"
        event = rng.choice(EVENTS)
        result = "refused" if rng.random() < 0.01 else "success"
        out.write(
            f"{at.isoformat()}\t{user}\tu{user}@x.nl\t{org}\tOrg {org}\tcare_coordinator\tview\t"
            f"{event}\tcases.client\t{client}\t{result}\trule\tweb\tcliëntdossier\t{client}\t"
            f"{chain}\t{seqs[chain]}\t{'0' * 64}\t{'1' * 64}\n"
        )
    out.seek(0)
    return out


def explain(cur: psycopg.Cursor, sql: str, params: tuple) -> float:
    cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
    plan = cur.fetchone()[0][0]  # type: ignore[index]
    return float(plan["Execution Time"]) + float(plan["Planning Time"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    with psycopg.connect(args.dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DB}")
        admin.execute(f"CREATE DATABASE {DB}")
    dsn = args.dsn.rsplit("/", 1)[0] + f"/{DB}"
    try:
        with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(DDL)
            rng, seqs, loaded = random.Random(7513), {}, 0
            start = datetime(2021, 12, 1, tzinfo=UTC)
            batch = 250_000
            while loaded < args.rows and time.monotonic() - started < args.seconds * 0.7:
                n = min(batch, args.rows - loaded)
                with cur.copy(
                    "COPY accesslog (at, user_id, user_email, organisation_id, organisation_name,"
                    " role, action, event, object_type, object_id, result, rule, channel, purpose,"
                    " client_reference, chain, seq, prev_hash, row_hash) FROM STDIN"
                ) as copy:
                    copy.write(rows(n, start, rng, seqs).getvalue())
                loaded += n
            load_s = time.monotonic() - started
            for statement in INDEXES:
                cur.execute(statement)
            cur.execute("ANALYZE accesslog")
            cur.execute("SELECT pg_total_relation_size('accesslog')")
            size = cur.fetchone()[0]  # type: ignore[index]
            client = "WB-2023-01234"
            overview = [
                explain(
                    cur,
                    "SELECT * FROM accesslog WHERE client_reference = %s AND at >= %s AND at < %s"
                    " ORDER BY at, id",
                    (client, start, start + timedelta(days=5 * 365)),
                )
                for _ in range(3)
            ]
            cur.execute("SELECT count(*) FROM accesslog WHERE client_reference = %s", (client,))
            client_rows = cur.fetchone()[0]  # type: ignore[index]
            month = start + timedelta(days=700)
            admin_page = [
                explain(
                    cur,
                    "SELECT * FROM accesslog WHERE organisation_id = %s AND user_id = %s"
                    " AND at >= %s AND at < %s ORDER BY at DESC, id DESC LIMIT 50",
                    (1 + 25 % 25, 25, month, month + timedelta(days=31)),
                )
                for _ in range(3)
            ]
            writes = []
            chain = "2026-12"
            for _ in range(200):
                t = time.perf_counter()
                with conn.transaction():
                    cur.execute("SELECT pg_advisory_xact_lock(7513, hashtext(%s))", (chain,))
                    cur.execute(
                        "SELECT seq, row_hash FROM accesslog WHERE chain = %s ORDER BY seq DESC"
                        " LIMIT 1",
                        (chain,),
                    )
                    head = cur.fetchone()
                    cur.execute(
                        "INSERT INTO accesslog (at, user_id, action, event, object_type, result,"
                        " client_reference, chain, seq, prev_hash, row_hash)"
                        " VALUES (now(), 1, 'view', 'cases.client.viewed', 'cases.client',"
                        " 'success', %s, %s, %s, %s, %s)",
                        (client, chain, (head[0] if head else 0) + 1, "0" * 64, "2" * 64),
                    )
                writes.append((time.perf_counter() - t) * 1000)
        writes.sort()
        print(f"rows loaded: {loaded:,} in {load_s:.0f} s; table + indexes {size / 1e9:.2f} GB")
        print(f"client overview, 5 years, {client_rows} rows: "
              f"{min(overview):.1f} ms (best of 3), {max(overview):.1f} ms worst")  # fmt: skip
        print(f"org admin's page (1 person, 1 month, 50 rows): {min(admin_page):.1f} ms best, "
              f"{max(admin_page):.1f} ms worst")  # fmt: skip
        print(f"chained log write (lock + head + insert, own transaction): median "
              f"{writes[len(writes) // 2]:.2f} ms, p95 {writes[int(len(writes) * 0.95)]:.2f} ms")  # fmt: skip
    finally:
        if not args.keep:
            with psycopg.connect(args.dsn, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
