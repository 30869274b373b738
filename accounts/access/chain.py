"""The access log's hash chain: a log no one can rewrite unnoticed (BIO, GDPR art. 32).

Every row carries `chain` (its month, UTC, "2026-12": one chain per month, the same unit as
the PostgreSQL partitions, so a detached month verifies on its own), `seq` (1, 2, 3, ... in
that chain), `prev_hash` (the previous row's hash; the first row of a month starts from the
month's genesis value) and `row_hash` = SHA-256 over the previous hash and the row's own
fields. Changing, deleting or inserting a row breaks the link at that row; `verify` names the
first broken one. Cutting rows off the end is caught by the anchors: a daily task writes each
chain's head (seq and hash) to a file outside the application's reach
(`ACCESS_LOG_ANCHOR_FILE`), and verification checks every anchored head is still there.

Concurrency: writers of one chain take a PostgreSQL transaction-level advisory lock on the
chain before reading its head, so two parallel inserts never get the same `seq` or the same
`prev_hash` (the unique constraint on (chain, seq) is the last line). The lock is held until
the writing transaction commits; requests that only read write their row in autocommit, so
they hold it for one insert. SQLite (development) serialises writers by itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

from . import partitions

GENESIS_PREFIX = "woonbrug-access-log"
# Stands for every field a row's hash covers, in this order (never reorder: old rows).
HASHED_FIELDS = (
    "at",
    "user_id",
    "user_email",
    "organisation_id",
    "organisation_name",
    "role",
    "responsible_user_id",
    "responsible_user_email",
    "action",
    "event",
    "object_type",
    "object_id",
    "result",
    "rule",
    "ip_address",
    "channel",
    "purpose",
    "client_reference",
)
ADVISORY_NAMESPACE = 7513  # NEN 7513; the first key of pg_advisory_xact_lock(int, int)


def chain_of(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m")


def month_range(chain: str) -> tuple[dt.datetime, dt.datetime]:
    """The chain's month as a half-open UTC range: on PostgreSQL the filter on `at` that
    prunes a query to the chain's own partition (accounts.access.partitions)."""
    year, month = int(chain[:4]), int(chain[5:7])
    low = dt.datetime(year, month, 1, tzinfo=dt.UTC)
    return low, dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)


def of_chain(chain: str) -> Any:
    """The rows of one chain, as a queryset limited to its month's partition."""
    from accounts.models import AccessLogEntry

    low, high = month_range(chain)
    return AccessLogEntry.objects.filter(chain=chain, at__gte=low, at__lt=high)


