"""Query counts pinned: the client list does not grow with the number of clients (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases.selectors import shared_profiles_for_board
from tests.accounts.factories import member
from tests.log_cost import chain_statements

from .factories import make_client

pytestmark = pytest.mark.django_db

# Measured with 30 clients: the list page runs 11 queries (session, user, TOTP device,
# memberships, notifications and the session save with its savepoint are the foundation's;
# cases adds the count, one page query with care record, profile, coordinator and the
# consent flag as a subquery, and the access-log row). One query of headroom for the
# foundation; the "flat" assertions below are the real N+1 guard.
LIST_PAGE_MAX = 12
API_LIST_MAX = 10
BOARD_MAX = 5


def many(coordinator, colleague, geo, n: int) -> None:
    for i in range(n):
        make_client(
            coordinator if i % 2 else colleague,
            status="ready" if i % 3 == 0 else "draft",
            municipality=geo.municipality,
            excluded_neighbourhood_codes=[nb.code for nb in geo.neighbourhoods[: i % 3]],
        )


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_client_list_page_is_flat_in_the_number_of_clients(
    coordinator, colleague, geo, login, django_assert_max_num_queries
):
    browser = login(coordinator)
    url = reverse("cases:client-list")
    browser.get(url)  # warm the session
    many(coordinator, colleague, geo, 3)
    small = count_queries(lambda: browser.get(url))
    many(coordinator, colleague, geo, 27)
    with django_assert_max_num_queries(LIST_PAGE_MAX + chain_statements()):
        response = browser.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25
    assert count_queries(lambda: browser.get(url)) == small


def test_searching_by_name_adds_one_query(
    coordinator, colleague, geo, login, django_assert_max_num_queries
):
    many(coordinator, colleague, geo, 30)
    browser = login(coordinator)
    browser.get(reverse("cases:client-list"))
    with django_assert_max_num_queries(LIST_PAGE_MAX + 1 + chain_statements()):
        assert (
            browser.get(reverse("cases:client-list"), {"q": "a", "status": "draft"}).status_code
            == 200
        )


def test_the_api_list_is_flat_in_the_number_of_clients(
    coordinator, colleague, geo, login, django_assert_max_num_queries
):
    many(coordinator, colleague, geo, 30)
    browser = login(coordinator)
    browser.get("/api/v1/clients/")
    with django_assert_max_num_queries(API_LIST_MAX + chain_statements()):
        body = browser.get("/api/v1/clients/").json()
    assert body["count"] == 30


def test_the_board_projection_is_flat_in_the_number_of_clients(
    coordinator, colleague, geo, region, django_assert_max_num_queries
):
    many(coordinator, colleague, geo, 30)
    with django_assert_max_num_queries(BOARD_MAX):
        profiles = shared_profiles_for_board(region=region)
    assert len(profiles) == 10


def test_a_second_providers_clients_do_not_change_the_count(
    coordinator, colleague, geo, login, other_provider
):
    many(coordinator, colleague, geo, 5)
    browser = login(coordinator)
    url = reverse("cases:client-list")
    browser.get(url)
    before = count_queries(lambda: browser.get(url))
    other = member(Role.CARE_COORDINATOR, other_provider)
    for _ in range(10):
        make_client(other)
    assert count_queries(lambda: browser.get(url)) == before
