"""Validate-then-write imports: neighbourhood boundaries (GeoJSON), indicators and dwellings
(CSV or XLSX).

Every row is checked first (codes, ranges, duplicates, unknown and missing columns) and every
problem is reported with its line number and field. Only when no row has an error is anything
written, in one transaction, with bulk statements: a whole country (~14,000 neighbourhoods)
takes seconds (see benchmarks/housing_import.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Region

from .models import (
    DISTRICT_CODE_REGEX,
    MUNICIPALITY_CODE_REGEX,
    NEIGHBOURHOOD_CODE_REGEX,
    POSTCODE_REGEX,
    Complex,
    District,
    Dwelling,
    DwellingEvent,
    DwellingStatus,
    DwellingType,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)

BATCH = 1000
PREVIEW_ROWS = 20


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX/GeoJSON, empty, bad encoding)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1 is the header of a table; features of a GeoJSON file count from 1
    field: str
    message: str

    def __str__(self) -> str:
        where = f"regel {self.line}" if self.line else "bestand"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass
class Report:
    """What an import found: the parsed rows (only meaningful when there are no errors)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # the row key of each column
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def preview(self) -> list[list[Any]]:
        """The first rows as a table under `columns` (geometry left out)."""
        return [[row.get(t) for t in self.targets] for row in self.rows[:PREVIEW_ROWS]]


# --- Reading tables ---------------------------------------------------------------------------


