"""The terms of an agreement: defaults from the shared profile, the rules per kind, and the
snapshot a document version keeps (without names)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from accounts.errors import FieldErrors
from accounts.models import User
from matching.board.models import Proposal

from .. import machine
from ..models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    Condition,
    Evaluation,
)
from .common import FLIP_LEASE_MIN_MONTHS, TRIPARTITE_MONTHS, _fmt, add_months

TERM_FIELDS = (
    "lease_start",
    "end_date",
    "evaluation_on",
    "support_hours_per_week",
    "contact_person",
    "contact_phone",
    "conditions",
    "conditions_text",
    "care_contract_reference",
)


def default_terms(*, kind: str, proposal: Proposal, today: dt.date) -> dict[str, Any]:
    """Terms to start from: the dwelling's availability and the client's shared profile."""
    dwelling = proposal.dwelling
    start = max(today, dwelling.available_from or today)
    earliest = proposal.profile.get("earliest_move_date")
    if earliest:
        start = max(start, dt.date.fromisoformat(earliest))
    terms: dict[str, Any] = {
        "lease_start": start,
        "end_date": None,
        "evaluation_on": None,
        "support_hours_per_week": None,
        "contact_person": "",
        "contact_phone": "",
        "conditions": [],
        "conditions_text": "",
        "care_contract_reference": "",
    }
    hours = proposal.profile.get("support_hours_per_week")
    if hours and kind != AgreementKind.ORDINARY:
        terms["support_hours_per_week"] = Decimal(hours)
    if kind == AgreementKind.FLIP_LEASE:
        terms["end_date"] = terms["evaluation_on"] = add_months(start, FLIP_LEASE_MIN_MONTHS)
    elif kind == AgreementKind.TRIPARTITE:
        terms["end_date"] = add_months(start, TRIPARTITE_MONTHS)
        terms["evaluation_on"] = add_months(start, TRIPARTITE_MONTHS // 2)
    return terms


def validate_terms(kind: str, values: Mapping[str, Any], *, complete: bool) -> dict[str, list[str]]:
    """Check terms against the rules of the agreement's kind. `complete`: ready to sign."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    start, end, evaluation_on = values["lease_start"], values["end_date"], values["evaluation_on"]
    if start is None:
        add("lease_start", _("Vul de ingangsdatum in."))
        return errors
    if kind in (AgreementKind.FLIP_LEASE, AgreementKind.TRIPARTITE) and end is None:
        add("end_date", _("Vul de einddatum in."))
    if end is not None and end <= start:
        add("end_date", _("De einddatum ligt vóór of op de ingangsdatum."))
    elif (
        kind == AgreementKind.FLIP_LEASE
        and end is not None
        and end < add_months(start, FLIP_LEASE_MIN_MONTHS)
    ):
        add(
            "end_date",
            _("Een omklapcontract loopt ten minste 12 maanden: tot %(date)s of later.")
            % {"date": _fmt(add_months(start, FLIP_LEASE_MIN_MONTHS))},
        )
    if kind == AgreementKind.FLIP_LEASE and evaluation_on is None:
        add("evaluation_on", _("Een omklapcontract heeft een evaluatiedatum aan het eind."))
    if evaluation_on is not None:
        if evaluation_on <= start:
            add(
                "evaluation_on",
                _("De evaluatiedatum ligt vóór of op de ingangsdatum (%(date)s).")
                % {"date": _fmt(start)},
            )
        elif end is not None and evaluation_on > end:
            add("evaluation_on", _("De evaluatiedatum ligt na de einddatum."))
        elif kind == AgreementKind.TRIPARTITE and end is not None and evaluation_on >= end:
            add("evaluation_on", _("De tussentijdse evaluatie ligt vóór de einddatum."))
    hours = values["support_hours_per_week"]
    if hours is not None and not (Decimal(0) <= Decimal(hours) <= Decimal(168)):
        add("support_hours_per_week", _("Vul een aantal uren tussen 0 en 168 in."))
    unknown = [c for c in values["conditions"] or [] if c not in Condition.values]
    if unknown:
        add("conditions", _("Onbekende voorwaarde: %(codes)s.") % {"codes": ", ".join(unknown)})
    if complete:
        if kind == AgreementKind.TRIPARTITE:
            if hours is None:
                add("support_hours_per_week", _("Leg de begeleiding in uren per week vast."))
            if not (values["contact_person"] or "").strip():
                add("contact_person", _("Noem de contactpersoon van de zorgaanbieder."))
        if kind == AgreementKind.TRIANGLE and not (values["care_contract_reference"] or "").strip():
            add(
                "care_contract_reference",
                _("Een driehoekscontract is gekoppeld aan een zorgcontract: vul het kenmerk in."),
            )
        if kind == AgreementKind.FLIP_LEASE and not (values["contact_person"] or "").strip():
            add("contact_person", _("Noem de contactpersoon van de zorgaanbieder (hoofdhuurder)."))
    return errors


