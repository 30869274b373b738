"""The application's database role can only INSERT and SELECT on the access log (issue 13):
no UPDATE, DELETE or TRUNCATE, and it cannot disable the append-only trigger."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.access import log
from accounts.db_roles import ACCESS_LOG_TABLE, grant_app_role
from accounts.models import AccessAction, AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _as(role: str, sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        cursor.execute(sql)


def test_the_app_role_inserts_and_reads_the_access_log(app_role):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        log._record(actor=None, action=AccessAction.VIEW, target="test.object", object_id="1")
        assert AccessLogEntry.objects.filter(object_type="test.object").count() == 1


@pytest.mark.parametrize(
    "sql",
    [
        f"TRUNCATE {ACCESS_LOG_TABLE}",
        f"ALTER TABLE {ACCESS_LOG_TABLE} DISABLE TRIGGER access_log_append_only",
        f"UPDATE {ACCESS_LOG_TABLE} SET purpose = 'x'",  # noqa: S608
        f"DELETE FROM {ACCESS_LOG_TABLE}",  # noqa: S608
        f"DROP TABLE {ACCESS_LOG_TABLE}",
    ],
)
def test_the_app_role_cannot_rewrite_or_empty_the_access_log(app_role, sql):
    log._record(actor=None, action=AccessAction.VIEW, target="test.object", object_id="1")
    with pytest.raises(DatabaseError) as refused:
        _as(app_role, sql)
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    assert AccessLogEntry.objects.count() == 1


def test_the_app_role_still_writes_other_tables(app_role):
    _as(app_role, "UPDATE accounts_notification SET read_at = NULL WHERE false")


def test_the_owner_cannot_be_the_app_role():
    from django.core.exceptions import ImproperlyConfigured

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(ImproperlyConfigured):
        grant_app_role(connection, owner)
