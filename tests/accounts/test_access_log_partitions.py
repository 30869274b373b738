"""The access log partitioned by month on PostgreSQL (issue 21 item 5): rows land in their
month's partition, partitions are created ahead (idempotently, also by the restricted app
role), a month without one still takes its rows, old months detach for the archive only after
the retention period and still verify, the overview and the admin page touch only the
partitions of their period, and the migration keeps every row both ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.access import chain, partitions
from accounts.access.log import audit
from accounts.models import AccessLogEntry
from accounts.selectors import access_log_list
from tests.accounts.factories import member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

UTC = dt.UTC


def write_at(monkeypatch, when: dt.datetime, n: int = 1, **kwargs) -> list[AccessLogEntry]:
    kwargs.setdefault("actor", None)
    monkeypatch.setattr("accounts.access.log.timezone.now", lambda: when)
    rows = [
        audit("test.thing.viewed", target="test.thing", object_id=str(i), **kwargs)
        for i in range(n)
    ]
    monkeypatch.undo()
    return rows


def partition_of(entry: AccessLogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tableoid::regclass::text FROM {partitions.TABLE} WHERE id = %s",  # noqa: S608
            [entry.pk],
        )
        return cursor.fetchone()[0]


def exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def superuser_sql(table: str, sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER access_log_append_only")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER access_log_append_only")


def test_the_log_is_partitioned_by_month_with_the_chain_tied_to_it():
    assert partitions.is_partitioned()
    names = [p.name for p in partitions.attached()]
    assert partitions.DEFAULT in names
    now = dt.datetime.now(UTC)
    assert partitions.partition_name(partitions.month_start(now)) in names
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # A row whose chain is not its month's is refused by the CHECK.
        cursor.execute(
            f"INSERT INTO {partitions.TABLE} (at, user_email, organisation_name, role,"  # noqa: S608
            " responsible_user_email, action, object_type, object_id, result, rule, channel,"
            " purpose, event, client_reference, chain, prev_hash, row_hash, seq)"
            " VALUES (now(), '', '', '', '', 'view', 'x', '', 'success', '', '', '', '', '',"
            " '1999-01', '', '', 1)"
        )


def test_rows_land_in_their_months_partition(monkeypatch):
    partitions.create(dt.date(2031, 3, 1), 2)
    march = write_at(monkeypatch, dt.datetime(2031, 3, 31, 23, 59, tzinfo=UTC))[0]
    april = write_at(monkeypatch, dt.datetime(2031, 4, 1, 0, 0, tzinfo=UTC))[0]
    assert partition_of(march) == "accounts_accesslogentry_p2031_03"
    assert partition_of(april) == "accounts_accesslogentry_p2031_04"
    assert (march.chain, april.chain) == ("2031-03", "2031-04")
    assert chain.verify().ok


def test_partitions_are_created_ahead_and_idempotently():
    now = dt.datetime(2032, 11, 15, tzinfo=UTC)
    assert partitions.create_ahead(now=now, ahead=3) == 4
    for month in ("2032_11", "2032_12", "2033_01", "2033_02"):
        assert exists(f"accounts_accesslogentry_p{month}")
    assert not exists("accounts_accesslogentry_p2033_03")
    assert partitions.create_ahead(now=now, ahead=3) == 0


def test_the_daily_task_creates_this_month_and_the_months_ahead(settings):
    from accounts.tasks import create_access_log_partitions

    settings.ACCESS_LOG_PARTITIONS_AHEAD = 14
    result = create_access_log_partitions.apply().get()
    assert result["ahead"] == 14 and result["created"] >= 1
    later = partitions.add_months(partitions.month_start(dt.datetime.now(UTC)), 14)
    assert exists(partitions.partition_name(later))
    assert create_access_log_partitions.apply().get()["created"] == 0


def test_a_month_without_a_partition_still_takes_its_rows_and_moves_them_in_later(monkeypatch):
    when = dt.datetime(2040, 6, 10, 12, tzinfo=UTC)
    rows = write_at(monkeypatch, when, 3)
    assert {partition_of(r) for r in rows} == {partitions.DEFAULT}
    assert partitions.create(dt.date(2040, 6, 1), 1) == 1
    assert {partition_of(r) for r in rows} == {"accounts_accesslogentry_p2040_06"}
    assert AccessLogEntry.objects.filter(chain="2040-06").count() == 3
    more = write_at(monkeypatch, when + dt.timedelta(hours=1))[0]
    assert more.seq == 4
    assert chain.verify(only=["2040-06"]).ok
    # The default partition is attached again, append-only as before.
    assert partitions.DEFAULT in [p.name for p in partitions.attached()]
    write_at(monkeypatch, dt.datetime(2041, 1, 1, tzinfo=UTC))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {partitions.DEFAULT}")  # noqa: S608


def test_a_month_inside_the_retention_period_is_not_detached(monkeypatch):
    write_at(monkeypatch, dt.datetime.now(UTC))
    this_month = f"{dt.datetime.now(UTC):%Y-%m}"
    with pytest.raises(CommandError) as refused:
        call_command("access_log_detach", this_month)
    assert "valt binnen de bewaartermijn van het toegangslog" in str(refused.value)
    assert partitions.archived() == {}
    with pytest.raises(CommandError, match="JJJJ-MM"):
        call_command("access_log_detach", "2020-13")


def test_an_old_month_detaches_for_the_archive_and_still_verifies(monkeypatch, capsys):
    old = write_at(monkeypatch, dt.datetime(2019, 3, 5, 9, tzinfo=UTC), 4)
    recent = write_at(monkeypatch, dt.datetime.now(UTC), 2)
    call_command("access_log_detach", "2019-03")
    out = capsys.readouterr().out
    assert "Maand 2019-03 losgekoppeld" in out and "4 regels" in out
    table = "accounts_accesslogentry_p2019_03"
    assert table not in [p.name for p in partitions.attached()]
    assert not AccessLogEntry.objects.filter(chain="2019-03").exists()
    archived = partitions.archived()["2019-03"]
    assert (archived.rows, archived.head_seq, archived.head_hash) == (4, 4, old[-1].row_hash)
    # The act itself is in the log.
    assert AccessLogEntry.objects.filter(
        event="accounts.access_log.detached", object_id="2019-03"
    ).exists()
    call_command("verify_access_log", "--anchors", "")
    out = capsys.readouterr().out
    assert "ARCHIVED chain 2019-03" in out and out.strip().endswith("every link and anchor holds")
    # The detached table is still append-only; a superuser's change in it is named.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET purpose = 'x'")  # noqa: S608
    superuser_sql(table, f"UPDATE {table} SET purpose = 'anders' WHERE id = %s", [old[2].pk])  # noqa: S608
    with pytest.raises(CommandError):
        call_command("verify_access_log", "--anchors", "")
    assert f"chain 2019-03, seq 3 (row {old[2].pk})" in capsys.readouterr().out
    # A second detach of the same month is refused.
    with pytest.raises(CommandError, match="al losgekoppeld"):
        call_command("access_log_detach", "2019-03")
    assert AccessLogEntry.objects.filter(pk__in=[r.pk for r in recent]).count() == 2


def test_anchors_of_a_month_archived_out_of_the_database_still_hold(monkeypatch, tmp_path):
    rows = write_at(monkeypatch, dt.datetime(2018, 7, 1, 8, tzinfo=UTC), 3)
    anchors = tmp_path / "anchors.jsonl"
    chain.write_anchors(anchors, at=dt.datetime.now(UTC))
    call_command("access_log_detach", "2018-07")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE accounts_accesslogentry_p2018_07")  # archived, then dropped
    result = chain.verify(anchors=anchors)
    assert result.ok and "2018-07" in result.archived
    # An anchor that claims a later head than the one recorded at detaching is a break.
    anchors.write_text(
        anchors.read_text()
        + f'{{"at": "x", "chain": "2018-07", "seq": 9, "hash": "{rows[0].row_hash}"}}\n'
    )
    assert [b.problem for b in chain.verify(anchors=anchors).breaks] == ["anchor"]


def _as(role: str, sql: str, params: list | None = None) -> object:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql, params or [])
        return cursor.fetchone() if cursor.description else None


def test_the_app_role_writes_and_creates_partitions_but_never_rewrites(app_role):
    audit("test.thing.viewed", actor=None, target="test.thing", object_id="1")
    current = partitions.partition_name(partitions.month_start(dt.datetime.now(UTC)))
    assert _as(app_role, f"SELECT {partitions.FUNCTION}(%s, 2)", [dt.date(2045, 1, 1)]) == (2,)
    assert exists("accounts_accesslogentry_p2045_02")
    for sql in (
        f"UPDATE {partitions.TABLE} SET purpose = 'x'",  # noqa: S608
        f"DELETE FROM {partitions.TABLE}",  # noqa: S608
        f"UPDATE {current} SET purpose = 'x'",  # noqa: S608
        f"DELETE FROM {current}",  # noqa: S608
        f"TRUNCATE {current}",
        f"UPDATE {partitions.DEFAULT} SET purpose = 'x'",  # noqa: S608
        f"ALTER TABLE {partitions.TABLE} DETACH PARTITION {current}",
        f"INSERT INTO {partitions.REGISTER} VALUES ('2000-01', 't', now(), 0, 0, '')",  # noqa: S608
    ):
        with pytest.raises(DatabaseError) as refused:
            _as(app_role, sql)
        message = str(refused.value)
        assert "permission denied" in message or "must be owner" in message, sql
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        audit("test.thing.viewed", actor=None, target="test.thing", object_id="2")
        cursor.execute(f"SELECT count(*) FROM {partitions.REGISTER}")  # noqa: S608
    assert AccessLogEntry.objects.filter(object_type="test.thing").count() == 2


def _plan(queryset) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_the_overview_and_the_admin_page_touch_only_their_periods_partitions(monkeypatch, region):
    from cases.rights.overview import entries_for

    partitions.create(dt.date(2034, 1, 1), 12)
    admin = member("org_admin")
    coordinator = member("care_coordinator", organisation=admin.memberships.first().organisation)
    for month in (2, 5, 9):
        write_at(monkeypatch, dt.datetime(2034, month, 3, tzinfo=UTC), actor=coordinator)

    class Client:
        reference = "WB-2034-00001"

    overview = _plan(
        entries_for(client=Client(), start=dt.date(2034, 5, 1), end=dt.date(2034, 5, 31))  # type: ignore[arg-type]
    )
    assert "accounts_accesslogentry_p2034_05" in overview
    assert "p2034_02" not in overview and "p2034_09" not in overview
    assert "client_reference" in overview and "Index" in overview
    page = _plan(
        access_log_list(
            user=admin,
            filters={
                "date_from": dt.date(2034, 9, 2),
                "date_to": dt.date(2034, 9, 20),
                "person": coordinator.pk,
            },
        ).order_by("-at", "-id")[:50]
    )
    assert "accounts_accesslogentry_p2034_09" in page
    assert "p2034_05" not in page and "p2034_02" not in page
    assert "Index" in page and "organisation_id" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_both_ways(monkeypatch):
    write_at(monkeypatch, dt.datetime(2025, 11, 30, 23, tzinfo=UTC), 2)
    write_at(monkeypatch, dt.datetime.now(UTC), 3)
    before = list(AccessLogEntry.objects.order_by("id").values_list("id", "chain", "row_hash"))
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate([("accounts", "0009_i21_oidc")])
    assert not partitions.is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, chain, row_hash FROM {partitions.TABLE} ORDER BY id")  # noqa: S608
        assert [tuple(r) for r in cursor.fetchall()] == before
    assert chain.verify().ok
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert partitions.is_partitioned()
    after = list(AccessLogEntry.objects.order_by("id").values_list("id", "chain", "row_hash"))
    assert after == before
    assert partition_of(AccessLogEntry.objects.get(pk=before[0][0])).endswith("_p2025_11")
    assert chain.verify().ok
    # New rows continue the ids and the chain.
    row = audit("test.thing.viewed", actor=None, target="test.thing", object_id="after")
    assert row.pk > before[-1][0] and row.seq == 4