def _clean_terms(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown agreement fields: {sorted(unknown)}")
    cleaned = dict(data)
    for field in ("contact_person", "contact_phone", "conditions_text", "care_contract_reference"):
        if field in cleaned:
            cleaned[field] = (cleaned[field] or "").strip()
    if "support_hours_per_week" in cleaned and cleaned["support_hours_per_week"] not in (None, ""):
        try:
            cleaned["support_hours_per_week"] = Decimal(str(cleaned["support_hours_per_week"]))
        except InvalidOperation:
            raise FieldErrors({"support_hours_per_week": [_("Vul een getal in.")]}) from None
    elif "support_hours_per_week" in cleaned:
        cleaned["support_hours_per_week"] = None
    if "conditions" in cleaned:
        cleaned["conditions"] = list(dict.fromkeys(cleaned["conditions"] or []))
    return cleaned


def _terms_of(agreement: Agreement) -> dict[str, Any]:
    return {f: getattr(agreement, f) for f in TERM_FIELDS}


def _snapshot(
    agreement: Agreement, *, document_kind: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the PDF shows, without names (those are filled in per reader)."""
    placement = agreement.placement
    dwelling = agreement.dwelling
    return {
        "document_kind": document_kind,
        "kind": agreement.kind,
        "kind_label": str(agreement.get_kind_display()),
        "lease_holder": agreement.lease_holder,
        "lease_start": agreement.lease_start.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else None,
        "evaluation_on": agreement.evaluation_on.isoformat() if agreement.evaluation_on else None,
        "monthly_rent": str(agreement.monthly_rent),
        "support_hours_per_week": str(agreement.support_hours_per_week)
        if agreement.support_hours_per_week is not None
        else None,
        "contact_person": agreement.contact_person,
        "contact_phone": agreement.contact_phone,
        "conditions": agreement.condition_labels(),
        "conditions_text": agreement.conditions_text,
        "care_contract_reference": agreement.care_contract_reference,
        "client_reference": placement.client_reference,
        "address": dwelling.address,
        "postcode": dwelling.postcode,
        "care_provider": placement.care_provider.name,
        "corporation": placement.corporation.name,
        "signing_order": list(machine.SIGNING_ORDER[agreement.kind]),
        **(extra or {}),
    }


def _issue_document(
    agreement: Agreement,
    *,
    actor: User | None,
    document_kind: str = "agreement",
    extra: dict[str, Any] | None = None,
) -> AgreementDocument:
    agreement.version += 1
    agreement.save(update_fields=["version", "updated_at"])
    titles = {
        "agreement": str(agreement.get_kind_display()).capitalize(),
        "extension": _("Verlenging %(kind)s") % {"kind": agreement.get_kind_display()},
    }
    return AgreementDocument.objects.create(
        agreement=agreement,
        version=agreement.version,
        title=titles.get(document_kind, document_kind),
        terms=_snapshot(agreement, document_kind=document_kind, extra=extra),
        created_by=actor,
    )


def _evaluation_summary(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "id": evaluation.pk,
        "held_on": evaluation.held_on.isoformat() if evaluation.held_on else None,
        "judgement": evaluation.judgement,
        "judgement_label": str(evaluation.get_judgement_display()),
    }
