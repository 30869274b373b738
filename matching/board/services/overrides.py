"""Overrides (four eyes): the chair places beyond a limit with a reason; a second municipality user confirms or refuses."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, validation
from accounts.errors import DomainError
from accounts.models import AccessAction, User
from accounts.services import notify
from housing import selectors as housing_selectors

from .. import pool as board_pool
from .. import rules
from ..models import (
    Meeting,
    OverrideKind,
    Proposal,
    ProposalStatus,
)
from .common import _event, _locked, _municipality_users
from .generation import _capacity


def proposal_override_request(
    *,
    actor: User,
    meeting: Meeting,
    client_id: int,
    dwelling_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Proposal:
    """The chair proposes a placement beyond a neighbourhood's headroom or in a stopped
    complex. It waits for a second municipality user's confirmation before it is open.

    Only those two limits can be overridden: the other hard rules (rent, size, access,
    exclusions) still apply, and a full stairwell is not overridable here.
    """
    rule = access.authorize(actor, "override", meeting)
    reason = validation.free_text(reason, field="reason")
    if len(reason) < 10:
        raise DomainError(
            _("Schrijf een reden van minstens tien tekens; een tweede persoon bevestigt die."),
            field="reason",
            code="reason_required",
        )
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",), no_key=True)
            .select_related("board")
            .get(pk=meeting.pk)
        )
        # Was missing: an override on a closed meeting, whose minutes are final.
        if refusal := rules.meeting_open(meeting):
            raise refusal
        held_clients, held_dwellings = board_pool.held(meeting)
        if client_id in held_clients:
            raise DomainError(
                _("Deze cliënt heeft al een lopend voorstel."), code="client_held", conflict=True
            )
        if dwelling_id in {d.pk for d in held_dwellings}:
            raise DomainError(
                _("Deze woning heeft al een lopend voorstel."), code="dwelling_held", conflict=True
            )
        pool = board_pool.load_pool(
            meeting, held_client_ids=held_clients, held_dwellings=held_dwellings
        )
        item = next((c for c in pool.clients if c["id"] == client_id), None)
        dwelling = next((d for d in pool.dwellings if d.pk == dwelling_id), None)
        if item is None or dwelling is None:
            raise DomainError(
                _("Cliënt of woning staat niet (meer) op de tafel."),
                code="not_in_pool",
                conflict=True,
            )
        ec = pool.engine_clients[pool.clients.index(item)]
        ed = next(x for x in pool.engine_dwellings if x.id == board_pool.dwelling_key(dwelling.pk))
        stopped = ed.complex_stopped
        full = pool.room.get(dwelling.neighbourhood_id) == 0
        blocking = [
            r for r in board_pool.engine.rejections_for(ec, ed) if r.code != "complex_stopped"
        ]
        if blocking:
            raise DomainError(
                " ".join(r.message for r in blocking), code="hard_rule", field="dwelling"
            )
        if dwelling.stairwell_id and pool.stairwell_room.get(dwelling.stairwell_id) == 0:
            raise DomainError(
                _(
                    "Het portiek heeft het maximum aan kwetsbare huishoudens; dat is niet te overschrijden."
                ),
                code="stairwell_full",
            )
        if not (stopped or full):
            raise DomainError(
                _("Deze koppeling overschrijdt geen grens; bereken de voorstellen opnieuw."),
                code="no_override_needed",
            )
        kind = (
            OverrideKind.BOTH
            if stopped and full
            else (OverrideKind.STOPPED_COMPLEX if stopped else OverrideKind.HEADROOM)
        )
        after = housing_selectors.capacities_after(
            [dwelling.neighbourhood], {dwelling.neighbourhood_id: 1}
        )
        breakdown = board_pool.engine.explain_score(ec, ed, today=meeting.date)
        hidden = pool.capacity[dwelling.neighbourhood_id].bounded
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    meeting=meeting,
                    client_id=client_id,
                    dwelling=dwelling,
                    care_provider_id=item["care_provider_id"],
                    corporation_id=dwelling.corporation_id,
                    neighbourhood_id=dwelling.neighbourhood_id,
                    status=ProposalStatus.AWAITING_CONFIRMATION,
                    score=round(breakdown.score, 2),
                    breakdown=board_pool.stored_breakdown(breakdown, capacity_hidden=hidden),
                    explanation=board_pool.explanation(breakdown, capacity_hidden=hidden),
                    profile=item["profile"],
                    capacity_before=_capacity(
                        pool.capacity[dwelling.neighbourhood_id],
                        pool.room.get(dwelling.neighbourhood_id),
                    )
                    | board_pool.placement_count(pool, dwelling),
                    capacity_after=_capacity(after[dwelling.neighbourhood_id], None),
                    deadline=meeting.date + dt.timedelta(days=meeting.board.decision_days),
                    override_kind=kind,
                    override_reason=reason,
                    override_requested_by=actor,
                )
        except IntegrityError:
            raise DomainError(
                _("Cliënt of woning kreeg intussen een ander voorstel."),
                code="taken",
                conflict=True,
            ) from None
        _event(
            proposal,
            actor=actor,
            kind="override_requested",
            message=f"{_('Overschrijding gevraagd')} ({OverrideKind(kind).label}): {reason}",
        )
        access.audit(
            "matching.proposal.override_requested",
            action=AccessAction.CREATE,
            actor=actor,
            target=proposal,
            rule=rule,
            purpose=meeting.purpose,
            request=request,
        )
        for user in _municipality_users(meeting.board, exclude=actor):
            notify(
                user=user,
                kind="board.override",
                title=_("Vier ogen gevraagd: overschrijding %(week)s")
                % {"week": meeting.week_label},
                body=reason,
                url=reverse("matching:proposal-detail", args=[proposal.pk]),
                dedupe_key=f"board-override:{proposal.pk}",
            )
    return proposal


def _awaiting_second_pair_of_eyes(proposal: Proposal, actor: User) -> Proposal:
    """Lock an override that waits for its second municipality user, who is not the requester."""
    p = _locked(proposal)
    if refusal := rules.override_decision(p, actor_id=actor.pk):
        raise refusal
    return p


def proposal_override_confirm(
    *, actor: User, proposal: Proposal, request: HttpRequest | None = None
) -> Proposal:
    """A second municipality user confirms the chair's override; the proposal opens."""
    rule = access.authorize(actor, "confirm", proposal)
    with transaction.atomic():
        p = _awaiting_second_pair_of_eyes(proposal, actor)
        p.status = ProposalStatus.OPEN
        p.override_confirmed_by = actor
        p.override_confirmed_at = timezone.now()
        p.save()
        _event(
            p,
            actor=actor,
            kind="override_confirmed",
            message=_("Overschrijding bevestigd (vier ogen)."),
        )
        access.audit(
            "matching.proposal.override_confirmed",
            actor=actor,
            target=p,
            rule=rule,
            purpose=p.meeting.purpose,
            request=request,
        )
    return p


