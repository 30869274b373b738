"""Every database constraint answers with a Dutch message at a field, never its raw name."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models

from accounts.constraints import ConstraintMessages, resolve

PROJECT_APPS = {
    "accounts",
    "housing",
    "cases",
    "matching",
    "simulation",
    "placements",
    "aftercare",
    "monitor",
}


def project_constraints():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for constraint in model._meta.constraints:
            yield pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")


@pytest.mark.parametrize(("model", "constraint"), list(project_constraints()))
def test_every_constraint_has_a_field_and_a_dutch_message(model, constraint):
    assert issubclass(model, ConstraintMessages), f"{model.__name__} misses ConstraintMessages"
    found = resolve(model, constraint)
    assert found is not None, f"no message for {constraint.name}"
    field, message = found
    model._meta.get_field(field)  # raises when the field does not exist
    assert constraint.name not in message
    assert "is geschonden" not in message and "is violated" not in message
    assert isinstance(constraint, models.CheckConstraint | models.UniqueConstraint)


def test_the_walk_sees_the_constraints():
    assert len(list(project_constraints())) >= 60


@pytest.fixture
def late_in_the_run():
    """Factories as they are after a thousand municipalities (a full run): the municipality code
    once grew to seven characters there, and PostgreSQL refused it (varchar(6)) before the check
    constraint could answer at its field."""
    from tests.housing.factories import MunicipalityFactory

    MunicipalityFactory.reset_sequence(1500)


@pytest.mark.django_db
def test_dwelling_form_marks_the_bedrooms_field(region, late_in_the_run):
    from housing.forms import DwellingForm
    from housing.models import Complex, Neighbourhood
    from tests.housing.factories import NeighbourhoodFactory

    neighbourhood = NeighbourhoodFactory(district__municipality__region=region)
    form = DwellingForm(
        data={
            "reference": "W-1",
            "street": "Kade",
            "number": "188",
            "suffix": "II",
            "postcode": "3011 AB",
            "city": "Veerhaven",
            "neighbourhood": neighbourhood.pk,
            "dwelling_type": "porch_flat",
            "floor": "1",
            "rooms": "2",
            "bedrooms": "3",
            "living_area": "50",
            "net_rent": "600",
            "service_costs": "20",
        },
        neighbourhoods=Neighbourhood.objects.all(),
        complexes=Complex.objects.none(),
    )
    assert not form.is_valid()
    assert form.errors["bedrooms"] == [
        "Een woning heeft niet meer slaapkamers dan kamers; tel de slaapkamers mee bij de kamers."
    ]
    assert "__all__" not in form.errors
    assert "dwelling_bedrooms_le_rooms" not in str(form.errors)


@pytest.mark.django_db
def test_scenario_form_never_shows_a_constraint_name():
    from matching.simulation.forms import ScenarioForm

    form = ScenarioForm(data={"name": "x", "tipping_point": "150", "horizon_weeks": "400"})
    form.is_valid()
    text = str(form.errors)
    assert "scenario_" not in text and "geschonden" not in text


@pytest.mark.django_db
def test_api_answers_a_constraint_at_its_field(region, late_in_the_run):
    from accounts.models import OrganisationKind, Role
    from housing.api.serializers import DwellingInputSerializer
    from tests.accounts.factories import OrganisationFactory, member
    from tests.housing.factories import NeighbourhoodFactory

    neighbourhood = NeighbourhoodFactory(district__municipality__region=region)
    corporation = OrganisationFactory(kind=OrganisationKind.HOUSING_CORPORATION, region=region)
    consultant = member(Role.HOUSING_CONSULTANT, corporation)
    serializer = DwellingInputSerializer(
        context={"request": SimpleNamespace(user=consultant)},
        data={
            "reference": "W-2",
            "street": "Kade",
            "number": 4,
            "postcode": "3011AB",
            "city": "Veerhaven",
            "neighbourhood": neighbourhood.code,
            "dwelling_type": "studio",
            "rooms": 1,
            "bedrooms": 2,
            "living_area": 30,
            "net_rent": Decimal("500"),
        },
    )
    assert not serializer.is_valid()
    assert "bedrooms" in serializer.errors
    assert "dwelling_bedrooms_le_rooms" not in str(serializer.errors)
