"""When the corporation ends the agreement, the placement ends and every signal still open on
it is closed ("huurovereenkomst beëindigd", with a note and a timeline entry), so no signal is
left open that no one can act on, and the client's data are not kept past their retention by
a signal nobody closed (issue 20, item 5). Closed signals keep their own outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.errors import DomainError, Forbidden
from accounts.models import AccessLogEntry
from cases.rights import retention
from matching.aftercare import services
from matching.aftercare.models import Outcome, SignalEvent, SignalState
from matching.placements import services as placement_services
from tests.cases.test_retention import closed_long_ago

pytestmark = pytest.mark.django_db


def test_ending_the_agreement_closes_the_open_signals_and_frees_the_retention(
    world, agreement, raise_signal
):
    still_open = raise_signal()
    answered = raise_signal(description="Geluidsoverlast gemeld door de buren.")
    services.signal_acknowledge(actor=world.coordinator, signal=answered)
    resolved = raise_signal(description="Tuin niet onderhouden.")
    services.signal_close(actor=world.consultant, signal=resolved, outcome=Outcome.RESOLVED)

    ended_on = agreement.lease_start + dt.timedelta(days=40)
    placement_services.agreement_end(
        actor=world.consultant, agreement=agreement, reason="Huur opgezegd", ended_on=ended_on
    )

    for signal in (still_open, answered):
        signal.refresh_from_db()
        assert signal.state == SignalState.CLOSED and signal.outcome == Outcome.ENDED
        assert signal.closed_by == world.consultant and signal.closed_at is not None
        assert ended_on.strftime("%d-%m-%Y") in signal.close_note
        assert SignalEvent.objects.filter(signal=signal, kind="closed").exists()
        rows = AccessLogEntry.objects.filter(event="aftercare.signal.closed")
        assert rows.filter(
            object_id__startswith=signal.reference, rule="agreement-ended"
        ).exists(), list(rows.values("object_id", "rule", "user_id"))
    resolved.refresh_from_db()
    assert resolved.outcome == Outcome.RESOLVED and resolved.close_note == ""

    client = closed_long_ago(agreement.placement.client, "closed")
    assert retention.open_reason(client) is None
    report = retention.retention_apply()
    assert [o.reference for o in report.done] == [client.reference]


def test_a_refused_end_closes_nothing(world, agreement, raise_signal):
    signal = raise_signal()
    with pytest.raises((DomainError, Forbidden)):  # only the corporation ends it
        placement_services.agreement_end(
            actor=world.coordinator,
            agreement=agreement,
            reason="x",
            ended_on=agreement.lease_start + dt.timedelta(days=40),
        )
    signal.refresh_from_db()
    assert signal.state == SignalState.RAISED