def _normalise_header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def read_table(filename: str, content: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(normalised header, iterator of (line number, values)) for a CSV or XLSX file."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if filename.lower().endswith((".csv", ".txt")):
        return _read_csv(content)
    raise ImportFileError("Alleen CSV- of XLSX-bestanden (.csv, .xlsx).")


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV (puntkomma)" on Dutch Windows
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_normalise_header(h) for h in next(reader)]
    except StopIteration:
        raise ImportFileError("Het bestand is leeg.") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, values

    return header, rows()


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(f"Geen leesbaar XLSX-bestand ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_normalise_header(h) for h in next(iterator)]
    except StopIteration:
        raise ImportFileError("Het werkblad is leeg.") from None
    while header and header[-1] == "":
        header.pop()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(iterator, start=2):
            if any(v not in (None, "") for v in values):
                yield number, list(values)
        workbook.close()

    return header, rows()


# --- Parsing single values -------------------------------------------------------------------


class Invalid(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(
    value: Any, *, low: float | None = None, high: float | None = None, places: int = 2
) -> Decimal:
    raw = _text(value).replace(" ", "")
    if "," in raw and "." in raw:
        raw = raw.replace(".", "")  # 1.234,50
    raw = raw.replace(",", ".").rstrip("%")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise Invalid(f"geen getal: {_text(value)!r}") from None
    if not number.is_finite():
        raise Invalid("geen getal")
    if low is not None and number < Decimal(str(low)):
        raise Invalid(f"{number} is kleiner dan {low:g}")
    if high is not None and number > Decimal(str(high)):
        raise Invalid(f"{number} is groter dan {high:g}")
    return number.quantize(Decimal(1).scaleb(-places))


def _integer(value: Any, *, low: int | None = None, high: int | None = None) -> int:
    raw = _text(value)
    try:
        number = int(raw)
    except ValueError:
        raise Invalid(f"geen geheel getal: {raw!r}") from None
    if low is not None and number < low:
        raise Invalid(f"{number} is kleiner dan {low}")
    if high is not None and number > high:
        raise Invalid(f"{number} is groter dan {high}")
    return number


def _percentage(value: Any) -> Decimal:
    return _decimal(value, low=0, high=100)


TRUE = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
FALSE = {"0", "nee", "n", "no", "false", "onwaar", ""}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = _text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise Invalid(f"ja of nee verwacht, niet {raw!r}")


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _text(value)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise Invalid(f"datum als JJJJ-MM-DD verwacht, niet {raw!r}")


def _code(pattern: str, example: str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def parse(value: Any) -> str:
        code = _text(value).upper().replace(" ", "")
        if not compiled.match(code):
            raise Invalid(f"{_text(value)!r} is geen geldige code (verwacht {example})")
        return code

    return parse


neighbourhood_code = _code(NEIGHBOURHOOD_CODE_REGEX, "BU + 8 cijfers")
district_code = _code(DISTRICT_CODE_REGEX, "WK + 6 cijfers")
municipality_code = _code(MUNICIPALITY_CODE_REGEX, "GM + 4 cijfers")


@dataclass(frozen=True)
class Column:
    name: str  # the column header (Dutch)
    target: str  # the model field
    parse: Callable[[Any], Any]
    required: bool = True


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: None if _text(v) == "" else parse(v)


def _validate_header(header: list[str], columns: list[Column], report: Report) -> dict[str, int]:
    known = {c.name for c in columns}
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        if name == "":
            continue
        if name not in known:
            report.errors.append(RowError(1, name, "onbekende kolom"))
        elif name in index:
            report.errors.append(RowError(1, name, "kolom staat er twee keer in"))
        else:
            index[name] = position
    for column in columns:
        if column.required and column.name not in index:
            report.errors.append(RowError(1, column.name, "verplichte kolom ontbreekt"))
    report.columns = [c.name for c in columns if c.name in index]
    report.targets = [c.target for c in columns if c.name in index]
    return index


def _parse_rows(
    rows: Iterator[tuple[int, list[Any]]],
    columns: list[Column],
    index: dict[str, int],
    report: Report,
) -> list[tuple[int, dict[str, Any]]]:
    parsed: list[tuple[int, dict[str, Any]]] = []
    for line, values in rows:
        row: dict[str, Any] = {}
        ok = True
        for column in columns:
            position = index.get(column.name)
            raw = values[position] if position is not None and position < len(values) else None
            if _text(raw) == "" and column.required:
                report.errors.append(RowError(line, column.name, "ontbreekt"))
                ok = False
                continue
            try:
                row[column.target] = column.parse(raw)
            except Invalid as error:
                report.errors.append(RowError(line, column.name, str(error)))
                ok = False
        if ok:
            parsed.append((line, row))
        else:
            parsed.append((line, {}))
    return parsed


# --- Indicators ------------------------------------------------------------------------------

INDICATOR_COLUMNS = [
    Column("buurtcode", "code", neighbourhood_code),
    Column("buurtnaam", "name", _text, required=False),  # for people reading the file; ignored
    Column("jaar", "year", lambda v: _integer(v, low=2000, high=2100)),
    Column("woningen", "homes", lambda v: _integer(v, low=0, high=1_000_000)),
    Column("aandeel_corporatie", "corporation_share", _percentage),
    Column("leefbaarometer_klasse", "liveability_class", lambda v: _integer(v, low=1, high=9)),
    Column(
        "dim_woningvoorraad",
        "dimension_housing",
        _optional(lambda v: _decimal(v, low=-1, high=1, places=3)),
        False,
    ),
    Column(
        "dim_fysieke_omgeving",
        "dimension_physical",
        _optional(lambda v: _decimal(v, low=-1, high=1, places=3)),
        False,
    ),
    Column(
        "dim_voorzieningen",
        "dimension_amenities",
        _optional(lambda v: _decimal(v, low=-1, high=1, places=3)),
        False,
    ),
    Column(
        "dim_sociale_samenhang",
        "dimension_social",
        _optional(lambda v: _decimal(v, low=-1, high=1, places=3)),
        False,
    ),
    Column(
        "dim_overlast_onveiligheid",
        "dimension_nuisance",
        _optional(lambda v: _decimal(v, low=-1, high=1, places=3)),
        False,
    ),
    Column("aandeel_lvb", "lvb_share", _percentage),
    Column("aandeel_bijstand", "welfare_share", _percentage),
    Column("aandeel_psychisch", "psychiatric_share", _percentage),
    Column(
        "overlast_per_1000",
        "nuisance_index",
        _optional(lambda v: _decimal(v, low=0, high=99999)),
        False,
    ),
]
INDICATOR_FIELDS = [c.target for c in INDICATOR_COLUMNS if c.target not in {"code", "name", "year"}]


def validate_indicators(filename: str, content: bytes, *, region: Region) -> Report:
    report = Report(kind="indicators")
    header, rows = read_table(filename, content)
    index = _validate_header(header, INDICATOR_COLUMNS, report)
    if report.errors:
        return report
    parsed = _parse_rows(rows, INDICATOR_COLUMNS, index, report)
    known = dict(
        Neighbourhood.objects.filter(district__municipality__region=region).values_list(
            "code", "id"
        )
    )
    seen: dict[tuple[str, int], int] = {}
    for line, row in parsed:
        if not row:
            continue
        key = (row["code"], row["year"])
        if key in seen:
            report.errors.append(
                RowError(
                    line, "buurtcode", f"{row['code']} {row['year']} staat al op regel {seen[key]}"
                )
            )
            continue
        seen[key] = line
        neighbourhood_id = known.get(row["code"])
        if neighbourhood_id is None:
            report.errors.append(
                RowError(
                    line,
                    "buurtcode",
                    f"onbekende buurt {row['code']} in {region.name} (eerst de buurtgrenzen importeren)",
                )
            )
            continue
        row["neighbourhood_id"] = neighbourhood_id
        report.rows.append(row)
    if not parsed:
        report.errors.append(RowError(0, "", "het bestand bevat geen regels"))
    return report


def write_indicators(report: Report) -> int:
    objects = [
        NeighbourhoodIndicator(
            neighbourhood_id=row["neighbourhood_id"],
            year=row["year"],
            **{f: row.get(f) for f in INDICATOR_FIELDS},
        )
        for row in report.rows
    ]
    NeighbourhoodIndicator.objects.bulk_create(
        objects,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["neighbourhood", "year"],
        update_fields=[*INDICATOR_FIELDS, "imported_at"],
    )
    return len(objects)


# --- Boundaries (GeoJSON) -------------------------------------------------------------------


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise Invalid("een ring heeft minstens 4 punten nodig")
    for point in ring:
        if not (
            isinstance(point, list | tuple)
            and len(point) >= 2
            and all(isinstance(c, int | float) for c in point[:2])
        ):
            raise Invalid("coördinaat is geen [lengte, breedte]")
        lon, lat = point[0], point[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise Invalid(
                f"coördinaat {lon}, {lat} is geen WGS84 (lengte/breedte); RD-coördinaten eerst omzetten"
            )


def _check_geometry(geometry: Any) -> dict[str, Any]:
    if not isinstance(geometry, dict):
        raise Invalid("geometrie ontbreekt")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons: Any
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates
    else:
        raise Invalid(f"Polygon of MultiPolygon verwacht, niet {kind!r}")
    if not isinstance(polygons, list) or not polygons:
        raise Invalid("geen coördinaten")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise Invalid("lege polygoon")
        for ring in polygon:
            _check_ring(ring)
    return {"type": kind, "coordinates": coordinates}


def validate_boundaries(filename: str, content: bytes, *, region: Region) -> Report:
    report = Report(
        kind="boundaries",
        columns=["buurtcode", "buurtnaam", "wijkcode", "gemeentecode", "gemeentenaam"],
    )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError(f"Geen geldige GeoJSON: {error}") from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ImportFileError("Een GeoJSON FeatureCollection verwacht.")
    other_region = dict(
        Municipality.objects.exclude(region=region).values_list("code", "region__name")
    )
    seen: dict[str, int] = {}
    for number, feature in enumerate(data["features"], start=1):
        props = (feature or {}).get("properties") or {}
        row: dict[str, Any] = {}
        errors_before = len(report.errors)
        for key, parse in (
            ("buurtcode", neighbourhood_code),
            ("wijkcode", district_code),
            ("gemeentecode", municipality_code),
        ):
            try:
                row[key] = parse(props.get(key))
            except Invalid as error:
                report.errors.append(RowError(number, key, str(error)))
        for key in ("buurtnaam", "gemeentenaam"):
            row[key] = _text(props.get(key))[:100]
            if not row[key]:
                report.errors.append(RowError(number, key, "ontbreekt"))
        row["wijknaam"] = _text(props.get("wijknaam"))[:100]
        try:
            row["geometry"] = _check_geometry(feature.get("geometry"))
        except Invalid as error:
            report.errors.append(RowError(number, "geometry", str(error)))
        if len(report.errors) > errors_before:
            continue
        # CBS codes nest: BU GGGG WW BB inside WK GGGG WW inside GM GGGG.
        if row["buurtcode"][2:8] != row["wijkcode"][2:8]:
            report.errors.append(
                RowError(
                    number, "wijkcode", f"{row['buurtcode']} ligt niet in wijk {row['wijkcode']}"
                )
            )
            continue
        if row["wijkcode"][2:6] != row["gemeentecode"][2:6]:
            report.errors.append(
                RowError(
                    number,
                    "gemeentecode",
                    f"{row['wijkcode']} ligt niet in gemeente {row['gemeentecode']}",
                )
            )
            continue
        if row["gemeentecode"] in other_region:
            report.errors.append(
                RowError(
                    number,
                    "gemeentecode",
                    f"{row['gemeentecode']} hoort bij {other_region[row['gemeentecode']]}",
                )
            )
            continue
        if row["buurtcode"] in seen:
            report.errors.append(
                RowError(
                    number,
                    "buurtcode",
                    f"{row['buurtcode']} staat al in object {seen[row['buurtcode']]}",
                )
            )
            continue
        seen[row["buurtcode"]] = number
        report.rows.append(row)
    if not data["features"]:
        report.errors.append(RowError(0, "", "het bestand bevat geen buurten"))
    return report


def write_boundaries(
    report: Report, *, region: Region, organisation: Organisation | None = None
) -> int:
    municipalities = {r["gemeentecode"]: r["gemeentenaam"] for r in report.rows}
    Municipality.objects.bulk_create(
        [
            Municipality(code=code, name=name, region=region, organisation=organisation)
            for code, name in municipalities.items()
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    municipality_ids = dict(
        Municipality.objects.filter(code__in=municipalities).values_list("code", "id")
    )
    districts: dict[str, District] = {}
    for r in report.rows:
        districts.setdefault(
            r["wijkcode"],
            District(
                code=r["wijkcode"],
                name=r["wijknaam"] or r["wijkcode"],
                municipality_id=municipality_ids[r["gemeentecode"]],
            ),
        )
    District.objects.bulk_create(
        districts.values(),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "municipality"],
    )
    district_ids = dict(
        District.objects.filter(municipality_id__in=municipality_ids.values()).values_list(
            "code", "id"
        )
    )
    Neighbourhood.objects.bulk_create(
        [
            Neighbourhood(
                code=r["buurtcode"],
                name=r["buurtnaam"],
                district_id=district_ids[r["wijkcode"]],
                boundary=r["geometry"],
            )
            for r in report.rows
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "district", "boundary"],
    )
    return len(report.rows)


# --- Dwellings ------------------------------------------------------------------------------

_TYPES_BY_LABEL = {str(label).lower(): value for value, label in DwellingType.choices}


def _dwelling_type(value: Any) -> str:
    raw = _text(value).lower()
    if raw in DwellingType.values:
        return raw
    if raw in _TYPES_BY_LABEL:
        return _TYPES_BY_LABEL[raw]
    raise Invalid(f"onbekend type {raw!r} (kies uit: {', '.join(DwellingType.values)})")


def _postcode(value: Any) -> str:
    code = _text(value).upper().replace(" ", "")
    if not re.match(POSTCODE_REGEX, code):
        raise Invalid(f"{_text(value)!r} is geen postcode (1234AB)")
    return code


DWELLING_COLUMNS = [
    Column("referentie", "reference", lambda v: _text(v)[:40]),
    Column("straat", "street", lambda v: _text(v)[:120]),
    Column("huisnummer", "number", lambda v: _integer(v, low=1, high=99999)),
    Column("toevoeging", "suffix", lambda v: _text(v)[:10], False),
    Column("postcode", "postcode", _postcode),
    Column("plaats", "city", lambda v: _text(v)[:80]),
    Column("buurtcode", "code", neighbourhood_code),
    Column("complex", "complex_code", _text, False),
    Column("portiek", "stairwell_name", _text, False),
    Column("type", "dwelling_type", _dwelling_type),
    Column("verdieping", "floor", _optional(lambda v: _integer(v, low=-1, high=60)), False),
    Column("lift", "has_lift", _boolean, False),
    Column("kamers", "rooms", lambda v: _integer(v, low=1, high=20)),
    Column("slaapkamers", "bedrooms", lambda v: _integer(v, low=0, high=20)),
    Column("woonoppervlakte", "living_area", lambda v: _integer(v, low=5, high=1000)),
    Column("netto_huur", "net_rent", lambda v: _decimal(v, low=0, high=99999)),
    Column(
        "servicekosten", "service_costs", _optional(lambda v: _decimal(v, low=0, high=9999)), False
    ),
    Column("traploos", "step_free", _boolean, False),
    Column("gelijkvloers", "ground_floor", _boolean, False),
    Column("rolstoel", "wheelchair", _boolean, False),
    Column("beschikbaar_vanaf", "available_from", _date, False),
    Column("contingent", "counts_toward_quota", _boolean, False),
    Column("notities", "notes", _text, False),
]


def validate_dwellings(filename: str, content: bytes, *, corporation: Organisation) -> Report:
    report = Report(kind="dwellings")
    header, rows = read_table(filename, content)
    index = _validate_header(header, DWELLING_COLUMNS, report)
    if report.errors:
        return report
    parsed = _parse_rows(rows, DWELLING_COLUMNS, index, report)
    neighbourhoods = dict(
        Neighbourhood.objects.filter(
            district__municipality__region_id=corporation.region_id
        ).values_list("code", "id")
    )
    complexes = {c.code: c for c in Complex.objects.filter(corporation=corporation)}
    stairwells = {
        (s.complex_id, s.name.lower()): s.pk
        for s in Stairwell.objects.filter(complex__corporation=corporation)
    }
    existing = set(
        Dwelling.objects.filter(corporation=corporation).values_list("reference", flat=True)
    )
    seen: dict[str, int] = {}
    for line, row in parsed:
        if not row:
            continue
        problems: list[RowError] = []
        if row["reference"] in seen:
            problems.append(
                RowError(
                    line,
                    "referentie",
                    f"{row['reference']} staat al op regel {seen[row['reference']]}",
                )
            )
        elif row["reference"] in existing:
            problems.append(RowError(line, "referentie", f"woning {row['reference']} bestaat al"))
        seen.setdefault(row["reference"], line)
        row["neighbourhood_id"] = neighbourhoods.get(row["code"])
        if row["neighbourhood_id"] is None:
            problems.append(
                RowError(line, "buurtcode", f"buurt {row['code']} bestaat niet in deze regio")
            )
        if row["bedrooms"] > row["rooms"]:
            problems.append(RowError(line, "slaapkamers", "meer slaapkamers dan kamers"))
        complex_obj = None
        if row.get("complex_code"):
            complex_obj = complexes.get(row["complex_code"])
            if complex_obj is None:
                problems.append(
                    RowError(line, "complex", f"complex {row['complex_code']} bestaat niet")
                )
            elif (
                row["neighbourhood_id"] and complex_obj.neighbourhood_id != row["neighbourhood_id"]
            ):
                problems.append(
                    RowError(
                        line, "complex", f"complex {row['complex_code']} ligt in een andere buurt"
                    )
                )
        row["complex_id"] = complex_obj.pk if complex_obj else None
        row["stairwell_id"] = None
        if row.get("stairwell_name"):
            if complex_obj is None:
                problems.append(
                    RowError(
                        line, "portiek", "een portiek hoort bij een complex; vul ook complex in"
                    )
                )
            else:
                row["stairwell_id"] = stairwells.get(
                    (complex_obj.pk, row["stairwell_name"].lower())
                )
                if row["stairwell_id"] is None:
                    problems.append(
                        RowError(
                            line,
                            "portiek",
                            f"portiek {row['stairwell_name']!r} bestaat niet in dit complex",
                        )
                    )
        if problems:
            report.errors.extend(problems)
        else:
            report.rows.append(row)
    if not parsed:
        report.errors.append(RowError(0, "", "het bestand bevat geen regels"))
    return report


DWELLING_FIELDS = [
    c.target for c in DWELLING_COLUMNS if c.target not in {"code", "complex_code", "stairwell_name"}
]


def write_dwellings(report: Report, *, corporation: Organisation, actor: Any) -> int:
    dwellings = []
    for row in report.rows:
        values = {f: row[f] for f in DWELLING_FIELDS if row.get(f) is not None}
        dwellings.append(
            Dwelling(
                corporation=corporation,
                neighbourhood_id=row["neighbourhood_id"],
                complex_id=row["complex_id"],
                stairwell_id=row["stairwell_id"],
                **values,
            )
        )
    Dwelling.objects.bulk_create(dwellings, batch_size=BATCH)
    if any(d.pk is None for d in dwellings):  # databases that cannot return ids from bulk inserts
        ids = dict(
            Dwelling.objects.filter(
                corporation=corporation, reference__in=[d.reference for d in dwellings]
            ).values_list("reference", "id")
        )
        for d in dwellings:
            d.pk = ids[d.reference]
    now = timezone.now()
    DwellingEvent.objects.bulk_create(
        [
            DwellingEvent(
                dwelling_id=d.pk, to_status=DwellingStatus.DRAFT, actor=actor, at=now, note="import"
            )
            for d in dwellings
        ],
        batch_size=BATCH,
    )
    return len(dwellings)


# --- One entry point ------------------------------------------------------------------------


def validate(kind: str, filename: str, content: bytes, *, organisation: Organisation) -> Report:
    """Check a file of `kind` for `organisation`; raises ImportFileError for unreadable files."""
    if kind == "indicators":
        return validate_indicators(filename, content, region=organisation.region)
    if kind == "boundaries":
        return validate_boundaries(filename, content, region=organisation.region)
    if kind == "dwellings":
        return validate_dwellings(filename, content, corporation=organisation)
    raise ImportFileError(f"Onbekende soort import {kind!r}.")


def validate_and_write(
    kind: str, filename: str, content: bytes, *, organisation: Organisation, actor: Any = None
) -> Report:
    """Validate, and write everything in one transaction only when no row has an error."""
    report = validate(kind, filename, content, organisation=organisation)
    if report.ok:
        write(report, organisation=organisation, actor=actor)
    return report


def write(report: Report, *, organisation: Organisation, actor: Any = None) -> int:
    """Write a report without errors, all in one transaction."""
    if not report.ok:
        raise ValueError("refusing to write a report with errors")
    with transaction.atomic():
        if report.kind == "indicators":
            report.written = write_indicators(report)
        elif report.kind == "boundaries":
            municipality_org = organisation if organisation.kind == "municipality" else None
            report.written = write_boundaries(
                report, region=organisation.region, organisation=municipality_org
            )
        else:
            report.written = write_dwellings(report, corporation=organisation, actor=actor)
    return report.written
