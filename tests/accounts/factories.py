"""Factories for people and organisations, with Dutch fakes."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory
from faker import Faker

from accounts.models import Organisation, OrganisationKind, Region, Role, User
from accounts.services import membership_grant

PASSWORD = "correct-horse-battery-staple"
_faker = Faker("nl_NL")


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    slug = factory.Sequence(lambda n: f"regio-{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    # Unique per region (a database constraint): a Dutch company name plus a sequence number.
    name = factory.Sequence(lambda n: f"{_faker.company()} {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganisationKind.CARE_PROVIDER
    region = factory.SubFactory(RegionFactory)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"gebruiker{n}@example.nl")
    full_name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


KIND_FOR_ROLE = {
    Role.CARE_COORDINATOR: OrganisationKind.CARE_PROVIDER,
    Role.HOUSING_CONSULTANT: OrganisationKind.HOUSING_CORPORATION,
    Role.BOARD_CHAIR: OrganisationKind.MUNICIPALITY,
    Role.ANALYST: OrganisationKind.MUNICIPALITY,
    Role.PRIVACY_OFFICER: OrganisationKind.CARE_PROVIDER,
}


def member(role: str, organisation: Organisation | None = None, **user_fields: object) -> User:
    """A user holding `role` in `organisation` (a new organisation of the fitting kind if None)."""
    if organisation is None:
        organisation = OrganisationFactory(
            kind=KIND_FOR_ROLE.get(role, OrganisationKind.CARE_PROVIDER)
        )
    user = UserFactory(**user_fields)
    membership_grant(user=user, organisation=organisation, role=role)
    return user
