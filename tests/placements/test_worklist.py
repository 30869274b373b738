"""The Werkvoorraad on the home page: each party sees what waits for *them*, one click away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import worklist
from matching.placements import services
from matching.placements.models import Evaluation, Party

pytestmark = pytest.mark.django_db


def keys(user):
    return {i.key: i for i in worklist.items_for(user)}


def test_an_agreed_proposal_waits_for_a_placement(world):
    world.proposal()
    item = keys(world.coordinator)["placements.to_place"]
    assert item.count == 1 and item.url == reverse("placements:proposal-list")


def test_signatures_wait_for_the_side_that_records_the_next_one(world):
    agreement = world.issued()
    assert "placements.signatures" in keys(world.coordinator)  # the client signs first
    assert "placements.signatures" not in keys(world.consultant)
    for party in (Party.CLIENT, Party.CARE_PROVIDER):
        agreement = services.agreement_sign(
            actor=world.coordinator, agreement=agreement, party=party
        )
    assert "placements.signatures" not in keys(world.coordinator)
    item = keys(world.consultant)["placements.signatures"]
    assert item.url == reverse("placements:agreement-detail", args=[agreement.pk])
    assert "placements.signatures" not in keys(world.other_consultant)


def test_an_overdue_evaluation_comes_first_with_its_deadline(world):
    agreement = world.signed()
    evaluation = Evaluation.objects.filter(agreement=agreement).order_by("due_on").first()
    past = timezone.localdate() - dt.timedelta(days=3)
    Evaluation.objects.filter(pk=evaluation.pk).update(due_on=past)
    items = worklist.items_for(world.consultant)
    assert items[0].key == "placements.evaluations"
    assert items[0].status == worklist.OVERDUE and items[0].deadline == past
    assert items[0].url == reverse("placements:evaluation", args=[evaluation.pk])
    assert "placements.evaluations" not in keys(world.other_coordinator)


def test_the_home_page_shows_counts_plurals_and_the_action(world, login):
    world.proposal()
    world.proposal()
    html = login(world.coordinator).get(reverse("home")).content.decode()
    assert "2 akkoorden zonder plaatsing" in html
    assert 'data-key="placements.to_place"' in html
    assert reverse("placements:proposal-list") in html


def test_a_person_with_nothing_waiting_reads_so(world, login):
    # The region's analyst now has the corporations' missing quotas waiting (the monitor);
    # the municipality of a region without a board or corporations has nothing.
    html = login(world.elsewhere_chair).get(reverse("home")).content.decode()
    assert "Er wacht nu niets op u." in html


def test_a_failing_provider_costs_only_its_own_items(world, monkeypatch):
    world.proposal()

    def broken(user, today):
        raise RuntimeError("boom")

    monkeypatch.setattr(worklist, "_providers", [broken, *worklist._providers])
    assert "placements.to_place" in keys(world.coordinator)
