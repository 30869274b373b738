"""The real public files in ../shared/realdata, imported unchanged, by command and by page,
with the counts their README states."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import AccessLogEntry, OrganisationKind, Role
from housing import importing, selectors
from housing.models import ImportBatch, Neighbourhood, NeighbourhoodIndicator
from tests.accounts.factories import OrganisationFactory, RegionFactory, member
from tests.housing.factories import DistrictFactory, MunicipalityFactory, NeighbourhoodFactory

REALDATA = Path(settings.BASE_DIR).parent / "shared" / "realdata"
BAARN = "baarn_buurten_2024.geojson"
LEEFBAAROMETER = "leefbaarometer_scores_buurten_2002-2024_EXTRACT_baarn_2022_2024.csv"
DEN_HAAG = "denhaag_kwb_2019_84583NED_subset.csv"
AMSTELVEEN = "amstelveen_leefbaarometer_wijken_2014-2022.csv"

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason="the real public files live in ../shared/realdata"
)


def real(name: str) -> bytes:
    return (REALDATA / name).read_bytes()


@pytest.fixture
def baarn(db):
    region = RegionFactory(name="Regio Eemland", slug="regio-eemland")
    org = OrganisationFactory(
        kind=OrganisationKind.MUNICIPALITY, region=region, name="Gemeente Baarn", slug="baarn"
    )
    return org, member(Role.ANALYST, org)


def run(kind: str, name: str, org, user, **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_housing",
            kind,
            str(REALDATA / name),
            organisation=org.slug,
            user=user.email,
            stdout=out,
            stderr=err,
            **options,
        )
    except CommandError as error:
        raise AssertionError(err.getvalue() + str(error)) from None
    return out.getvalue()


def in_baarn():
    return Neighbourhood.objects.filter(district__municipality__code="GM0308")


def test_baarns_buurtkaart_imports_its_21_buurten_and_their_key_figures(baarn):
    org, analyst = baarn
    run("boundaries", BAARN, org, analyst)
    assert in_baarn().count() == 21
    centrum = Neighbourhood.objects.get(code="BU03080000")
    assert (centrum.name, centrum.district.code) == ("Centrum", "WK030800")
    assert centrum.district.municipality.name == "Baarn"
    indicators = NeighbourhoodIndicator.objects.filter(neighbourhood__in=in_baarn(), year=2024)
    assert indicators.count() == 21
    row = indicators.get(neighbourhood=centrum)
    assert row.population == 1825
    # -99995: not yet published or suppressed: unknown, never zero.
    assert (row.homes, row.corporation_share, row.welfare_share) == (None, None, None)
    assert row.sources["population"] == BAARN


def test_the_command_writes_the_same_import_record_actor_and_access_log_as_the_page(baarn):
    org, analyst = baarn
    run("boundaries", BAARN, org, analyst)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.channel, batch.uploaded_by, batch.organisation) == (
        "applied",
        "command",
        analyst,
        org,
    )
    logged = AccessLogEntry.objects.filter(user_id=analyst.pk, object_type__icontains="import")
    assert logged.count() == 2  # the upload and the apply, as on the page
    assert set(logged.values_list("channel", flat=True)) == {"command"}


def test_the_command_refuses_a_user_who_may_not_import(baarn):
    org, _analyst = baarn
    chair = member(Role.BOARD_CHAIR, org)
    with pytest.raises(CommandError):
        call_command(
            "import_housing",
            "boundaries",
            str(REALDATA / BAARN),
            organisation=org.slug,
            user=chair.email,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert not Neighbourhood.objects.exists()


def test_the_leefbaarometer_file_merges_42_rows_into_baarns_two_years(baarn):
    org, analyst = baarn
    run("boundaries", BAARN, org, analyst)
    output = run("indicators", LEEFBAAROMETER, org, analyst)
    assert "Leefbaarometer" in output
    rows = NeighbourhoodIndicator.objects.filter(neighbourhood__in=in_baarn())
    assert rows.filter(year=2022).count() == 21
    assert rows.filter(year=2024).count() == 21
    centrum_2024 = rows.get(neighbourhood__code="BU03080000", year=2024)
    assert centrum_2024.liveability_score == Decimal("4.1754")
    assert centrum_2024.liveability_class == importing.liveability_class_of(Decimal("4.1754"))
    assert centrum_2024.dimension_nuisance == Decimal("-0.022")  # onv
    assert centrum_2024.population == 1825  # from the buurtkaart: merged, not replaced


def test_baarn_on_the_map_shows_21_buurten_whose_scores_name_the_missing_inputs(baarn):
    org, analyst = baarn
    run("boundaries", BAARN, org, analyst)
    run("indicators", LEEFBAAROMETER, org, analyst)
    features = [
        f
        for f in selectors.map_features(user=analyst)["features"]
        if f["properties"]["kind"] == "neighbourhood"
    ]
    assert len(features) == 21
    for feature in features:
        p = feature["properties"]
        assert p["score"] is not None
        assert p["complete"] is False
        assert p["inputs_known"] < p["inputs_total"]
        assert {"aandeel corporatiewoningen", "aandeel LVB", "aandeel bijstand"} <= set(
            p["missing"]
        )
        missing = [c for c in p["breakdown"] if c["missing"]]
        assert all(c["points"] == 0 for c in missing)


def test_den_haags_kerncijfers_odata_csv_imports_its_114_buurten(db):
    region = RegionFactory(name="Haaglanden", slug="haaglanden")
    org = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, region=region, slug="den-haag")
    analyst = member(Role.ANALYST, org)
    municipality = MunicipalityFactory(code="GM0518", name="'s-Gravenhage", region=region)
    codes = sorted(
        {
            line.split(";")[1].strip('" ')
            for line in real(DEN_HAAG).decode("utf-8-sig").splitlines()
            if '"BU' in line
        }
    )
    assert len(codes) == 114
    districts: dict[str, object] = {}
    for code in codes:
        wk = "WK" + code[2:8]
        districts.setdefault(wk, DistrictFactory(code=wk, municipality=municipality))
        NeighbourhoodFactory(code=code, district=districts[wk])
    report = importing.validate("indicators", DEN_HAAG, real(DEN_HAAG), organisation=org)
    assert report.ok, report.errors[:3]
    assert len(report.rows) == 114
    assert report.counts["gemeente"] == 1
    assert report.counts["wijk"] == 44
    assert {r["year"] for r in report.rows} == {2019}  # from the table id 84583NED
    assert report.changes == {"aantal inwoners": 114}
    assert any("Mannen" in note for note in report.notes)  # unknown columns: information
    output = run("indicators", DEN_HAAG, org, analyst)
    assert "114 regels geïmporteerd" in output
    assert NeighbourhoodIndicator.objects.get(neighbourhood__code="BU05180271").population == 8245


def test_amstelveens_wijk_level_leefbaarometer_file_is_refused_as_the_wrong_level(baarn):
    org, _analyst = baarn
    report = importing.validate("indicators", AMSTELVEEN, real(AMSTELVEEN), organisation=org)
    assert not report.ok
    assert "cijfers per wijk, niet per buurt" in report.errors[0].message
    assert report.errors[0].field == "wk_code"


def test_the_page_takes_the_buurtkaart_and_previews_its_boundaries(baarn, login):
    _org, analyst = baarn
    client = login(analyst)
    response = client.post(
        reverse("housing:import-list"),
        {"kind": "boundaries", "file": SimpleUploadedFile(BAARN, real(BAARN))},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert "BU03080000" in page and "Centrum" in page and "Baarn" in page
    assert "oppervlakte (ha)" in page
    assert "aantal inwoners" in page  # the key figures it carries: what changes
    assert not Neighbourhood.objects.exists()
    client.post(reverse("housing:import-apply", args=[batch.pk]))
    assert in_baarn().count() == 21
    response = client.post(
        reverse("housing:import-list"),
        {"kind": "indicators", "file": SimpleUploadedFile(LEEFBAAROMETER, real(LEEFBAAROMETER))},
    )
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert "Leefbaarometer 3.0" in page and "42 regels zijn in orde" in page
    client.post(reverse("housing:import-apply", args=[batch.pk]))
    assert NeighbourhoodIndicator.objects.filter(year=2022).count() == 21
    detail = client.get(reverse("housing:neighbourhood-detail", args=["BU03080000"]))
    assert "Onvolledig" in detail.content.decode()


@pytest.fixture
def den_haag(db):
    region = RegionFactory(name="Haaglanden", slug="haaglanden")
    org = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY, region=region, slug="den-haag")
    return org, member(Role.ANALYST, org)


def den_haag_buurten() -> list[str]:
    return sorted(
        {
            line.split(";")[1].strip('" ')
            for line in real(DEN_HAAG).decode("utf-8-sig").splitlines()
            if '"BU' in line
        }
    )


def den_haag_boundaries(org, codes: list[str]) -> None:
    municipality = MunicipalityFactory(code="GM0518", name="'s-Gravenhage", region=org.region)
    districts: dict[str, object] = {}
    for code in codes:
        wk = "WK" + code[2:8]
        districts.setdefault(wk, DistrictFactory(code=wk, municipality=municipality))
        NeighbourhoodFactory(code=code, district=districts[wk])


def test_den_haags_file_before_any_boundaries_is_refused_in_one_message(den_haag):
    org, analyst = den_haag
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_housing",
            "indicators",
            str(REALDATA / DEN_HAAG),
            organisation=org.slug,
            user=analyst.email,
            stdout=out,
            stderr=err,
        )
    report = importing.validate("indicators", DEN_HAAG, real(DEN_HAAG), organisation=org)
    (error,) = report.errors
    assert "Haaglanden heeft nog geen buurtgrenzen" in error.message
    assert "114 buurten van GM0518" in error.message
    assert (report.counts["gemeente"], report.counts["wijk"]) == (1, 44)
    assert "nog geen buurtgrenzen" in err.getvalue() + out.getvalue()
    assert not NeighbourhoodIndicator.objects.exists()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.channel, batch.error_count) == ("invalid", "command", 1)


def test_den_haags_file_with_some_buurten_still_unbounded_names_them_once(den_haag):
    org, _analyst = den_haag
    codes = den_haag_buurten()
    den_haag_boundaries(org, codes[:100])
    report = importing.validate("indicators", DEN_HAAG, real(DEN_HAAG), organisation=org)
    (error,) = report.errors
    assert error.message.startswith("14 buurten van Haaglanden hebben nog geen buurtgrenzen")
    assert codes[100] in error.message and "en nog 4" in error.message
    report = importing.validate_and_write("indicators", DEN_HAAG, real(DEN_HAAG), organisation=org)
    assert not report.ok and not NeighbourhoodIndicator.objects.exists()


def test_den_haags_kerncijfers_by_page_preview_and_apply(den_haag, login):
    org, analyst = den_haag
    den_haag_boundaries(org, den_haag_buurten())
    client = login(analyst)
    response = client.post(
        reverse("housing:import-list"),
        {"kind": "indicators", "file": SimpleUploadedFile(DEN_HAAG, real(DEN_HAAG))},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.channel, batch.uploaded_by) == ("pending", "page", analyst)
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert "114 regels zijn in orde" in page
    assert "BU05180271" in page and "aantal inwoners" in page
    assert not NeighbourhoodIndicator.objects.exists()  # a preview writes nothing
    client.post(reverse("housing:import-apply", args=[batch.pk]))
    rows = NeighbourhoodIndicator.objects.filter(year=2019)
    assert rows.count() == 114
    assert rows.get(neighbourhood__code="BU05180271").population == 8245
    logged = AccessLogEntry.objects.filter(user_id=analyst.pk, object_type__icontains="import")
    assert logged.count() == 2


def test_den_haags_file_in_another_region_names_what_it_found_and_the_page_says_it_in_full(
    baarn, login
):
    org, analyst = baarn
    run("boundaries", BAARN, org, analyst)
    client = login(analyst)
    client.post(
        reverse("housing:import-list"),
        {"kind": "indicators", "file": SimpleUploadedFile(DEN_HAAG, real(DEN_HAAG))},
    )
    batch = ImportBatch.objects.get(filename=DEN_HAAG)
    assert batch.status == "invalid"
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert (
        "het bestand bevat geen buurten van Regio Eemland, wel buurten van andere gemeenten "
        "(114 van GM0518)" in page
    )
    assert "regels per wijk, overgeslagen: <strong>44</strong>" in page
    assert "regels voor de hele gemeente, overgeslagen: <strong>1</strong>" in page
    # The 17 unused columns fold away behind one line.
    assert "<details><summary>Niet gebruikte kolommen (17)</summary>Mannen_6, " in page
