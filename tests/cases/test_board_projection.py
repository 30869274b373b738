"""What the board (issue 6) gets: pseudonym and shared fields only, for consented clients
that are ready, on the board or matched, in the asked region."""

from __future__ import annotations

import pytest

from cases import selectors

from .factories import give_consent, make_client

pytestmark = pytest.mark.django_db

SHARED_KEYS = {
    "reference", "status", "ready_since", "target_group", "household", "income_bracket", "max_rent",
    "rent_limits_year", "accessibility", "preferred_municipalities", "preferred_districts",
    "excluded_neighbourhoods", "support_hours_per_week", "support_team_district", "agreement_type",
    "earliest_move_date", "pets", "pets_description", "note_for_corporation", "urgent_until",
    "urgency_decided_by",
}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "shown"),
    [("draft", False), ("ready", True), ("on_board", True), ("matched", True), ("housed", False),
     ("follow_up", False), ("paused", False), ("withdrawn", False), ("closed", False)],
)  # fmt: skip
def test_only_ready_on_board_and_matched_clients_are_shared(
    coordinator, region, geo, status, shown
):
    client = make_client(coordinator, status=status, consent=True, municipality=geo.municipality)
    refs = {p["reference"] for p in selectors.shared_profiles_for_board(region=region)}
    assert (client.reference in refs) is shown


def test_the_projection_has_exactly_the_shared_fields(coordinator, region, geo):
    make_client(
        coordinator,
        status="ready",
        municipality=geo.municipality,
        pets=True,
        pets_description="kat",
        wheelchair=True,
        adults=2,
        children=4,
        monthly_income=5000,
        excluded_neighbourhood_codes=[n.code for n in geo.neighbourhoods],
    )
    (profile,) = selectors.shared_profiles_for_board(region=region)
    assert set(profile) == SHARED_KEYS
    assert profile["household"] == {"adults": 2, "children": 4}
    assert profile["income_bracket"] == "above_limit" and profile["max_rent"] == "879.66"
    assert profile["accessibility"]["wheelchair"] is True
    assert profile["excluded_neighbourhoods"] == sorted(n.code for n in geo.neighbourhoods)
    assert profile["preferred_municipalities"] == [geo.municipality.code]


def test_client_has_valid_consent(coordinator):
    client = make_client(coordinator)
    assert selectors.client_has_valid_consent(client) is False
    give_consent(coordinator, client)
    assert selectors.client_has_valid_consent(client) is True


def test_board_clients_are_ready_or_on_board_consented_and_of_the_boards_providers(
    coordinator, outsider, provider, region, geo
):
    ready = make_client(coordinator, status="ready", municipality=geo.municipality)
    on_board = make_client(coordinator, status="on_board", municipality=geo.municipality)
    make_client(coordinator, status="matched", municipality=geo.municipality)
    make_client(coordinator, consent=True, municipality=geo.municipality)
    make_client(outsider, status="ready", municipality=geo.municipality)  # not a board member
    items = selectors.board_clients(region_id=region.pk, care_provider_ids=[provider.pk])
    assert {i["id"] for i in items} == {ready.pk, on_board.pk}
    assert {i["profile"]["reference"] for i in items} == {ready.reference, on_board.reference}
    assert all(i["care_provider_id"] == provider.pk for i in items)


def test_consent_and_names_in_bulk(coordinator):
    with_consent = make_client(coordinator, consent=True, full_name="Els Bos")
    without = make_client(coordinator, full_name="Piet Hein")
    assert selectors.clients_with_valid_consent([with_consent.pk, without.pk]) == {with_consent.pk}
    assert selectors.client_names([with_consent.pk, without.pk]) == {
        with_consent.pk: "Els Bos",
        without.pk: "Piet Hein",
    }
