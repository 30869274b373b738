"""Factories for placements, made the way the app makes them (through the services, by the
world's coordinator and consultant), with traits for the agreement's form and stage:

    AgreementFactory(world=w)                                # a new draft, terms empty
    AgreementFactory(world=w, drafted=True)                  # terms complete enough to issue
    AgreementFactory(world=w, issued=True, triangle=True)    # issued, awaiting signatures
    AgreementFactory(world=w, signed=True, flip_lease=True)  # signed by every party: active
    PlacementFactory(world=w, signed=True)                   # the placement of such an agreement

`world` is the placements world (`tests/placements/conftest.py`); `stairwell=False` puts the
dwelling outside any complex. `world.placement()`, `world.draft()`, `world.issued()` and
`world.signed()` are these factories.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from matching.placements import machine, services
from matching.placements.models import Agreement, AgreementKind, Party, Placement

# Stages in order: each one is the one before plus a step.
NEW, DRAFTED, ISSUED, SIGNED = "new", "drafted", "issued", "signed"


def complete_terms(kind: str) -> dict[str, Any]:
    """Terms an agreement of `kind` needs before it can be issued."""
    data: dict[str, Any] = {}
    if kind != AgreementKind.ORDINARY:
        data.update(contact_person="Joost van Dijk", contact_phone="06-12345678")
        data.update(conditions=["budget_management", "keep_appointments"])
        data.update(support_hours_per_week=Decimal("4.0"))
    if kind == AgreementKind.TRIANGLE:
        data["care_contract_reference"] = "ZC-2026-118"
    return data


def sign_all(world: Any, agreement: Agreement, on: dt.date | None = None) -> Agreement:
    """Every party signs in the kind's order: the consultant for the corporation, the
    coordinator for the others."""
    for party in machine.SIGNING_ORDER[agreement.kind]:
        actor = world.consultant if party == Party.CORPORATION else world.coordinator
        agreement = services.agreement_sign(
            actor=actor, agreement=agreement, party=party, signed_on=on
        )
    return agreement


class _StagedFactory(factory.Factory):
    """What both factories share: the kind and the stage, as traits."""

    class Meta:
        abstract = True

    world = None  # required: the placements world
    kind = AgreementKind.FLIP_LEASE
    stage = NEW
    stairwell = True

    class Params:
        flip_lease = factory.Trait(kind=AgreementKind.FLIP_LEASE)
        tripartite = factory.Trait(kind=AgreementKind.TRIPARTITE)
        triangle = factory.Trait(kind=AgreementKind.TRIANGLE)
        ordinary = factory.Trait(kind=AgreementKind.ORDINARY)
        drafted = factory.Trait(stage=DRAFTED)
        issued = factory.Trait(stage=ISSUED)
        signed = factory.Trait(stage=SIGNED)


class AgreementFactory(_StagedFactory):
    class Meta:
        model = Agreement

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Agreement:
        raise TypeError("agreements come from the services: use create(), not build()")

    @classmethod
    def _create(
        cls,
        model_class: type,
        *,
        world: Any,
        kind: str,
        stage: str,
        stairwell: bool,
        **kwargs: Any,
    ) -> Agreement:
        return make(world, kind=kind, stage=stage, stairwell=stairwell, **kwargs)[1]


def make(
    world: Any, *, kind: str, stage: str, stairwell: bool, **unknown: Any
) -> tuple[Placement, Agreement]:
    """The placement (as placement_create returned it) and its agreement at `stage`."""
    assert world is not None, "the placements factories need world="
    assert not unknown, f"unknown fields {sorted(unknown)}"
    placement = services.placement_create(
        actor=world.coordinator,
        proposal=world.proposal(kind=kind, stairwell=stairwell),
        kind=kind,
    )
    agreement = placement.agreements.get()
    if stage == NEW:
        return placement, agreement
    agreement = services.agreement_update_terms(
        actor=world.coordinator, agreement=agreement, data=complete_terms(kind)
    )
    if stage == DRAFTED:
        return placement, agreement
    agreement = services.agreement_issue(actor=world.coordinator, agreement=agreement)
    if stage == ISSUED:
        return placement, agreement
    return placement, sign_all(world, agreement)


class PlacementFactory(_StagedFactory):
    """The placement of an `AgreementFactory` agreement (same traits)."""

    class Meta:
        model = Placement

    @classmethod
    def _build(cls, model_class: type, *args: Any, **kwargs: Any) -> Placement:
        raise TypeError("placements come from the services: use create(), not build()")

    @classmethod
    def _create(cls, model_class: type, **kwargs: Any) -> Placement:
        placement, _agreement = make(**kwargs)
        if kwargs["stage"] != NEW:
            placement.refresh_from_db()
        return placement
