"""The access log's hash chain: each row's hash covers the previous one, `verify_access_log`
names the first broken link after superuser SQL altered, removed or cut off rows, the daily
job anchors the heads outside the app, and parallel writers keep one unbroken chain."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.access import chain
from accounts.access.log import audit
from accounts.models import AccessLogEntry
from tests.accounts.factories import member
from tests.races import race

TABLE = "accounts_accesslogentry"


def write(n: int, actor=None) -> list[AccessLogEntry]:
    return [
        audit("test.thing.viewed", actor=actor, target="test.thing", object_id=str(i))
        for i in range(n)
    ]


def superuser_sql(sql: str, params: list | None = None) -> None:
    """What an administrator with full rights could do: lift the trigger and change rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER access_log_append_only")
            cursor.execute(sql, params or [])
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER access_log_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS access_log_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
            cursor.execute(sql, params or [])


@pytest.mark.django_db
def test_each_row_links_to_the_previous_one(region):
    rows = write(5, member("care_coordinator"))
    name = rows[0].chain
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == chain.genesis(name)
    assert all(b.prev_hash == a.row_hash for a, b in itertools.pairwise(rows))
    result = chain.verify()
    assert result.ok and result.rows == 5


@pytest.mark.django_db
def test_a_changed_row_is_named(region, capsys):
    rows = write(6)
    call_command("verify_access_log", "--anchors", "")
    superuser_sql(
        "UPDATE accounts_accesslogentry SET purpose = %s WHERE id = %s", ["iets anders", rows[3].pk]
    )
    result = chain.verify()
    assert [(b.seq, b.entry_id, b.problem) for b in result.breaks] == [(4, rows[3].pk, "changed")]
    with pytest.raises(CommandError):
        call_command("verify_access_log", "--anchors", "")
    assert f"row {rows[3].pk}" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_removed_row_is_named(region):
    rows = write(5)
    superuser_sql("DELETE FROM accounts_accesslogentry WHERE id = %s", [rows[2].pk])
    [broken] = chain.verify().breaks
    assert (broken.seq, broken.entry_id, broken.problem) == (3, rows[3].pk, "missing")


@pytest.mark.django_db
def test_a_rehashed_row_breaks_the_next_link(region):
    """Someone who recomputes the changed row's hash still breaks the row after it."""
    rows = write(4)
    target = AccessLogEntry.objects.values(*chain.HASHED_FIELDS).get(pk=rows[1].pk)
    target["purpose"] = "verzonnen"
    forged = chain.row_hash(chain=rows[1].chain, seq=2, prev_hash=rows[1].prev_hash, fields=target)
    superuser_sql(
        "UPDATE accounts_accesslogentry SET purpose = %s, row_hash = %s WHERE id = %s",
        ["verzonnen", forged, rows[1].pk],
    )
    [broken] = chain.verify().breaks
    assert (broken.seq, broken.entry_id, broken.problem) == (3, rows[2].pk, "relinked")


@pytest.mark.django_db
def test_the_daily_anchor_catches_a_cut_off_tail(region, settings, tmp_path):
    settings.ACCESS_LOG_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    write(3)
    first = chain.anchor()
    assert first["ok"] and first["anchored"] == 1
    anchors = [json.loads(line) for line in (tmp_path / "anchors.jsonl").read_text().splitlines()]
    assert anchors[0]["seq"] == 3
    write(2)
    assert chain.anchor()["ok"]
    # Cutting the last rows off leaves a valid chain, but not the anchored head.
    last = AccessLogEntry.objects.order_by("-seq")[:4]
    for entry in last:
        superuser_sql("DELETE FROM accounts_accesslogentry WHERE id = %s", [entry.pk])
    assert chain.verify().ok  # the chain alone cannot tell
    report = chain.anchor()
    assert not report["ok"] and report["anchored"] == 0
    assert "anchored head" in report["breaks"][0]
    logged = AccessLogEntry.objects.filter(event="accounts.access_log.anchored").order_by("-id")[0]
    assert logged.result == "error" and "seq" in logged.purpose
    with pytest.raises(CommandError):
        call_command("verify_access_log")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain(region):
    users = [member("care_coordinator") for _ in range(8)]
    results = race(*[lambda u=u: write(15, u) for u in users])
    assert not [r for r in results if isinstance(r, Exception)], results
    seqs = sorted(AccessLogEntry.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert chain.verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_chain_lock_parallel_writers_collide(region, monkeypatch):
    """The advisory lock is what keeps the chain whole: without it writers read one head."""
    monkeypatch.setattr(chain, "lock", lambda name: None)
    results = race(*[lambda: write(15) for _ in range(8)])
    assert [r for r in results if isinstance(r, Exception)]
