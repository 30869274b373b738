"""Editing, issuing, revising, cancelling and signing an agreement; the last signature
activates it (and on a placement's first agreement lets the dwelling and houses the client)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.errors import DomainError, FieldErrors
from accounts.models import User
from cases import services as case_services
from cases.models import ClientStatus
from housing import services as housing_services
from housing.models import DwellingStatus
from matching.board import services as board_services

from .. import machine, rules
from ..models import (
    Agreement,
    AgreementKind,
    AgreementState,
    Evaluation,
    EvaluationKind,
    Party,
    Placement,
    PlacementStatus,
    Signature,
)
from .common import (
    PLACEMENTS,
    _begin,
    _cancel_open_evaluations,
    _fmt,
    _locked,
    _log,
    _step,
    parties_of,
    purpose_of,
)
from .terms import _clean_terms, _issue_document, _terms_of, validate_terms


def agreement_update_terms(
    *,
    actor: User,
    agreement: Agreement,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Agreement:
    """Change the terms of a draft agreement (only the keys given)."""
    rule = access.authorize(actor, "change", agreement)
    cleaned = _clean_terms(data)
    with transaction.atomic():
        locked = _locked(agreement)
        if refusal := rules.agreement_terms_change(locked):
            raise refusal
        values = {**_terms_of(locked), **cleaned}
        errors = validate_terms(locked.kind, values, complete=False)
        if errors:
            raise FieldErrors(errors)
        changed = [f for f in cleaned if getattr(locked, f) != values[f]]
        for field in changed:
            setattr(locked, field, values[field])
        locked.save()
        if changed:
            _step(
                locked,
                action="edit_terms",
                to_state=locked.state,
                actor=actor,
                details={"fields": changed},
            )
        _log(
            actor,
            "terms_changed",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def agreement_issue(
    *, actor: User, agreement: Agreement, request: HttpRequest | None = None
) -> Agreement:
    """Freeze the terms and offer the document for signing (a new version of the PDF)."""
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "issue", "")
        errors = validate_terms(locked.kind, _terms_of(locked), complete=True)
        if errors:
            raise FieldErrors(errors)
        locked.issued_at = timezone.now()
        _step(locked, action="issue", to_state=AgreementState.SIGNING, actor=actor)
        locked.state = AgreementState.SIGNING
        locked.save()
        _issue_document(locked, actor=actor)
        _log(
            actor,
            "issued",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def agreement_revise(
    *, actor: User, agreement: Agreement, reason: str, request: HttpRequest | None = None
) -> Agreement:
    """Take the document back to draft (terms to change); signatures so far lapse with it."""
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "revise", reason)
        _step(locked, action="revise", to_state=AgreementState.DRAFT, actor=actor, reason=reason)
        locked.state = AgreementState.DRAFT
        locked.save()
        _log(
            actor,
            "revised",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def agreement_cancel(
    *, actor: User, agreement: Agreement, reason: str, request: HttpRequest | None = None
) -> Agreement:
    """The placement lapses before anyone moved in: the dwelling goes back to the board, the
    client back to the table, and the proposal is closed."""
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "cancel", reason)
        placement = (
            Placement.objects.select_for_update()
            .select_related("client", "proposal")
            .get(pk=locked.placement_id)
        )
        if locked.previous_id is not None or placement.housed_on is not None:
            raise DomainError(
                _(
                    "De huurder woont er al: een vervolgcontract vervalt niet. Zet het terug naar concept of beëindig de afspraak."
                ),
                field="action",
                code="already_housed",
                conflict=True,
            )
        _step(
            locked, action="cancel", to_state=AgreementState.CANCELLED, actor=actor, reason=reason
        )
        locked.state = AgreementState.CANCELLED
        locked.save()
        _cancel_open_evaluations(locked)
        placement.status = PlacementStatus.CANCELLED
        placement.closed_at = timezone.now()
        placement.close_reason = reason.strip()[:500]
        placement.save(update_fields=["status", "closed_at", "close_reason"])
        dwelling = locked.dwelling
        if dwelling.status == DwellingStatus.RESERVED:
            housing_services.dwelling_release(
                actor=PLACEMENTS,
                dwelling=dwelling,
                note=_("Plaatsing %(id)s vervallen") % {"id": placement.pk},
            )
        if placement.client.status == ClientStatus.MATCHED:
            case_services.client_transition_for_placement(
                actor=actor,
                client=placement.client,
                action="unmatch",
                rule=rule,
                reason=reason,
                request=request,
            )
        board_services.proposal_release_after_placement(
            proposal=placement.proposal, actor=actor, reason=reason.strip()
        )
        _log(
            actor,
            "cancelled",
            locked,
            placement,
            rule=rule,
            request=request,
        )
    return locked


def agreement_sign(
    *,
    actor: User,
    agreement: Agreement,
    party: str,
    signed_on: dt.date | None = None,
    signed_by_name: str = "",
    request: HttpRequest | None = None,
) -> Agreement:
    """Record one party's signature on the issued version, in the kind's order. The last
    signature activates the agreement; on a placement's first agreement that lets the
    dwelling, counts the placement in the neighbourhood and the stairwell, and houses the
    client."""
    if party not in Party.values:
        raise DomainError(_("Kies de partij die tekent."), field="party", code="invalid")
    today = timezone.localdate()
    signed_on = signed_on or today
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "sign", "")
        placement = locked.placement
        recorder = machine.RECORDED_BY[party]
        if recorder not in parties_of(actor, placement):
            raise DomainError(
                _("De handtekening van %(party)s legt de %(recorder)s vast.")
                % {"party": Party(party).label, "recorder": Party(recorder).label},
                field="party",
                code="not_your_party",
            )
        order = machine.SIGNING_ORDER[locked.kind]
        if party not in order:
            raise DomainError(
                _("%(party)s is geen partij bij een %(kind)s.")
                % {"party": Party(party).label, "kind": locked.get_kind_display()},
                field="party",
                code="not_a_party",
            )
        signatures = {s.party: s for s in locked.signatures.filter(version=locked.version)}
        if party in signatures:
            raise DomainError(
                _("%(party)s heeft deze versie al getekend.") % {"party": Party(party).label},
                field="party",
                code="already_signed",
                conflict=True,
            )
        expected = machine.next_signer(locked.kind, set(signatures))
        if party != expected:
            raise DomainError(
                _("Eerst tekent %(expected)s; daarna pas %(party)s.")
                % {
                    "expected": Party(expected).label if expected else "",
                    "party": Party(party).label,
                },
                field="party",
                code="out_of_order",
            )
        issued = timezone.localtime(locked.issued_at).date() if locked.issued_at else today
        previous = max((s.signed_on for s in signatures.values()), default=None)
        if signed_on > today:
            raise DomainError(
                _("De datum van ondertekening ligt in de toekomst."),
                field="signed_on",
                code="future",
            )
        if signed_on < issued:
            raise DomainError(
                _(
                    "De datum van ondertekening ligt vóór de datum waarop het document werd aangeboden (%(date)s)."
                )
                % {"date": _fmt(issued)},
                field="signed_on",
                code="before_issue",
            )
        if previous is not None and signed_on < previous:
            raise DomainError(
                _("De datum ligt vóór de vorige handtekening (%(date)s).")
                % {"date": _fmt(previous)},
                field="signed_on",
                code="before_previous",
            )
        Signature.objects.create(
            agreement=locked,
            version=locked.version,
            party=party,
            signed_on=signed_on,
            signed_by_name=(signed_by_name or "").strip()[:150],
            recorded_by=actor,
        )
        last = machine.next_signer(locked.kind, {*signatures, party}) is None
        target = AgreementState.ACTIVE if last else AgreementState.SIGNING
        _step(
            locked,
            action="sign",
            to_state=target,
            actor=actor,
            reason=signed_by_name.strip()[:150],
            details={"party": party, "signed_on": signed_on.isoformat(), "version": locked.version},
        )
        if last:
            _activate(locked, actor=actor, signed_on=signed_on, rule=rule, request=request)
        _log(
            actor,
            "signed",
            locked,
            placement,
            rule=rule,
            request=request,
        )
    return locked


def _schedule_evaluations(agreement: Agreement) -> None:
    if agreement.kind == AgreementKind.FLIP_LEASE:
        due = agreement.evaluation_on or agreement.end_date
        if due:
            Evaluation.objects.create(agreement=agreement, kind=EvaluationKind.FINAL, due_on=due)
    elif agreement.kind == AgreementKind.TRIPARTITE:
        if agreement.evaluation_on and (
            agreement.end_date is None or agreement.evaluation_on < agreement.end_date
        ):
            Evaluation.objects.create(
                agreement=agreement, kind=EvaluationKind.MIDWAY, due_on=agreement.evaluation_on
            )
        if agreement.end_date:
            Evaluation.objects.create(
                agreement=agreement, kind=EvaluationKind.FINAL, due_on=agreement.end_date
            )
    elif agreement.evaluation_on:
        Evaluation.objects.create(
            agreement=agreement, kind=EvaluationKind.MIDWAY, due_on=agreement.evaluation_on
        )


def _activate(
    agreement: Agreement,
    *,
    actor: User,
    signed_on: dt.date,
    rule: str,
    request: HttpRequest | None,
) -> None:
    agreement.state = AgreementState.ACTIVE
    agreement.activated_on = signed_on
    agreement.save()
    _schedule_evaluations(agreement)
    placement = (
        Placement.objects.select_for_update()
        .select_related("client")
        .get(pk=agreement.placement_id)
    )
    if placement.housed_on is not None:
        return  # a follow-up lease: the client already lives there
    now = timezone.now()
    let_at = (
        now
        if signed_on == timezone.localdate()
        else timezone.make_aware(dt.datetime.combine(signed_on, dt.time(12, 0)))
    )
    note = _("Plaatsing %(id)s: %(kind)s getekend") % {
        "id": placement.pk,
        "kind": agreement.get_kind_display(),
    }
    housing_services.dwelling_let(
        actor=PLACEMENTS, dwelling=agreement.dwelling, to_outflow=True, at=let_at, note=note
    )
    if agreement.dwelling.stairwell_id:
        housing_services.stairwell_add_vulnerable(
            stairwell_id=agreement.dwelling.stairwell_id, note=purpose_of(placement)
        )
    case_services.client_transition_for_placement(
        actor=actor,
        client=placement.client,
        action="house",
        rule=rule,
        reason=note,
        request=request,
    )
    placement.housed_on = signed_on
    placement.save(update_fields=["housed_on"])
