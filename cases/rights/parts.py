"""The cases app's own part of the client's data export (see `cases.rights.export`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import CareRecord, Client, ClientNote, ClientTransition, Consent, HousingProfile
from . import export


def register() -> None:
    export.register(
        export.Part(
            key="cases",
            title=_("Cliënt, zorgdossier, woonprofiel en toestemming"),
            order=10,
            sources=(
                export.Source(Client, lambda c: [c]),
                export.Source(CareRecord, lambda c: CareRecord.objects.filter(client=c)),
                export.Source(HousingProfile, lambda c: HousingProfile.objects.filter(client=c)),
                export.Source(
                    Consent, lambda c: Consent.objects.filter(client=c).order_by("recorded_at")
                ),
                export.Source(
                    ClientTransition,
                    lambda c: ClientTransition.objects.filter(client=c).order_by("at", "pk"),
                ),
                export.Source(
                    ClientNote, lambda c: ClientNote.objects.filter(client=c).order_by("created_at")
                ),
            ),
        )
    )
