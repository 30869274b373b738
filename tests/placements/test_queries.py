"""Query counts pinned: list pages and API lists do not grow with the number of agreements."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.placements.models import AgreementKind
from tests.log_cost import chain_statements

pytestmark = pytest.mark.django_db

# Measured with 8 agreements: the list page runs 14 queries for a coordinator, 15 for a
# consultant (the consent check behind a name) and 11 for the municipality (no names, no
# "akkoord zonder plaatsing" count). The foundation's share is 8 (session, user, TOTP device,
# memberships, notifications, session save with its savepoint); the page adds the count, one
# page query (placement, dwelling, neighbourhood, both organisations joined, the next
# evaluation as an aggregate), names, the to-place count and the access-log row. The
# overview runs 15, the to-place page 13, the API lists 10 to 13. The "flat" assertions
# below are the real N+1 guard.
LIST_PAGE_MAX = 15
OVERVIEW_MAX = 15
TO_PLACE_MAX = 13
API_LIST_MAX = 13


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


KINDS = [AgreementKind.FLIP_LEASE, AgreementKind.TRIPARTITE, AgreementKind.TRIANGLE]


def make(world, n: int) -> None:
    for i in range(n):
        kind = KINDS[i % 3]
        if i % 2:
            world.signed(kind=kind)
        else:
            world.issued(kind=kind)


@pytest.mark.parametrize("persona", ["coordinator", "consultant", "chair"])
def test_the_agreement_list_is_flat_in_the_number_of_agreements(
    world, login, persona, django_assert_max_num_queries
):
    browser = login(getattr(world, persona))
    url = reverse("placements:agreement-list")
    browser.get(url)
    make(world, 2)
    small = count_queries(lambda: browser.get(url))
    make(world, 6)
    with django_assert_max_num_queries(LIST_PAGE_MAX + chain_statements()):
        response = browser.get(url)
    assert len(response.context["rows"]) == 8
    assert count_queries(lambda: browser.get(url)) == small


def test_the_overview_is_flat(world, login, django_assert_max_num_queries):
    browser = login(world.chair)
    url = reverse("placements:overview")
    make(world, 2)
    small = count_queries(lambda: browser.get(url))
    make(world, 4)
    with django_assert_max_num_queries(OVERVIEW_MAX + chain_statements()):
        assert browser.get(url).status_code == 200
    assert count_queries(lambda: browser.get(url)) == small


def test_the_proposals_to_place_page_is_flat(world, login, django_assert_max_num_queries):
    browser = login(world.consultant)
    url = reverse("placements:proposal-list")
    world.proposal()
    small = count_queries(lambda: browser.get(url))
    for _ in range(5):
        world.proposal()
    with django_assert_max_num_queries(TO_PLACE_MAX + chain_statements()):
        response = browser.get(url)
    assert len(response.context["proposals"]) == 6
    assert count_queries(lambda: browser.get(url)) == small


@pytest.mark.parametrize("path", ["/api/v1/agreements/", "/api/v1/placements/"])
def test_the_api_lists_are_flat(world, login, path, django_assert_max_num_queries):
    browser = login(world.consultant)
    make(world, 2)
    small = count_queries(lambda: browser.get(path))
    make(world, 4)
    with django_assert_max_num_queries(API_LIST_MAX + chain_statements()):
        assert browser.get(path).json()["count"] == 6
    assert count_queries(lambda: browser.get(path)) == small
