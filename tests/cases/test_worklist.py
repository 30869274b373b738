"""The coordinator's Werkvoorraad items about clients."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import worklist
from cases.models import Consent
from tests.cases.factories import make_client

pytestmark = pytest.mark.django_db


def keys(user):
    return {i.key: i for i in worklist.items_for(user)}


def test_a_consent_about_to_lapse_links_to_renewing_it(coordinator, outsider):
    client = make_client(coordinator, consent=True)
    soon = timezone.localdate() + dt.timedelta(days=10)
    Consent.objects.filter(client=client).update(valid_until=soon)
    item = keys(coordinator)["cases.consent_expiring"]
    assert item.count == 1 and item.deadline == soon
    assert item.url == reverse("cases:consent-record", args=[client.reference])
    assert str(item.label) == "1 toestemming verloopt binnen 30 dagen"
    assert "cases.consent_expiring" not in keys(outsider)


def test_drafts_of_my_own_are_counted(coordinator, colleague):
    make_client(coordinator, complete=False)
    make_client(coordinator, complete=False)
    item = keys(coordinator)["cases.drafts"]
    assert item.count == 2 and str(item.label).startswith("2 intakes")
    assert len(item.entries) == 2
    assert "cases.drafts" not in keys(colleague)
