"""The access log's hash chain (accounts.access.chain): chain, seq, prev_hash, row_hash.

Rows written before are chained here in the order they were written (id), one chain per
month, with the same hash the application computes. The append-only trigger is lifted for
this migration's transaction only (PostgreSQL), and SQLite's triggers, dropped by the table
rebuild for the new columns, are installed again.
"""

from django.db import migrations, models

from accounts.access import chain as access_chain

TABLE = "accounts_accesslogentry"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]


def backfill(apps, schema_editor):
    entry = apps.get_model("accounts", "AccessLogEntry")
    vendor = schema_editor.connection.vendor
    pending = entry.objects.filter(chain="").exists()
    if vendor == "postgresql" and pending:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER access_log_append_only")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS access_log_no_update;")
    heads: dict[str, tuple[int, str]] = {}
    fields = ("id", *access_chain.HASHED_FIELDS)
    for row in entry.objects.order_by("id").values(*fields).iterator(chunk_size=5000):
        name = access_chain.chain_of(row["at"])
        seq, prev = heads.get(name, (0, access_chain.genesis(name)))
        digest = access_chain.row_hash(chain=name, seq=seq + 1, prev_hash=prev, fields=row)
        entry.objects.filter(pk=row["id"]).update(
            chain=name, seq=seq + 1, prev_hash=prev, row_hash=digest
        )
        heads[name] = (seq + 1, digest)
    if vendor == "postgresql" and pending:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER access_log_append_only")
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0007_i13_tokens_enrolment_role_grants'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_sqlite_triggers),
        migrations.AddField(
            model_name='accesslogentry',
            name='chain',
            field=models.CharField(blank=True, default='', max_length=7, verbose_name='keten'),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='prev_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='vorige hash'),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='row_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='accesslogentry',
            name='seq',
            field=models.BigIntegerField(default=0, verbose_name='volgnummer'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='accesslogentry',
            constraint=models.UniqueConstraint(fields=('chain', 'seq'), name='accesslog_chain_seq_unique'),
        ),
        # Adding the constraint rebuilt the SQLite table once more: its triggers go back on.
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
