"""The access log's `event` column (a dotted name of what happened), backfilled for old rows.

Old rows get the event their object type and action imply (`cases.client` + `view` ->
`cases.client.viewed`); where the purpose carried the event after a colon ("plaatsingstafel
2026-W10: override confirmed", "plaatsing WB-2026-00001: extend") that named event is used.
The purpose itself is left as it was written: the log is history.

The table is append-only (migration 0002). On PostgreSQL its trigger is disabled for the
backfill only; SQLite rebuilds the table when a column is added, which drops its triggers,
so they are installed again here.
"""

import re

from django.db import migrations, models
from django.db.models.functions import Concat

TABLE = "accounts_accesslogentry"

VERBS = {
    "view": "viewed",
    "search": "searched",
    "create": "created",
    "change": "changed",
    "export": "exported",
    "print": "printed",
    "delete": "deleted",
}
# What services wrote after "purpose: " before events existed -> the event's last part.
DETAILS = {
    "voorwaarden": "terms_changed",
    "issue": "issued",
    "revise": "revised",
    "cancel": "cancelled",
    "sign care_provider": "signed",
    "sign corporation": "signed",
    "extend": "extended",
    "flip": "flipped",
    "convert": "converted",
    "end": "ended",
    "care_stop": "care_stopped",
    "care_resume": "care_resumed",
    "evaluation": "recorded",
    "confirm": "confirmed",
    "welkomstgesprek": "welcome_recorded",
    "override": "override_requested",
    "override confirmed": "override_confirmed",
    "override rejected": "override_rejected",
    "closed": "closed",
    "approved": "approved",
    "declined": "declined",
    "accepted": "accepted",
    "refused": "refused",
    "gedeeld": "shared",
    "niet meer gedeeld": "unshared",
    "doorrekenen": "run_started",
    "stoppen": "run_cancelled",
}
SLUG = re.compile(r"^[a-z][a-z_]*$")

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: UPDATE refused'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'access log is append-only: DELETE refused'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def event_of(object_type: str, action: str, purpose: str) -> str:
    _, sep, detail = purpose.rpartition(": ")
    verb = DETAILS.get(detail) if sep else None
    if verb is None and sep and SLUG.match(detail) and object_type == "cases.client":
        verb = detail  # client transitions were logged by their action name ("mark_ready")
    if object_type == "matching.meeting" and action == "create":
        verb = "generated"  # the only create logged on a meeting: a run of the engine
    return f"{object_type}.{verb or VERBS.get(action, action)}"[:100]


def backfill(apps, schema_editor):
    Entry = apps.get_model("accounts", "AccessLogEntry")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER access_log_append_only")
    else:
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    # Rows without a detail in one statement per action; the others one by one.
    for action, verb in VERBS.items():
        Entry.objects.filter(event="", action=action).exclude(purpose__contains=": ").update(
            event=Concat("object_type", models.Value(f".{verb}"))
        )
    pending = Entry.objects.filter(event="").only("object_type", "action", "purpose")
    for entry in pending.iterator(chunk_size=2000):
        Entry.objects.filter(pk=entry.pk).update(
            event=event_of(entry.object_type, entry.action, entry.purpose)
        )
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER access_log_append_only")
    else:
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_i14_notification_email_error")]

    operations = [
        # Going back, RemoveField rebuilds the SQLite table again: put the triggers back after.
        migrations.RunPython(migrations.RunPython.noop, reinstall_sqlite_triggers),
        migrations.AddField(
            model_name="accesslogentry",
            name="event",
            field=models.CharField(
                blank=True, db_index=True, max_length=100, verbose_name="gebeurtenis"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
