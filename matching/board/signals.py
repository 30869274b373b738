"""Reactions to other apps' events."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Proposal, ProposalEvent, ProposalStatus


def withdraw_proposals_of_client(sender: Any, client_id: int, reason: str, **kwargs: Any) -> None:
    """A client left the board (paused, withdrawn, consent ended): open proposals lapse, so
    the dwelling returns to the pool and nobody keeps seeing the profile as current."""
    with transaction.atomic():
        for p in Proposal.objects.select_for_update().filter(
            client_id=client_id,
            status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION],
        ):
            p.status = ProposalStatus.WITHDRAWN
            p.closed_at = timezone.now()
            p.close_reason = f"Cliënt niet meer aan tafel ({reason})."
            p.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            ProposalEvent.objects.create(
                proposal=p, actor=None, kind="withdrawn", message=p.close_reason
            )
