"""Oversized bodies and deeply nested JSON get a clear 400, never a 500; error pages are Dutch."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.limits import json_depth_exceeds
from accounts.models import Role
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


def test_json_nested_fifty_thousand_deep_is_refused_with_a_message(login):
    browser = login(member(Role.CARE_COORDINATOR))
    body = "[" * 50_000 + "]" * 50_000
    response = browser.post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "json_too_deep"


def test_a_three_megabyte_body_is_refused_with_a_message(login):
    browser = login(member(Role.CARE_COORDINATOR))
    body = '{"note": "' + "x" * 3_000_000 + '"}'
    response = browser.post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "request_too_large"


def test_a_too_large_form_post_gets_the_dutch_400_page():
    response = Client().post(
        reverse("accounts:login"), "x=" + "y" * 2_000_000,
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.content.decode()


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (b'{"a": [1, 2, {"b": 3}]}', False),
        (b'"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["', False),  # brackets in a string
        (b'{"a": "\\"[[[["}', False),
        (b"[" * 33 + b"]" * 33, True),
    ],
)
def test_depth_is_counted_outside_strings(body, deep):
    assert json_depth_exceeds(body, 32) is deep


def test_the_error_pages_are_dutch_and_in_the_sites_style(client, settings):
    from django.template.loader import render_to_string

    for name, text in (
        ("400.html", "Ongeldig verzoek"),
        ("403.html", "Geen toegang"),
        ("404.html", "Niet gevonden"),
        ("500.html", "Er ging iets mis"),
    ):
        html = render_to_string(name)
        assert text in html and "woonbrug" in html and "<html" in html
