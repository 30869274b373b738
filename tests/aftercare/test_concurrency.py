"""Two parties closing the same signal at once: one wins, the other is told (PostgreSQL)."""

from __future__ import annotations

import pytest

from accounts.errors import DomainError
from matching.aftercare import services
from matching.aftercare.models import Outcome, Signal, SignalState
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_parties_close_at_once_one_wins(world, raise_signal):
    for _ in range(5):
        signal = raise_signal()
        results = race(
            lambda s=signal: services.signal_close(
                actor=world.consultant, signal=s, outcome=Outcome.RESOLVED
            ),
            lambda s=signal: services.signal_close(
                actor=world.coordinator, signal=s, outcome=Outcome.ONGOING_CARE
            ),
        )
        won = [r for r in results if isinstance(r, Signal)]
        told = [r for r in results if isinstance(r, DomainError)]
        assert len(won) == 1 and len(told) == 1, results
        assert told[0].code == "signal_closed"
        stored = Signal.objects.get(pk=signal.pk)
        assert stored.state == SignalState.CLOSED and stored.outcome == won[0].outcome
        assert stored.events.filter(kind="closed").count() == 1


def test_an_answer_racing_a_close_never_reopens_it(world, raise_signal):
    signal = raise_signal()
    results = race(
        lambda: services.signal_close(
            actor=world.consultant, signal=signal, outcome=Outcome.RESOLVED
        ),
        lambda: services.signal_answer(
            actor=world.coordinator, signal=signal, assessment="a", proposed_action="b"
        ),
    )
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.state == SignalState.CLOSED
    assert all(isinstance(r, Signal | DomainError) for r in results), results
