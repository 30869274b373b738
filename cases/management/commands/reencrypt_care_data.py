"""Re-encrypt all care-only data with the first key of FIELD_ENCRYPTION_KEYS (key rotation).

Rotation, step by step:
1. Generate a key: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
2. Set FIELD_ENCRYPTION_KEYS=<new>,<old> (new first) and deploy: new values use the new key,
   old values still decrypt.
3. Run `manage.py reencrypt_care_data` (safe to repeat; works in batches).
4. Remove the old key from FIELD_ENCRYPTION_KEYS and deploy again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from cases.fields import EncryptedDateField, EncryptedTextField, rotate_token
from cases.models import CareRecord, ClientNote

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt care-only client data with the first FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        for model in (CareRecord, ClientNote):
            fields = [
                f
                for f in model._meta.concrete_fields
                if isinstance(f, EncryptedTextField | EncryptedDateField)
            ]
            columns = [str(f.column) for f in fields]
            table = connection.ops.quote_name(model._meta.db_table)
            assert model._meta.pk is not None and model._meta.pk.column is not None
            pk = connection.ops.quote_name(model._meta.pk.column)
            done = 0
            last = None
            while True:
                # Work on the stored tokens directly: MultiFernet.rotate never exposes plain text.
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f"WHERE {pk} > %s " if last is not None else ""
                    cursor.execute(
                        f"SELECT {pk}, {', '.join(connection.ops.quote_name(c) for c in columns)} "  # noqa: S608
                        f"FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",
                        [last] if last is not None else [],
                    )
                    rows = cursor.fetchall()
                    for row in rows:
                        values = [rotate_token(v) if v is not None else None for v in row[1:]]
                        assignments = ", ".join(
                            f"{connection.ops.quote_name(c)} = %s" for c in columns
                        )
                        update = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
                        cursor.execute(update, [*values, row[0]])
                if not rows:
                    break
                last = rows[-1][0]
                done += len(rows)
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
