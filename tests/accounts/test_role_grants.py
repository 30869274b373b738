"""Separation of duties (issue 13, hole 6): nobody gives themselves a role that reads client
data; a second admin confirms such a grant; the person and the other admins are notified;
every request, decision and revocation is in the access log."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import grants, services
from accounts.errors import DomainError, Forbidden
from accounts.models import (
    AccessLogEntry,
    Membership,
    Notification,
    OrganisationKind,
    Role,
    RoleGrant,
    RoleGrantStatus,
)
from tests.accounts.factories import OrganisationFactory, member
from tests.races import race, split

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)


def test_an_admin_cannot_grant_themselves_client_access_through_the_api(org, login):
    """The probe: beheer@ posts /api/v1/members/ with their own e-mail as care_coordinator."""
    admin = member(Role.ORG_ADMIN, org)
    browser = login(admin)
    response = browser.post(
        "/api/v1/members/",
        {
            "organisation": org.pk,
            "email": admin.email,
            "full_name": "Ik",
            "role": "care_coordinator",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "email"
    assert not Membership.objects.filter(user=admin, role=Role.CARE_COORDINATOR).exists()
    assert not RoleGrant.objects.exists()
    assert browser.get("/api/v1/clients/").status_code in {403, 404}


def test_a_client_reading_role_waits_for_a_second_admin(
    org, login, django_capture_on_commit_callbacks
):
    admin, second = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    response = login(admin).post(
        "/api/v1/members/",
        {
            "organisation": org.pk,
            "email": "ans@example.nl",
            "full_name": "Ans",
            "role": "care_coordinator",
        },
        content_type="application/json",
    )
    assert response.status_code == 202 and response.json()["status"] == "awaiting"
    grant = RoleGrant.objects.get()
    assert not Membership.objects.filter(user=grant.user).exists()
    assert not mail.outbox  # no link before the grant stands
    assert Notification.objects.filter(user=second, kind="role_grant.awaiting").exists()
    # The requester cannot confirm it.
    requester = login(admin)
    requester.post(f"/leden/rolverzoek/{grant.pk}/bevestigen/")
    assert RoleGrant.objects.get().status == RoleGrantStatus.AWAITING
    with django_capture_on_commit_callbacks(execute=True):
        assert login(second).post(f"/leden/rolverzoek/{grant.pk}/bevestigen/").status_code == 302
    membership = Membership.objects.get(user=grant.user)
    assert membership.role == Role.CARE_COORDINATOR and membership.is_active
    assert Notification.objects.filter(user=grant.user, kind="role_grant.confirmed").exists()
    assert Notification.objects.filter(user=admin, kind="role_grant.confirmed").exists()
    assert any("/accounts/inschrijven/" in m.body for m in mail.outbox)
    logged = AccessLogEntry.objects.filter(
        object_type__in=["accounts.rolegrant", "accounts.membership"]
    )
    assert {(e.user_id, e.action) for e in logged} >= {
        (admin.pk, "create"),
        (second.pk, "change"),
        (second.pk, "create"),
    }


def test_the_person_concerned_cannot_confirm_their_own_grant(org):
    admin, other = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    grant = services.member_invite(
        actor=admin, organisation=org, email=other.email, full_name="x", role=Role.CARE_COORDINATOR
    )
    with pytest.raises(DomainError):
        grants.role_grant_confirm(actor=other, grant=grant)
    assert not Membership.objects.filter(user=other, role=Role.CARE_COORDINATOR).exists()


def test_only_an_admin_of_the_organisation_decides_through_the_one_guard(org):
    admin = member(Role.ORG_ADMIN, org)
    grant = services.member_invite(
        actor=admin, organisation=org, email="d@example.nl", full_name="D", role=Role.ORG_ADMIN
    )
    elsewhere = member(Role.ORG_ADMIN, OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER))
    for outsider in (member(Role.CARE_COORDINATOR, org), elsewhere):
        with pytest.raises(Forbidden) as refused:
            grants.role_grant_confirm(actor=outsider, grant=grant)
        assert refused.value.hidden  # outside their scope: not found, as on the page
    assert RoleGrant.objects.get(pk=grant.pk).status == RoleGrantStatus.AWAITING


def test_a_refused_grant_gives_nothing_and_tells_the_requester(org, login):
    admin, second = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    grant = services.member_invite(
        actor=admin, organisation=org, email="b@example.nl", full_name="B", role=Role.ORG_ADMIN
    )
    login(second).post(f"/leden/rolverzoek/{grant.pk}/afwijzen/")
    assert RoleGrant.objects.get().status == RoleGrantStatus.REFUSED
    assert not Membership.objects.filter(user=grant.user).exists()
    assert Notification.objects.filter(user=admin, kind="role_grant.refused").exists()


def test_a_decided_grant_is_a_conflict_the_second_time(org):
    admin, second, third = (member(Role.ORG_ADMIN, org) for _ in range(3))
    grant = services.member_invite(
        actor=admin,
        organisation=org,
        email="c@example.nl",
        full_name="C",
        role=Role.CARE_COORDINATOR,
    )
    grants.role_grant_confirm(actor=second, grant=grant)
    with pytest.raises(DomainError) as refused:
        grants.role_grant_refuse(actor=third, grant=grant)
    assert refused.value.conflict
    assert Membership.objects.filter(user=grant.user, is_active=True).count() == 1


def test_another_organisations_grant_is_not_found(org, login):
    admin, _second = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    grant = services.member_invite(
        actor=admin,
        organisation=org,
        email="d@example.nl",
        full_name="D",
        role=Role.CARE_COORDINATOR,
    )
    outsider = member(Role.ORG_ADMIN, OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER))
    assert login(outsider).post(f"/leden/rolverzoek/{grant.pk}/bevestigen/").status_code == 404
    assert RoleGrant.objects.get().status == RoleGrantStatus.AWAITING


def test_an_analyst_role_needs_no_second_admin(db, login):
    municipality = OrganisationFactory(kind=OrganisationKind.MUNICIPALITY)
    admin = member(Role.ORG_ADMIN, municipality)
    result = services.member_invite(
        actor=admin,
        organisation=municipality,
        email="e@example.nl",
        full_name="E",
        role=Role.ANALYST,
    )
    assert isinstance(result, Membership)


def test_a_revocation_is_logged(org):
    admin = member(Role.ORG_ADMIN, org)
    coordinator = member(Role.CARE_COORDINATOR, org)
    membership = coordinator.memberships.get()
    services.membership_deactivate(actor=admin, membership=membership)
    assert AccessLogEntry.objects.filter(
        object_id=f"membership:{membership.pk}", action="change", user_id=admin.pk
    ).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_deciding_at_once_give_one_outcome(org):
    admin = member(Role.ORG_ADMIN, org)
    deciders = [member(Role.ORG_ADMIN, org) for _ in range(2)]
    grant = services.member_invite(
        actor=admin,
        organisation=org,
        email="f@example.nl",
        full_name="F",
        role=Role.CARE_COORDINATOR,
    )
    done, refused = split(
        race(
            lambda: grants.role_grant_confirm(actor=deciders[0], grant=grant),
            lambda: grants.role_grant_refuse(actor=deciders[1], grant=grant),
        )
    )
    assert len(done) == 1 and [error.code for error in refused] == ["decided"]
    final = RoleGrant.objects.get(pk=grant.pk).status
    has_membership = Membership.objects.filter(user=grant.user).exists()
    assert has_membership == (final == RoleGrantStatus.CONFIRMED)
