"""The placements world (one board, a provider and a corporation with a signed agreement,
outsiders of every kind) with signals on it."""

from __future__ import annotations

from typing import Any

import pytest

from matching.aftercare import services
from matching.aftercare.models import SignalCategory
from tests.placements.conftest import World, world  # noqa: F401 - fixture used here


@pytest.fixture
def agreement(world: World) -> Any:  # noqa: F811
    return world.signed()


@pytest.fixture
def raise_signal(world: World, agreement: Any) -> Any:  # noqa: F811
    """raise_signal(**fields) -> a signal the consultant raised on the signed agreement."""

    def make(**fields: Any) -> Any:
        fields.setdefault("category", SignalCategory.RENT_ARREARS)
        fields.setdefault("observed_on", agreement.lease_start)
        fields.setdefault("description", "Twee maanden huur niet betaald; brief verstuurd.")
        return services.signal_raise(actor=world.consultant, agreement=agreement, **fields)

    return make
