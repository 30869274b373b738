"""Pages: upload → preview → apply, the consultant's flow, the map, and pinned query counts."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing.models import Dwelling, DwellingStatus, ImportBatch, NeighbourhoodIndicator
from tests.housing.factories import DwellingFactory, IndicatorFactory, NeighbourhoodFactory

HEADER = "buurtcode;jaar;woningen;aandeel_corporatie;leefbaarometer_klasse;aandeel_lvb;aandeel_bijstand;aandeel_psychisch\n"


def upload(client, content: bytes, name="i.csv", kind="indicators"):
    return client.post(
        reverse("housing:import-list"), {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def test_an_analyst_uploads_previews_and_applies_a_year_of_indicators(world, login):
    client = login(world.analyst)
    response = upload(client, (HEADER + "BU00010101;2023;900;41;4;20;7;5\n").encode())
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    preview = client.get(reverse("housing:import-detail", args=[batch.pk]))
    assert b"BU00010101" in preview.content
    assert not NeighbourhoodIndicator.objects.filter(year=2023).exists()  # nothing written yet
    client.post(reverse("housing:import-apply", args=[batch.pk]))
    assert NeighbourhoodIndicator.objects.filter(year=2023).count() == 1
    batch.refresh_from_db()
    assert batch.status == "applied"


def test_the_preview_lists_errors_by_line_and_field_and_cannot_be_applied(world, login):
    client = login(world.analyst)
    upload(client, (HEADER + "BU00010101;2023;900;141;4;20;7;5\n").encode())
    batch = ImportBatch.objects.latest("pk")
    page = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
    assert "aandeel_corporatie" in page and "<td>2</td>" in page
    client.post(reverse("housing:import-apply", args=[batch.pk]))
    assert not NeighbourhoodIndicator.objects.filter(year=2023).exists()


def test_the_preview_is_shown_from_the_upload_without_parsing_the_file_again(
    world, login, monkeypatch
):
    """The upload's check is kept with the batch: viewing the preview (again) reads no file.
    'Alles opslaan' still checks the stored file once more before writing."""
    from housing import importing

    client = login(world.analyst)
    good = (HEADER + "BU00010101;2023;900;41;4;20;7;5\n").encode()
    bad = (HEADER + "BU00010101;2023;900;141;4;20;7;5\n" * 12).encode()
    upload(client, good)
    good_batch = ImportBatch.objects.latest("pk")
    upload(client, bad, name="fout.csv")
    bad_batch = ImportBatch.objects.latest("pk")
    first = {
        b.pk: client.get(reverse("housing:import-detail", args=[b.pk])).content.decode()
        for b in (good_batch, bad_batch)
    }

    def no_parsing(*args, **kwargs):
        raise AssertionError("the preview parsed the stored file")

    monkeypatch.setattr(importing, "validate", no_parsing)
    for batch in (good_batch, bad_batch):
        again = client.get(reverse("housing:import-detail", args=[batch.pk])).content.decode()
        assert _without_tokens(again) == _without_tokens(first[batch.pk])
    assert "BU00010101" in first[good_batch.pk] and "Alles opslaan" in first[good_batch.pk]
    assert (
        "12 fouten" in first[bad_batch.pk] and "3, 4, 5, 6, 7, 8, 9, 10 (+3)" in first[bad_batch.pk]
    )
    monkeypatch.undo()
    client.post(reverse("housing:import-apply", args=[good_batch.pk]))
    assert NeighbourhoodIndicator.objects.filter(year=2023).count() == 1


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_a_consultant_cannot_upload_indicators(world, login):
    response = upload(login(world.consultant_a), HEADER.encode())
    assert response.status_code == 400


def test_a_consultant_adds_and_offers_a_dwelling(world, login):
    client = login(world.consultant_a)
    data = {
        "reference": "N-9", "street": "Kade", "number": 9, "postcode": "1234 ab", "city": "Teststad",
        "neighbourhood": world.neighbourhood.pk, "dwelling_type": "studio", "floor": 0, "rooms": 1,
        "bedrooms": 0, "living_area": 30, "net_rent": "500", "service_costs": "0",
    }  # fmt: skip
    response = client.post(reverse("housing:dwelling-create"), data)
    dwelling = Dwelling.objects.get(reference="N-9")
    assert response.status_code == 302 and dwelling.postcode == "1234AB"
    client.post(reverse("housing:dwelling-offer", args=[dwelling.pk]))
    dwelling.refresh_from_db()
    assert dwelling.status == DwellingStatus.OFFERED


def test_a_negative_rent_in_the_form_is_a_field_error(world, login):
    client = login(world.consultant_a)
    response = client.post(
        reverse("housing:dwelling-edit", args=[world.draft.pk]), {"net_rent": "-10"}
    )
    assert response.status_code == 400
    assert "net_rent" in response.context["form"].errors


def test_the_list_filters_by_status(world, login):
    response = login(world.consultant_a).get(reverse("housing:dwelling-list"), {"status": "draft"})
    assert [d.reference for d in response.context["dwellings"]] == ["A-1"]


def test_the_map_page_has_no_inline_script_or_style(world, login):
    html = login(world.analyst).get(reverse("housing:map")).content.decode()
    assert "vendor/leaflet/leaflet.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html


def test_the_map_data_carries_class_breakdown_and_offered_dwellings_per_buurt(world, login):
    data = login(world.analyst).get(reverse("housing:map-data")).json()
    areas = [f for f in data["features"] if f["properties"]["kind"] == "neighbourhood"]
    offered = [f for f in data["features"] if f["properties"]["kind"] == "offered"]
    assert areas[0]["properties"]["class"] == "green"
    assert areas[0]["properties"]["breakdown"][0]["key"] == "base"
    assert [(o["properties"]["code"], o["properties"]["count"]) for o in offered] == [
        ("BU00010101", 2)
    ]


def test_the_map_links_a_buurt_to_its_offered_dwellings(world, login):
    client = login(world.consultant_a)
    data = client.get(reverse("housing:map-data")).json()
    (offered,) = [f for f in data["features"] if f["properties"]["kind"] == "offered"]
    listed = client.get(offered["properties"]["url"]).context["dwellings"]
    assert {d.reference for d in listed} == {"A-2", "B-1"}


def test_the_map_data_does_not_grow_with_the_number_of_dwellings(world, login):
    client = login(world.analyst)
    before = client.get(reverse("housing:map-data")).content
    DwellingFactory.create_batch(
        200, corporation=world.corp_a, neighbourhood=world.neighbourhood, status="offered"
    )
    after = client.get(reverse("housing:map-data")).content
    assert len(after) - len(before) < 10  # only the count's digits change


def _many(world, n=30):
    for i in range(n):
        hood = NeighbourhoodFactory(
            district=world.neighbourhood.district, code=f"BU000101{i + 10:02d}"
        )
        IndicatorFactory(neighbourhood=hood, year=2025)
        DwellingFactory(corporation=world.corp_a, neighbourhood=hood, status="offered")


def test_query_counts_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    _many(world)
    client = login(world.consultant_a)
    for name, limit in [
        ("dwelling-list", 12),
        ("complex-list", 12),
        ("neighbourhood-list", 14),
        ("map-data", 12),
    ]:
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(f"housing:{name}")).status_code == 200


def test_the_stairwell_list_names_each_stairwell_with_its_complex(world, login):
    """Complexes number their entrances alike; the list read "Portiek 1, 3, 5, 1, 3"."""
    html = login(world.consultant_a).get(reverse("housing:dwelling-edit", args=[world.draft.pk]))
    options = re.findall(
        r'<option value="\d+"[^>]*>([^<]*Portiek 1)</option>', html.content.decode()
    )
    assert options == [f"{world.complex.name} · Portiek 1"], options
