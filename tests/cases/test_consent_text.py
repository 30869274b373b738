"""The consent text names everything the board parties see (minimisation you can read)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from cases import selectors
from tests.cases.factories import make_client

pytestmark = pytest.mark.django_db

# Each shared key -> the words in the consent text that name it.
NAMED_BY = {
    "reference": "referentienummer",
    "status": "uitstroomklaar",
    "ready_since": "sinds wanneer",
    "target_group": "doelgroep",
    "household": "samenstelling van mijn huishouden",
    "income_bracket": "inkomensgroep",
    "max_rent": "de huur die daarbij past",
    "rent_limits_year": "de huur die daarbij past",
    "accessibility": "toegankelijkheid",
    "preferred_municipalities": "in welke gemeenten",
    "preferred_districts": "en wijken ik graag wil wonen",
    "excluded_neighbourhoods": "welke buurten niet",
    "support_hours_per_week": "uur begeleiding",
    "support_team_district": "begeleidingsteam",
    "agreement_type": "soort huurafspraak",
    "earliest_move_date": "vanaf wanneer ik kan verhuizen",
    "pets": "huisdieren",
    "pets_description": "huisdieren",
    "note_for_corporation": "toelichting voor de corporatie",
    "urgent_until": "tot wanneer die geldt",
    "urgency_decided_by": "wie daarover besliste",
}


def test_every_shared_item_is_named_in_the_consent_text(coordinator):
    client = make_client(coordinator, consent=True)
    shared = selectors.shared_profile_data(client)
    text = " ".join(render_to_string("cases/_consent_text.html").split())
    missing = set(shared) - set(NAMED_BY)
    assert not missing, f"name {sorted(missing)} in templates/cases/_consent_text.html"
    for key, words in NAMED_BY.items():
        assert words in text, f"{key}: '{words}' is not in the consent text"


def test_the_consent_text_names_the_care_provider_and_what_the_target_group_reveals():
    text = " ".join(render_to_string("cases/_consent_text.html").split())
    assert "de naam van de zorgaanbieder die mij begeleidt" in text
    assert "GGZ" in text and "niet mijn diagnose" in text
