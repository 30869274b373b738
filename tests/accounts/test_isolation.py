"""Another organisation's objects answer 404 for every role, change nothing, and are logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.access import log
from accounts.models import AccessLogEntry, AccessResult, OrganisationKind, Role
from tests.accounts.factories import KIND_FOR_ROLE, OrganisationFactory, RegionFactory, member

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role.values)


@pytest.fixture
def other_organisation(region):
    """Another care provider in the same region, with an admin, a coordinator and a log row."""
    organisation = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, region=region)
    admin = member(Role.ORG_ADMIN, organisation)
    coordinator = member(Role.CARE_COORDINATOR, organisation)
    entry = log.audit("test.object.viewed", actor=admin, target="test.object", object_id="1")
    return organisation, coordinator.memberships.get(), entry


@pytest.fixture
def outsider(region):
    def make(role: str):
        kind = KIND_FOR_ROLE.get(role, OrganisationKind.MUNICIPALITY)
        return member(role, OrganisationFactory(kind=kind, region=region))

    return make


def _refused_rows_after(before: int) -> list[AccessLogEntry]:
    return [
        e
        for e in AccessLogEntry.objects.order_by("id")[before:]
        if e.result == AccessResult.REFUSED
    ]


def _assert_404_logged_and_unchanged(client, method, url, membership, user):
    before = AccessLogEntry.objects.count()
    response = getattr(client, method)(url)
    assert response.status_code == 404
    rows = _refused_rows_after(before)
    assert len(rows) == 1 and rows[0].user_id == user.pk
    membership.refresh_from_db()
    assert membership.is_active


@pytest.mark.parametrize("role", ALL_ROLES)
def test_member_pages_of_another_organisation_answer_404(role, outsider, other_organisation, login):
    organisation, membership, _ = other_organisation
    user = outsider(role)
    client = login(user)
    _assert_404_logged_and_unchanged(
        client, "get", reverse("accounts:members", args=[organisation.pk]), membership, user
    )
    _assert_404_logged_and_unchanged(
        client, "post", reverse("accounts:member-invite", args=[organisation.pk]), membership, user
    )
    _assert_404_logged_and_unchanged(
        client,
        "post",
        reverse("accounts:member-deactivate", args=[membership.pk]),
        membership,
        user,
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_api_hides_another_organisations_members_and_log(
    role, outsider, other_organisation, login
):
    _, membership, entry = other_organisation
    user = outsider(role)
    client = login(user)
    _assert_404_logged_and_unchanged(
        client, "get", f"/api/v1/members/{membership.pk}/", membership, user
    )
    _assert_404_logged_and_unchanged(
        client, "post", f"/api/v1/members/{membership.pk}/deactivate/", membership, user
    )
    _assert_404_logged_and_unchanged(
        client, "get", f"/api/v1/access-log/{entry.pk}/", membership, user
    )


@pytest.mark.parametrize("role", ALL_ROLES)
def test_organisations_of_another_region_do_not_exist(role, outsider, login):
    far_away = OrganisationFactory(region=RegionFactory())
    user = outsider(role)
    client = login(user)
    before = AccessLogEntry.objects.count()
    assert client.get(f"/api/v1/organisations/{far_away.pk}/").status_code == 404
    assert len(_refused_rows_after(before)) == 1
    listed = client.get("/api/v1/organisations/").json()["results"]
    assert far_away.pk not in {o["id"] for o in listed}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_missing_id_and_a_foreign_id_look_the_same(role, outsider, other_organisation, login):
    _, membership, _ = other_organisation
    client = login(outsider(role))
    foreign = client.get(f"/api/v1/members/{membership.pk}/")
    missing = client.get("/api/v1/members/999999/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_an_admin_lists_only_their_own_members(outsider, other_organisation, login):
    admin = outsider(Role.ORG_ADMIN)
    member(Role.ORG_ADMIN, admin.memberships.get().organisation)
    results = login(admin).get("/api/v1/members/").json()
    assert results["count"] == 2
    assert {m["organisation"] for m in results["results"]} == {
        admin.memberships.get().organisation_id
    }
