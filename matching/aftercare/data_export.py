"""Aftercare's part of a client's data export: signals about the tenant, their plans and history."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Client
from cases.rights import export

from .models import OPEN_SIGNAL_STATES, PlanAction, Signal, SignalEvent


def open_reason(client: Client) -> str | None:
    if Signal.objects.filter(placement__client=client, state__in=OPEN_SIGNAL_STATES).exists():
        return _("Er staat nog een signaal open.")
    return None


def anonymise(client: Client, kinds: frozenset[str]) -> int:
    """The signals' texts go; category, severity, dates and neighbourhood stay, so the counts
    per neighbourhood do not change."""
    if export.CARE not in kinds:
        return 0
    changed = Signal.objects.filter(placement__client=client).update(
        description="",
        already_done="",
        assessment="",
        proposed_action="",
        close_note="",
        escalation_reason="",
    )
    changed += PlanAction.objects.filter(signal__placement__client=client).update(
        description=export.ANONYMISED_TEXT, follow_up=""
    )
    changed += SignalEvent.objects.filter(signal__placement__client=client).update(message="")
    return changed


def register() -> None:
    export.register(
        export.Part(
            key="aftercare",
            title=gettext_lazy("Signalen na de verhuizing"),
            order=40,
            anonymise=anonymise,
            open_reason=open_reason,
            sources=(
                export.Source(
                    Signal, lambda c: Signal.objects.filter(placement__client=c).order_by("pk")
                ),
                export.Source(
                    PlanAction,
                    lambda c: PlanAction.objects.filter(signal__placement__client=c).order_by(
                        "created_at", "pk"
                    ),
                ),
                export.Source(
                    SignalEvent,
                    lambda c: SignalEvent.objects.filter(signal__placement__client=c).order_by(
                        "at", "pk"
                    ),
                ),
            ),
        )
    )
