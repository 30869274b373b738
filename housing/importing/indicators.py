"""Neighbourhood indicators as published, merged into each buurt's row for the year.

Accepted sources (recognised by their column names, whatever the order):

- CBS **Kerncijfers wijken en buurten**, OData CSV (`AantalInwoners_5`, `Codering_3`,
  `SoortRegio_2`, `InBezitWoningcorporatie_42`…: the yearly numeric suffix is ignored) and the
  StatLine web export ("CSV met statistische symbolen": `Regioaanduiding/Codering (code)`,
  `Wonen/Woningvoorraad (aantal)`…);
- the key figures inside a CBS/PDOK **wijk- en buurtkaart** GeoJSON (`aantal_inwoners`,
  `woningvoorraad`, `perc_huurwoningen_in_bezit_woningcorporaties`,
  `aantal_personen_met_een_alg_bijstandsuitkering_tot`; older vintages `aant_inw`, `woningen`,
  `p_wcorpw`, `a_soz_wb`);
- the **Leefbaarometer 3.0** open-data buurt file (`bu_code, jaar, lbm, afw, fys, onv, soc,
  vrz, won`): the class 1–9 follows from `lbm` (see `LEEFBAAROMETER_CLASS_FLOORS`);
- our own template (`buurtcode;jaar;woningen;aandeel_corporatie;…`), also for what no public
  file has per buurt: the LVB and psychiatric shares a municipality keeps itself.

Gemeente and wijk rows are skipped and counted; buurten of municipalities outside the
uploader's region are counted, not imported. A file may carry only some indicators: each row
is merged into that year's row of its buurt and only the figures the file knows are written
(a suppressed value never erases a known one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import Region

from ..models import Municipality, Neighbourhood, NeighbourhoodIndicator
from . import values as v
from .report import Report, did_you_mean
from .tables import ImportFileError, Table, header_keys, normalise, read_table

BATCH = 1000

# Leefbaarometer 3.0: the nine classes of the total score `lbm`, as lower bounds of classes
# 2..9 (class 1 is everything below the first). Source: Leefbaarometer 3.0,
# "Instrumentontwikkeling" (Ministerie van BZK / RIGO / Atlas Research, 2021), chapter 7
# "Weergave van scores en ontwikkelingen", and the legend of leefbaarometer.nl. One constant,
# so a new edition changes one line.
LEEFBAAROMETER_CLASS_FLOORS: tuple[float, ...] = (
    3.64,
    3.76,
    3.88,
    4.00,
    4.08,
    4.16,
    4.24,
    4.32,
)


def liveability_class_of(score: Decimal | float) -> int:
    """The Leefbaarometer class (1 zeer onvoldoende … 9 uitstekend) of an `lbm` score."""
    value = float(score)
    return 1 + sum(1 for floor in LEEFBAAROMETER_CLASS_FLOORS if value >= floor)


@dataclass(frozen=True)
class Indicator:
    target: str
    label: str
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...]
    source: str = ""  # the public source, for the import page


def _dimension(value: Any) -> Decimal:
    return v.decimal(value, low=-1, high=1, places=3)


INDICATORS: list[Indicator] = [
    Indicator(
        "population",
        "aantal inwoners",
        lambda x: v.integer(x, low=0, high=10_000_000),
        ("aantalinwoners", "aantinw", "inwoners", "bevolkingaantalinwoners"),
        "CBS Kerncijfers wijken en buurten / buurtkaart",
    ),
    Indicator(
        "homes",
        "aantal woningen",
        lambda x: v.integer(x, low=0, high=1_000_000),
        ("woningvoorraad", "woningen", "aantalwoningen", "wonenwoningvoorraad"),
        "CBS Kerncijfers wijken en buurten / buurtkaart",
    ),
    Indicator(
        "corporation_share",
        "aandeel corporatiewoningen (%)",
        v.percentage,
        (
            "aandeelcorporatie",
            "inbezitwoningcorporatie",
            "huurwoningeninbezitwoningcorporatie",
            "perchuurwoningeninbezitwoningcorporaties",
            "pwcorpw",
        ),
        "CBS Kerncijfers wijken en buurten / buurtkaart",
    ),
    Indicator(
        "welfare_count",
        "personen met bijstand (aantal)",
        lambda x: v.integer(x, low=0, high=10_000_000),
        (
            "personenpersoortuitkeringbijstand",
            "bijstand",
            "aantalpersonenmeteenalgbijstandsuitkeringtot",
            "asozwb",
        ),
        "CBS Kerncijfers wijken en buurten / buurtkaart (aantal; wordt een aandeel van de inwoners)",
    ),
    Indicator(
        "welfare_share",
        "aandeel bijstand (%)",
        v.percentage,
        ("aandeelbijstand",),
        "eigen bestand (percentage van de inwoners)",
    ),
    Indicator(
        "liveability_score",
        "Leefbaarometer-score (lbm)",
        lambda x: v.decimal(x, low=0, high=10, places=4),
        ("lbm", "leefbaarometerscore"),
        "Leefbaarometer 3.0, scores buurten",
    ),
    Indicator(
        "liveability_class",
        "Leefbaarometer-klasse (1–9)",
        lambda x: v.integer(x, low=1, high=9),
        ("leefbaarometerklasse", "kscore", "klasse"),
        "Leefbaarometer 3.0 (anders afgeleid uit lbm)",
    ),
    Indicator(
        "dimension_housing",
        "dimensie woningvoorraad",
        _dimension,
        ("won", "dimwoningvoorraad"),
        "Leefbaarometer 3.0",
    ),
    Indicator(
        "dimension_physical",
        "dimensie fysieke omgeving",
        _dimension,
        ("fys", "dimfysiekeomgeving"),
        "Leefbaarometer 3.0",
    ),
    Indicator(
        "dimension_amenities",
        "dimensie voorzieningen",
        _dimension,
        ("vrz", "dimvoorzieningen"),
        "Leefbaarometer 3.0",
    ),
    Indicator(
        "dimension_social",
        "dimensie sociale samenhang",
        _dimension,
        ("soc", "dimsocialesamenhang"),
        "Leefbaarometer 3.0",
    ),
    Indicator(
        "dimension_nuisance",
        "dimensie overlast en onveiligheid",
        _dimension,
        ("onv", "dimoverlastonveiligheid"),
        "Leefbaarometer 3.0",
    ),
    Indicator(
        "lvb_share",
        "aandeel LVB (%)",
        v.percentage,
        ("aandeellvb",),
        "eigen gegevens van de gemeente",
    ),
    Indicator(
        "psychiatric_share",
        "aandeel psychische problematiek (%)",
        v.percentage,
        ("aandeelpsychisch",),
        "eigen gegevens van de gemeente",
    ),
    Indicator(
        "nuisance_index",
        "overlastmeldingen per 1.000 inwoners",
        lambda x: v.decimal(x, low=0, high=99999),
        ("overlastper1000",),
        "eigen gegevens (politie/gemeente)",
    ),
]
BY_TARGET = {i.target: i for i in INDICATORS}
# The model fields an import may write (welfare_count becomes welfare_share).
STORED_FIELDS = [i.target for i in INDICATORS if i.target != "welfare_count"]
LABELS = {i.target: i.label for i in INDICATORS}

CODE_KEYS = (
    "codering",
    "bucode",
    "buurtcode",
    "statcode",
    "cbscode",
    "regiocode",
    "wijkenenbuurten",
)
NAME_KEYS = ("buurtnaam", "bunaam", "statnaam", "naam")
YEAR_KEYS = ("jaar", "peiljaar")
LEVEL_KEYS = ("soortregio",)
WRONG_LEVEL_KEYS = {
    "wkcode": "wijk",
    "wijkcode": "wijk",
    "gmcode": "gemeente",
    "gemeentecode": "gemeente",
}
# Columns every source carries that are known but not used (listed once as information).
IGNORED_KEYS = {
    "id",
    "afw",
    "gemeentenaam",
    "gmnaam",
    "wijknaam",
    "wknaam",
    "regioaanduidinggemeentenaam",
    "indelingswijzigingwijkenenbuurten",
    "wijkcode",
    "gemeentecode",
    "wkcode",
    "gmcode",
    "water",
    "meestvoorkomendepostcode",
}
DWELLING_HINTS = {"huisnummer", "postcode", "straat", "straatnaam", "nettohuur", "kalehuur"}

# CBS table ids of "Kerncijfers wijken en buurten" by year, for files that carry no year column.
KWB_TABLES = {
    "83765NED": 2017,
    "84286NED": 2018,
    "84583NED": 2019,
    "84799NED": 2020,
    "85039NED": 2021,
    "85318NED": 2022,
    "85618NED": 2023,
    "85984NED": 2024,
}


def accepted_columns() -> list[tuple[str, str, str]]:
    """(column names, meaning, public source) for the import page."""
    rows = [
        (
            "buurtcode, bu_code, Codering_3, statcode, cbsCode",
            "CBS-buurtcode (verplicht)",
            "alle bronnen",
        )
    ]
    rows.append(("jaar", "peiljaar (anders uit de bestandsnaam of het formulier)", "alle bronnen"))
    for i in INDICATORS:
        rows.append((", ".join(i.aliases), i.label, i.source))
    return rows


def year_from_filename(filename: str) -> int | None:
    upper = filename.upper()
    for table, year in KWB_TABLES.items():
        if table in upper:
            return year
    years = set(re.findall(r"(?<![0-9])(20[0-9]{2})(?![0-9])", filename))
    return int(years.pop()) if len(years) == 1 else None


@dataclass
class _Columns:
    code: int | None = None
    name: int | None = None
    year: int | None = None
    level: int | None = None
    fields: dict[str, int] | None = None


def _map_header(header: list[str], report: Report) -> _Columns:
    columns = _Columns(fields={})
    assert columns.fields is not None
    aliases = {alias: i.target for i in INDICATORS for alias in i.aliases}
    all_known = [*aliases, *CODE_KEYS, *YEAR_KEYS]
    unknown: list[str] = []
    for position, name in enumerate(header):
        keys = header_keys(name)
        if not keys:
            continue
        key = keys[0]
        if columns.code is None and any(k in CODE_KEYS for k in keys):
            # OData's WijkenEnBuurten holds the code; StatLine's holds the name: take the
            # first column that really is a code column (Codering comes after it).
            if key == "wijkenenbuurten" and "codering" in {
                k for h in header for k in header_keys(h)
            }:
                columns.name = position
                continue
            columns.code = position
            continue
        if any(k in NAME_KEYS for k in keys) or key == "wijkenenbuurten":
            columns.name = position
            continue
        if any(k in YEAR_KEYS for k in keys):
            columns.year = position
            continue
        if any(k in LEVEL_KEYS for k in keys):
            columns.level = position
            continue
        target = next((aliases[k] for k in keys if k in aliases), None)
        if target is not None:
            if target in columns.fields:
                report.error(1, name, f"kolom voor {LABELS[target]} staat er twee keer in")
            else:
                columns.fields[target] = position
            continue
        if key in WRONG_LEVEL_KEYS and columns.code is None:
            columns.level = columns.level  # noted below when no buurt code column is found
        if key not in IGNORED_KEYS:
            unknown.append(name + did_you_mean(key, all_known))
    if unknown:
        report.notes.append(
            f"Niet gebruikte kolommen ({len(unknown)}): "
            + ", ".join(unknown[:40])
            + (f" en nog {len(unknown) - 40}" if len(unknown) > 40 else "")
            + "."
        )
    return columns


def _header_problem(header: list[str], columns: _Columns, report: Report) -> bool:
    keys = {normalise(h) for h in header}
    if columns.code is None:
        wrong = next((WRONG_LEVEL_KEYS[k] for k in keys if k in WRONG_LEVEL_KEYS), None)
        if wrong:
            report.error(
                1,
                next(h for h in header if normalise(h) in WRONG_LEVEL_KEYS),
                f"dit bestand bevat cijfers per {wrong}, niet per buurt; download het "
                "bestand op buurtniveau (met bu_code of buurtcode)",
            )
        elif keys & DWELLING_HINTS:
            report.error(
                1,
                "",
                "dit lijkt een woningenbestand, geen indicatorenbestand; kies de soort 'woningen'",
            )
        else:
            known = [*CODE_KEYS]
            suggestion = next(
                (
                    f"kolom {h!r} is niet bekend{did_you_mean(normalise(h), known)}"
                    for h in header
                    if did_you_mean(normalise(h), known)
                ),
                "",
            )
            report.error(
                1,
                "buurtcode",
                "geen kolom met de CBS-buurtcode gevonden (buurtcode, bu_code, Codering_3)"
                + (f" — {suggestion}" if suggestion else ""),
            )
        return True
    if not columns.fields:
        report.error(
            1,
            "",
            "geen enkele bekende indicatorkolom gevonden; zie de lijst met geaccepteerde kolommen",
        )
        return True
    return False


def _source_of(columns: _Columns, header: list[str], geojson: bool) -> str:
    fields = set(columns.fields or {})
    if geojson:
        return "CBS wijk- en buurtkaart (GeoJSON, kerncijfers)"
    if "liveability_score" in fields:
        return "Leefbaarometer 3.0 (scores buurten)"
    if any("/" in h for h in header):
        return "CBS StatLine-export"
    if any(re.search(r"_[0-9]+$", h) for h in header):
        return "CBS Kerncijfers wijken en buurten (OData-CSV)"
    return "eigen bestand"


def rows_from_geojson(features: list[Any]) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """A buurtkaart's features as a table: properties as columns, one row per feature."""
    names: dict[str, None] = {}
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            names.update(dict.fromkeys(props))
    header = list(names)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, feature in enumerate(features, start=1):
            props = (feature.get("properties") if isinstance(feature, dict) else None) or {}
            yield number, [props.get(n) for n in header]

    return header, rows()


