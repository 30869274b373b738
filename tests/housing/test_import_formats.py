"""The formats to expect beyond the real samples (RD New, older vintages, letter codes,
national files, wijken files, corporation exports) and the bad-input list of issue 16."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.errors import DomainError
from housing import importing, selectors, services
from housing.importing import geo
from housing.models import (
    Complex,
    District,
    Dwelling,
    DwellingStatus,
    ImportBatch,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)
from tests.housing.factories import DwellingFactory
from tests.housing.test_importing import xlsx_bytes

# --- RD New ---------------------------------------------------------------------------------


def test_rd_new_converts_amersfoort_to_its_wgs84_reference_within_a_metre():
    lon, lat = geo.rd_to_wgs84(155_000, 463_000)
    assert (round(lat, 3), round(lon, 3)) == (52.155, 5.387)
    # The RD origin's published WGS84 position: 52.15517440 N, 5.38720621 E.
    metres_north = abs(lat - 52.15517440) * 111_250
    metres_east = abs(lon - 5.38720621) * 68_300
    assert metres_north < 1 and metres_east < 1


def rd_square(x: float, y: float, size: float = 400) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def pdok_2021(*features, crs: bool = True) -> bytes:
    """A wijk- en buurtkaart 2021 as PDOK publishes it: RD New, the older property names."""
    data: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    return json.dumps(data).encode()


def old_feature(code: str, name: str, x: float, water: str = "NEE", **extra) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "bu_code": code,
            "bu_naam": name,
            "wk_code": "WK" + code[2:8],
            "gm_code": "GM" + code[2:6],
            "gm_naam": "Teststad",
            "water": water,
            "jaar": 2021,
            "aant_inw": 1200,
            "woningen": -99999999,
            **extra,
        },
        "geometry": rd_square(x, 463_000),
    }


@pytest.mark.parametrize("with_crs", [True, False])
def test_an_rd_buurtkaart_with_the_older_names_is_converted_and_water_is_skipped(world, with_crs):
    content = pdok_2021(
        old_feature("BU00010102", "Oost", 155_000),
        old_feature("BU00010199", "Het Meer", 156_000, water="JA"),
        crs=with_crs,
    )
    report = importing.validate_and_write(
        "boundaries", "buurt_2021.geojson", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert report.counts["alleen water, overgeslagen"] == 1
    assert "RD New" in report.source
    oost = Neighbourhood.objects.get(code="BU00010102")
    lon, lat = oost.boundary["coordinates"][0][0]
    assert (round(lat, 3), round(lon, 3)) == (52.155, 5.387)
    assert not Neighbourhood.objects.filter(code="BU00010199").exists()
    assert report.rows[0]["area"] == pytest.approx(16.0, abs=0.2)  # 400 m × 400 m
    figures = NeighbourhoodIndicator.objects.get(neighbourhood=oost, year=2021)
    assert (figures.population, figures.homes) == (1200, None)  # -99999999: unknown


def test_a_municipalitys_own_open_data_names_are_read_and_codes_derived(world):
    feature = {
        "type": "Feature",
        "properties": {"cbsCode": "BU00010105", "naam": "Westhoek"},
        "geometry": rd_square(150_000, 460_000),
    }
    report = importing.validate_and_write(
        "boundaries", "buurten.json", pdok_2021(feature), organisation=world.municipality_org
    )
    assert report.ok, report.errors
    westhoek = Neighbourhood.objects.get(code="BU00010105")
    assert westhoek.district.code == "WK000101"
    assert westhoek.district.municipality.code == "GM0001"


def test_a_wijken_file_names_the_wijken(world):
    content = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "wk_code": "WK000101",
                        "wk_naam": "Binnenstad",
                        "gm_code": "GM0001",
                    },
                    "geometry": rd_square(150_000, 460_000, 2000),
                }
            ],
        }
    ).encode()
    report = importing.validate_and_write(
        "boundaries", "wijken.geojson", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert District.objects.get(code="WK000101").name == "Binnenstad"


def test_a_national_file_is_limited_to_the_region_and_counts_the_others(world):
    content = pdok_2021(
        old_feature("BU00010102", "Oost", 155_000),
        old_feature("BU00020101", "Elders", 157_000),
        old_feature("BU00030101", "Verder", 158_000),
    )
    report = importing.validate_and_write(
        "boundaries", "buurt_2021.geojson", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert report.counts["buiten de regio, niet aangemaakt"] == 2
    assert not Municipality.objects.filter(code__in=["GM0002", "GM0003"]).exists()
    named = importing.validate(
        "boundaries",
        "buurt_2021.geojson",
        content,
        organisation=world.municipality_org,
        options={"municipalities": ["GM0001", "GM0002"]},
    )
    assert {r["gemeentecode"] for r in named.rows} == {"GM0001", "GM0002"}


# --- Letter codes ---------------------------------------------------------------------------


def amsterdam(world) -> None:
    feature = {
        "type": "Feature",
        "properties": {
            "buurtcode": "BU0363AA01",
            "buurtnaam": "Kop Zeedijk",
            "wijkcode": "WK0363AA",
            "gemeentecode": "GM0363",
            "gemeentenaam": "Amsterdam",
        },
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[4.90, 52.37], [4.91, 52.37], [4.91, 52.38], [4.90, 52.38], [4.90, 52.37]]
            ],
        },
    }
    report = importing.validate_and_write(
        "boundaries",
        "amsterdam.geojson",
        json.dumps({"type": "FeatureCollection", "features": [feature]}).encode(),
        organisation=world.municipality_org,
    )
    assert report.ok, report.errors


def test_letter_codes_import_and_show_on_the_map_and_in_the_api(world, login):
    amsterdam(world)
    content = b"buurtcode;jaar;woningen;aandeel_corporatie\nbu0363aa01;2024;900;55,5\n"
    report = importing.validate_and_write(
        "indicators", "i.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    kop = Neighbourhood.objects.get(code="BU0363AA01")
    assert kop.district.code == "WK0363AA"
    features = selectors.map_features(user=world.analyst)["features"]
    assert "BU0363AA01" in {f["properties"].get("code") for f in features}
    client = login(world.analyst)
    api = client.get("/api/v1/neighbourhoods/BU0363AA01/")
    assert api.status_code == 200
    assert api.json()["capacity"]["breakdown"]
    page = client.get(reverse("housing:neighbourhood-detail", args=["BU0363AA01"]))
    assert page.status_code == 200


def test_letter_codes_reach_the_board_and_the_simulation_limits(world):
    from matching.simulation.forms import _LIMIT_LINE

    amsterdam(world)
    assert _LIMIT_LINE.match("BU0363AA01 = 25")
    kop = Neighbourhood.objects.get(code="BU0363AA01")
    offered = DwellingFactory(
        corporation=world.corp_a, neighbourhood=kop, status=DwellingStatus.OFFERED
    )
    board = selectors.board_dwellings(region_id=world.region.pk, corporation_ids=[world.corp_a.pk])
    assert offered in board
    result = selectors.capacities([Neighbourhood.objects.select_related("district").get(pk=kop.pk)])
    assert result[kop.pk].score is None  # no indicators yet: unknown, not invented


# --- Indicators: merge, suppressed, counts ---------------------------------------------------


def test_suppressed_values_reach_the_breakdown_as_missing(world):
    content = (
        b"buurtcode;jaar;woningen;aandeel_corporatie;leefbaarometer_klasse;aandeel_lvb;aandeel_bijstand;aandeel_psychisch\n"
        b"BU00010101;2023;1000;.;4;x;geheim;NA\n"
    )
    report = importing.validate_and_write(
        "indicators", "i.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    from datetime import datetime

    result = selectors.neighbourhood_capacity(
        world.neighbourhood, at=datetime(2023, 6, 1, tzinfo=UTC)
    )
    assert {"aandeel corporatiewoningen", "aandeel LVB", "aandeel bijstand"} <= set(result.missing)
    assert not result.complete and result.score is not None
    assert result.inputs_known < result.inputs_total


def test_a_welfare_count_becomes_a_share_of_the_population_never_a_percentage(world):
    content = b"bu_code;jaar;AantalInwoners_5;PersonenPerSoortUitkeringBijstand_80\nBU00010101;2019;2000;130\n"
    report = importing.validate_and_write(
        "indicators", "kwb.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2019)
    assert row.welfare_share == Decimal("6.50")


def test_the_statline_export_with_units_and_title_lines_is_read(world):
    content = (
        '"Kerncijfers wijken en buurten 2019"\n'
        '"Wijken en buurten";"Regioaanduiding/Soort regio (omschrijving)";"Regioaanduiding/Codering (code)";'
        '"Bevolking/Aantal inwoners (aantal)";"Wonen/Woningvoorraad (aantal)";'
        '"Wonen/Eigendom/Huurwoningen/In bezit woningcorporatie (%)"\n'
        '"Teststad";"Gemeente";"GM0001";"5000";"2200";"40"\n'
        '"Kern";"Buurt";"BU00010101";"1500";"700";"35"\n'
        '"Bron: CBS"\n'
    ).encode("cp1252")
    report = importing.validate(
        "indicators", "Kerncijfers_84583NED.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert report.source == "CBS StatLine-export"
    (row,) = report.rows
    assert (row["year"], row["population"], row["homes"], row["corporation_share"]) == (
        2019,
        1500,
        700,
        Decimal("35.00"),
    )
    assert report.counts["gemeente"] == 1


def test_a_second_partial_file_changes_only_what_it_carries_and_the_preview_says_so(world):
    content = b"bu_code;jaar;lbm\nBU00010101;2024;4.30\n"
    report = importing.validate(
        "indicators", "lbm.csv", content, organisation=world.municipality_org
    )
    assert report.ok, report.errors
    assert set(report.changes) == {"Leefbaarometer-score (lbm)", "Leefbaarometer-klasse (1–9)"}
    before = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2024)
    importing.write(report, organisation=world.municipality_org, filename="lbm.csv")
    after = NeighbourhoodIndicator.objects.get(pk=before.pk)
    assert after.liveability_score == Decimal("4.3000")
    assert (after.homes, after.lvb_share) == (before.homes, before.lvb_share)


def test_leefbaarometer_classes_follow_the_published_boundaries():
    floors = importing.LEEFBAAROMETER_CLASS_FLOORS
    assert importing.liveability_class_of(floors[0] - 0.01) == 1
    assert importing.liveability_class_of(floors[0]) == 2
    assert importing.liveability_class_of(floors[-1]) == 9
    assert list(floors) == sorted(floors)


# --- Dwellings from a corporation's export -----------------------------------------------------

EXPORT = (
    "VHE-nummer;Adres;Postcode;Woonplaats;Buurtcode;Complexnummer;Portiek;Woningtype;Verdieping;"
    "Aantal kamers;Aantal slaapkamers;Woonoppervlakte;Kale huur;Servicekosten;BAG verblijfsobject ID\n"
    "VHE-7001;Frièsestraat 12-A;1234 AB;Veerhaven;BU00010101;C9;Ingang 12;portiekwoning;2;3;2;64;612,50;45,00;0363010000000001\n"
    "VHE-7002;Frièsestraat 14;1234AB;Veerhaven;BU00010101;C9;Ingang 12;portiekwoning;0;2;1;48;498.75;;\n"
)


def test_a_corporation_export_creates_complexes_and_a_second_upload_updates(world):
    content = EXPORT.encode("cp1252")  # Dutch Excel: Windows-1252, accents kept
    report = importing.validate_and_write(
        "dwellings",
        "export.csv",
        content,
        organisation=world.corp_a,
        actor=world.consultant_a,
        options={"create_complexes": True},
    )
    assert report.ok, report.errors
    first = Dwelling.objects.get(corporation=world.corp_a, reference="VHE-7001")
    assert (first.street, first.number, first.suffix, first.postcode) == (
        "Frièsestraat",
        12,
        "A",
        "1234AB",
    )
    assert (first.net_rent, first.bag_id) == (Decimal("612.50"), "0363010000000001")
    assert first.complex.code == "C9" and first.stairwell.name == "Ingang 12"
    assert Dwelling.objects.get(reference="VHE-7002").net_rent == Decimal("498.75")
    again = EXPORT.replace("612,50", "640,00").encode("cp1252")
    report = importing.validate_and_write(
        "dwellings", "export.csv", again, organisation=world.corp_a, actor=world.consultant_a
    )
    assert report.ok, report.errors
    assert (
        Dwelling.objects.filter(corporation=world.corp_a, reference__startswith="VHE-").count() == 2
    )
    assert Dwelling.objects.get(reference="VHE-7001").net_rent == Decimal("640.00")
    assert Complex.objects.filter(corporation=world.corp_a, code="C9").count() == 1
    assert Stairwell.objects.filter(complex__code="C9").count() == 1


def test_an_unknown_complex_is_an_error_unless_creating_is_asked(world):
    report = importing.validate("dwellings", "e.csv", EXPORT.encode(), organisation=world.corp_a)
    assert {(e.line, e.field) for e in report.errors} >= {(2, "complex")}


# --- Bad input ------------------------------------------------------------------------------

HEADER = "buurtcode;jaar;woningen;aandeel_corporatie\n"


def fields(report) -> set[tuple[int, str]]:
    return {(e.line, e.field) for e in report.errors}


def check(world, content: bytes, name: str = "i.csv", kind: str = "indicators"):
    report = importing.validate_and_write(kind, name, content, organisation=world.municipality_org)
    assert not report.ok
    assert not NeighbourhoodIndicator.objects.filter(year=2023).exists()
    return report


def test_a_decimal_comma_in_a_column_of_integers_names_line_and_field(world):
    report = check(world, (HEADER + "BU00010101;2023;1075,5;30\n").encode())
    assert fields(report) == {(2, "woningen")}
    assert "geen geheel getal" in report.errors[0].message


def test_a_thousands_separator_is_refused_with_the_number_to_write(world):
    report = check(world, (HEADER + "BU00010101;2023;1.075;30\n").encode())
    assert fields(report) == {(2, "woningen")}
    assert "1075" in report.errors[0].message


def test_a_buurt_code_without_prefix_suggests_the_code(world):
    report = check(world, (HEADER + "00010101;2023;1075;30\n").encode())
    assert fields(report) == {(2, "buurtcode")}
    assert "BU00010101" in report.errors[0].message


def test_duplicate_codes_are_reported(world):
    report = check(world, (HEADER + "BU00010101;2023;1;30\nBU00010101;2023;2;30\n").encode())
    assert fields(report) == {(3, "buurtcode")}


def test_a_valid_file_with_one_bad_row_at_the_end_writes_nothing(world):
    rows = "".join(f"BU00010101;{year};100;30\n" for year in range(2010, 2023))
    report = check(world, (HEADER + rows + "BU00010101;2023;100;300\n").encode())
    assert fields(report) == {(15, "aandeel_corporatie")}
    assert not NeighbourhoodIndicator.objects.filter(year=2010).exists()


def test_rows_for_buurten_without_boundaries_get_one_grouped_message(world):
    rows = "".join(f"BU0001{n:04d};2023;100;30\n" for n in range(2000, 2030))
    report = check(world, (HEADER + rows).encode())
    assert len(report.errors) == 1
    assert report.errors[0].message.startswith("30 buurten")


def test_the_same_problem_on_many_lines_is_one_group(world):
    rows = "".join(f"BU00010101;{year};veel;30\n" for year in range(2001, 2011))
    report = check(world, (HEADER + rows).encode())
    (group,) = report.error_groups
    assert len(group.lines) == 10 and group.lines_label.endswith("(+2)")


def test_a_wrong_delimiter_is_named(world):
    with pytest.raises(importing.ImportFileError, match="gescheiden door '\\|'"):
        importing.validate(
            "indicators",
            "i.csv",
            b"buurtcode|jaar|woningen\nBU00010101|2023|5\n",
            organisation=world.municipality_org,
        )


def test_latin1_with_accents_is_read_and_said(world):
    content = "buurtcode;buurtnaam;jaar;woningen\nBU00010101;Café-buurt;2023;100\n".encode(
        "latin-1"
    )
    report = importing.validate("indicators", "i.csv", content, organisation=world.municipality_org)
    assert report.ok, report.errors
    assert any("Windows-1252" in note for note in report.notes)


def test_malformed_geojson_names_the_place(world):
    with pytest.raises(importing.ImportFileError, match="regel 1, kolom"):
        importing.validate(
            "boundaries",
            "b.geojson",
            b'{"type": "FeatureCollection", "features": [',
            organisation=world.municipality_org,
        )


@pytest.mark.parametrize("name", ["Oost\u0000", "Oost\u001b[2J"])
def test_a_nul_or_control_character_inside_a_value_is_refused_at_its_row(world, name):
    """A GeoJSON carries a NUL byte as \\u0000 (no 0x00 in the file, so the file check passes);
    it reached PostgreSQL's text column at "Alles opslaan", a 500."""
    content = pdok_2021(old_feature("BU00010102", name, 155_000))
    assert b"\x00" not in content
    report = importing.validate_and_write(
        "boundaries", "buurt_2021.geojson", content, organisation=world.municipality_org
    )
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [(1, "buurtnaam")]
    assert not Neighbourhood.objects.filter(code="BU00010102").exists()


