"""Neighbourhood boundaries as CBS/PDOK and municipalities publish them (GeoJSON).

- coordinates in RD New or WGS84, from the `crs` member or else from the coordinate ranges;
  RD is converted to WGS84 (`geo.to_wgs84`);
- the property names of every vintage of the wijk- en buurtkaart (2017 onwards) and of
  municipalities' own open data (`cbsCode`, `naam`); wijk and gemeente codes missing from a
  feature are derived from the buurt code (BU GGGG WW BB → WK GGGG WW → GM GGGG);
- water-only features (`water = JA`) are skipped and counted;
- municipalities outside the uploader's region are counted, never created: a national file is
  limited to the region's municipalities (or to the ones named at upload);
- a wijken file (features with a wijk code and no buurt code) names the region's wijken;
- key figures carried in the features (buurtkaart) are merged into that year's indicators.
"""

from __future__ import annotations

import json
from typing import Any

from accounts.models import Organisation, Region

from ..models import District, Municipality, Neighbourhood
from . import geo
from . import values as v
from .indicators import validate_indicators, write_indicators
from .report import Report
from .tables import MAX_ROWS, ImportFileError, normalise

BATCH = 1000

PROPERTY_KEYS = {
    "buurtcode": ("bucode", "buurtcode", "statcode", "cbscode", "code"),
    "buurtnaam": ("bunaam", "buurtnaam", "statnaam", "naam", "name"),
    "wijkcode": ("wkcode", "wijkcode"),
    "wijknaam": ("wknaam", "wijknaam"),
    "gemeentecode": ("gmcode", "gemeentecode"),
    "gemeentenaam": ("gmnaam", "gemeentenaam"),
    "water": ("water",),
    "jaar": ("jaar",),
}


def accepted_properties() -> list[tuple[str, str, str]]:
    sources = "CBS/PDOK wijk- en buurtkaart (2017–), gemeentelijke open data"
    meaning = {
        "buurtcode": "CBS-buurtcode (verplicht; BU03080000 of met letters, BU0363AA01)",
        "buurtnaam": "naam van de buurt (verplicht)",
        "wijkcode": "wijkcode (anders afgeleid uit de buurtcode)",
        "wijknaam": "naam van de wijk (of uit een wijkenbestand)",
        "gemeentecode": "gemeentecode (anders afgeleid uit de buurtcode)",
        "gemeentenaam": "naam van de gemeente",
        "water": "JA = alleen water: overgeslagen",
        "jaar": "jaar van de kerncijfers in het bestand",
    }
    return [(", ".join(keys), meaning[name], sources) for name, keys in PROPERTY_KEYS.items()]


def _props(feature: Any) -> dict[str, Any]:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        # A feature that is a string, null or a list has no properties: every one is missing,
        # so its row is refused with "buurtcode ontbreekt" like any feature without a code.
        return dict.fromkeys(PROPERTY_KEYS)
    by_key: dict[str, Any] = {}
    for name, value in props.items():
        by_key.setdefault(normalise(name), value)
    return {
        name: next((by_key[k] for k in keys if k in by_key and not v.is_unknown(by_key[k])), None)
        for name, keys in PROPERTY_KEYS.items()
    }


def load_features(content: bytes) -> tuple[dict[str, Any], list[Any]]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFileError("Geen geldige GeoJSON: het bestand is niet in UTF-8.") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"Geen geldige GeoJSON: regel {error.lineno}, kolom {error.colno}: {error.msg}."
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise ImportFileError("Een GeoJSON FeatureCollection verwacht (type en features).")
    if len(data["features"]) > MAX_ROWS:
        raise ImportFileError(f"Het bestand heeft meer dan {MAX_ROWS} objecten; splits het op.")
    return data, data["features"]


