"""Validate-then-write imports of the Dutch public files as they are published, and of
corporations' dwelling exports.

    boundaries  GeoJSON: CBS/PDOK wijk- en buurtkaart or a municipality's own (`boundaries`)
    indicators  CBS Kerncijfers (OData CSV, StatLine export), buurtkaart key figures,
                Leefbaarometer 3.0, our own template (`indicators`)
    dwellings   a corporation's CSV/XLSX export (`dwellings`)

Every row is checked first and every problem is reported with its line and field (grouped
for people: the same problem on many lines is one entry). Only when no row has an error is
anything written, in one transaction, with bulk statements: a national buurtkaart (~14,000
buurten) takes seconds (see benchmarks/housing_import.py).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import Organisation
from accounts.validation import has_control_characters

from . import geo
from .boundaries import accepted_properties, validate_boundaries, write_boundaries
from .dwellings import accepted_columns as dwelling_columns
from .dwellings import dwelling_template, validate_dwellings, write_dwellings
from .indicators import (
    INDICATORS,
    LEEFBAAROMETER_CLASS_FLOORS,
    indicator_template,
    liveability_class_of,
    validate_indicators,
    write_indicators,
)
from .indicators import accepted_columns as indicator_columns
from .report import ErrorGroup, Report, RowError, StoredReport
from .tables import ImportFileError, read_table
from .values import Invalid, is_unknown

__all__ = [
    "INDICATORS",
    "LEEFBAAROMETER_CLASS_FLOORS",
    "ErrorGroup",
    "ImportFileError",
    "Invalid",
    "Report",
    "RowError",
    "StoredReport",
    "accepted",
    "geo",
    "is_unknown",
    "liveability_class_of",
    "read_table",
    "template",
    "validate",
    "validate_and_write",
    "write",
]


def accepted(kind: str) -> list[tuple[str, str, str]]:
    """(column or property names, meaning, public source) per kind, for the import page."""
    if kind == "boundaries":
        return accepted_properties()
    if kind == "indicators":
        return indicator_columns()
    return dwelling_columns()


def template(kind: str) -> tuple[str, bytes, str]:
    """(file name, content, content type) of an empty template for `kind`."""
    if kind == "indicators":
        return "buurtindicatoren_sjabloon.csv", indicator_template(), "text/csv"
    if kind == "dwellings":
        return "woningen_sjabloon.csv", dwelling_template(), "text/csv"
    example = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        b'{"buurtcode": "BU03080000", "buurtnaam": "Centrum", "wijkcode": "WK030800", '
        b'"gemeentecode": "GM0308", "gemeentenaam": "Baarn"}, "geometry": {"type": "Polygon", '
        b'"coordinates": [[[5.28, 52.21], [5.29, 52.21], [5.29, 52.22], [5.28, 52.22], '
        b"[5.28, 52.21]]]}}]}\n"
    )
    return "buurtgrenzen_sjabloon.geojson", example, "application/geo+json"


def _looks_like_geojson(filename: str, content: bytes) -> bool:
    return filename.lower().endswith((".geojson", ".json")) or content[:200].lstrip().startswith(
        b"{"
    )


def validate(
    kind: str,
    filename: str,
    content: bytes,
    *,
    organisation: Organisation,
    options: dict[str, Any] | None = None,
) -> Report:
    """Check a file of `kind` for `organisation`; raises ImportFileError for unreadable files.

    `options`: `year` (files without a year column), `municipalities` (limit a national
    boundary file), `create_complexes` (dwellings).
    """
    report = _validate(kind, filename, content, organisation=organisation, options=options)
    _refuse_control_characters(report)
    return report


def _refuse_control_characters(report: Report) -> None:
    """A value with a NUL byte or a control character is refused at its row and column: a
    CSV is refused whole for a NUL byte, but an XLSX (`_x0000_`) or a GeoJSON (`\\u0000`)
    carries one inside a cell, and PostgreSQL refused it only at "Alles opslaan" (a 500)."""
    for number, row in enumerate(report.rows, start=1):
        for name, value in row.items():
            if has_control_characters(value):
                report.error(
                    row.get("line", number),
                    str(name),
                    "bevat een nul-byte of stuurteken; haal het weg",
                )


def _validate(
    kind: str,
    filename: str,
    content: bytes,
    *,
    organisation: Organisation,
    options: dict[str, Any] | None = None,
) -> Report:
    options = options or {}
    year = options.get("year") or None
    if kind == "indicators":
        if _looks_like_geojson(filename, content):
            from .boundaries import load_features

            _data, features = load_features(content)
            return validate_indicators(
                filename, content, region=organisation.region, year=year, features=features
            )
        return validate_indicators(filename, content, region=organisation.region, year=year)
    if kind == "boundaries":
        return validate_boundaries(
            filename,
            content,
            region=organisation.region,
            municipalities=options.get("municipalities") or None,
            year=year,
        )
    if kind == "dwellings":
        if _looks_like_geojson(filename, content):
            raise ImportFileError(
                "Dit lijkt een GeoJSON-bestand (buurtgrenzen), geen woningenbestand."
            )
        return validate_dwellings(
            filename,
            content,
            corporation=organisation,
            create_complexes=bool(options.get("create_complexes")),
        )
    raise ImportFileError(f"Onbekende soort import {kind!r}.")


def validate_and_write(
    kind: str,
    filename: str,
    content: bytes,
    *,
    organisation: Organisation,
    actor: Any = None,
    options: dict[str, Any] | None = None,
) -> Report:
    """Validate, and write everything in one transaction only when no row has an error."""
    report = validate(kind, filename, content, organisation=organisation, options=options)
    if report.ok:
        write(report, organisation=organisation, actor=actor, filename=filename)
    return report


def write(
    report: Report, *, organisation: Organisation, actor: Any = None, filename: str = ""
) -> int:
    """Write a report without errors, all in one transaction."""
    if not report.ok:
        raise ValueError("refusing to write a report with errors")
    with transaction.atomic():
        if report.kind == "indicators":
            report.written = write_indicators(report, filename=filename)
        elif report.kind == "boundaries":
            municipality_org = organisation if organisation.kind == "municipality" else None
            report.written = write_boundaries(
                report, region=organisation.region, organisation=municipality_org, filename=filename
            )
        else:
            report.written = write_dwellings(report, corporation=organisation, actor=actor)
    return report.written
