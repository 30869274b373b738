"""What one access-log row costs in statements, for the tests that pin a page's queries.

Since the hash chain (accounts.access.chain) a row reads its chain's head before the insert,
and on PostgreSQL takes the chain's advisory lock first: one statement more per row on SQLite,
two on PostgreSQL."""

from __future__ import annotations

from django.db import connection


def chain_statements(rows: int = 1) -> int:
    return rows * (2 if connection.vendor == "postgresql" else 1)
