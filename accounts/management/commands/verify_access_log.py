"""Verify the access log's hash chain and its anchors; name the first broken link.

    manage.py verify_access_log                  # every chain (month) and every anchor
    manage.py verify_access_log --chain 2026-12  # one month
    manage.py verify_access_log --anchors /mnt/worm/access-log-anchors.jsonl

A month detached for the archive (`manage.py access_log_detach`) is reported as archived, not
as broken: its table is verified while it is still in the database, and its head must be the
one recorded when it was detached. It only reads (SELECT on the log table, the anchor file), so an auditor runs it with a
read-only database role: set DATABASE_URL to that role. Exit status 1 when a link is broken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.access import chain, partitions


class Command(BaseCommand):
    help = "Verify the access log's hash chain and anchors; name the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", help="Only this month (YYYY-MM).")
        parser.add_argument(
            "--anchors", help="Anchor file (default ACCESS_LOG_ANCHOR_FILE; '' for none)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = options["anchors"]
        if anchors is None:
            anchors = settings.ACCESS_LOG_ANCHOR_FILE
        result = chain.verify(only=options["chain"], anchors=Path(anchors) if anchors else None)
        archive = partitions.archived()
        for name in result.archived:
            month = archive[name]
            where = (
                f"still in the database as {month.table_name}, verified"
                if month.table_present()
                else "archived out of the database; its recorded head is what anchors check"
            )
            self.stdout.write(
                f"ARCHIVED chain {name}: detached {month.detached_at:%Y-%m-%d} with {month.rows}"
                f" rows, head seq {month.head_seq} hash {month.head_hash[:16]}…; {where}"
            )
        for broken in result.breaks:
            self.stdout.write(f"BROKEN {broken.describe()}")
        summary = f"{result.rows} rows in {result.chains} chain(s)"
        if not result.ok:
            raise CommandError(f"access log verification failed: {summary}")
        self.stdout.write(f"OK: {summary}, every link and anchor holds")