@pytest.mark.parametrize("features", [["a", "b"], [None], [[1, 2]], [None, [1], "x"]])
def test_geojson_features_that_are_not_objects_are_refused_per_row(world, features):
    """A feature that is a string, null or a list was a KeyError (a 500 on the upload)."""
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    report = importing.validate(
        "boundaries", "b.geojson", content, organisation=world.municipality_org
    )
    assert not report.ok
    assert {e.field for e in report.errors} == {"buurtcode"}
    assert len(report.errors) == len(features)


def test_a_zip_bomb_xlsx_is_refused_before_parsing(world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(importing.ImportFileError, match="onredelijke omvang"):
        importing.validate(
            "indicators", "bom.xlsx", out.getvalue(), organisation=world.municipality_org
        )


def test_a_50_mb_file_is_refused_and_nothing_is_stored(world):
    with pytest.raises(DomainError) as error:
        services.import_upload(
            actor=world.analyst,
            organisation=world.municipality_org,
            kind="indicators",
            filename="big.csv",
            content=b"x" * (50 * 1024 * 1024 + 1),
        )
    assert error.value.code == "too_large"
    assert ImportBatch.objects.filter(filename="big.csv").count() == 0


def test_a_table_uploaded_as_boundaries_is_recognised_as_indicators(world):
    with pytest.raises(importing.ImportFileError, match="indicatorenbestand"):
        importing.validate(
            "boundaries", "i.csv", HEADER.encode(), organisation=world.municipality_org
        )


def test_an_indicator_file_uploaded_as_dwellings_is_recognised(world):
    report = importing.validate(
        "dwellings",
        "lbm.csv",
        b"bu_code,jaar,lbm\nBU00010101,2024,4.2\n",
        organisation=world.corp_a,
    )
    assert "indicatorenbestand" in report.errors[0].message


def test_an_unknown_code_column_suggests_the_name(world):
    report = importing.validate(
        "indicators",
        "i.csv",
        b"buurtkode;jaar;woningen\nBU00010101;2023;5\n",
        organisation=world.municipality_org,
    )
    assert "bedoelt u buurtcode" in report.errors[0].message


def test_an_xlsx_with_a_thousands_separator_string_names_the_sheet_row(world):
    content = xlsx_bytes(["buurtcode", "jaar", "woningen"], ["BU00010101", 2023, "1.075"])
    report = check(world, content, name="i.xlsx")
    assert fields(report) == {(2, "woningen")}


# --- Own figures by hand ------------------------------------------------------------------


def test_the_analyst_enters_lvb_and_psychiatric_shares_by_hand(world, login):
    client = login(world.analyst)
    url = reverse("housing:indicator-entry", args=[world.neighbourhood.code])
    response = client.post(url, {"year": 2024, "lvb_share": "veel"})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    response = client.post(url, {"year": 2024, "lvb_share": "21.5"})
    assert response.status_code == 302
    row = NeighbourhoodIndicator.objects.get(neighbourhood=world.neighbourhood, year=2024)
    assert row.lvb_share == Decimal("21.50") and row.sources["lvb_share"] == "handmatig"


def test_a_consultant_cannot_enter_shares(world, login):
    client = login(world.consultant_a)
    url = reverse("housing:indicator-entry", args=[world.neighbourhood.code])
    assert client.post(url, {"year": 2024, "lvb_share": "21.5"}).status_code == 403


def test_the_template_download_is_offered_per_kind(world, login):
    client = login(world.analyst)
    page = client.get(reverse("housing:import-list")).content.decode()
    assert "inbezitwoningcorporatie" in page and "leefbaarometer.nl" in page
    assert reverse("housing:import-template", args=["indicators"]) in page
    response = client.get(reverse("housing:import-template", args=["indicators"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    report = importing.validate(
        "indicators", "sjabloon.csv", response.content, organisation=world.municipality_org
    )
    # Its header is understood; the example buurt (Baarn) is simply not in this region.
    assert report.counts == {"buiten de regio": 1}
    assert client.get(reverse("housing:import-template", args=["x"])).status_code == 404


def test_a_file_past_the_row_limit_is_refused_with_a_message(world, monkeypatch):
    from housing.importing import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    rows = "".join(f"BU00010101;{year};100;30\n" for year in range(2001, 2006))
    with pytest.raises(importing.ImportFileError, match="meer dan 3 regels"):
        importing.validate(
            "indicators", "i.csv", (HEADER + rows).encode(), organisation=world.municipality_org
        )


def test_an_overlong_cell_names_its_line(world):
    content = (
        HEADER + "BU00010101;2023;100;30\n" + "BU00010101;" + "9" * 20_000 + ";1;1\n"
    ).encode()
    with pytest.raises(importing.ImportFileError, match="regel 3: een cel is langer"):
        importing.validate("indicators", "i.csv", content, organisation=world.municipality_org)


def test_the_upload_page_shows_an_unreadable_file_at_the_file_field(world, login):
    client = login(world.analyst)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("housing:import-list"),
        {"kind": "boundaries", "file": SimpleUploadedFile("b.geojson", b'{"type": "Feature')},
    )
    assert response.status_code == 400
    assert "Geen geldige GeoJSON" in response.content.decode()
    assert ImportBatch.objects.filter(filename="b.geojson").count() == 0
