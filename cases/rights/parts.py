"""The cases app's own part of the client's data export (see `cases.rights.export`)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    CareRecord,
    Client,
    ClientNote,
    ClientStatus,
    ClientTransition,
    Consent,
    HousingProfile,
)
from . import export

# A case is over in these statuses; anything else is an open case whose data stay.
ENDED_STATUSES = (ClientStatus.CLOSED, ClientStatus.WITHDRAWN)


def open_reason(client: Client) -> str | None:
    if client.status not in ENDED_STATUSES:
        return _("Het dossier is nog open (status: %(status)s).") % {
            "status": client.get_status_display()
        }
    return None


def anonymise(client: Client, kinds: frozenset[str]) -> int:
    """Care-only data and personal values go; the consent history stays (it shows the
    processing was lawful), as do the household facts the statistics count."""
    if export.CARE not in kinds:
        return 0
    changed = CareRecord.objects.filter(client=client).update(
        full_name="",
        date_of_birth=None,
        phone="",
        email="",
        contact_details="",
        care_history="",
        exclusion_reasons="",
    )
    changed += ClientNote.objects.filter(client=client).delete()[0]
    changed += ClientTransition.objects.filter(client=client).exclude(reason="").update(reason="")
    changed += HousingProfile.objects.filter(client=client).update(
        monthly_income=None, note_for_corporation="", pets_description=""
    )
    return changed


def register() -> None:
    export.register(
        export.Part(
            key="cases",
            title=gettext_lazy("Cliënt, zorgdossier, woonprofiel en toestemming"),
            order=10,
            anonymise=anonymise,
            open_reason=open_reason,
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
