"""The board's part of a client's data export: its proposals and what was decided on them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Client
from cases.rights import export

from .models import Proposal, ProposalEvent, ProposalStatus

# What a proposal's profile snapshot keeps after anonymisation: the facts the statistics use.
PROFILE_KEPT = ("reference", "target_group", "household", "income_bracket", "agreement_type")


# A proposal still waiting for a decision; an agreed one is decided (what follows is the
# placement's, whose part checks its agreements).
UNDECIDED = (ProposalStatus.AWAITING_CONFIRMATION, ProposalStatus.OPEN)


def open_reason(client: Client) -> str | None:
    if Proposal.objects.filter(client=client, status__in=UNDECIDED).exists():
        return _("Er loopt nog een koppelingsvoorstel.")
    return None


def anonymise(client: Client, kinds: frozenset[str]) -> int:
    if export.CARE not in kinds:
        return 0
    changed = 0
    for proposal in Proposal.objects.filter(client=client).only("pk", "profile", "override_kind"):
        profile = {k: v for k, v in (proposal.profile or {}).items() if k in PROFILE_KEPT}
        Proposal.objects.filter(pk=proposal.pk).update(
            profile=profile,
            client_text="",
            consultant_text="",
            override_reason=export.ANONYMISED_TEXT if proposal.override_kind else "",
        )
        changed += 1
    changed += ProposalEvent.objects.filter(proposal__client=client).update(message="")
    return changed


# Engine internals: in the JSON, not in the readable PDF.
ENGINE_FIELDS = frozenset({"breakdown", "alternatives", "capacity_before", "capacity_after"})


def register() -> None:
    export.register(
        export.Part(
            key="board",
            title=gettext_lazy("Koppelingsvoorstellen en besluiten"),
            order=20,
            anonymise=anonymise,
            open_reason=open_reason,
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
