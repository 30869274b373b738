"""Consent gating: no ready without it, withdrawal and expiry hide the profile at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services, signals
from cases.models import Client, Consent
from cases.tasks import expire_consents

from .factories import give_consent, make_client

pytestmark = pytest.mark.django_db


def expire(client) -> None:
    """Make the client's consent one that ended yesterday (given a year ago)."""
    today = timezone.localdate()
    Consent.objects.filter(client=client).update(
        given_on=today - datetime.timedelta(days=366),
        valid_until=today - datetime.timedelta(days=1),
    )


def board_refs(region) -> set[str]:
    return {p["reference"] for p in selectors.shared_profiles_for_board(region=region)}


def test_a_client_can_be_registered_without_consent_and_stays_inside(coordinator, region, geo):
    client = make_client(coordinator, municipality=geo.municipality)
    assert not selectors.client_has_valid_consent(client)
    assert client.reference not in board_refs(region)


def test_no_ready_without_consent(coordinator, geo):
    client = make_client(coordinator, municipality=geo.municipality)
    with pytest.raises(services.DomainError) as refused:
        services.client_transition(actor=coordinator, client=client, action="mark_ready")
    assert refused.value.code == "no_consent"
    client.refresh_from_db()
    assert client.status == "draft"


def test_ready_with_consent_appears_on_the_board_list(coordinator, region, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    assert client.reference in board_refs(region)


def test_drafts_with_consent_are_not_shared(coordinator, region, geo):
    client = make_client(coordinator, consent=True, municipality=geo.municipality)
    assert client.reference not in board_refs(region)


def test_withdrawal_takes_the_client_off_and_hides_the_profile(coordinator, region, geo):
    client = make_client(coordinator, status="on_board", municipality=geo.municipality)
    left = []
    signals.client_left_board.connect(lambda **kw: left.append(kw["client_id"]), weak=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        services.consent_withdraw(actor=coordinator, client=client)
    client.refresh_from_db()
    assert client.status == "draft"
    assert client.reference not in board_refs(region)
    assert not selectors.client_has_valid_consent(client)
    assert client.transitions.first().action == "consent_lost"
    assert client.pk in left
    consent = Consent.objects.get(client=client)
    assert (consent.end_reason, consent.ended_by) == ("withdrawn", coordinator)


def test_any_coordinator_of_the_provider_may_take_a_withdrawal(coordinator, colleague, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    services.consent_withdraw(actor=colleague, client=client)
    client.refresh_from_db()
    assert client.status == "draft"


def test_withdrawal_for_a_housed_client_keeps_the_status_but_hides_the_profile(
    coordinator, region, geo
):
    client = make_client(coordinator, status="housed", municipality=geo.municipality)
    services.consent_withdraw(actor=coordinator, client=client)
    client.refresh_from_db()
    assert client.status == "housed"
    assert not selectors.is_shared_now(client)


def test_withdrawing_twice_says_there_is_nothing_to_withdraw(coordinator, geo):
    client = make_client(coordinator, consent=True, municipality=geo.municipality)
    services.consent_withdraw(actor=coordinator, client=client)
    with pytest.raises(services.DomainError):
        services.consent_withdraw(actor=coordinator, client=client)


def test_expired_consent_counts_as_absent_before_the_task_runs(coordinator, region, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    expire(client)
    # The nightly/hourly task has not run: the very next read already hides the client.
    assert client.reference not in board_refs(region)
    assert not selectors.client_has_valid_consent(client)
    assert not selectors.is_shared_now(client)
    client.refresh_from_db()
    assert client.status == "ready"  # status catches up when the task runs


def test_consent_is_valid_through_its_last_day(coordinator, region, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    Consent.objects.filter(client=client).update(valid_until=timezone.localdate())
    assert client.reference in board_refs(region)


def test_the_expiry_task_takes_the_client_off_and_is_idempotent(coordinator, region, geo):
    client = make_client(coordinator, status="on_board", municipality=geo.municipality)
    kept = make_client(coordinator, status="ready", municipality=geo.municipality)
    expire(client)

    assert expire_consents.delay().get() == 1
    client.refresh_from_db()
    assert client.status == "draft"
    row = client.transitions.first()
    assert (row.action, row.actor) == ("consent_lost", None)
    assert Consent.objects.get(client=client).end_reason == "expired"
    history = client.transitions.count()

    assert expire_consents.delay().get() == 0  # a second run changes nothing
    assert client.transitions.count() == history
    kept.refresh_from_db()
    assert kept.status == "ready"


def test_a_new_consent_replaces_the_one_in_force(coordinator):
    client = make_client(coordinator)
    first = give_consent(coordinator, client)
    second = give_consent(coordinator, client, days=200)
    first.refresh_from_db()
    assert first.end_reason == "superseded"
    assert selectors.current_consent(client) == second


@pytest.mark.parametrize(
    ("given_offset", "valid_offset", "field"),
    [
        (1, 300, "given_on"),  # given in the future
        (-400, -1, "valid_until"),  # already expired
        (0, 800, "valid_until"),  # longer than two years
    ],
)
def test_consent_dates_are_checked(coordinator, given_offset, valid_offset, field):
    client = make_client(coordinator)
    today = timezone.localdate()
    with pytest.raises(services.FieldErrors) as refused:
        services.consent_record(
            actor=coordinator,
            client=client,
            legal_basis="explicit_consent",
            text_version="v1",
            given_on=today + datetime.timedelta(days=given_offset),
            valid_until=today + datetime.timedelta(days=valid_offset),
        )
    assert field in refused.value.errors
    assert not Consent.objects.filter(client=client).exists()


def test_withdrawal_in_the_browser_hides_the_preview_on_the_next_request(coordinator, login, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    browser = login(coordinator)
    detail = reverse("cases:client-detail", args=[client.reference])
    assert "Nu zichtbaar voor de partijen" in browser.get(detail).content.decode()
    response = browser.post(reverse("cases:consent-withdraw", args=[client.reference]))
    assert response.status_code == 302
    page = browser.get(detail).content.decode()
    assert "Nu voor niemand buiten uw organisatie zichtbaar" in page
    assert Client.objects.get(pk=client.pk).status == "draft"


def test_consent_recorded_in_the_browser(coordinator, login):
    client = make_client(coordinator)
    today = timezone.localdate()
    response = login(coordinator).post(
        reverse("cases:consent-record", args=[client.reference]),
        {
            "legal_basis": "explicit_consent",
            "text_version": "woonbrug-toestemming-2026.1",
            "given_on": today.isoformat(),
            "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    assert selectors.client_has_valid_consent(client)


def test_a_colleague_without_the_grant_cannot_record_consent(coordinator, colleague, login):
    client = make_client(coordinator)
    response = login(colleague).get(reverse("cases:consent-record", args=[client.reference]))
    assert response.status_code == 403


def test_other_regions_boards_never_see_the_client(coordinator, geo, make_org):
    from tests.accounts.factories import RegionFactory

    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    elsewhere = RegionFactory()
    assert client.reference not in board_refs(elsewhere)
