"""Aftercare's part of a client's data export: signals about the tenant, their plans and history."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.rights import export

from .models import PlanAction, Signal, SignalEvent


def register() -> None:
    export.register(
        export.Part(
            key="aftercare",
            title=_("Signalen na de verhuizing"),
            order=40,
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
