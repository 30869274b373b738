"""Read-then-write races in cases, with real concurrent transactions on PostgreSQL. Each
interleaving is forced with an injected pause inside the first transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from guardian.shortcuts import get_users_with_perms

from cases import services
from cases.models import Client, Consent, LegalBasis
from tests.accounts.factories import member
from tests.races import Pause, interleave, race

from .factories import make_client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pause_in_log(monkeypatch, pause: Pause) -> None:
    real = services._log

    def log(*args, **kwargs):
        real(*args, **kwargs)
        pause.hold()

    monkeypatch.setattr(services, "_log", log)


def test_two_patches_of_different_fields_at_once_keep_both(coordinator, geo, monkeypatch):
    client = make_client(coordinator, municipality=geo.municipality, adults=1, children=0)
    pause = Pause()
    _pause_in_log(monkeypatch, pause)
    with interleave(
        lambda: services.client_update(
            actor=coordinator, client=Client.objects.get(pk=client.pk), data={"adults": 2}
        ),
        lambda: services.client_update(
            actor=coordinator, client=Client.objects.get(pk=client.pk), data={"children": 3}
        ),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    client.profile.refresh_from_db()
    assert (client.profile.adults, client.profile.children) == (2, 3)


def test_two_reassignments_at_once_leave_one_grant_holder(coordinator, provider, geo, monkeypatch):
    client = make_client(coordinator, municipality=geo.municipality)
    first, second = member("care_coordinator", provider), member("care_coordinator", provider)
    pause = Pause()
    _pause_in_log(monkeypatch, pause)
    with interleave(
        lambda: services.client_reassign(
            actor=coordinator, client=Client.objects.get(pk=client.pk), coordinator=first
        ),
        lambda: services.client_reassign(
            actor=coordinator, client=Client.objects.get(pk=client.pk), coordinator=second
        ),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    client.refresh_from_db()
    holders = set(get_users_with_perms(client, only_with_perms_in=["coordinate_client"]))
    assert holders == {client.coordinator} and client.coordinator == second


@pytest.mark.parametrize("round_", range(5))
def test_consent_recorded_and_withdrawn_at_once_never_deadlocks(coordinator, geo, round_):
    client = make_client(coordinator, municipality=geo.municipality, status="ready")
    today = timezone.localdate()
    results = race(
        lambda: services.consent_record(
            actor=coordinator,
            client=Client.objects.get(pk=client.pk),
            legal_basis=LegalBasis.EXPLICIT_CONSENT,
            text_version="v2",
            given_on=today,
            valid_until=today + dt.timedelta(days=300),
        ),
        lambda: services.consent_withdraw(
            actor=coordinator, client=Client.objects.get(pk=client.pk)
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    open_consents = Consent.objects.filter(client=client, ended_at__isnull=True).count()
    assert open_consents <= 1


def test_withdrawal_waits_for_a_record_that_holds_the_client(coordinator, geo, monkeypatch):
    """Record holds the client's lock; the withdrawal, in the same order, waits for it instead
    of locking the consent rows first (the old order deadlocked here)."""
    client = make_client(coordinator, municipality=geo.municipality, status="ready")
    pause = Pause()
    _pause_in_log(monkeypatch, pause)
    today = timezone.localdate()
    with interleave(
        lambda: services.consent_record(
            actor=coordinator,
            client=Client.objects.get(pk=client.pk),
            legal_basis=LegalBasis.EXPLICIT_CONSENT,
            text_version="v2",
            given_on=today,
            valid_until=today + dt.timedelta(days=300),
        ),
        lambda: services.consent_withdraw(
            actor=coordinator, client=Client.objects.get(pk=client.pk)
        ),
        pause,
    ) as results:
        pass
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not Consent.objects.filter(client=client, ended_at__isnull=True).exists()
    client.refresh_from_db()
    assert client.status == "draft"
