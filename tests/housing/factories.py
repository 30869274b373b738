"""Factories for housing, with Dutch fakes and valid CBS codes."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from accounts.models import OrganisationKind
from housing.models import (
    Complex,
    District,
    Dwelling,
    DwellingType,
    Municipality,
    Neighbourhood,
    NeighbourhoodIndicator,
    Stairwell,
)
from tests.accounts.factories import OrganisationFactory, RegionFactory


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # Four digits whatever the sequence has reached: a full test run creates more than a thousand.
    code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Faker("city", locale="nl_NL")
    region = factory.SubFactory(RegionFactory)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"WK{o.municipality.code[2:]}{n % 100:02d}")
    name = factory.Faker("street_name", locale="nl_NL")


class NeighbourhoodFactory(DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"BU{o.district.code[2:]}{n % 100:02d}")
    name = factory.Faker("street_name", locale="nl_NL")
    boundary = factory.LazyFunction(
        lambda: {
            "type": "Polygon",
            "coordinates": [[[5.0, 52.0], [5.01, 52.0], [5.01, 52.01], [5.0, 52.01], [5.0, 52.0]]],
        }
    )


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = NeighbourhoodIndicator

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    year = 2025
    homes = 1000
    corporation_share = Decimal("30")
    liveability_class = 5
    lvb_share = Decimal("10")
    welfare_share = Decimal("5")
    psychiatric_share = Decimal("3")


class CorporationFactory(OrganisationFactory):
    kind = OrganisationKind.HOUSING_CORPORATION


class ComplexFactory(DjangoModelFactory):
    class Meta:
        model = Complex

    corporation = factory.SubFactory(CorporationFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Faker("street_name", locale="nl_NL")


class StairwellFactory(DjangoModelFactory):
    class Meta:
        model = Stairwell

    complex = factory.SubFactory(ComplexFactory)
    name = factory.Sequence(lambda n: f"Portiek {n}")


class DwellingFactory(DjangoModelFactory):
    class Meta:
        model = Dwelling

    corporation = factory.SubFactory(CorporationFactory)
    reference = factory.Sequence(lambda n: f"W-{n:05d}")
    street = factory.Faker("street_name", locale="nl_NL")
    number = factory.Sequence(lambda n: n + 1)
    postcode = "1234AB"
    city = "Veerhaven"
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    dwelling_type = DwellingType.PORCH_FLAT
    rooms = 3
    bedrooms = 2
    living_area = 60
    net_rent = Decimal("650.00")
