"""Care provider A can never read, list, count or guess provider B's clients; corporations
and the municipality get 404 on every client URL. Refusals change nothing and are logged."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry, OrganisationKind, Role
from cases.models import CareRecord, Client
from tests.accounts.factories import member

from .factories import make_client

pytestmark = pytest.mark.django_db

NAME = "Geheime Gerda"


@pytest.fixture
def theirs(outsider, geo):
    """A client of the other provider, ready and consented (the most shareable state)."""
    return make_client(outsider, full_name=NAME, status="ready", municipality=geo.municipality)


@pytest.fixture
def mine(coordinator):
    return make_client(coordinator, full_name="Eigen Evert")


DETAIL_URLS = [
    ("get", "client-detail", {}),
    ("get", "client-edit", {}),
    ("post", "client-edit", {"adults": "3", "children": "0"}),
    ("get", "client-preview", {}),
    ("post", "client-transition", {"reason": "x"}),
    ("get", "consent-record", {}),
    ("post", "consent-withdraw", {}),
    ("post", "note-add", {"body": "gezien"}),
    ("post", "client-reassign", {}),
]


def _url(name: str, client: Client) -> str:
    kwargs = {"reference": client.reference}
    if name == "client-transition":
        kwargs["action"] = "pause"
    return reverse(f"cases:{name}", kwargs=kwargs)


@pytest.mark.parametrize(("method", "name", "data"), DETAIL_URLS)
def test_another_providers_client_is_a_404_and_nothing_changes(
    coordinator, login, theirs, method, name, data
):
    before = (
        Client.objects.get(pk=theirs.pk).status,
        theirs.notes.count(),
        theirs.consents.count(),
    )
    refused_before = AccessLogEntry.objects.filter(result="refused").count()
    response = getattr(login(coordinator), method)(_url(name, theirs), data)
    assert response.status_code == 404
    assert (
        Client.objects.get(pk=theirs.pk).status,
        theirs.notes.count(),
        theirs.consents.count(),
    ) == before
    rows = AccessLogEntry.objects.filter(result="refused").order_by("-id")
    assert rows.count() == refused_before + 1
    assert rows[0].user_id == coordinator.pk and rows[0].rule == "not-visible"


def test_a_missing_reference_and_another_providers_look_the_same(coordinator, login, theirs):
    browser = login(coordinator)
    other = browser.get(reverse("cases:client-detail", args=[theirs.reference]))
    missing = browser.get(reverse("cases:client-detail", args=["WB-2026-00000"]))
    assert other.status_code == missing.status_code == 404

    # Same page, byte for byte, apart from the CSRF token and the requested path itself.
    def strip(response, reference: str) -> bytes:
        body = re.sub(
            rb'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', b"", response.content
        )
        return body.replace(reference.encode(), b"REF")

    assert strip(other, theirs.reference) == strip(missing, "WB-2026-00000")


def test_guessing_sequential_ids_finds_nothing(coordinator, login, theirs):
    browser = login(coordinator)
    for guess in [str(theirs.pk), str(theirs.pk + 1), "1"]:
        assert browser.get(f"/clienten/{guess}/").status_code == 404
        assert browser.get(f"/api/v1/clients/{guess}/").status_code == 404


def test_references_are_random_not_sequential(coordinator):
    refs = [make_client(coordinator, complete=False).reference for _ in range(8)]
    numbers = [int(r.rsplit("-", 1)[1]) for r in refs]
    assert len(set(refs)) == 8
    assert numbers != sorted(numbers) or numbers != list(range(numbers[0], numbers[0] + 8))


def test_the_list_and_search_never_show_another_providers_client(coordinator, login, theirs, mine):
    browser = login(coordinator)
    page = browser.get(reverse("cases:client-list")).content.decode()
    assert mine.reference in page and theirs.reference not in page
    for query in [NAME, "Gerda", theirs.reference]:
        page = browser.get(reverse("cases:client-list"), {"q": query}).content.decode()
        assert theirs.reference not in page.split("<table")[1]
        assert "Geen cliënten gevonden" in page


def test_the_api_list_count_is_only_the_own_providers(coordinator, login, theirs, mine):
    body = login(coordinator).get("/api/v1/clients/").json()
    assert body["count"] == 1
    assert [c["reference"] for c in body["results"]] == [mine.reference]
    searched = login(coordinator).get("/api/v1/clients/", {"q": "Gerda"}).json()
    assert searched["count"] == 0


def test_the_name_search_decrypts_only_the_own_providers_records(
    coordinator, theirs, mine, django_assert_max_num_queries
):
    from cases.selectors import client_list

    with django_assert_max_num_queries(3):
        found = list(client_list(user=coordinator, q="evert"))
    assert [c.pk for c in found] == [mine.pk]


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (OrganisationKind.HOUSING_CORPORATION, Role.HOUSING_CONSULTANT),
        (OrganisationKind.HOUSING_CORPORATION, Role.ORG_ADMIN),
        (OrganisationKind.MUNICIPALITY, Role.BOARD_CHAIR),
        (OrganisationKind.MUNICIPALITY, Role.ANALYST),
        (OrganisationKind.MUNICIPALITY, Role.ORG_ADMIN),
    ],
)
def test_corporations_and_the_municipality_get_404_everywhere(make_org, login, theirs, kind, role):
    user = member(role, make_org(kind))
    browser = login(user)
    assert browser.get(reverse("cases:client-list")).status_code == 404
    assert browser.get(reverse("cases:client-create")).status_code == 404
    for method, name, data in DETAIL_URLS:
        assert getattr(browser, method)(_url(name, theirs), data).status_code == 404
    assert browser.get("/api/v1/clients/").status_code == 404
    assert browser.get(f"/api/v1/clients/{theirs.reference}/").status_code == 404
    assert browser.post("/api/v1/clients/", {"adults": 1}).status_code == 404
    refused = AccessLogEntry.objects.filter(user_id=user.pk, result="refused")
    assert refused.exists() and set(refused.values_list("rule", flat=True)) == {
        "not-a-care-coordinator"
    }


def test_the_providers_org_admin_without_the_coordinator_role_sees_no_clients(
    provider, login, mine
):
    admin = member(Role.ORG_ADMIN, provider)
    assert (
        login(admin).get(reverse("cases:client-detail", args=[mine.reference])).status_code == 404
    )


def test_a_coordinator_of_a_provider_that_is_deactivated_sees_nothing(
    coordinator, provider, login, mine
):
    provider.is_active = False
    provider.save()
    assert (
        login(coordinator).get(reverse("cases:client-detail", args=[mine.reference])).status_code
        == 404
    )


def test_a_leftover_grant_opens_nothing_after_leaving_the_provider(
    coordinator, provider, login, mine
):
    coordinator.memberships.update(is_active=False)
    assert (
        login(coordinator).get(reverse("cases:client-edit", args=[mine.reference])).status_code
        == 404
    )


def test_care_only_data_never_reaches_the_board_projection(coordinator, region, geo):
    from cases.selectors import shared_profiles_for_board

    client = make_client(
        coordinator,
        full_name="Zichtbaar Nooit",
        care_history="diagnose X",
        exclusion_reasons="ex-partner woont daar",
        status="ready",
        municipality=geo.municipality,
        excluded_neighbourhood_codes=[geo.neighbourhoods[0].code],
        monthly_income=1234,
    )
    record = CareRecord.objects.get(pk=client.pk)
    text = repr(shared_profiles_for_board(region=region))
    for secret in [
        record.full_name,
        record.care_history,
        record.exclusion_reasons,
        record.phone,
        "1234",
    ]:
        assert secret not in text
    assert client.reference in text and geo.neighbourhoods[0].code in text
    assert coordinator.full_name not in text
