"""Privacy holes closed at their root (issue 13): names typed at a signature follow the names
rule, the board's proposal page tells only the parties about a placement."""

from __future__ import annotations

import pytest

from cases import services as case_services
from matching.placements import machine, services
from matching.placements.models import Party

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Jantje Geheimnaam"


def _signed_with_a_name(world):
    agreement = world.issued()
    for party in machine.SIGNING_ORDER[agreement.kind]:
        actor = world.consultant if party == Party.CORPORATION else world.coordinator
        agreement = services.agreement_sign(
            actor=actor,
            agreement=agreement,
            party=party,
            signed_by_name=CLIENT_NAME if party == Party.CLIENT else "Medewerker",
        )
    return agreement


@pytest.mark.parametrize("reader", ["chair", "analyst"])
def test_the_municipality_reads_no_name_typed_at_the_client_signature(world, login, reader):
    agreement = _signed_with_a_name(world)
    browser = login(getattr(world, reader))
    response = browser.get(f"/api/v1/agreements/{agreement.pk}/")
    assert response.status_code == 200
    assert CLIENT_NAME not in response.content.decode()
    client_signature = next(s for s in response.json()["signatures"] if s["party"] == "client")
    assert client_signature["signed_by_name"] == ""


def test_the_corporation_reads_the_signature_name_only_with_consent(world, login):
    agreement = _signed_with_a_name(world)
    client = agreement.placement.client
    consultant = login(world.consultant)
    assert CLIENT_NAME in consultant.get(f"/api/v1/agreements/{agreement.pk}/").content.decode()
    case_services.consent_withdraw(actor=world.coordinator, client=client)
    for url in (f"/api/v1/agreements/{agreement.pk}/", f"/afspraken/{agreement.pk}/"):
        body = consultant.get(url).content.decode()
        assert CLIENT_NAME not in body, url


def test_the_coordinator_still_reads_the_name_typed_at_the_signature(world, login):
    agreement = _signed_with_a_name(world)
    body = login(world.coordinator).get(f"/api/v1/agreements/{agreement.pk}/").json()
    names = {s["party"]: s["signed_by_name"] for s in body["signatures"]}
    assert names["client"] == CLIENT_NAME
