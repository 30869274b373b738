"""What every placements service shares: the error with field messages, the permission
check, locking, the timeline step, the access-log row, and the guards of the table."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import Actor
from accounts.errors import DomainError
from accounts.models import Membership, Role, User

from .. import machine
from ..models import (
    Agreement,
    AgreementTransition,
    Evaluation,
    EvaluationKind,
    Judgement,
    Party,
    Placement,
)
from ..permissions import CONSULTANT, COORDINATOR

# The placements app acting on the housing stock (reserving, releasing, letting the dwelling)
# once the person's own step has passed its guard.
PLACEMENTS = access.SystemActor("placements")

# Evaluations and agreement ends due within this many days (or overdue) are reminded.
REMINDER_DAYS = 28


FLIP_LEASE_MIN_MONTHS = 12


TRIPARTITE_MONTHS = 24


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def purpose_of(placement: Placement) -> str:
    """The access-log purpose of everything done for a placement (the pseudonym, no name)."""
    return f"plaatsing {placement.client_reference}"


def _acting_org(actor: Actor, placement: Placement) -> int:
    if placement.care_provider_id in access.organisation_ids_of(actor, Role.CARE_COORDINATOR):
        return placement.care_provider_id
    return placement.corporation_id


def parties_of(actor: User, placement: Placement) -> set[str]:
    """The sides the actor acts for in this placement (care provider and/or corporation)."""
    sides = set()
    if COORDINATOR(actor, placement):
        sides.add(Party.CARE_PROVIDER.value)
    if CONSULTANT(actor, placement):
        sides.add(Party.CORPORATION.value)
    return sides


def _log(
    actor: Actor,
    what: str,
    target: Agreement | Evaluation | Placement,
    placement: Placement,
    *,
    rule: str,
    request: HttpRequest | None,
) -> None:
    """The access-log row of a placement step: event `placements.<object>.<what>` (for example
    `placements.agreement.extended`), the placement's pseudonym as the purpose, on behalf of
    the side the actor acts for."""
    policy = access.policy_for(type(target))
    object_type = policy.type_label() if policy else type(target)._meta.label_lower
    access.audit(
        f"{object_type}.{what}",
        actor=actor,
        target=target,
        rule=rule,
        purpose=purpose_of(placement),
        request=request,
        organisation_id=_acting_org(actor, placement),
    )


def _step(
    agreement: Agreement,
    *,
    action: str,
    to_state: str,
    actor: User | None,
    from_state: str | None = None,
    reason: str = "",
    evaluation: Evaluation | None = None,
    details: dict[str, Any] | None = None,
) -> AgreementTransition:
    return AgreementTransition.objects.create(
        agreement=agreement,
        action=action,
        from_state=agreement.state if from_state is None else from_state,
        to_state=to_state,
        actor=actor,
        reason=reason[:500],
        evaluation=evaluation,
        details=details or {},
    )


def _locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__board", "dwelling")
        .get(pk=agreement.pk)
    )


def _begin(actor: User, agreement: Agreement, action: str, reason: str) -> tuple[str, Agreement]:
    """Check the rule, lock the row and check the table; the caller holds the transaction."""
    transition = machine.TRANSITIONS[action]
    rule = access.authorize(actor, action, agreement)
    locked = _locked(agreement)
    if locked.kind not in transition.kinds or locked.state not in transition.sources:
        possible = ", ".join(
            f"‘{t.label}’" for t in machine.available(locked.kind, locked.state)
        ) or _("geen")
        raise DomainError(
            _(
                "‘%(action)s’ kan niet bij een %(kind)s met status ‘%(state)s’. Mogelijk: %(possible)s."
            )
            % {
                "action": transition.label,
                "kind": locked.get_kind_display(),
                "state": locked.get_state_display(),
                "possible": possible,
            },
            field="action",
            code="invalid_transition",
            conflict=True,
        )
    if transition.needs_reason and not (reason or "").strip():
        raise DomainError(_("Geef een reden op."), field="reason", code="reason_required")
    return rule, locked


def _cited(agreement: Agreement, evaluation_id: Any, need: str) -> Evaluation:
    """The evaluation a decision rests on: held, final, not used before, and for a flip or a
    conversion positive and confirmed by the other party."""
    if not evaluation_id:
        raise DomainError(
            _("Kies de evaluatie waarop dit besluit rust."), field="evaluation", code="required"
        )
    try:
        evaluation = agreement.evaluations.select_for_update().filter(pk=int(evaluation_id)).first()
    except (TypeError, ValueError):
        evaluation = None
    if evaluation is None or evaluation.cancelled:
        raise DomainError(
            _("Deze evaluatie hoort niet bij deze afspraak."), field="evaluation", code="unknown"
        )
    if not evaluation.is_held:
        raise DomainError(
            _("Deze evaluatie is nog niet gehouden; leg eerst de uitkomst vast."),
            field="evaluation",
            code="not_held",
        )
    if evaluation.kind != EvaluationKind.FINAL:
        raise DomainError(
            _("Dit besluit rust op de eindevaluatie, niet op een tussentijdse evaluatie."),
            field="evaluation",
            code="not_final",
        )
    if evaluation.decision:
        raise DomainError(
            _("Deze evaluatie is al gebruikt voor een eerder besluit; houd een nieuwe evaluatie."),
            field="evaluation",
            code="already_used",
        )
    if need == "positive":
        if evaluation.judgement != Judgement.POSITIVE:
            raise DomainError(
                _(
                    "Alleen na een positieve evaluatie: het eindoordeel was ‘%(judgement)s’. "
                    "Verleng de afspraak of beëindig haar."
                )
                % {"judgement": evaluation.get_judgement_display()},
                field="evaluation",
                code="not_positive",
            )
        if not evaluation.is_confirmed:
            raise DomainError(
                _(
                    "De evaluatie is nog niet bevestigd door de andere partij: corporatie en "
                    "zorgaanbieder moeten allebei positief zijn."
                ),
                field="evaluation",
                code="not_confirmed",
            )
    return evaluation


def _cancel_open_evaluations(agreement: Agreement) -> None:
    agreement.evaluations.filter(held_on__isnull=True, cancelled=False).update(cancelled=True)


def _consultants(placement: Placement) -> list[User]:
    """The consultant who approved the proposal, or (gone) every consultant of the corporation."""
    consultants = User.objects.filter(
        is_active=True,
        memberships__organisation_id=placement.corporation_id,
        memberships__role=Role.HOUSING_CONSULTANT,
        memberships__is_active=True,
    ).distinct()
    if placement.consultant_id:
        own = [u for u in consultants if u.pk == placement.consultant_id]
        if own:
            return own
    return list(consultants)


def _responsible(placement: Placement) -> list[User]:
    users = _consultants(placement)
    coordinator = placement.client.coordinator
    still_there = Membership.objects.filter(
        user=coordinator,
        organisation_id=placement.care_provider_id,
        role=Role.CARE_COORDINATOR,
        is_active=True,
    ).exists()
    if coordinator.is_active and still_there:
        users.append(coordinator)
    else:
        users += list(
            User.objects.filter(
                is_active=True,
                memberships__organisation_id=placement.care_provider_id,
                memberships__role=Role.CARE_COORDINATOR,
                memberships__is_active=True,
            ).distinct()
        )
    return users
