"""Decisions on a running agreement: extend, flip, convert, end, and for a triangle contract
care stopped or resumed. Flip, conversion and extension cite an evaluation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError, FieldErrors
from accounts.models import User
from accounts.services import notify

from ..models import (
    Agreement,
    AgreementKind,
    AgreementState,
    Evaluation,
    EvaluationKind,
    Party,
    Placement,
    PlacementStatus,
)
from ..signals import care_stopped, placement_ended
from .agreements import agreement_cancel, agreement_issue, agreement_revise, agreement_sign
from .common import (
    _begin,
    _cancel_open_evaluations,
    _cited,
    _consultants,
    _fmt,
    _log,
    _step,
)
from .terms import _evaluation_summary, _issue_document


def agreement_extend(
    *,
    actor: User,
    agreement: Agreement,
    evaluation_id: Any,
    end_date: dt.date | None,
    evaluation_on: dt.date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Agreement:
    """Extend a flip lease or tripartite agreement after its final evaluation, with a new end
    and a new evaluation date (a new version of the document records the decision)."""
    today = timezone.localdate()
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "extend", reason)
        evaluation = _cited(locked, evaluation_id, "held")
        errors: dict[str, list[str]] = {}
        if end_date is None:
            errors["end_date"] = [_("Vul de nieuwe einddatum in.")]
        elif end_date <= max(today, locked.end_date or today):
            errors["end_date"] = [
                _("De nieuwe einddatum ligt na de huidige einddatum (%(date)s) en na vandaag.")
                % {"date": _fmt(locked.end_date)}
            ]
        evaluation_on = evaluation_on or end_date
        if evaluation_on is not None and not errors:
            if evaluation_on <= locked.lease_start:
                errors["evaluation_on"] = [
                    _("De evaluatiedatum ligt vóór of op de ingangsdatum (%(date)s).")
                    % {"date": _fmt(locked.lease_start)}
                ]
            elif evaluation_on < today:
                errors["evaluation_on"] = [_("De nieuwe evaluatiedatum ligt in het verleden.")]
            elif end_date is not None and evaluation_on > end_date:
                errors["evaluation_on"] = [_("De evaluatiedatum ligt na de nieuwe einddatum.")]
        if errors:
            raise FieldErrors(errors)
        assert end_date is not None and evaluation_on is not None
        previous_end = locked.end_date
        _step(
            locked,
            action="extend",
            to_state=AgreementState.EXTENDED,
            actor=actor,
            reason=reason or _("Verlengd na evaluatie"),
            evaluation=evaluation,
            details={
                "end_date": end_date.isoformat(),
                "evaluation_on": evaluation_on.isoformat(),
                "previous_end_date": previous_end.isoformat() if previous_end else None,
            },
        )
        evaluation.decision = "extend"
        evaluation.save(update_fields=["decision"])
        _cancel_open_evaluations(locked)
        locked.state = AgreementState.EXTENDED
        locked.end_date = end_date
        locked.evaluation_on = evaluation_on
        locked.save()
        Evaluation.objects.create(agreement=locked, kind=EvaluationKind.FINAL, due_on=evaluation_on)
        _issue_document(
            locked,
            actor=actor,
            document_kind="extension",
            extra={
                "evaluation": _evaluation_summary(evaluation),
                "previous_end_date": previous_end.isoformat() if previous_end else None,
                "decided_by": actor.full_name,
                "decided_on": today.isoformat(),
                "reason": reason,
            },
        )
        _log(
            actor,
            "extended",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def _successor(
    agreement: Agreement, *, actor: User, lease_start: dt.date, evaluation: Evaluation
) -> Agreement:
    """The ordinary lease on the client's name that follows a flip or a tripartite term:
    issued at once for the client's and the corporation's signatures."""
    successor = Agreement.objects.create(
        placement=agreement.placement,
        previous=agreement,
        dwelling=agreement.dwelling,
        kind=AgreementKind.ORDINARY,
        state=AgreementState.SIGNING,
        lease_holder=Party.CLIENT,
        lease_start=lease_start,
        monthly_rent=agreement.monthly_rent,
        issued_at=timezone.now(),
        created_by=actor,
    )
    _step(
        successor,
        action="create",
        from_state="",
        to_state=AgreementState.SIGNING,
        actor=actor,
        reason=_("Huurcontract op naam van de huurder na %(kind)s")
        % {"kind": agreement.get_kind_display()},
        evaluation=evaluation,
    )
    _issue_document(successor, actor=actor)
    return successor


def _flip_or_convert(
    *,
    actor: User,
    agreement: Agreement,
    action: str,
    evaluation_id: Any,
    lease_start: dt.date | None,
    reason: str,
    request: HttpRequest | None,
) -> Agreement:
    today = timezone.localdate()
    target = AgreementState.FLIPPED if action == "flip" else AgreementState.CONVERTED
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, action, reason)
        evaluation = _cited(locked, evaluation_id, "positive")
        assert evaluation.held_on is not None
        lease_start = lease_start or max(today, evaluation.held_on)
        if lease_start < evaluation.held_on or lease_start <= locked.lease_start:
            raise FieldErrors(
                {
                    "lease_start": [
                        _("Het nieuwe huurcontract gaat in op of na de evaluatie (%(date)s).")
                        % {"date": _fmt(evaluation.held_on)}
                    ]
                }
            )
        _step(
            locked,
            action=action,
            to_state=target,
            actor=actor,
            reason=reason or _("Positieve evaluatie van corporatie en zorgaanbieder"),
            evaluation=evaluation,
            details={"lease_start": lease_start.isoformat()},
        )
        evaluation.decision = action
        evaluation.save(update_fields=["decision"])
        _cancel_open_evaluations(locked)
        locked.state = target
        locked.ended_on = lease_start
        locked.save()
        _successor(locked, actor=actor, lease_start=lease_start, evaluation=evaluation)
        _log(
            actor,
            "flipped" if action == "flip" else "converted",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def flip_lease_flip(
    *,
    actor: User,
    agreement: Agreement,
    evaluation_id: Any,
    lease_start: dt.date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Agreement:
    """Flip the lease to the client's name after a positive evaluation by corporation and care
    provider: the flip lease ends and an ordinary lease on the tenant's name starts at
    `lease_start` (same dwelling), ready for signing."""
    return _flip_or_convert(
        actor=actor,
        agreement=agreement,
        action="flip",
        evaluation_id=evaluation_id,
        lease_start=lease_start,
        reason=reason,
        request=request,
    )


def tripartite_convert(
    *,
    actor: User,
    agreement: Agreement,
    evaluation_id: Any,
    lease_start: dt.date | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Agreement:
    """After a positive final evaluation the tripartite agreement becomes an ordinary lease."""
    return _flip_or_convert(
        actor=actor,
        agreement=agreement,
        action="convert",
        evaluation_id=evaluation_id,
        lease_start=lease_start,
        reason=reason,
        request=request,
    )


def agreement_end(
    *,
    actor: User,
    agreement: Agreement,
    reason: str,
    ended_on: dt.date | None = None,
    evaluation_id: Any = None,
    request: HttpRequest | None = None,
) -> Agreement:
    """The corporation ends the lease or agreement (after an evaluation, or when care stopped
    under a triangle contract). The placement ends with it."""
    today = timezone.localdate()
    ended_on = ended_on or today
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "end", reason)
        evaluation = _cited(locked, evaluation_id, "held") if evaluation_id else None
        if ended_on <= locked.lease_start:
            raise FieldErrors(
                {
                    "ended_on": [
                        _("De einddatum ligt vóór of op de ingangsdatum (%(date)s).")
                        % {"date": _fmt(locked.lease_start)}
                    ]
                }
            )
        _step(
            locked,
            action="end",
            to_state=AgreementState.ENDED,
            actor=actor,
            reason=reason,
            evaluation=evaluation,
            details={"ended_on": ended_on.isoformat()},
        )
        if evaluation is not None:
            evaluation.decision = "end"
            evaluation.save(update_fields=["decision"])
        _cancel_open_evaluations(locked)
        locked.state = AgreementState.ENDED
        locked.ended_on = ended_on
        locked.save()
        Placement.objects.filter(pk=locked.placement_id).update(
            status=PlacementStatus.ENDED,
            closed_at=timezone.now(),
            close_reason=reason.strip()[:500],
        )
        _log(
            actor,
            "ended",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
        placement_ended.send(sender=Agreement, agreement=locked, actor=actor, ended_on=ended_on)
    return locked


def triangle_care_stop(
    *,
    actor: User,
    agreement: Agreement,
    reason: str,
    stopped_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Agreement:
    """The care provider records that care stopped; the corporation is alerted that it may end
    the lease (the coupling of a triangle contract). The reason stays with the care provider."""
    today = timezone.localdate()
    stopped_on = stopped_on or today
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "care_stop", reason)
        if stopped_on > today or stopped_on < locked.lease_start:
            raise FieldErrors(
                {"stopped_on": [_("De datum ligt in de toekomst of vóór de ingangsdatum.")]}
            )
        _step(
            locked,
            action="care_stop",
            to_state=AgreementState.CARE_STOPPED,
            actor=actor,
            reason=reason,
            details={"stopped_on": stopped_on.isoformat()},
        )
        locked.state = AgreementState.CARE_STOPPED
        locked.care_stopped_on = stopped_on
        locked.save()
        placement = locked.placement
        url = reverse("placements:agreement-detail", args=[locked.pk])
        for user in _consultants(placement):
            notify(
                user=user,
                kind="placements.care_stopped",
                title=_("Zorg gestopt bij driehoekscontract %(ref)s")
                % {"ref": placement.client_reference},
                body=_(
                    "De zorgaanbieder meldt dat de zorg per %(date)s is gestopt. Het huurcontract "
                    "is gekoppeld aan het zorgcontract: u kunt de huur opzeggen."
                )
                % {"date": _fmt(stopped_on)},
                url=url,
                dedupe_key=f"placements:care-stopped:{locked.pk}:{stopped_on.isoformat()}",
            )
        _log(
            actor,
            "care_stopped",
            locked,
            placement,
            rule=rule,
            request=request,
        )
        care_stopped.send(sender=Agreement, agreement=locked, actor=actor, stopped_on=stopped_on)
    return locked


def triangle_care_resume(
    *, actor: User, agreement: Agreement, reason: str, request: HttpRequest | None = None
) -> Agreement:
    """Care started again under the triangle contract; the lease runs on."""
    with transaction.atomic():
        rule, locked = _begin(actor, agreement, "care_resume", reason)
        _step(
            locked, action="care_resume", to_state=AgreementState.ACTIVE, actor=actor, reason=reason
        )
        locked.state = AgreementState.ACTIVE
        locked.care_stopped_on = None
        locked.save()
        _log(
            actor,
            "care_resumed",
            locked,
            locked.placement,
            rule=rule,
            request=request,
        )
    return locked


def agreement_step(
    *,
    actor: User,
    agreement: Agreement,
    action: str,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Agreement:
    """Run the service for one row of the table with input from a form or the API."""
    reason = (data.get("reason") or "").strip()
    if action == "issue":
        return agreement_issue(actor=actor, agreement=agreement, request=request)
    if action == "revise":
        return agreement_revise(actor=actor, agreement=agreement, reason=reason, request=request)
    if action == "cancel":
        return agreement_cancel(actor=actor, agreement=agreement, reason=reason, request=request)
    if action == "extend":
        return agreement_extend(
            actor=actor,
            agreement=agreement,
            evaluation_id=data.get("evaluation"),
            end_date=data.get("end_date"),
            evaluation_on=data.get("evaluation_on"),
            reason=reason,
            request=request,
        )
    if action in ("flip", "convert"):
        service = flip_lease_flip if action == "flip" else tripartite_convert
        return service(
            actor=actor,
            agreement=agreement,
            evaluation_id=data.get("evaluation"),
            lease_start=data.get("lease_start"),
            reason=reason,
            request=request,
        )
    if action == "care_stop":
        return triangle_care_stop(
            actor=actor,
            agreement=agreement,
            reason=reason,
            stopped_on=data.get("stopped_on"),
            request=request,
        )
    if action == "care_resume":
        return triangle_care_resume(
            actor=actor, agreement=agreement, reason=reason, request=request
        )
    if action == "end":
        return agreement_end(
            actor=actor,
            agreement=agreement,
            reason=reason,
            ended_on=data.get("ended_on"),
            evaluation_id=data.get("evaluation"),
            request=request,
        )
    if action == "sign":
        return agreement_sign(
            actor=actor,
            agreement=agreement,
            party=data.get("party") or "",
            signed_on=data.get("signed_on"),
            signed_by_name=data.get("signed_by_name") or "",
            request=request,
        )
    raise DomainError(_("Onbekende handeling."), field="action", code="unknown_action")
