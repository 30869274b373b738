"""Concurrent requests (PostgreSQL only: real transactions and row locks)."""

from __future__ import annotations

import pytest

from matching.placements import services
from matching.placements.models import Party, Placement, Signature
from tests.races import race, split

pytestmark = pytest.mark.postgres


def test_two_parties_placing_the_same_proposal_at_once_make_one_placement(transactional_db, world):
    proposal = world.proposal()
    results, errors = split(
        race(
            lambda: services.placement_create(actor=world.coordinator, proposal=proposal),
            lambda: services.placement_create(actor=world.consultant, proposal=proposal),
        )
    )
    assert len(results) == 1 and len(errors) == 1
    assert errors[0].code in {"already_placed", "taken"}
    assert Placement.objects.filter(proposal=proposal).count() == 1


def test_the_same_signature_recorded_twice_at_once_counts_once(transactional_db, world):
    agreement = world.issued()
    results, errors = split(
        race(
            lambda: services.agreement_sign(
                actor=world.coordinator, agreement=agreement, party=Party.CLIENT
            ),
            lambda: services.agreement_sign(
                actor=world.colleague, agreement=agreement, party=Party.CLIENT
            ),
        )
    )
    assert len(results) == 1 and errors[0].code == "already_signed"
    assert Signature.objects.filter(agreement=agreement).count() == 1
