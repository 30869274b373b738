"""Bad input gets a field-level message in form and API, and nothing is saved partially."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone

from cases.models import CareRecord, Client, HousingProfile

from .factories import give_consent, make_client

pytestmark = pytest.mark.django_db

YESTERDAY = lambda: (timezone.localdate() - datetime.timedelta(days=1)).isoformat()  # noqa: E731

# field -> (bad value, error code, what the page says at the field)
BAD = {
    "adults": (0, "min_value", "ten minste één volwassene"),
    "monthly_income": (-100, "min_value", "niet negatief"),
    "earliest_move_date": (YESTERDAY, "in_past", "in het verleden"),
    "excluded_neighbourhood_codes": (
        ["BU12345678"],
        "unknown_code",
        "Onbekende buurtcode: BU12345678.",
    ),
    # Extremes that overflowed their columns (a 500) before the bounds.
    "children": (40_000, "max_value", "Hoogstens 15"),
    "max_floor": (2**31, "max_value", "tot en met 50"),
    "date_of_birth": ("0001-01-01", "date_out_of_range", "1 januari 1900"),
    "note_for_corporation": ("a\x00b", "null_characters_not_allowed", "toegestaan"),
    "pets_description": ("kat\x07", "control_characters", "niet-toegestaan teken"),
}


def value(raw):
    return raw() if callable(raw) else raw


def form_data(**extra):
    data = {"full_name": "Karel Appel", "adults": "1", "children": "0"}
    for key, raw in extra.items():
        raw = value(raw)
        data[key] = " ".join(raw) if isinstance(raw, list) else str(raw)
    return data


@pytest.mark.parametrize("field", sorted(BAD))
def test_the_intake_form_shows_the_message_at_the_field_and_saves_nothing(
    coordinator, login, geo, field
):
    bad, code, fragment = BAD[field]
    response = login(coordinator).post(reverse("cases:client-create"), form_data(**{field: bad}))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error(field, code), form.errors.as_data()
    assert any(fragment in e for e in form.errors[field])  # the page says it at the field
    assert not Client.objects.exists() and not CareRecord.objects.exists()


@pytest.mark.parametrize("field", sorted(BAD))
def test_the_api_answers_per_field_and_saves_nothing(coordinator, login, geo, field):
    bad, code, _fragment = BAD[field]
    response = login(coordinator).post(
        "/api/v1/clients/",
        {"full_name": "Karel", "adults": 1, field: value(bad)},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert {(e["attr"], e["code"]) for e in body["errors"]} == {(field, code)}, body
    assert not Client.objects.exists()


def test_a_household_of_only_children_is_refused_by_the_database_too(coordinator):
    from django.db import IntegrityError

    client = make_client(coordinator)
    with pytest.raises(IntegrityError):
        HousingProfile.objects.filter(pk=client.pk).update(adults=0)


def test_an_existing_client_keeps_a_move_date_that_has_passed(coordinator, login):
    client = make_client(coordinator)
    HousingProfile.objects.filter(pk=client.pk).update(earliest_move_date=datetime.date(2020, 1, 1))
    response = login(coordinator).patch(
        f"/api/v1/clients/{client.reference}/", {"children": 2}, content_type="application/json"
    )
    assert response.status_code == 200
    response = login(coordinator).patch(
        f"/api/v1/clients/{client.reference}/",
        {"earliest_move_date": "2021-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400  # but cannot be moved to another past date


def test_ready_while_incomplete_names_every_missing_field_in_the_form(coordinator, login):
    client = make_client(coordinator, complete=False)
    give_consent(coordinator, client)
    data = form_data(full_name="Nieuwe Naam", monthly_income=1500)
    response = login(coordinator).post(
        reverse("cases:client-edit", args=[client.reference]), {**data, "mark_ready": "1"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    for field in [
        "date_of_birth",
        "target_group",
        "agreement_type",
        "earliest_move_date",
        "preferred_municipality_codes",
    ]:
        assert field in errors, field
    # nothing of the edit was saved either
    client.refresh_from_db()
    assert client.status == "draft"
    assert CareRecord.objects.get(pk=client.pk).full_name != "Nieuwe Naam"
    assert HousingProfile.objects.get(pk=client.pk).monthly_income is None


def test_ready_while_incomplete_in_the_api(coordinator, login):
    client = make_client(coordinator, complete=False)
    give_consent(coordinator, client)
    response = login(coordinator).patch(
        f"/api/v1/clients/{client.reference}/",
        {"children": 3, "mark_ready": True},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = {(e["attr"], e["code"]) for e in response.json()["errors"]}
    needed = {"target_group", "earliest_move_date", "preferred_municipality_codes"}
    assert {(field, "required") for field in needed} <= errors
    assert HousingProfile.objects.get(pk=client.pk).children == 0


def test_ready_at_intake_without_consent_saves_nothing(coordinator, login, geo):
    data = form_data(
        date_of_birth="1990-01-01",
        target_group="mo",
        monthly_income=1200,
        support_hours_per_week="2",
        agreement_type="tripartite",
        earliest_move_date=(timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
    )
    data["preferred_municipality_codes"] = [geo.municipality.code]
    response = login(coordinator).post(reverse("cases:client-create"), {**data, "mark_ready": "1"})
    assert response.status_code == 400
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "no_consent")
    assert not Client.objects.exists()


def test_the_transition_button_explains_what_is_missing(coordinator, login):
    client = make_client(coordinator, complete=False)
    give_consent(coordinator, client)
    response = login(coordinator).post(
        reverse("cases:client-transition", args=[client.reference, "mark_ready"]), follow=True
    )
    page = response.content.decode()
    assert "Nog niet compleet" in page and "doelgroep" in page


def test_an_unknown_preferred_municipality_is_refused(coordinator, login, geo):
    response = login(coordinator).post(
        "/api/v1/clients/",
        {"adults": 1, "preferred_municipality_codes": ["GM0000"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("preferred_municipality_codes", "unknown_code")


def test_status_and_owner_are_not_writable_through_the_api(coordinator, login, other_provider):
    response = login(coordinator).post(
        "/api/v1/clients/",
        {
            "adults": 1,
            "status": "housed",
            "care_provider": other_provider.pk,
            "reference": "WB-2026-00001",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    client = Client.objects.get()
    assert client.status == "draft" and client.care_provider_id != other_provider.pk
    assert client.reference != "WB-2026-00001"


def test_unknown_codes_are_counted_in_words(coordinator, login, geo):
    """It said "Onbekende buurtcode(s)" for one code and for three."""
    response = login(coordinator).post(
        reverse("cases:client-create"),
        form_data(excluded_neighbourhood_codes=["BU12345678", "BU12345679"]),
    )
    assert response.status_code == 400
    (message,) = response.context["form"].errors["excluded_neighbourhood_codes"]
    assert message.startswith("Onbekende buurtcodes: BU12345678, BU12345679."), message
