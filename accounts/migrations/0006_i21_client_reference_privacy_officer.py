"""The access log names the client each row concerns (`client_reference`), and care
providers get a privacy officer role.

Existing rows are filled from what they already hold: a client row's id is the pseudonym,
rows about a client's proposal, placement, agreement, evaluation or signal end their id with
it (`<pk>:WB-2026-00001`). The append-only trigger is lifted for that one statement inside
this migration's transaction and put back before it commits: the values are derived from the
row itself, nothing recorded is changed.
"""

import re
from collections import defaultdict

from django.db import migrations, models

TABLE = "accounts_accesslogentry"
REFERENCE = re.compile(r"(WB-[0-9]{4}-[0-9]{5})$")
CLIENT_TYPES = (
    "cases.client",
    "matching.proposal",
    "placements.placement",
    "placements.agreement",
    "placements.evaluation",
    "aftercare.signal",
)


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]


def backfill(apps, schema_editor):
    """Fill `client_reference` for existing rows. SQLite rebuilt the table for the new column
    (dropping its triggers), so they are installed again here, rows or not."""
    entry = apps.get_model("accounts", "AccessLogEntry")
    vendor = schema_editor.connection.vendor
    ids_by_reference: dict[str, list[int]] = defaultdict(list)
    rows = entry.objects.filter(object_type__in=CLIENT_TYPES).values_list("pk", "object_id")
    for pk, object_id in rows.iterator(chunk_size=5000):
        if match := REFERENCE.search(object_id or ""):
            ids_by_reference[match.group(1)].append(pk)
    if vendor == "postgresql" and ids_by_reference:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER access_log_append_only")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS access_log_no_update;")
    for reference, ids in ids_by_reference.items():
        for start in range(0, len(ids), 500):
            entry.objects.filter(pk__in=ids[start : start + 500]).update(client_reference=reference)
    if vendor == "postgresql" and ids_by_reference:
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
        ("accounts", "0005_i12_accesslog_event"),
    ]

    operations = [
        # Going back, RemoveField rebuilds the SQLite table again: put the triggers back after.
        migrations.RunPython(migrations.RunPython.noop, reinstall_sqlite_triggers),
        migrations.RemoveConstraint(
            model_name="membership",
            name="membership_role_valid",
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="client_reference",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="cliënt"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("care_coordinator", "zorgcoördinator"),
                    ("housing_consultant", "woonconsulent"),
                    ("board_chair", "voorzitter plaatsingstafel"),
                    ("analyst", "beleidsanalist"),
                    ("org_admin", "beheerder organisatie"),
                    ("privacy_officer", "privacyfunctionaris"),
                ],
                max_length=32,
                verbose_name="rol",
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["client_reference", "at"], name="accesslog_client_idx"),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "role__in",
                        [
                            "care_coordinator",
                            "housing_consultant",
                            "board_chair",
                            "analyst",
                            "org_admin",
                            "privacy_officer",
                        ],
                    )
                ),
                name="membership_role_valid",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
