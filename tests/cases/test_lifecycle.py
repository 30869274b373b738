"""Every row of the transition table, allowed and refused, with history (who, when, why)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases import services
from cases.lifecycle import TRANSITIONS, available_actions
from cases.models import SHARED_STATUSES, Client, ClientStatus, ClientTransition

from .factories import make_client

pytestmark = pytest.mark.django_db

HUMAN_ACTIONS = sorted(a for a, t in TRANSITIONS.items() if not t.system)
CASES = [(action, status) for action in HUMAN_ACTIONS for status in ClientStatus.values]


def client_in(coordinator, municipality, status: str, before_pause: str = "ready") -> Client:
    client = make_client(coordinator, consent=True, municipality=municipality)
    Client.objects.filter(pk=client.pk).update(
        status=status,
        ready_since=timezone.now() if status in SHARED_STATUSES or status == "paused" else None,
        status_before_pause=before_pause if status == "paused" else "",
    )
    client.refresh_from_db()
    return client


@pytest.mark.parametrize(("action", "status"), CASES)
def test_transition_table(coordinator, geo, action, status):
    transition = TRANSITIONS[action]
    client = client_in(coordinator, geo.municipality, status)
    history_before = client.transitions.count()
    if status in transition.sources:
        services.client_transition(
            actor=coordinator, client=client, action=action, reason="omdat het moet"
        )
        client.refresh_from_db()
        expected = transition.target or "ready"  # resume from a pause while ready
        assert client.status == expected
        row = client.transitions.first()
        assert (row.action, row.from_status, row.to_status) == (action, status, expected)
        assert (row.actor, row.reason) == (coordinator, "omdat het moet")
        assert row.at is not None
    else:
        with pytest.raises(services.DomainError) as refused:
            services.client_transition(actor=coordinator, client=client, action=action, reason="x")
        assert (refused.value.code, refused.value.conflict) == ("invalid_transition", True)
        client.refresh_from_db()
        assert client.status == status
        assert client.transitions.count() == history_before


@pytest.mark.parametrize("action", sorted(a for a, t in TRANSITIONS.items() if t.needs_reason))
def test_actions_that_need_a_reason_refuse_without_one(coordinator, geo, action):
    status = sorted(TRANSITIONS[action].sources)[0]
    client = client_in(coordinator, geo.municipality, status)
    with pytest.raises(services.DomainError) as refused:
        services.client_transition(actor=coordinator, client=client, action=action, reason="  ")
    assert refused.value.field == "reason"


def test_resume_returns_a_paused_draft_to_draft(coordinator, geo):
    client = client_in(coordinator, geo.municipality, "paused", before_pause="draft")
    services.client_transition(actor=coordinator, client=client, action="resume")
    client.refresh_from_db()
    assert client.status == "draft"


def test_pause_remembers_where_it_came_from(coordinator, geo):
    client = make_client(coordinator, status="on_board", municipality=geo.municipality)
    services.client_transition(actor=coordinator, client=client, action="pause", reason="opname")
    client.refresh_from_db()
    assert client.status_before_pause == "on_board"
    services.client_transition(actor=coordinator, client=client, action="resume")
    client.refresh_from_db()
    assert (client.status, client.status_before_pause) == ("ready", "")


def test_the_system_action_cannot_be_called_by_people(coordinator, geo):
    client = client_in(coordinator, geo.municipality, "ready")
    with pytest.raises(services.DomainError):
        services.client_transition(actor=coordinator, client=client, action="consent_lost")


def test_unknown_actions_are_refused(coordinator, geo):
    client = client_in(coordinator, geo.municipality, "draft")
    with pytest.raises(services.DomainError):
        services.client_transition(actor=coordinator, client=client, action="teleport")


def test_waiting_time_counts_from_registration_and_from_ready(coordinator, geo):
    client = make_client(coordinator, consent=True, municipality=geo.municipality)
    assert client.ready_since is None
    services.client_transition(actor=coordinator, client=client, action="mark_ready")
    client.refresh_from_db()
    first_ready = client.ready_since
    assert first_ready is not None and client.registered_at <= first_ready
    services.client_transition(actor=coordinator, client=client, action="place_on_board")
    client.refresh_from_db()
    assert client.ready_since == first_ready  # still waiting since the same day
    services.client_transition(actor=coordinator, client=client, action="take_off_board")
    services.client_transition(actor=coordinator, client=client, action="back_to_draft")
    client.refresh_from_db()
    assert client.ready_since is None


def test_housed_records_the_date(coordinator, geo):
    client = make_client(coordinator, status="housed", municipality=geo.municipality)
    assert client.housed_on == timezone.localdate()


def test_registration_starts_the_history(coordinator):
    client = make_client(coordinator)
    row = ClientTransition.objects.get(client=client)
    assert (row.action, row.from_status, row.to_status, row.actor) == (
        "register",
        "",
        "draft",
        coordinator,
    )


def test_the_client_page_offers_only_allowed_actions():
    assert [t.action for t in available_actions("draft")] == [
        "mark_ready",
        "close",
        "pause",
        "withdraw",
    ]
    assert "consent_lost" not in [
        t.action for s in ClientStatus.values for t in available_actions(s)
    ]
    assert available_actions("closed") == []
