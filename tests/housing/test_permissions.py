"""Role × URL × method for every housing page, and isolation per role."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from accounts.models import AccessLogEntry
from housing.models import Dwelling, DwellingStatus

ROLES = ["consultant_a", "consultant_b", "chair", "analyst", "coordinator", "outsider"]


def _row(a, b, chair, analyst, coordinator, outsider):
    return dict(zip(ROLES, (a, b, chair, analyst, coordinator, outsider), strict=True))


PAGE = _row(200, 200, 200, 200, 403, 200)  # class-level pages any housing role may open
OWN_WRITE = _row(302, 403, 403, 403, 404, 404)  # on an offered dwelling of corporation A
RESERVE = _row(302, 403, 302, 403, 404, 404)
COMPLEX_CHAIR = _row(403, 404, 302, 403, 404, 404)
COMPLEX_OWNER = _row(302, 404, 403, 403, 404, 404)

# (url name, method) -> expected status per role. Objects: see conftest.World.
MATRIX = {
    ("dwelling-list", "GET"): PAGE,
    ("dwelling-create", "GET"): _row(200, 200, 403, 403, 403, 200),
    ("dwelling-create", "POST"): _row(400, 400, 403, 403, 403, 400),  # empty form
    ("dwelling-detail", "GET"): _row(200, 200, 200, 200, 404, 404),
    ("dwelling-edit", "GET"): _row(200, 403, 403, 403, 404, 404),
    ("dwelling-edit", "POST"): _row(400, 403, 403, 403, 404, 404),
    ("dwelling-offer", "POST"): OWN_WRITE,
    ("dwelling-withdraw", "POST"): OWN_WRITE,
    ("dwelling-reopen", "POST"): OWN_WRITE,
    ("dwelling-let", "POST"): OWN_WRITE,
    ("dwelling-reserve", "POST"): RESERVE,
    ("dwelling-release", "POST"): RESERVE,
    ("complex-list", "GET"): PAGE,
    ("complex-create", "GET"): _row(200, 200, 403, 403, 403, 200),
    ("complex-create", "POST"): _row(400, 400, 403, 403, 403, 400),
    ("complex-detail", "GET"): _row(200, 404, 200, 200, 404, 404),
    ("complex-stop", "POST"): COMPLEX_CHAIR,
    ("complex-stop-lift", "POST"): COMPLEX_CHAIR,
    ("stairwell-create", "POST"): COMPLEX_OWNER,
    ("stairwell-limit", "POST"): COMPLEX_CHAIR,
    ("stairwell-count", "POST"): COMPLEX_OWNER,
    ("neighbourhood-list", "GET"): PAGE,
    ("neighbourhood-detail", "GET"): _row(200, 200, 200, 200, 403, 404),
    ("map", "GET"): PAGE,
    ("map-data", "GET"): PAGE,
    ("weights", "GET"): _row(200, 200, 200, 200, 403, 404),
    ("weights", "POST"): _row(403, 403, 400, 400, 403, 404),  # empty form: allowed roles get 400
    ("indicator-entry", "POST"): _row(403, 403, 403, 400, 403, 404),  # empty form: analyst 400
    ("import-list", "GET"): _row(200, 200, 403, 200, 403, 200),
    ("import-template", "GET"): _row(200, 200, 403, 200, 403, 200),
    ("import-list", "POST"): _row(400, 400, 403, 400, 403, 400),
    ("import-detail", "GET"): _row(404, 404, 404, 200, 404, 404),
    ("import-apply", "POST"): _row(404, 404, 404, 302, 404, 404),
}


def url_for(name: str, w) -> str:
    kwargs = {
        "dwelling-detail": {"pk": w.offered.pk},
        "dwelling-edit": {"pk": w.offered.pk},
        "complex-detail": {"pk": w.complex.pk},
        "complex-stop": {"pk": w.complex.pk},
        "complex-stop-lift": {"pk": w.complex.pk, "stop_pk": w.stop.pk},
        "stairwell-create": {"pk": w.complex.pk},
        "stairwell-limit": {"pk": w.stairwell.pk},
        "stairwell-count": {"pk": w.stairwell.pk},
        "neighbourhood-detail": {"code": w.neighbourhood.code},
        "indicator-entry": {"code": w.neighbourhood.code},
        "import-template": {"kind": "indicators"},
        "weights": {"code": w.municipality.code},
        "import-detail": {"pk": w.batch.pk},
        "import-apply": {"pk": w.batch.pk},
    }.get(name)
    if name.startswith("dwelling-") and name.split("-", 1)[1] in {
        "offer",
        "withdraw",
        "reopen",
        "let",
        "reserve",
        "release",
    }:
        kwargs = {"pk": w.offered.pk}
    return reverse(f"housing:{name}", kwargs=kwargs)


def test_every_housing_url_is_in_the_matrix():
    resolver = get_resolver()
    _prefix, sub = resolver.namespace_dict["housing"]
    names = {p.name for p in sub.url_patterns if p.name}
    assert names == {name for name, _method in MATRIX}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_permission_matrix(world, login, role, name, method):
    client = login(world.user(role))
    url = url_for(name, world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == MATRIX[(name, method)][role], f"{role} {method} {url}"


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("housing:dwelling-list"))
    assert response.status_code == 302
    assert "login" in response["Location"] or "inloggen" in response["Location"]


def test_an_unverified_session_gets_nothing(world, login):
    client = login(world.consultant_a, verified=False)
    response = client.get(reverse("housing:dwelling-detail", args=[world.draft.pk]))
    assert response.status_code in {302, 403}


# --- Isolation ----------------------------------------------------------------------------


def test_a_corporation_lists_its_own_dwellings_and_others_only_on_the_board(world, login):
    response = login(world.consultant_a).get(reverse("housing:dwelling-list"))
    shown = {d.reference for d in response.context["dwellings"]}
    assert shown == {"A-1", "A-2", "B-1"}  # not B-2, B's draft


def test_the_municipality_lists_only_dwellings_on_the_board(world, login):
    response = login(world.chair).get(reverse("housing:dwelling-list"))
    assert {d.reference for d in response.context["dwellings"]} == {"A-2", "B-1"}


def test_an_outsider_sees_no_dwellings_of_another_region(world, login):
    response = login(world.outsider).get(reverse("housing:dwelling-list"))
    assert list(response.context["dwellings"]) == []


def test_another_corporation_cannot_withdraw_and_nothing_changes(world, login):
    before = AccessLogEntry.objects.filter(result="refused").count()
    response = login(world.consultant_b).post(
        reverse("housing:dwelling-withdraw", args=[world.offered.pk])
    )
    assert response.status_code == 403
    world.offered.refresh_from_db()
    assert world.offered.status == DwellingStatus.OFFERED
    assert AccessLogEntry.objects.filter(result="refused").count() == before + 1


@pytest.mark.parametrize("role", ["outsider", "coordinator"])
def test_a_draft_of_another_party_is_a_404_with_one_refused_row(world, login, role):
    before = AccessLogEntry.objects.filter(result="refused").count()
    response = login(world.user(role)).post(
        reverse("housing:dwelling-offer", args=[world.draft.pk])
    )
    assert response.status_code == 404
    assert Dwelling.objects.get(pk=world.draft.pk).status == DwellingStatus.DRAFT
    assert AccessLogEntry.objects.filter(result="refused").count() == before + 1


def test_a_corporation_cannot_see_another_corporations_draft(world, login):
    response = login(world.consultant_a).get(
        reverse("housing:dwelling-detail", args=[world.draft_b.pk])
    )
    assert response.status_code == 404


def test_care_providers_see_no_dwelling_detail(world, login):
    response = login(world.coordinator).get(
        reverse("housing:dwelling-detail", args=[world.offered.pk])
    )
    assert response.status_code == 404


def test_the_map_data_shows_only_the_users_region(world, login):
    data = login(world.outsider).get(reverse("housing:map-data")).json()
    assert data["features"] == []