def validate_indicators(
    filename: str,
    content: bytes,
    *,
    region: Region,
    year: int | None = None,
    features: list[Any] | None = None,
    new_codes: set[str] = frozenset(),  # type: ignore[assignment]
    new_municipalities: set[str] = frozenset(),  # type: ignore[assignment]
) -> Report:
    """Check an indicator file; `features` are a buurtkaart's, read as a table. `new_codes`
    are buurten the same upload creates (a buurtkaart with key figures)."""
    report = Report(kind="indicators")
    if features is not None:
        header, rows = rows_from_geojson(features)
    else:
        table: Table = read_table(filename, content)
        header, rows = table.header, table.rows
        report.notes.extend(table.notes)
    columns = _map_header(header, report)
    if _header_problem(header, columns, report) or report.errors:
        return report
    assert columns.fields is not None and columns.code is not None
    report.source = _source_of(columns, header, features is not None)
    file_year = year or year_from_filename(filename)
    if columns.year is None and file_year is None:
        report.error(0, "jaar", "het bestand noemt geen jaar: vul het jaar in bij het uploaden")
        return report
    region_municipalities = set(
        Municipality.objects.filter(region=region).values_list("code", flat=True)
    ) | set(new_municipalities)
    known: dict[str, int | None] = dict(
        Neighbourhood.objects.filter(district__municipality__region=region).values_list(
            "code", "id"
        )
    )
    known.update({code: known.get(code) for code in new_codes})
    seen: dict[tuple[str, int], int] = {}
    missing: dict[str, int] = {}
    outside: dict[str, set[str]] = {}  # municipality code -> its buurten in the file
    parsed_any = False
    for line, cells in rows:
        parsed_any = True

        def cell(position: int | None, cells: list[Any] = cells) -> Any:
            return cells[position] if position is not None and position < len(cells) else None

        raw_code = v.text(cell(columns.code)).upper().replace(" ", "")
        level = v.text(cell(columns.level)).lower()
        if (
            raw_code.startswith(("GM", "WK"))
            or level.startswith(("gemeente", "wijk", "land"))
            or raw_code == "NL01"
        ):
            report.count(
                "gemeente"
                if raw_code.startswith("GM") or level.startswith("gemeente")
                else "wijk"
                if raw_code.startswith("WK") or level.startswith("wijk")
                else "land"
            )
            continue
        try:
            code = v.neighbourhood_code(raw_code)
        except v.Invalid as error:
            report.error(line, header[columns.code], str(error))
            continue
        if columns.year is not None and not v.is_unknown(cell(columns.year)):
            try:
                row_year = v.integer(cell(columns.year), low=2000, high=2100)
            except v.Invalid as error:
                report.error(line, header[columns.year], str(error))
                continue
        elif file_year is not None:
            row_year = file_year
        else:
            report.error(line, header[columns.year or 0], "ontbreekt")
            continue
        if v.municipality_of(code) not in region_municipalities:
            report.count("buiten de regio")
            outside.setdefault(v.municipality_of(code), set()).add(code)
            continue
        key = (code, row_year)
        if key in seen:
            report.error(
                line, header[columns.code], f"{code} {row_year} staat al op regel {seen[key]}"
            )
            continue
        seen[key] = line
        row: dict[str, Any] = {"code": code, "year": row_year, "line": line}
        bad = False
        for target, position in columns.fields.items():
            raw = cell(position)
            if v.is_unknown(raw):
                row.setdefault("_unknown", []).append(target)
                continue
            try:
                row[target] = BY_TARGET[target].parse(raw)
            except v.Invalid as error:
                report.error(line, header[position], str(error))
                bad = True
        if bad:
            continue
        if code not in known:
            missing.setdefault(code, line)
            continue
        neighbourhood_id = known[code]
        row["neighbourhood_id"] = neighbourhood_id
        report.rows.append(row)
    if missing:
        codes = sorted(missing)
        shown = ", ".join(codes[:10]) + (f" en nog {len(codes) - 10}" if len(codes) > 10 else "")
        report.error(
            min(missing.values()),
            header[columns.code],
            ngettext(
                "%(n)s buurt van %(region)s heeft nog geen buurtgrenzen: %(codes)s. "
                "Importeer eerst de buurtgrenzen (wijk- en buurtkaart).",
                "%(n)s buurten van %(region)s hebben nog geen buurtgrenzen: %(codes)s. "
                "Importeer eerst de buurtgrenzen (wijk- en buurtkaart).",
                len(codes),
            )
            % {"n": len(codes), "region": region.name, "codes": shown},
        )
    if not parsed_any:
        report.error(0, "", "het bestand bevat geen regels")
    elif not report.rows and not report.errors and outside and not region_municipalities:
        # A region that has no boundaries at all yet: the file is not wrong, it is early.
        count = sum(len(c) for c in outside.values())
        named = ", ".join(sorted(outside)[:10]) + (
            f" en nog {len(outside) - 10}" if len(outside) > 10 else ""
        )
        report.error(
            0,
            header[columns.code],
            ngettext(
                "%(region)s heeft nog geen buurtgrenzen; dit bestand bevat %(n)s buurt "
                "van %(named)s. Importeer eerst de buurtgrenzen (wijk- en buurtkaart).",
                "%(region)s heeft nog geen buurtgrenzen; dit bestand bevat %(n)s buurten "
                "van %(named)s. Importeer eerst de buurtgrenzen (wijk- en buurtkaart).",
                count,
            )
            % {"region": region.name, "n": count, "named": named},
        )
    elif not report.rows and not report.errors and outside:
        found = ", ".join(
            f"{len(outside[gm])} van {gm}"
            for gm in sorted(outside, key=lambda g: -len(outside[g]))[:5]
        )
        report.error(
            0,
            header[columns.code],
            f"het bestand bevat geen buurten van {region.name}, wel buurten van andere gemeenten "
            f"({found}{', …' if len(outside) > 5 else ''})",
        )
    elif not report.rows and not report.errors:
        report.error(0, "", "het bestand bevat geen buurten van deze regio")
    if report.errors:
        return report
    existing = _existing(report)
    _derive(report, existing)
    _changes(report, existing)
    report.columns = [
        "buurtcode",
        "jaar",
        *[LABELS[t] for t in columns.fields if t != "welfare_count"],
    ]
    report.targets = ["code", "year", *[t for t in columns.fields if t != "welfare_count"]]
    if "welfare_count" in columns.fields:
        report.columns.append(LABELS["welfare_share"])
        report.targets.append("welfare_share")
    if "liveability_score" in columns.fields and "liveability_class" not in columns.fields:
        report.columns.append(LABELS["liveability_class"])
        report.targets.append("liveability_class")
    return report


