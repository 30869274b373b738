"""Placements' part of a client's data export: placements, agreements and what happened to them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.rights import export

from .models import (
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Evaluation,
    Placement,
    Signature,
    WelcomeTalk,
)


def register() -> None:
    export.register(
        export.Part(
            key="placements",
            title=_("Plaatsingen, afspraken en evaluaties"),
            order=30,
            sources=(
                export.Source(
                    Placement, lambda c: Placement.objects.filter(client=c).order_by("pk")
                ),
                export.Source(
                    WelcomeTalk, lambda c: WelcomeTalk.objects.filter(placement__client=c)
                ),
                export.Source(
                    Agreement,
                    lambda c: Agreement.objects.filter(placement__client=c).order_by("pk"),
                ),
                export.Source(
                    AgreementTransition,
                    lambda c: AgreementTransition.objects.filter(
                        agreement__placement__client=c
                    ).order_by("at", "pk"),
                ),
                export.Source(
                    Signature,
                    lambda c: Signature.objects.filter(agreement__placement__client=c).order_by(
                        "recorded_at", "pk"
                    ),
                ),
                export.Source(
                    AgreementDocument,
                    lambda c: AgreementDocument.objects.filter(
                        agreement__placement__client=c
                    ).order_by("created_at", "pk"),
                    pdf_exclude=frozenset({"terms"}),  # the document's own snapshot
                ),
                export.Source(
                    Evaluation,
                    lambda c: Evaluation.objects.filter(agreement__placement__client=c).order_by(
                        "due_on", "pk"
                    ),
                ),
            ),
        )
    )