def genesis(chain: str) -> str:
    return hashlib.sha256(f"{GENESIS_PREFIX}:{chain}".encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if value is None:
        return ""
    return str(value)


def row_hash(*, chain: str, seq: int, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = [chain, seq, prev_hash, *(_canonical(fields.get(name)) for name in HASHED_FIELDS)]
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()


def lock(chain: str) -> None:
    """Serialise the writers of one chain until their transaction ends (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ADVISORY_NAMESPACE, chain]
            )


def head(chain: str) -> tuple[int, str]:
    """(seq, hash) of the chain's last row; (0, genesis) for an empty chain."""
    last = of_chain(chain).order_by("-seq").values_list("seq", "row_hash").first()
    return last if last is not None else (0, genesis(chain))


# --- Verification (needs SELECT only) -------------------------------------------------------


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    entry_id: int | None
    problem: str  # "changed" | "relinked" | "missing" | "anchor" | "archive"

    def describe(self) -> str:
        what = {
            "changed": "the row's contents do not match its hash (changed after writing)",
            "relinked": "the row does not point at the previous row's hash (a row before it "
            "was changed, inserted or deleted)",
            "missing": "rows are missing before this one (the sequence skips)",
            "anchor": "an anchored head is no longer in the log (rows cut off or rewritten)",
            "archive": "the detached month's head is not the one recorded when it was "
            "detached (rows cut off or rewritten in the archive)",
        }[self.problem]
        row = f"row {self.entry_id}" if self.entry_id else "no row"
        return f"chain {self.chain}, seq {self.seq} ({row}): {what}"


@dataclass
class Result:
    rows: int
    chains: int
    breaks: list[Break]
    # Months detached for the archive (accounts.access.partitions): reported, not broken.
    archived: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


ROW_FIELDS = ("id", "chain", "seq", "prev_hash", "row_hash", *HASHED_FIELDS)


def _rows(chain: str) -> Iterator[dict[str, Any]]:
    yield from of_chain(chain).order_by("seq").values(*ROW_FIELDS).iterator(chunk_size=5000)


def _detached_rows(table: str) -> Iterator[dict[str, Any]]:
    """The rows of a month detached for the archive, a table of its own (PostgreSQL)."""
    quoted = connection.ops.quote_name(table)
    columns = ", ".join(connection.ops.quote_name(name) for name in ROW_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {quoted} ORDER BY seq")  # noqa: S608
        while batch := cursor.fetchmany(5000):
            for values in batch:
                row = dict(zip(ROW_FIELDS, values, strict=True))
                if row["ip_address"] is not None:
                    row["ip_address"] = str(row["ip_address"])
                yield row


def verify_chain(
    chain: str, rows: Iterable[dict[str, Any]] | None = None
) -> tuple[int, Break | None]:
    """(rows read, the first broken link or None) of one chain."""
    prev, expected_seq, count = genesis(chain), 1, 0
    for row in rows if rows is not None else _rows(chain):
        count += 1
        if row["seq"] != expected_seq:
            return count, Break(chain, expected_seq, row["id"], "missing")
        if row["prev_hash"] != prev:
            return count, Break(chain, row["seq"], row["id"], "relinked")
        computed = row_hash(chain=chain, seq=row["seq"], prev_hash=prev, fields=row)
        if computed != row["row_hash"]:
            return count, Break(chain, row["seq"], row["id"], "changed")
        prev, expected_seq = row["row_hash"], expected_seq + 1
    return count, None


def chains() -> list[str]:
    from accounts.models import AccessLogEntry

    return list(AccessLogEntry.objects.order_by("chain").values_list("chain", flat=True).distinct())


def read_anchors(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _anchored_in_archive(anchor: dict[str, Any], archive: partitions.Archived) -> bool:
    """An anchor of a detached month holds when the recorded head is at or after it and, if
    the detached table is still in the database, the anchored row is in it unchanged."""
    if anchor["seq"] > archive.head_seq:
        return False
    if anchor["seq"] == archive.head_seq:
        return bool(anchor["hash"] == archive.head_hash)
    if not archive.table_present():
        return True  # archived out of the database: only the recorded head remains to check
    quoted = connection.ops.quote_name(archive.table_name)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quoted} WHERE seq = %s AND row_hash = %s",  # noqa: S608
            [anchor["seq"], anchor["hash"]],
        )
        return cursor.fetchone() is not None


def check_anchors(anchors: Iterable[dict[str, Any]]) -> list[Break]:
    archive = partitions.archived()
    breaks = []
    for anchor in anchors:
        if anchor["chain"] in archive:
            present = _anchored_in_archive(anchor, archive[anchor["chain"]])
        else:
            present = (
                of_chain(anchor["chain"])
                .filter(seq=anchor["seq"], row_hash=anchor["hash"])
                .exists()
            )
        if not present:
            breaks.append(Break(anchor["chain"], anchor["seq"], None, "anchor"))
    return breaks


def verify_archived(archive: partitions.Archived) -> tuple[int, Break | None]:
    """A detached month: its own chain while its table is still in the database, and its
    head against the one recorded when it was detached. (0, None) once archived away."""
    if not archive.table_present():
        return 0, None
    count, broken = verify_chain(archive.chain, _detached_rows(archive.table_name))
    if broken is None:
        quoted = connection.ops.quote_name(archive.table_name)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, seq, row_hash FROM {quoted} ORDER BY seq DESC LIMIT 1"  # noqa: S608
            )
            last = cursor.fetchone()
        if last is None or (last[1], last[2]) != (archive.head_seq, archive.head_hash):
            broken = Break(archive.chain, archive.head_seq, last[0] if last else None, "archive")
    return count, broken


def verify(*, only: Iterable[str] | None = None, anchors: Path | None = None) -> Result:
    archive = partitions.archived()
    names = list(only) if only is not None else sorted({*chains(), *archive})
    total, breaks, archived = 0, [], []
    for name in names:
        if name in archive:
            archived.append(name)
            count, broken = verify_archived(archive[name])
        else:
            count, broken = verify_chain(name)
        total += count
        if broken is not None:
            breaks.append(broken)
    if anchors is not None:
        chosen = set(names)
        breaks += check_anchors(a for a in read_anchors(anchors) if a["chain"] in chosen)
    return Result(rows=total, chains=len(names), breaks=breaks, archived=archived)


def write_anchors(path: Path, *, at: dt.datetime) -> list[dict[str, Any]]:
    """Append every chain's head to the anchor file (one JSON line per chain)."""
    written = []
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        for name in chains():
            seq, digest = head(name)
            anchor = {"at": at.isoformat(), "chain": name, "seq": seq, "hash": digest}
            out.write(json.dumps(anchor) + "\n")
            written.append(anchor)
    return written


def anchor(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """The daily job: verify the current and the previous month's chains in full and every
    anchor written before, then append every chain's head to `ACCESS_LOG_ANCHOR_FILE`. The run
    is logged (`accounts.access_log.anchored`, result "fout" and the first break when one is
    found: the heads are then not written, so a broken chain is never anchored as good)."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import AccessAction, AccessResult

    from .actors import SystemActor
    from .log import audit

    now = now or timezone.now()
    path = Path(settings.ACCESS_LOG_ANCHOR_FILE) if settings.ACCESS_LOG_ANCHOR_FILE else None
    current = chain_of(now)
    previous = chain_of(now.replace(day=1) - dt.timedelta(days=1))
    recent = [c for c in chains() if c in {current, previous}]
    result = verify(only=recent)
    if path is not None:
        result.breaks += check_anchors(read_anchors(path))
    written: list[dict[str, Any]] = []
    if result.ok and path is not None:
        written = write_anchors(path, at=now)
    audit(
        "accounts.access_log.anchored",
        actor=SystemActor("accounts.access_log"),
        action=AccessAction.SEARCH,
        target="accounts.access_log",
        object_id=f"{len(written)} ketens",
        result=AccessResult.SUCCESS if result.ok else AccessResult.ERROR,
        purpose="integriteit toegangslog"
        + ("" if result.ok else f": {result.breaks[0].describe()}"[:150]),
    )
    return {
        "ok": result.ok,
        "rows_verified": result.rows,
        "anchored": len(written),
        "breaks": [b.describe() for b in result.breaks],
    }
