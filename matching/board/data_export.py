"""The board's part of a client's data export: its proposals and what was decided on them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.rights import export

from .models import Proposal, ProposalEvent

# Engine internals: in the JSON, not in the readable PDF.
ENGINE_FIELDS = frozenset({"breakdown", "alternatives", "capacity_before", "capacity_after"})


def register() -> None:
    export.register(
        export.Part(
            key="board",
            title=_("Koppelingsvoorstellen en besluiten"),
            order=20,
            sources=(
                export.Source(
                    Proposal,
                    lambda c: Proposal.objects.filter(client=c).order_by("created_at", "pk"),
                    pdf_exclude=ENGINE_FIELDS,
                ),
                export.Source(
                    ProposalEvent,
                    lambda c: ProposalEvent.objects.filter(proposal__client=c).order_by("at", "pk"),
                ),
            ),
        )
    )
