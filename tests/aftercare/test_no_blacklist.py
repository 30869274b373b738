"""A signal supports this tenancy; it is never a screening tool for the next one. Nothing of
it reaches the board's matching input, the case, or another organisation."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from matching.aftercare.models import Signal
from matching.board import services as board_services
from tests.conftest import sign_in
from tests.test_architecture import ALLOWED

pytestmark = pytest.mark.django_db


def test_no_signal_reaches_the_generation_input(world, raise_signal):
    signal = raise_signal(description="Overlast door bezoek; buren klagen XYZZY")
    world.proposal()  # another client and dwelling on the board
    run = board_services.proposals_generate(meeting=world.meeting, actor=world.chair)
    stored = json.dumps(run.instance) + json.dumps(run.solution) + json.dumps(run.no_match)
    assert "XYZZY" not in stored and signal.reference not in stored


def test_no_other_organisation_learns_of_a_signal(world, raise_signal):
    signal = raise_signal(description="XYZZY")
    for persona in ("other_consultant", "other_coordinator", "elsewhere_chair", "analyst"):
        client = sign_in(Client(), getattr(world, persona))
        for url in (
            reverse("aftercare:signal-detail", args=[signal.pk]),
            reverse("aftercare-signal-detail", args=[signal.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404, (persona, url)
            assert "XYZZY" not in response.content.decode()
        listing = client.get(reverse("aftercare-signal-list"))
        assert "XYZZY" not in listing.content.decode()


def test_no_part_that_screens_or_matches_may_import_signals():
    """Intake (cases), housing, the board, the engine and the simulation cannot even import
    aftercare: the import rule of docs/ARCHITECTURE.md holds them to it."""
    for part, allowed in ALLOWED.items():
        if part not in ("config", "matching.aftercare"):
            assert "matching.aftercare" not in allowed, part


def test_signals_go_with_their_agreement(world, raise_signal, agreement):
    raise_signal()
    assert Signal._meta.get_field("agreement").remote_field.on_delete.__name__ == "CASCADE"
