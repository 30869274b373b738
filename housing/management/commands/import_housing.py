"""Import neighbourhood boundaries (GeoJSON), indicators or dwellings (CSV/XLSX) from a file.

    manage.py import_housing indicators buurten_2025.xlsx --organisation gemeente-veerhaven
    manage.py import_housing boundaries buurten.geojson --organisation gemeente-veerhaven --dry-run

Every row is checked first; with any error nothing is written and every error is printed
with its line and field (exit status 1).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Organisation
from housing import importing


class Command(BaseCommand):
    help = "Import boundaries (GeoJSON), indicators or dwellings (CSV/XLSX): all rows valid, or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["boundaries", "indicators", "dwellings"])
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--organisation",
            required=True,
            help="slug of the municipality (boundaries, indicators: its region) or corporation (dwellings)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only check the file")

    def handle(
        self, *args: Any, kind: str, path: Path, organisation: str, dry_run: bool, **options: Any
    ) -> None:
        org = Organisation.objects.select_related("region").filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"Onbekende organisatie {organisation!r}.")
        if kind == "dwellings" and org.kind != "housing_corporation":
            raise CommandError("Woningen worden geïmporteerd voor een woningcorporatie.")
        started = time.perf_counter()
        try:
            content = path.read_bytes()
            report = importing.validate(kind, path.name, content, organisation=org)
        except (OSError, importing.ImportFileError) as error:
            raise CommandError(str(error)) from None
        checked = time.perf_counter() - started
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(report.errors)} fout(en); er is niets geschreven.")
        if dry_run:
            self.stdout.write(
                f"{len(report.rows)} regels in orde ({checked:.2f} s); niets geschreven (--dry-run)."
            )
            return
        written = importing.write(report, organisation=org)
        total = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{written} regels geïmporteerd in {total:.2f} s (controle {checked:.2f} s)."
            )
        )
