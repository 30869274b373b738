"""Import neighbourhood boundaries, indicators or dwellings from a file, as the page does.

    manage.py import_housing boundaries baarn_buurten_2024.geojson --organisation gemeente-baarn --user analist@baarn.nl
    manage.py import_housing indicators leefbaarometer.csv --organisation gemeente-baarn --user analist@baarn.nl
    manage.py import_housing indicators 84583NED.csv --organisation gemeente-den-haag --user … --dry-run
    manage.py import_housing boundaries buurtkaart_2024.geojson --municipalities GM0308,GM0307 …

The file goes through the same services as the upload page: an import record
(`ImportBatch`, channel "command") with the acting user, checked by the permission layer,
and the same access-log rows. Every row is checked first; with any error nothing is written
and every error is printed with its line and field (exit status 1).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.errors import DomainError, Forbidden
from accounts.models import Organisation
from housing import services


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
        parser.add_argument(
            "--user",
            required=True,
            help="e-mail of the member who imports (analyst or housing consultant): the actor",
        )
        parser.add_argument("--year", type=int, help="year of the figures, for files without one")
        parser.add_argument(
            "--municipalities",
            default="",
            help="CBS codes (GM0308,GM0307) to take from a national boundary file",
        )
        parser.add_argument(
            "--create-complexes", action="store_true", help="dwellings: create unknown complexes"
        )
        parser.add_argument("--dry-run", action="store_true", help="only check the file")

    def handle(
        self,
        *args: Any,
        kind: str,
        path: Path,
        organisation: str,
        user: str,
        year: int | None,
        municipalities: str,
        create_complexes: bool,
        dry_run: bool,
        **options: Any,
    ) -> None:
        org = Organisation.objects.select_related("region").filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"Onbekende organisatie {organisation!r}.")
        actor = get_user_model().objects.filter(email__iexact=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"Onbekende of inactieve gebruiker {user!r}.")
        started = time.perf_counter()
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        import_options = {
            "year": year,
            "municipalities": [c.strip().upper() for c in municipalities.split(",") if c.strip()],
            "create_complexes": create_complexes,
        }
        try:
            batch, report = services.import_upload(
                actor=actor,
                organisation=org,
                kind=kind,
                filename=path.name,
                content=content,
                options=import_options,
                channel="command",
            )
        except (PermissionDenied, Forbidden):
            raise CommandError(f"{user} mag voor {org.name} geen bestanden importeren.") from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        checked = time.perf_counter() - started
        for note in report.notes:
            self.stdout.write(note)
        for label, n in report.counts.items():
            self.stdout.write(f"{label}: {n}")
        if not report.ok:
            for group in report.error_groups:
                lines = f"regel {group.lines_label}" if group.lines_label else "bestand"
                field = f", {group.field}" if group.field else ""
                self.stderr.write(f"{lines}{field}: {group.message}")
            raise CommandError(
                f"{len(report.errors)} fout(en); er is niets geschreven (import {batch.pk})."
            )
        for label, n in report.changes.items():
            self.stdout.write(f"verandert: {label} in {n} regel(s) (buurt en jaar)")
        if dry_run:
            self.stdout.write(
                f"{len(report.rows)} regels in orde ({checked:.2f} s); niets geschreven (--dry-run, import {batch.pk})."
            )
            return
        try:
            report = services.import_apply(actor=actor, batch=batch)
        except (PermissionDenied, Forbidden):
            raise CommandError(f"{user} mag dit bestand niet verwerken.") from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        if not report.ok:
            for row_error in report.errors:
                self.stderr.write(str(row_error))
            raise CommandError(f"{len(report.errors)} fout(en); er is niets geschreven.")
        total = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.written} regels geïmporteerd in {total:.2f} s (controle {checked:.2f} s, import {batch.pk})."
            )
        )
