"""Imports: every row checked first, errors by line and field, nothing written unless all valid."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from housing import importing, sample_data
from housing.models import Dwelling, DwellingEvent, Neighbourhood, NeighbourhoodIndicator

HEADER = "buurtcode;jaar;woningen;aandeel_corporatie;leefbaarometer_klasse;aandeel_lvb;aandeel_bijstand;aandeel_psychisch\n"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def xlsx_bytes(header: list[str], *rows: list) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def messages(report) -> set[tuple[int, str]]:
    return {(e.line, e.field) for e in report.errors}


def test_valid_indicators_are_written_and_every_year_is_kept(world):
    content = csv_bytes("BU00010101;2023;1200;45,5;4;20;8;5")
    report = importing.validate_and_write(
        "indicators", "i.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    years = set(world.neighbourhood.indicators.values_list("year", flat=True))
    assert years == {2023, 2024, 2025}


def test_reimporting_a_year_updates_it_in_place(world):
    content = csv_bytes("BU00010101;2025;1500;45;4;20;8;5")
    importing.validate_and_write(
        "indicators", "i.csv", content, organisation=world.municipality_org
    )
    indicator = world.neighbourhood.indicators.get(year=2025)
    assert indicator.homes == 1500
    assert world.neighbourhood.indicators.count() == 2


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("BU0001010;2025;1000;30;5;10;5;3", "buurtcode"),  # malformed code (7 digits)
        ("XX00010101;2025;1000;30;5;10;5;3", "buurtcode"),
        ("BU00010101;2025;1000;130;5;10;5;3", "aandeel_corporatie"),  # share over 100%
        ("BU00010101;2025;1000;30;10;10;5;3", "leefbaarometer_klasse"),  # class outside 1–9
        ("BU00010101;2025;1000;30;0;10;5;3", "leefbaarometer_klasse"),
        ("BU00010101;2025;1000;30;5;-1;5;3", "aandeel_lvb"),
        ("BU00019999;2025;1000;30;5;10;5;3", "buurtcode"),  # no boundaries yet
        ("BU00010101;2025;veel;30;5;10;5;3", "woningen"),
    ],
)
def test_a_bad_indicator_row_is_reported_by_line_and_field_and_nothing_is_written(
    world, row, field
):
    content = csv_bytes("BU00010101;2023;1000;30;5;10;5;3", row)
    report = importing.validate_and_write(
        "indicators", "i.csv", content, organisation=world.municipality_org
    )
    assert (3, field) in messages(report)
    assert not NeighbourhoodIndicator.objects.filter(year=2023).exists()


def test_a_duplicate_row_is_an_error(world):
    report = importing.validate(
        "indicators",
        "i.csv",
        csv_bytes("BU00010101;2023;1;1;1;1;1;1", "BU00010101;2023;1;1;1;1;1;1"),
        organisation=world.municipality_org,
    )
    assert (3, "buurtcode") in messages(report)
    assert "regel 2" in report.errors[0].message


def test_unknown_columns_are_information_and_missing_indicators_are_allowed(world):
    header = "buurtcode;jaar;woningen;aandeel_corporatie;leefbaarometer_klasse;aandeel_lvb;aandeel_bijstand;kleur\n"
    report = importing.validate(
        "indicators", "i.csv", csv_bytes("x", header=header), organisation=world.municipality_org
    )
    assert messages(report) == {(2, "buurtcode")}
    assert any("kleur" in note for note in report.notes)


def test_an_xlsx_without_some_indicators_is_merged_keeping_the_others(world):
    before = world.neighbourhood.indicators.get(year=2024)
    header = ["buurtcode", "jaar", "woningen", "aandeel_corporatie"]
    content = xlsx_bytes(header, ["BU00010101", 2024, 1000, "30,5"])
    report = importing.validate_and_write(
        "indicators", "i.xlsx", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    after = world.neighbourhood.indicators.get(year=2024)
    assert (after.homes, after.corporation_share) == (1000, Decimal("30.5"))
    assert after.psychiatric_share == before.psychiatric_share
    assert after.lvb_share == before.lvb_share
    assert after.sources["homes"] == "i.xlsx"


def test_a_valid_xlsx_is_imported(world):
    header = HEADER.strip().split(";")
    content = xlsx_bytes(header, ["BU00010101", 2023, 1000, 30.5, 5, 10, 5, 3])
    report = importing.validate_and_write(
        "indicators", "i.xlsx", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert world.neighbourhood.indicators.get(year=2023).corporation_share == 30.5


def test_an_xlsx_error_names_the_spreadsheet_row(world):
    header = HEADER.strip().split(";")
    content = xlsx_bytes(
        header,
        ["BU00010101", 2023, 1000, 30, 5, 10, 5, 3],
        ["BU00010101", 2022, 1000, 101, 5, 10, 5, 3],
    )
    report = importing.validate(
        "indicators", "i.xlsx", content, organisation=world.municipality_org
    )
    assert messages(report) == {(3, "aandeel_corporatie")}


def test_a_file_that_is_not_a_table_is_refused(world):
    with pytest.raises(importing.ImportFileError):
        importing.validate("indicators", "i.pdf", b"%PDF", organisation=world.municipality_org)
    with pytest.raises(importing.ImportFileError):
        importing.validate(
            "indicators", "i.xlsx", b"not a zip", organisation=world.municipality_org
        )


def test_the_sample_region_imports_from_geojson_and_csv(world):
    geo = (sample_data.HERE / "veerhaven_buurten.geojson").read_bytes()
    report = importing.validate_and_write(
        "boundaries", "b.geojson", geo, organisation=world.municipality_org
    )
    assert report.ok, report.errors[:3]
    assert Neighbourhood.objects.filter(code__startswith="BU9901").count() == 40
    csv_report = importing.validate_and_write(
        "indicators",
        "i.csv",
        (sample_data.HERE / "veerhaven_indicatoren_2025.csv").read_bytes(),
        organisation=world.municipality_org,
    )
    assert csv_report.ok and csv_report.written == 40


def feature(code="BU00010102", wijk="WK000101", gm="GM0001", geometry=None):
    return {
        "type": "Feature",
        "properties": {
            "buurtcode": code,
            "buurtnaam": "Noord",
            "wijkcode": wijk,
            "gemeentecode": gm,
            "gemeentenaam": "Teststad",
        },
        "geometry": geometry
        or {"type": "Polygon", "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52]]]},
    }


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_boundaries_must_nest_and_be_wgs84(world):
    rd = {
        "type": "Polygon",
        "coordinates": [[[155000, 463000], [155100, 463000], [155100, 463100], [155000, 463000]]],
    }
    content = geojson(
        feature(),
        feature(code="BU00020101"),
        feature(code="BU00010103", geometry=rd),
        feature(code="BU0001"),
    )
    report = importing.validate_and_write(
        "boundaries", "b.geojson", content, organisation=world.municipality_org
    )
    assert messages(report) == {(2, "wijkcode"), (3, "geometry"), (4, "buurtcode")}
    assert not Neighbourhood.objects.filter(code="BU00010102").exists()


def test_dwellings_import_with_bad_rent_and_unknown_neighbourhood_writes_nothing(world):
    header = "referentie,straat,huisnummer,postcode,plaats,buurtcode,type,kamers,slaapkamers,woonoppervlakte,netto_huur\n"
    rows = [
        "N-1,Kade,1,1234 ab,Teststad,BU00010101,portiekflat,3,2,60,650",
        "N-2,Kade,2,1234AB,Teststad,BU00010101,porch_flat,3,2,60,-5",
        "N-3,Kade,3,1234AB,Teststad,BU00019999,porch_flat,3,2,60,600",
        "N-4,Kade,4,1234AB,Teststad,BU00010101,porch_flat,2,3,60,600",
    ]
    content = (header + "\n".join(rows)).encode()
    report = importing.validate_and_write("dwellings", "w.csv", content, organisation=world.corp_a)
    assert messages(report) == {(3, "netto_huur"), (4, "buurtcode"), (5, "slaapkamers")}
    assert not Dwelling.objects.filter(reference__startswith="N-").exists()


def test_valid_dwellings_are_imported_as_drafts_with_history(world):
    header = "referentie;straat;huisnummer;postcode;plaats;buurtcode;complex;portiek;type;kamers;slaapkamers;woonoppervlakte;netto_huur;contingent\n"
    content = (
        header + "N-1;Kade;1;1234AB;Teststad;BU00010101;C1;Portiek 1;portiekflat;3;2;60;650,50;ja\n"
    ).encode()
    report = importing.validate_and_write(
        "dwellings", "w.csv", content, organisation=world.corp_a, actor=world.consultant_a
    )
    assert report.ok, report.errors
    dwelling = Dwelling.objects.get(reference="N-1")
    assert (dwelling.status, dwelling.stairwell, dwelling.counts_toward_quota) == (
        "draft",
        world.stairwell,
        True,
    )
    assert DwellingEvent.objects.filter(dwelling=dwelling, to_status="draft").exists()


def test_the_command_prints_errors_and_writes_nothing(world, tmp_path):
    path = tmp_path / "i.csv"
    path.write_bytes(csv_bytes("BU00010101;2023;1000;30;12;10;5;3"))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_housing",
            "indicators",
            str(path),
            organisation=world.municipality_org.slug,
            user=world.analyst.email,
            stderr=err,
        )
    assert "regel 2, leefbaarometer_klasse" in err.getvalue()
    path.write_bytes(csv_bytes("BU00010101;2023;1000;30;2;10;5;3"))
    out = io.StringIO()
    call_command(
        "import_housing",
        "indicators",
        str(path),
        organisation=world.municipality_org.slug,
        user=world.analyst.email,
        stdout=out,
    )
    assert world.neighbourhood.indicators.filter(year=2023).exists()
