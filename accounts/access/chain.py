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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

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
    from accounts.models import AccessLogEntry

    last = (
        AccessLogEntry.objects.filter(chain=chain)
        .order_by("-seq")
        .values_list("seq", "row_hash")
        .first()
    )
    return last if last is not None else (0, genesis(chain))


# --- Verification (needs SELECT only) -------------------------------------------------------


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    entry_id: int | None
    problem: str  # "changed" | "relinked" | "missing" | "anchor"

    def describe(self) -> str:
        what = {
            "changed": "the row's contents do not match its hash (changed after writing)",
            "relinked": "the row does not point at the previous row's hash (a row before it "
            "was changed, inserted or deleted)",
            "missing": "rows are missing before this one (the sequence skips)",
            "anchor": "an anchored head is no longer in the log (rows cut off or rewritten)",
        }[self.problem]
        row = f"row {self.entry_id}" if self.entry_id else "no row"
        return f"chain {self.chain}, seq {self.seq} ({row}): {what}"


@dataclass
class Result:
    rows: int
    chains: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _rows(chain: str) -> Iterator[dict[str, Any]]:
    from accounts.models import AccessLogEntry

    fields = ("id", "chain", "seq", "prev_hash", "row_hash", *HASHED_FIELDS)
    yield from (
        AccessLogEntry.objects.filter(chain=chain)
        .order_by("seq")
        .values(*fields)
        .iterator(chunk_size=5000)
    )


def verify_chain(chain: str) -> tuple[int, Break | None]:
    """(rows read, the first broken link or None) of one chain."""
    prev, expected_seq, count = genesis(chain), 1, 0
    for row in _rows(chain):
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


def check_anchors(anchors: Iterable[dict[str, Any]]) -> list[Break]:
    from accounts.models import AccessLogEntry

    breaks = []
    for anchor in anchors:
        present = AccessLogEntry.objects.filter(
            chain=anchor["chain"], seq=anchor["seq"], row_hash=anchor["hash"]
        ).exists()
        if not present:
            breaks.append(Break(anchor["chain"], anchor["seq"], None, "anchor"))
    return breaks


def verify(*, only: Iterable[str] | None = None, anchors: Path | None = None) -> Result:
    names = list(only) if only is not None else chains()
    total, breaks = 0, []
    for name in names:
        count, broken = verify_chain(name)
        total += count
        if broken is not None:
            breaks.append(broken)
    if anchors is not None:
        chosen = set(names)
        breaks += check_anchors(a for a in read_anchors(anchors) if a["chain"] in chosen)
    return Result(rows=total, chains=len(names), breaks=breaks)


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
