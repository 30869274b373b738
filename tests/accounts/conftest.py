"""Fixtures shared by the accounts tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from accounts.db_roles import grant_app_role


@pytest.fixture
def app_role() -> Iterator[str]:
    """The application's restricted database role (PostgreSQL), granted as in production.
    Roles are cluster-wide: one per test database, removed again afterwards."""
    role = f"{connection.settings_dict['NAME']}_app"[:60]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE ROLE "{role}" NOLOGIN')
    grant_app_role(connection, role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')