def _existing(report: Report) -> dict[tuple[int, int], NeighbourhoodIndicator]:
    ids = {r["neighbourhood_id"] for r in report.rows}
    years = {r["year"] for r in report.rows}
    return {
        (i.neighbourhood_id, i.year): i
        for i in NeighbourhoodIndicator.objects.filter(neighbourhood_id__in=ids, year__in=years)
    }


def _derive(report: Report, existing: dict[tuple[int, int], NeighbourhoodIndicator]) -> None:
    """Counts become shares of the population; the Leefbaarometer class follows from lbm."""
    no_population = 0
    for row in report.rows:
        if "liveability_score" in row and "liveability_class" not in row:
            row["liveability_class"] = liveability_class_of(row["liveability_score"])
        count = row.pop("welfare_count", None)
        if count is None:
            continue
        current = existing.get((row["neighbourhood_id"], row["year"]))
        population = row.get("population") or (current.population if current else None)
        if not population:
            no_population += 1
            continue
        share = Decimal(count) * 100 / Decimal(population)
        if share > 100:
            report.error(
                row["line"],
                LABELS["welfare_count"],
                f"{count} personen met bijstand bij {population} inwoners",
            )
            continue
        row["welfare_share"] = share.quantize(Decimal("0.01"))
    if no_population:
        report.notes.append(
            f"Bij {no_population} buurt(en) is het aantal inwoners niet bekend: het aandeel "
            "bijstand blijft daar onbekend."
        )


