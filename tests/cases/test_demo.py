"""The demo clients load through the services, tolerate a region without geography, and a
second run adds nothing."""

from __future__ import annotations

import io

import pytest

from accounts import demo as accounts_demo
from cases import demo
from cases.models import Client, ClientStatus

pytestmark = pytest.mark.django_db


def test_demo_clients_without_geography_are_drafts_and_the_seed_is_idempotent():
    out = io.StringIO()
    accounts_demo.seed(stdout=out)
    demo.seed(stdout=out)
    total = Client.objects.count()
    assert total == sum(count for count, _group in demo.PROVIDERS.values())
    # No preferred area can be chosen, so nobody can be ready; drafts and withdrawals remain.
    assert not Client.objects.filter(
        status__in=[ClientStatus.READY, ClientStatus.ON_BOARD]
    ).exists()
    assert (
        Client.objects.filter(care_provider__slug="zorggroep-de-brug")
        .values("coordinator")
        .distinct()
        .count()
        == 2
    )
    demo.seed(stdout=out)
    assert Client.objects.count() == total
