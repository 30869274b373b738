"""The client API for care-provider users: register, profile, consent, lifecycle, preview."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases import selectors
from cases.models import Client

from .factories import make_client

pytestmark = pytest.mark.django_db


def post(browser, url, data):
    return browser.post(url, data, content_type="application/json")


def test_a_coordinator_registers_consents_and_marks_ready_through_the_api(coordinator, login, geo):
    api = login(coordinator)
    move = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    created = post(
        api,
        "/api/v1/clients/",
        {
            "full_name": "Ria Vos",
            "date_of_birth": "1985-02-03",
            "adults": 1,
            "children": 2,
            "monthly_income": 1800,
            "target_group": "mo",
            "agreement_type": "triangle",
            "support_hours_per_week": "4.0",
            "earliest_move_date": move,
            "preferred_municipality_codes": [geo.municipality.code],
            "excluded_neighbourhood_codes": [geo.neighbourhoods[1].code.lower()],
            "wheelchair": True,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    reference = body["reference"]
    assert body["care"]["full_name"] == "Ria Vos"
    assert body["profile"]["excluded_neighbourhood_codes"] == [geo.neighbourhoods[1].code]
    assert body["shared_preview"]["max_rent"] == "697.07"  # three persons within the limit

    refused = post(api, f"/api/v1/clients/{reference}/transition/", {"action": "mark_ready"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "consent"

    today = timezone.localdate()
    consent = post(
        api,
        f"/api/v1/clients/{reference}/consent/",
        {
            "legal_basis": "explicit_consent",
            "text_version": "woonbrug-toestemming-2026.1",
            "given_on": today.isoformat(),
            "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
        },
    )
    assert consent.status_code == 201 and consent.json()["is_valid_today"] is True

    ready = post(api, f"/api/v1/clients/{reference}/transition/", {"action": "mark_ready"})
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    preview = api.get(f"/api/v1/clients/{reference}/shared-preview/").json()
    assert preview["is_shared_now"] is True
    assert "full_name" not in str(preview) and "Ria" not in str(preview)
    assert preview["profile"] == selectors.shared_profile_data(
        Client.objects.get(reference=reference)
    )


def test_an_impossible_transition_is_a_409_with_the_reason(coordinator, login):
    client = make_client(coordinator)
    response = post(
        login(coordinator), f"/api/v1/clients/{client.reference}/transition/", {"action": "house"}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "invalid_transition"


def test_the_system_action_is_not_offered_in_the_api(coordinator, login, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    response = post(
        login(coordinator),
        f"/api/v1/clients/{client.reference}/transition/",
        {"action": "consent_lost"},
    )
    assert response.status_code == 400


def test_withdrawing_consent_through_the_api(coordinator, login, geo, region):
    client = make_client(coordinator, status="on_board", municipality=geo.municipality)
    response = post(login(coordinator), f"/api/v1/clients/{client.reference}/consent/withdraw/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "draft" and response.json()["has_valid_consent"] is False
    assert client.reference not in {
        p["reference"] for p in selectors.shared_profiles_for_board(region=region)
    }


def test_the_consent_history_is_listed(coordinator, login):
    client = make_client(coordinator, consent=True)
    body = login(coordinator).get(f"/api/v1/clients/{client.reference}/consents/").json()
    assert len(body) == 1 and body[0]["legal_basis"] == "explicit_consent"


def test_put_is_not_offered(coordinator, login):
    client = make_client(coordinator)
    response = login(coordinator).put(
        f"/api/v1/clients/{client.reference}/", {}, content_type="application/json"
    )
    assert response.status_code == 405


def test_the_list_filters_by_status(coordinator, login, geo):
    make_client(coordinator)
    ready = make_client(coordinator, status="ready", municipality=geo.municipality)
    body = login(coordinator).get("/api/v1/clients/", {"status": "ready"}).json()
    assert [c["reference"] for c in body["results"]] == [ready.reference]
    assert body["results"][0]["has_valid_consent"] is True


def test_an_unverified_session_gets_nothing(coordinator, login):
    client = make_client(coordinator)
    assert (
        login(coordinator, verified=False).get(f"/api/v1/clients/{client.reference}/").status_code
        == 403
    )
