"""Factories for clients, with Dutch fakes. Clients are made through the services, so a
factory-made client has its care record, profile, history row and coordinator grant.
Geography comes from `tests/housing/factories.py` (through `tests/world.py`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accounts.models import Role, User
from cases import services
from cases.models import AgreementType, Client, LegalBasis, TargetGroup
from housing.models import Municipality


class CareDataFactory(factory.DictFactory):
    """Care-only input (name, birth date, contact, history)."""

    full_name = factory.Faker("name", locale="nl_NL")
    date_of_birth = factory.Faker("date_of_birth", locale="nl_NL", minimum_age=19, maximum_age=70)
    phone = factory.Faker("numerify", text="06-########")
    email = factory.Faker("free_email", locale="nl_NL")
    care_history = factory.Faker("sentence", locale="nl_NL")


class ProfileDataFactory(factory.DictFactory):
    """A complete shared profile (enough to be marked ready), minus geography."""

    target_group = TargetGroup.GGZ
    adults = 1
    children = 0
    monthly_income = 1600
    support_hours_per_week = Decimal("3.0")
    agreement_type = AgreementType.FLIP_LEASE
    earliest_move_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )
    note_for_corporation = factory.Faker("sentence", locale="nl_NL")


def make_client(
    coordinator: User,
    *,
    complete: bool = True,
    consent: bool = False,
    status: str = "draft",
    municipality: Municipality | None = None,
    **data: Any,
) -> Client:
    """A client registered by `coordinator`, optionally with consent and moved to `status`."""
    values: dict[str, Any] = {**CareDataFactory(), **(ProfileDataFactory() if complete else {})}
    if complete and municipality is not None:
        values["preferred_municipality_codes"] = [municipality.code]
    values.update(data)
    client = services.client_register(actor=coordinator, data=values)
    if consent or status not in ("draft", "withdrawn"):
        give_consent(coordinator, client)
    path = {
        "draft": [],
        "ready": ["mark_ready"],
        "on_board": ["mark_ready", "place_on_board"],
        "matched": ["mark_ready", "place_on_board", "match"],
        "housed": ["mark_ready", "place_on_board", "match", "house"],
        "follow_up": ["mark_ready", "place_on_board", "match", "house", "start_follow_up"],
        "closed": ["close"],
        "paused": ["mark_ready", "pause"],
        "withdrawn": ["withdraw"],
    }[status]
    for action in path:
        services.client_transition(actor=coordinator, client=client, action=action, reason="test")
    client.refresh_from_db()
    return client


def give_consent(
    coordinator: User, client: Client, *, days: int = 365, given_days_ago: int = 0
) -> Any:
    today = timezone.localdate()
    return services.consent_record(
        actor=coordinator,
        client=client,
        legal_basis=LegalBasis.EXPLICIT_CONSENT,
        text_version="woonbrug-toestemming-2026.1",
        given_on=today - datetime.timedelta(days=given_days_ago),
        valid_until=today + datetime.timedelta(days=days),
    )


__all__ = [
    "CareDataFactory",
    "ProfileDataFactory",
    "Role",
    "give_consent",
    "make_client",
]
