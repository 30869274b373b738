"""Shared pieces of the board's services: settings, timeline events, row locks, who to notify."""

from __future__ import annotations

from django.conf import settings

from accounts.access import Actor, user_or_none
from accounts.models import OrganisationKind, Role, User

from ..models import (
    Board,
    Proposal,
    ProposalEvent,
)


def _cfg(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _event(proposal: Proposal, *, actor: Actor, kind: str, message: str) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal, actor=user_or_none(actor), kind=kind, message=message[:500]
    )


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("meeting__board")
        .get(pk=proposal.pk)
    )


def _municipality_users(board: Board, *, exclude: User | None = None) -> list[User]:
    qs = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role__in=[Role.BOARD_CHAIR, Role.ANALYST],
        memberships__organisation__kind=OrganisationKind.MUNICIPALITY,
        memberships__organisation__region_id=board.region_id,
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)
