"""Anonymise the cases past their retention period, as the daily beat task does.

manage.py apply_retention --dry-run   # what would go, changes nothing (logged as a check)
manage.py apply_retention             # do it (idempotent; bounded by RETENTION_TIME_LIMIT_SECONDS)
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cases.rights import retention


class Command(BaseCommand):
    help = "Anonymise cases past their retention period (--dry-run: only report)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention.retention_apply(dry_run=options["dry_run"])
        verb = "would anonymise" if report.dry_run else "anonymised"
        for outcome in report.done:
            kept = (
                f"; contract data kept until {outcome.contract_kept_until.isoformat()}"
                if outcome.contract_kept_until and "contract" not in outcome.kinds
                else ""
            )
            parts = ", ".join(f"{key} {rows}" for key, rows in outcome.parts.items() if rows)
            self.stdout.write(
                f"{verb} {outcome.reference}: {', '.join(sorted(outcome.kinds))}{kept}"
                + (f" (rows: {parts})" if parts else "")
            )
        for reference, reason in report.skipped.items():
            self.stdout.write(f"kept {reference}: {reason}")
        self.stdout.write(
            f"{len(report.done)} client(s) {verb}, {len(report.skipped)} kept (open case)"
            + (
                "; stopped at the time limit, the next run continues"
                if report.stopped_early
                else ""
            )
        )
