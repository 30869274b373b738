"""Reactions to other apps' events. Both run inside the sender's transaction, under the
client's row lock (lock order: client before proposal, docs/concurrency.md)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Proposal, ProposalEvent, ProposalStatus


def withdraw_proposals_of_client(sender: Any, client_id: int, reason: str, **kwargs: Any) -> None:
    """A client left the board (paused, withdrawn, consent ended): open proposals lapse, so
    the dwelling returns to the pool and nobody keeps seeing the profile as current."""
    # `of=self` and no ordering: Proposal's default ordering joins meeting and neighbourhood,
    # and a plain FOR UPDATE would lock those rows too (inverting the lock order).
    now = timezone.now()
    for p in (
        Proposal.objects.select_for_update(of=("self",))
        .filter(
            client_id=client_id,
            status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION],
        )
        .order_by("pk")
    ):
        p.status = ProposalStatus.WITHDRAWN
        p.closed_at = now
        p.close_reason = f"Cliënt niet meer aan tafel ({reason})."
        p.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        ProposalEvent.objects.create(
            proposal=p, actor=None, kind="withdrawn", message=p.close_reason
        )


# What a proposal keeps of a client whose consent ended: the pseudonym, so the board's own
# record of what it decided stays readable, and nothing of the shared housing profile.
def consent_ended_profile(reference: str) -> dict[str, Any]:
    return {"reference": reference, "consent_ended": True}


def drop_profiles_of_client(sender: Any, client_id: int, reason: str, **kwargs: Any) -> None:
    """The client's consent ended: every proposal's stored copy of the profile (and the score
    explanation drawn from it) is removed, open or closed, in the withdrawal's transaction."""
    rows = (
        Proposal.objects.select_for_update(of=("self",)).filter(client_id=client_id).order_by("pk")
    )
    for p in rows:
        if p.profile.get("consent_ended"):
            continue
        p.profile = consent_ended_profile(p.profile.get("reference", ""))
        p.breakdown = []
        p.alternatives = []
        p.explanation = ""
        p.save(update_fields=["profile", "breakdown", "alternatives", "explanation", "updated_at"])
