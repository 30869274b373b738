"""The urgency statement on a client (issue 22 item 2): complete or absent, checked at the
field in form and API, shared as "urgent until, decided by" (never the reason), and read by
the engine's priority on the meeting date."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import HousingProfile, UrgencyDecidedBy, UrgencyReason
from matching import engine_input

from .factories import make_client

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def statement(**overrides):
    values = {
        "urgency_reason": "homeless",
        "urgency_decided_by": "municipality",
        "urgency_decided_on": today() - datetime.timedelta(days=3),
        "urgency_valid_until": today() + datetime.timedelta(days=60),
    }
    values.update(overrides)
    return values


def test_a_complete_statement_is_shared_without_its_reason(coordinator, region, geo):
    make_client(coordinator, status="ready", municipality=geo.municipality, **statement())
    (profile,) = selectors.shared_profiles_for_board(region=region)
    assert profile["urgent_until"] == (today() + datetime.timedelta(days=60)).isoformat()
    assert profile["urgency_decided_by"] == "municipality"
    assert "homeless" not in str(profile)


def test_the_engine_client_is_urgent_only_while_the_statement_holds(coordinator, region, geo):
    make_client(coordinator, status="ready", municipality=geo.municipality, **statement())
    (profile,) = selectors.shared_profiles_for_board(region=region)
    item = {"profile": profile}
    assert engine_input.engine_client(item, today=today()).urgent
    later = today() + datetime.timedelta(days=61)
    assert not engine_input.engine_client(item, today=later).urgent


def test_without_a_statement_a_client_is_not_urgent(coordinator, region, geo):
    make_client(coordinator, status="ready", municipality=geo.municipality)
    (profile,) = selectors.shared_profiles_for_board(region=region)
    assert profile["urgent_until"] is None
    assert not engine_input.engine_client({"profile": profile}, today=today()).urgent


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"urgency_reason": ""}, "urgency_reason"),
        ({"urgency_valid_until": None}, "urgency_valid_until"),
        ({"urgency_decided_on": today() + datetime.timedelta(days=2)}, "urgency_decided_on"),
        (
            {"urgency_valid_until": today() - datetime.timedelta(days=10)},
            "urgency_valid_until",
        ),
    ],
)
def test_the_api_names_the_field_of_an_incomplete_or_impossible_statement(
    coordinator, login, geo, overrides, field
):
    body = {"full_name": "Karel", "adults": 1}
    for key, value in statement(**overrides).items():
        body[key] = value.isoformat() if isinstance(value, datetime.date) else value
    response = login(coordinator).post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 400
    assert any(e["attr"] == field for e in response.json()["errors"]), response.json()
    assert not HousingProfile.objects.exists()


def test_the_form_shows_the_message_at_the_field_and_keeps_the_input(coordinator, login, geo):
    data = {"full_name": "Karel Appel", "adults": "1", "children": "0"}
    data.update(urgency_reason="safety", urgency_decided_by="board")
    response = login(coordinator).post(reverse("cases:client-create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "urgency_decided_on" in form.errors and "urgency_valid_until" in form.errors
    assert form["urgency_reason"].value() == "safety"


def test_the_form_saves_a_statement_and_the_preview_shows_it(coordinator, login, geo):
    client = make_client(coordinator, municipality=geo.municipality)
    values = statement()
    response = login(coordinator).patch(
        f"/api/v1/clients/{client.reference}/",
        {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    profile = HousingProfile.objects.get(pk=client.pk)
    assert profile.urgency_reason == "homeless" and profile.urgent_on(today())
    page = login(coordinator).get(reverse("cases:client-preview", args=[client.reference]))
    content = page.content.decode()
    assert str(UrgencyDecidedBy.MUNICIPALITY.label) in content
    assert str(UrgencyReason.HOMELESS.label) not in content  # the reason stays in the file


def test_the_database_refuses_half_a_statement(coordinator):
    client = make_client(coordinator)
    with pytest.raises(IntegrityError):
        HousingProfile.objects.filter(pk=client.pk).update(urgency_reason="homeless")