def validate_boundaries(
    filename: str,
    content: bytes,
    *,
    region: Region,
    municipalities: list[str] | None = None,
    year: int | None = None,
) -> Report:
    report = Report(
        kind="boundaries",
        columns=["buurtcode", "buurtnaam", "wijkcode", "gemeente", "oppervlakte (ha)"],
        targets=["buurtcode", "buurtnaam", "wijkcode", "gemeentenaam", "area"],
    )
    if not filename.lower().endswith((".geojson", ".json")) and not content.lstrip().startswith(
        b"{"
    ):
        raise ImportFileError(
            "Dit lijkt een tabel (CSV/XLSX), geen GeoJSON: een indicatorenbestand? Kies dan de "
            "soort 'buurtindicatoren'."
        )
    data, features = load_features(content)
    if not features:
        report.error(0, "", "het bestand bevat geen buurten")
        return report
    try:
        crs = geo.crs_from_member(data) or geo.crs_from_ranges(features) or geo.WGS84
    except v.Invalid as error:
        report.error(0, "geometry", str(error))
        return report
    report.source = "GeoJSON in " + (
        "RD New (EPSG:28992), omgezet naar WGS84" if crs == geo.RD else "WGS84"
    )

    region_codes = set(Municipality.objects.filter(region=region).values_list("code", flat=True))
    other_region = set(Municipality.objects.exclude(region=region).values_list("code", flat=True))
    all_props = [_props(f) for f in features]
    file_codes = {
        v.municipality_of(code)
        for code in (v.text(p["buurtcode"] or p["wijkcode"]).upper() for p in all_props)
        if len(code) >= 6
    }
    # A municipality's own file brings one new municipality; a national or provincial file
    # brings many, and only the region's are taken (or the ones named at upload).
    new_in_file = file_codes - region_codes - other_region
    if municipalities:
        limit = set(municipalities)
    elif len(new_in_file) <= 1:
        limit = region_codes | new_in_file
    elif region_codes:
        limit = region_codes
    else:
        report.error(
            0,
            "gemeenten",
            f"dit bestand bevat {len(file_codes)} gemeenten en uw regio heeft er nog geen: noem "
            "de CBS-codes van de gemeenten van uw regio (bijvoorbeeld GM0308)",
        )
        return report

    seen: dict[str, int] = {}
    kept: list[Any] = []
    districts: dict[str, str] = {}
    for number, (feature, props) in enumerate(zip(features, all_props, strict=True), start=1):
        if v.text(props["water"]).upper() in {"JA", "J", "1", "TRUE"}:
            report.count("alleen water, overgeslagen")
            continue
        raw = v.text(props["buurtcode"]).upper()
        if raw.startswith("WK") or (not raw and props["wijkcode"]):  # a feature of a wijken file
            _district_name(number, props, raw, districts, report)
            continue
        errors_before = len(report.errors)
        row: dict[str, Any] = {}
        try:
            row["buurtcode"] = v.neighbourhood_code(props["buurtcode"])
        except v.Invalid as error:
            report.error(number, "buurtcode", str(error) if raw else "ontbreekt")
            continue
        code = row["buurtcode"]
        gm = v.municipality_of(code)
        if gm not in limit:
            report.count("buiten de regio, niet aangemaakt")
            continue
        try:
            row["wijkcode"] = (
                v.district_code(props["wijkcode"]) if props["wijkcode"] else v.district_of(code)
            )
            row["gemeentecode"] = (
                v.municipality_code(props["gemeentecode"]) if props["gemeentecode"] else gm
            )
        except v.Invalid as error:
            report.error(number, "wijkcode" if "WK" in str(error) else "gemeentecode", str(error))
            continue
        row["buurtnaam"] = v.text(props["buurtnaam"])[:100]
        if not row["buurtnaam"]:
            report.error(number, "buurtnaam", "ontbreekt")
        row["gemeentenaam"] = v.text(props["gemeentenaam"])[:100]
        row["wijknaam"] = v.text(props["wijknaam"])[:100]
        try:
            row["geometry"], row["area"] = geo.to_wgs84(
                feature.get("geometry") if isinstance(feature, dict) else None, crs
            )
        except v.Invalid as error:
            report.error(number, "geometry", str(error))
        if len(report.errors) > errors_before:
            continue
        if row["wijkcode"] != v.district_of(code):
            report.error(number, "wijkcode", f"{code} ligt niet in wijk {row['wijkcode']}")
            continue
        if row["gemeentecode"] != gm:
            report.error(
                number, "gemeentecode", f"{code} ligt niet in gemeente {row['gemeentecode']}"
            )
            continue
        if gm in other_region:
            report.count("gemeente van een andere regio, overgeslagen")
            continue
        if code in seen:
            report.error(number, "buurtcode", f"{code} staat al in object {seen[code]}")
            continue
        seen[code] = number
        report.rows.append(row)
        kept.append(feature)
    report.districts = districts  # type: ignore[attr-defined]
    if not report.rows and not districts and not report.errors:
        report.error(
            0,
            "gemeenten",
            "het bestand bevat geen buurten van deze regio; noem bij het uploaden de CBS-codes "
            "van de gemeenten die u wilt importeren",
        )
    if report.errors or not kept:
        return report
    _names_for_new_municipalities(report)
    if report.errors:
        return report
    _indicators_inside(report, filename, kept, region=region, year=year)
    return report