def _changes(report: Report, existing: dict[tuple[int, int], NeighbourhoodIndicator]) -> None:
    """Per indicator, how many buurten get a value they did not have or a different one."""
    changes: dict[str, int] = {}
    for row in report.rows:
        current = existing.get((row["neighbourhood_id"], row["year"]))
        for target in STORED_FIELDS:
            if target not in row:
                continue
            old = getattr(current, target) if current else None
            if old is None or Decimal(str(old)) != Decimal(str(row[target])):
                changes[LABELS[target]] = changes.get(LABELS[target], 0) + 1
    report.changes = changes
    new_rows = sum(1 for r in report.rows if (r["neighbourhood_id"], r["year"]) not in existing)
    if new_rows:
        report.count("nieuwe jaarrijen", new_rows)
    if len(report.rows) - new_rows:
        report.count("bestaande jaarrijen aangevuld", len(report.rows) - new_rows)


def write_indicators(report: Report, *, filename: str) -> int:
    """Merge every row into its buurt's row of that year, writing only the figures it knows.

    The rows are re-read and locked (in primary-key order) inside the caller's transaction,
    so two imports merging into the same buurt cannot lose each other's figures.
    """
    unresolved = {r["code"] for r in report.rows if r["neighbourhood_id"] is None}
    if unresolved:  # buurten created by the same upload
        ids_by_code = dict(
            Neighbourhood.objects.filter(code__in=unresolved).values_list("code", "id")
        )
        for r in report.rows:
            if r["neighbourhood_id"] is None:
                r["neighbourhood_id"] = ids_by_code[r["code"]]
    keys = {(r["neighbourhood_id"], r["year"]) for r in report.rows}
    ids = {k[0] for k in keys}
    years = {k[1] for k in keys}

    def locked() -> dict[tuple[int, int], NeighbourhoodIndicator]:
        return {
            (i.neighbourhood_id, i.year): i
            for i in NeighbourhoodIndicator.objects.select_for_update()
            .filter(neighbourhood_id__in=ids, year__in=years)
            .order_by("pk")
            if (i.neighbourhood_id, i.year) in keys
        }

    existing = locked()
    missing = [
        NeighbourhoodIndicator(neighbourhood_id=n, year=y) for (n, y) in keys - set(existing)
    ]
    if missing:
        # Empty rows first (another import may create some at the same moment), then merge.
        NeighbourhoodIndicator.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
        existing = locked()
    touched: set[str] = set()
    now = timezone.now()
    merged: list[NeighbourhoodIndicator] = []
    for row in report.rows:
        current = existing[(row["neighbourhood_id"], row["year"])]
        values = {t: row[t] for t in STORED_FIELDS if t in row}
        touched.update(values)
        merged.append(
            NeighbourhoodIndicator(
                neighbourhood_id=row["neighbourhood_id"],
                year=row["year"],
                **values,
                sources={**(current.sources or {}), **dict.fromkeys(values, filename[:120])},
                imported_at=now,
            )
        )
    if touched:
        # One upsert per batch on (buurt, year) that sets only the columns this file carries
        # (bulk_update's CASE WHEN is ~20× slower for a national file).
        NeighbourhoodIndicator.objects.bulk_create(
            merged,
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["neighbourhood", "year"],
            update_fields=[*sorted(touched), "sources", "imported_at"],
        )
    return len(report.rows)


def indicator_template() -> bytes:
    """Our own template (semicolon CSV with BOM, for Dutch Excel), one example row."""
    header = [
        "buurtcode",
        "buurtnaam",
        "jaar",
        "woningen",
        "aandeel_corporatie",
        "aandeel_lvb",
        "aandeel_psychisch",
        "aandeel_bijstand",
        "leefbaarometer_klasse",
        "overlast_per_1000",
    ]
    example = ["BU03080000", "Centrum", "2024", "1075", "31,5", "", "", "", "", ""]
    return ("\ufeff" + ";".join(header) + "\r\n" + ";".join(example) + "\r\n").encode()


__all__ = [
    "INDICATORS",
    "ImportFileError",
    "accepted_columns",
    "indicator_template",
    "liveability_class_of",
    "validate_indicators",
    "write_indicators",
]
