"""The permission layer denies by default and never lets a global grant open every object."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from guardian.shortcuts import assign_perm

from accounts import access
from accounts.models import Membership, Organisation, OrganisationKind, Region, Role
from tests.accounts.factories import OrganisationFactory, member

pytestmark = pytest.mark.django_db


def test_an_unregistered_model_is_invisible_and_every_action_refused():
    user = member(Role.ORG_ADMIN)
    assert Region not in access.registered_models()
    assert not access.scope(user, Region).exists()
    decision = access.decide(user, "view", Region.objects.first())
    assert not decision.allowed
    assert decision.rule == "default-deny:unregistered-model"


def test_an_action_without_a_rule_is_refused():
    user = member(Role.ORG_ADMIN)
    organisation = user.memberships.get().organisation
    decision = access.decide(user, "delete", organisation)
    assert not decision.allowed
    assert decision.rule == "default-deny:no-rule-for-delete"


def test_anonymous_and_inactive_users_are_refused():
    user = member(Role.ORG_ADMIN)
    organisation = user.memberships.get().organisation
    assert not access.decide(AnonymousUser(), "view", organisation)
    assert not access.scope(AnonymousUser(), Organisation).exists()
    user.is_active = False
    assert not access.decide(user, "view", organisation)


def test_a_superuser_without_a_role_sees_nothing():
    from tests.accounts.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    OrganisationFactory()
    assert not access.scope(root, Organisation).exists()
    assert not access.scope(root, Membership).exists()


def test_a_global_permission_does_not_open_every_object():
    user = member(Role.ORG_ADMIN)
    other = OrganisationFactory(region=user.memberships.get().organisation.region)
    user.user_permissions.add(Permission.objects.get(codename="manage_members"))
    assert not access.decide(user, "manage_members", other)


def test_an_object_grant_alone_is_not_enough_without_the_role():
    user = member(Role.CARE_COORDINATOR)
    organisation = user.memberships.get().organisation
    assign_perm("accounts.manage_members", user, organisation)
    assert not access.decide(user, "manage_members", organisation)


def test_the_org_admin_grant_follows_the_membership():
    admin = member(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation
    assert access.decide(admin, "manage_members", organisation)
    assert admin.has_perm("accounts.manage_members", organisation)


def test_roles_are_restricted_to_the_kind_of_organisation():
    from accounts.services import DomainError, membership_grant
    from tests.accounts.factories import UserFactory

    corporation = OrganisationFactory(kind=OrganisationKind.HOUSING_CORPORATION)
    with pytest.raises(DomainError):
        membership_grant(user=UserFactory(), organisation=corporation, role=Role.CARE_COORDINATOR)


def test_a_policy_cannot_be_replaced_by_a_second_one():
    class Duplicate(access.Policy):
        model = Organisation

    with pytest.raises(RuntimeError):
        access.register(Duplicate)
