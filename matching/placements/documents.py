"""The agreement's PDF: an HTML template rendered with WeasyPrint.

A document version keeps a snapshot of the terms without names; the client's name is filled
in for the reader who may see it (`selectors.visible_names`), else the pseudonym. The
signature blocks show the signatures recorded on that version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accounts import states
from accounts.models import User

from . import machine, selectors
from .models import AgreementDocument, Party


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def context(*, document: AgreementDocument, viewer: User) -> dict[str, Any]:
    agreement = document.agreement
    placement = agreement.placement
    terms = dict(document.terms)
    for field in ("lease_start", "end_date", "evaluation_on", "previous_end_date", "decided_on"):
        terms[field] = _date(terms.get(field))
    name = selectors.visible_names(user=viewer, placements=[placement]).get(placement.pk, "")
    signatures = {
        s.party: s
        for s in selectors.signatures_for(
            user=viewer, agreement=agreement, version=document.version
        )
    }
    labels: dict[str, str] = {str(k): str(v) for k, v in Party.choices}
    party_names: dict[str, str] = {
        Party.CLIENT: name or f"cliënt {placement.client_reference}",
        Party.CARE_PROVIDER: terms["care_provider"],
        Party.CORPORATION: terms["corporation"],
    }
    blocks = [
        {
            "party": party,
            "label": labels[party],
            "name": party_names[party],
            "signature": signatures.get(party),
        }
        for party in terms.get("signing_order") or machine.SIGNING_ORDER[agreement.kind]
    ]
    return {
        **states.exposed(),  # rendered without a request: the enums the templates compare with
        "document": document,
        "agreement": agreement,
        "terms": terms,
        "client_name": party_names[Party.CLIENT],
        "blocks": blocks,
        "printed_at": timezone.localtime(),
        "printed_by": viewer.full_name,
    }


def render_html(*, document: AgreementDocument, viewer: User) -> str:
    return render_to_string(
        "placements/document_pdf.html", context(document=document, viewer=viewer)
    )


def render_pdf(*, document: AgreementDocument, viewer: User) -> bytes:
    from weasyprint import HTML  # imported here: loading pango is slow

    pdf: bytes = HTML(string=render_html(document=document, viewer=viewer)).write_pdf()
    return pdf


def filename(document: AgreementDocument) -> str:
    ref = document.agreement.placement.client_reference
    return f"{document.agreement.kind}-{ref}-v{document.version}.pdf"