def proposal_override_reject(
    *, actor: User, proposal: Proposal, reason: str, request: HttpRequest | None = None
) -> Proposal:
    """The second municipality user refuses the chair's override: the proposal is withdrawn,
    and its client and dwelling return to the pool. Four eyes: not by the requester."""
    rule = access.authorize(actor, "confirm", proposal)
    reason = validation.free_text(reason, field="reason")
    if not reason:
        raise DomainError(
            _("Geef aan waarom u de overschrijding niet bevestigt."),
            field="reason",
            code="required",
        )
    with transaction.atomic():
        p = _awaiting_second_pair_of_eyes(proposal, actor)
        p.status = ProposalStatus.WITHDRAWN
        p.closed_at = timezone.now()
        p.save()
        _event(
            p,
            actor=actor,
            kind="override_rejected",
            message=_("Overschrijding niet bevestigd (vier ogen): %(reason)s")
            % {"reason": reason[:300]},
        )
        access.audit(
            "matching.proposal.override_rejected",
            actor=actor,
            target=p,
            rule=rule,
            purpose=p.meeting.purpose,
            request=request,
        )
        if p.override_requested_by is not None:
            notify(
                user=p.override_requested_by,
                kind="board.override",
                title=_("Overschrijding niet bevestigd: %(week)s") % {"week": p.meeting.week_label},
                body=reason,
                url=reverse("matching:proposal-detail", args=[p.pk]),
                dedupe_key=f"board-override-rejected:{p.pk}",
            )
    return p
