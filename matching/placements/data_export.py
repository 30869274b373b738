"""Placements' part of a client's data export: placements, agreements and what happened to them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Client
from cases.rights import export

from .models import (
    OPEN_STATES,
    Agreement,
    AgreementDocument,
    AgreementTransition,
    Evaluation,
    Placement,
    Signature,
    WelcomeTalk,
)


def open_reason(client: Client) -> str | None:
    if Agreement.objects.filter(placement__client=client, state__in=OPEN_STATES).exists():
        return _("Er loopt nog een afspraak over de woning.")
    return None


def keep_contract_until(client: Client) -> dt.date | None:
    """The last day the agreements' contract data must be kept: the fiscal period after the
    last agreement ended (or was last changed, when it has no end date)."""
    agreements = Agreement.objects.filter(placement__client=client)
    if not agreements.exists():
        return None
    last = agreements.aggregate(ended=Max("ended_on"), changed=Max("updated_at"))
    ended = last["ended"] or last["changed"].date()
    return ended + dt.timedelta(days=settings.RETENTION_CONTRACT_DAYS)


def anonymise(client: Client, kinds: frozenset[str]) -> int:
    changed = 0
    if export.CARE in kinds:
        changed += WelcomeTalk.objects.filter(placement__client=client).update(
            notes="", participants=export.ANONYMISED_TEXT
        )
        changed += Evaluation.objects.filter(agreement__placement__client=client).update(notes="")
        changed += AgreementTransition.objects.filter(agreement__placement__client=client).update(
            reason="", details={}
        )
        changed += Placement.objects.filter(client=client).update(close_reason="")
    if export.CONTRACT in kinds:
        changed += Agreement.objects.filter(placement__client=client).update(
            contact_person="", contact_phone="", conditions_text="", care_contract_reference=""
        )
        changed += Signature.objects.filter(agreement__placement__client=client).update(
            signed_by_name=""
        )
        changed += AgreementDocument.objects.filter(agreement__placement__client=client).delete()[0]
    return changed


def register() -> None:
    export.register(
        export.Part(
            key="placements",
            title=gettext_lazy("Plaatsingen, afspraken en evaluaties"),
            order=30,
            anonymise=anonymise,
            open_reason=open_reason,
            keep_contract_until=keep_contract_until,
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