def _district_name(
    number: int, props: dict[str, Any], raw: str, districts: dict[str, str], report: Report
) -> None:
    try:
        code = v.district_code(raw if raw.startswith("WK") else props["wijkcode"])
    except v.Invalid as error:
        report.error(number, "wijkcode", str(error))
        return
    name = v.text(props["wijknaam"] or props["buurtnaam"])[:100]
    if name:
        districts[code] = name
        report.count("wijknamen")


def _names_for_new_municipalities(report: Report) -> None:
    known = dict(
        Municipality.objects.filter(code__in={r["gemeentecode"] for r in report.rows}).values_list(
            "code", "name"
        )
    )
    for row in report.rows:
        if not row["gemeentenaam"]:
            row["gemeentenaam"] = known.get(row["gemeentecode"], "")
        if not row["gemeentenaam"]:
            report.error(
                0,
                "gemeentenaam",
                f"naam van gemeente {row['gemeentecode']} ontbreekt (gm_naam, gemeentenaam)",
            )
            return


def _indicators_inside(
    report: Report, filename: str, features: list[Any], *, region: Region, year: int | None
) -> None:
    """The buurtkaart's key figures: validated like an indicator file, merged on write."""
    if not any(_carries_indicators(f) for f in features[:5]):
        return
    sub = validate_indicators(
        filename,
        b"",
        region=region,
        year=year,
        features=features,
        new_codes={r["buurtcode"] for r in report.rows},
        new_municipalities={r["gemeentecode"] for r in report.rows},
    )
    if sub.errors and any("geen jaar" in e.message for e in sub.errors):
        report.notes.append(
            "De kerncijfers in dit bestand zijn niet gelezen: het bestand noemt geen jaar."
        )
        return
    report.errors.extend(sub.errors)
    report.notes.extend(sub.notes)
    report.indicators = sub  # type: ignore[attr-defined]
    if sub.changes:
        report.changes = sub.changes


def _carries_indicators(feature: Any) -> bool:
    from .indicators import INDICATORS

    props = feature.get("properties") if isinstance(feature, dict) else None
    keys = {normalise(k) for k in (props or {})}
    return any(alias in keys for i in INDICATORS for alias in i.aliases)


def write_boundaries(
    report: Report, *, region: Region, organisation: Organisation | None = None, filename: str = ""
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
    names: dict[str, str] = dict(getattr(report, "districts", {}))
    existing_names = dict(
        District.objects.filter(code__in={r["wijkcode"] for r in report.rows}).values_list(
            "code", "name"
        )
    )
    district_rows: dict[str, District] = {}
    for r in report.rows:
        name = (
            names.get(r["wijkcode"])
            or r["wijknaam"]
            or existing_names.get(r["wijkcode"])
            or r["wijkcode"]
        )
        district_rows.setdefault(
            r["wijkcode"],
            District(
                code=r["wijkcode"], name=name, municipality_id=municipality_ids[r["gemeentecode"]]
            ),
        )
    District.objects.bulk_create(
        district_rows.values(),
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "municipality"],
    )
    # A wijken file on its own names wijken that already exist in the region.
    for code, name in names.items():
        if code not in district_rows:
            District.objects.filter(code=code, municipality__region=region).update(name=name)
    district_ids = dict(District.objects.filter(code__in=district_rows).values_list("code", "id"))
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
    indicators = getattr(report, "indicators", None)
    if indicators is not None and indicators.rows:
        write_indicators(indicators, filename=filename)
    return len(report.rows) + (len(names) if not report.rows else 0)
