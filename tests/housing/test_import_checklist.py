"""Issue 16, line by line, where the other import tests left a line without its own proof:
each vintage's property names, every "not known" marker into the score's breakdown, the
OData column with its yearly suffix, the count of errors beyond those shown on the page, a
corporation's XLSX export uploaded twice, and the "Done when" for a municipality whose
buurtkaart is in RD New."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing import importing, selectors
from housing.models import Dwelling, ImportBatch, Neighbourhood, NeighbourhoodIndicator
from tests.housing.test_import_formats import old_feature, pdok_2021, rd_square
from tests.housing.test_importing import xlsx_bytes

# --- 1. Boundaries: the property names of each vintage ----------------------------------------

VINTAGES = {
    # PDOK 2017-2021, upper case as some downloads (shapefile → GeoJSON) carry them
    "upper": {"BU_CODE": "BU00010107", "BU_NAAM": "Noordkant", "WK_CODE": "WK000101",
              "GM_CODE": "GM0001", "GM_NAAM": "Teststad"},
    # CBS gebiedsindelingen (cbsgebiedsindelingen): statcode / statnaam, no wijk or gemeente
    "statcode": {"statcode": "BU00010107", "statnaam": "Noordkant"},
    # PDOK 2022 and later
    "pdok": {"buurtcode": "BU00010107", "buurtnaam": "Noordkant", "wijkcode": "WK000101",
             "gemeentecode": "GM0001", "gemeentenaam": "Teststad"},
}  # fmt: skip


@pytest.mark.parametrize("vintage", sorted(VINTAGES))
def test_each_vintages_property_names_are_read_and_missing_codes_derived(world, vintage):
    feature = {
        "type": "Feature",
        "properties": VINTAGES[vintage],
        "geometry": rd_square(151_000, 461_000),
    }
    report = importing.validate_and_write(
        "boundaries", "buurten.geojson", pdok_2021(feature), organisation=world.municipality_org
    )
    assert report.ok, report.errors
    buurt = Neighbourhood.objects.select_related("district__municipality").get(code="BU00010107")
    assert buurt.name == "Noordkant"
    assert (buurt.district.code, buurt.district.municipality.code) == ("WK000101", "GM0001")


# --- 2. Indicators: an OData column with its yearly suffix --------------------------------------


def test_the_odata_corporation_column_is_recognised_without_its_suffix(world):
    content = (
        '\ufeff"ID";"WijkenEnBuurten";"SoortRegio_2";"AantalInwoners_5";"Woningvoorraad_34";'
        '"InBezitWoningcorporatie_42"\n'
        '"1";"BU00010101";"Buurt     ";"  2000";"   900";"  41"\n'
    ).encode()
    report = importing.validate_and_write(
        "indicators", "84799NED.csv", content, organisation=world.municipality_org, options={}
    )
    assert report.ok, report.errors
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2020)
    assert (row.population, row.homes, row.corporation_share) == (2000, 900, Decimal("41.00"))


# --- 3. Unknown is unknown: every marker, into the breakdown ----------------------------------


@pytest.mark.parametrize(
    "marker", [".", "x", "-", "geheim", "NA", "", "-99995", "-99997", "-99999999"]
)
def test_every_not_known_marker_reaches_the_breakdown_as_missing(world, marker):
    content = f"buurtcode;jaar;woningen;aandeel_corporatie\nBU00010101;2023;1000;{marker}\n"
    report = importing.validate_and_write(
        "indicators", "i.csv", content.encode(), organisation=world.municipality_org
    )
    assert report.ok, report.errors
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2023)
    assert (row.homes, row.corporation_share) == (1000, None)  # unknown, never 0
    result = selectors.neighbourhood_capacity(
        world.neighbourhood, at=datetime(2023, 6, 1, tzinfo=UTC)
    )
    assert "aandeel corporatiewoningen" in result.missing
    (corporation,) = [c for c in result.breakdown if c.label == "aandeel corporatiewoningen"]
    assert corporation.missing and corporation.points == 0  # no reference value filled in
    assert result.inputs_known < result.inputs_total and not result.complete


def test_a_suppressed_value_never_erases_a_known_one(world):
    known = b"buurtcode;jaar;woningen;aandeel_corporatie\nBU00010101;2023;1000;44\n"
    importing.validate_and_write("indicators", "a.csv", known, organisation=world.municipality_org)
    later = b"buurtcode;jaar;woningen;aandeel_corporatie\nBU00010101;2023;1010;.\n"
    report = importing.validate_and_write(
        "indicators", "b.csv", later, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2023)
    assert (row.homes, row.corporation_share) == (1010, Decimal("44.00"))


# --- 5. The page: errors beyond those shown are counted -------------------------------------


def test_the_preview_counts_the_errors_beyond_the_groups_it_shows(world, login):
    from housing.importing.report import SHOWN_ERRORS

    columns = [f"kolom_{n}" for n in range(SHOWN_ERRORS + 3)]
    header = "buurtcode;jaar;woningen;aandeel_corporatie"
    # Each line a different problem in a different field: as many groups as lines.
    lines = [f"BU00010101;{2001 + n};{n}.5;30" for n in range(SHOWN_ERRORS + 3)]
    content = (header + "\n" + "\n".join(lines) + "\n").encode()
    report = importing.validate("indicators", "i.csv", content, organisation=world.municipality_org)
    assert len(report.error_groups) == len(columns)
    assert report.errors_not_shown == 3
    client = login(world.analyst)
    client.post(
        reverse("housing:import-list"),
        {"kind": "indicators", "file": SimpleUploadedFile("i.csv", content)},
    )
    batch = ImportBatch.objects.get(filename="i.csv")
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert "En nog 3 fouten die hier niet staan." in page


# --- 4. Dwellings: a corporation's XLSX export, twice ----------------------------------------

EXPORT_HEADER = ["VHE-nummer", "Adres", "Postcode", "Woonplaats", "Buurtcode", "Complexnummer",
                 "Woningtype", "Verdieping", "Aantal kamers", "Aantal slaapkamers",
                 "Woonoppervlakte", "Kale huur"]  # fmt: skip


def test_a_corporation_xlsx_export_is_idempotent_on_its_own_reference(world):
    def upload(rent):
        content = xlsx_bytes(
            EXPORT_HEADER,
            ["VHE-8001", "Kade 3 bis", "1234 ab", "Veerhaven", "BU00010101", "C1",
             "eengezinswoning", 0, 4, 3, 92, rent],
        )  # fmt: skip
        return importing.validate_and_write(
            "dwellings", "export.xlsx", content, organisation=world.corp_a, actor=world.consultant_a
        )

    report = upload(701.25)
    assert report.ok, report.errors
    report = upload("725,00")
    assert report.ok, report.errors
    (dwelling,) = Dwelling.objects.filter(corporation=world.corp_a, reference="VHE-8001")
    assert (dwelling.street, dwelling.number, dwelling.suffix) == ("Kade", 3, "BIS")
    assert (dwelling.postcode, dwelling.net_rent) == ("1234AB", Decimal("725.00"))
    assert dwelling.complex == world.complex


# --- Done when: the same for a municipality with RD coordinates ----------------------------


def test_done_when_an_rd_buurtkaart_and_a_leefbaarometer_file_give_scores_naming_what_is_missing(
    world, login
):
    client = login(world.analyst)
    files = [
        (
            "boundaries",
            "buurt_2021.geojson",
            pdok_2021(
                old_feature("BU00010102", "Oost", 155_000),
                old_feature("BU00010103", "West", 156_000),
                crs=False,  # detected from the coordinate ranges
            ),
        ),
        (
            "indicators",
            "leefbaarometer_scores_buurten.csv",
            b"bu_code,bu_naam,jaar,lbm,afw,fys,onv,soc,vrz,won\n"
            b'"BU00010102","Oost",2021,4.12,0.02,0.01,-0.03,0.01,0.02,0.01\n'
            b'"BU00010103","West",2021,NA,NA,NA,NA,NA,NA,NA\n',
        ),
    ]
    for kind, name, content in files:
        client.post(
            reverse("housing:import-list"),
            {"kind": kind, "file": SimpleUploadedFile(name, content)},
        )
        batch = ImportBatch.objects.get(filename=name)
        assert batch.status == "pending", batch.preview
        client.post(reverse("housing:import-apply", args=[batch.pk]))
    features = {
        f["properties"]["code"]: f["properties"]
        for f in selectors.map_features(user=world.analyst)["features"]
        if f["properties"].get("kind") == "neighbourhood"
    }
    oost, west = features["BU00010102"], features["BU00010103"]
    lon, lat = json.loads(json.dumps(Neighbourhood.objects.get(code="BU00010102").boundary))[
        "coordinates"
    ][0][0]
    assert (round(lat, 3), round(lon, 3)) == (52.155, 5.387)
    assert oost["score"] is not None
    assert west["score"] is None  # no input at all: unknown, never a reference value
    for buurt in (oost, west):
        assert buurt["complete"] is False
        assert "aandeel corporatiewoningen" in buurt["missing"]
        assert buurt["inputs_known"] < buurt["inputs_total"]
    assert oost["inputs_known"] > west["inputs_known"] == 0
    assert "Leefbaarometer" in " ".join(west["missing"])
    detail = client.get(reverse("housing:neighbourhood-detail", args=["BU00010103"]))
    assert "Onvolledig" in detail.content.decode()
