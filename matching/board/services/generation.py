"""Proposal generation: run the engine for a meeting and store its proposals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import Actor, user_or_none
from accounts.models import AccessAction
from housing import selectors as housing_selectors

from .. import pool as board_pool
from .. import rules
from ..models import (
    GenerationRun,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalStatus,
)
from .common import _event


def proposals_generate(
    *,
    meeting: Meeting,
    actor: Actor,
    key: str = "",
    request: HttpRequest | None = None,
) -> GenerationRun:
    """Run the engine for the meeting and store its proposals.

    Keeps every proposal someone already acted on; replaces untouched open proposals of this
    meeting that the new run no longer makes; never proposes a client or dwelling held by an
    active proposal elsewhere, nor a pair that was declined or refused. With `key` (the
    automatic run) it runs once however often the task is delivered: the run row's unique key
    and the meeting row lock make a concurrent or repeated call return the first run.
    """
    rule = access.authorize(actor, "generate", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
        if refusal := rules.meeting_open(meeting):
            raise refusal
        if key:
            existing = GenerationRun.objects.filter(key=key).first()
            if existing is not None:
                return existing
        now = timezone.now()
        # Untouched open proposals of this meeting are up for recomputation: release them.
        untouched = {
            p.client_id: p
            for p in Proposal.objects.filter(
                meeting=meeting,
                status=ProposalStatus.OPEN,
                consultant_decision="",
                client_decision="",
                override_kind="",
            )
        }
        held_clients, held_dwellings = board_pool.held(meeting)
        held_clients -= set(untouched)
        released_dwellings = {p.dwelling_id for p in untouched.values()}
        held_dwellings = [d for d in held_dwellings if d.pk not in released_dwellings]
        pool = board_pool.load_pool(
            meeting, held_client_ids=held_clients, held_dwellings=held_dwellings
        )
        pool.excluded_pairs = board_pool.excluded_pairs(meeting)
        outcome = board_pool.solve(pool, today=meeting.date)
        run = GenerationRun.objects.create(
            meeting=meeting,
            key=key,
            triggered_by=user_or_none(actor),
            started_at=now,
            duration_ms=outcome.duration_ms,
            instance=outcome.instance,
            solution=outcome.solution.to_dict(),
            no_match=board_pool.no_match(pool, outcome),
            stats={
                "clients": len(pool.clients),
                "dwellings": len(pool.dwellings),
                "candidates": len(outcome.instance["candidates"]),
                "assigned": len(outcome.solution.assignments),
                "method": outcome.solution.method,
                "optimal": outcome.solution.optimal,
            },
        )
        _store_proposals(meeting, run, pool, outcome, untouched, actor)
        meeting.status = MeetingStatus.PROPOSED
        meeting.generated_at = now
        meeting.save(update_fields=["status", "generated_at"])
        if not access.is_system(actor):  # a person's run; the automatic one is the schedule's
            access.audit(
                "matching.meeting.generated",
                action=AccessAction.CREATE,
                actor=actor,
                target=meeting,
                rule=rule,
                purpose=meeting.purpose,
                request=request,
            )
    return run


def _store_proposals(
    meeting: Meeting,
    run: GenerationRun,
    pool: board_pool.Pool,
    outcome: board_pool.Outcome,
    untouched: dict[int, Proposal],
    actor: Actor,
) -> None:
    clients = {c.id: (item, c) for item, c in zip(pool.clients, pool.engine_clients, strict=True)}
    dwellings = {board_pool.dwelling_key(d.pk): d for d in pool.dwellings}
    engine_dwellings = {d.id: d for d in pool.engine_dwellings}
    chosen = {}
    for assignment in outcome.solution.assignments:
        item, _c = clients[assignment.client]
        chosen[item["id"]] = assignment
    # Untouched proposals that the new run does not repeat are superseded.
    for client_id, p in untouched.items():
        a = chosen.get(client_id)
        if a is None or a.dwelling != board_pool.dwelling_key(p.dwelling_id):
            p.status = ProposalStatus.SUPERSEDED
            p.closed_at = timezone.now()
            p.close_reason = _("Vervangen bij opnieuw berekenen.")
            p.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
            _event(p, actor=actor, kind="superseded", message=p.close_reason)
    after = housing_selectors.capacities_after(
        {d.neighbourhood_id: d.neighbourhood for d in pool.dwellings}.values(),
        {d.neighbourhood_id: 1 for d in pool.dwellings},
    )
    deadline = meeting.date + dt.timedelta(days=meeting.board.decision_days)
    for client_id, a in chosen.items():
        item, ec = clients[a.client]
        d = dwellings[a.dwelling]
        breakdown = board_pool.engine.explain_score(
            ec, engine_dwellings[a.dwelling], today=meeting.date
        )
        alternatives = [
            {
                "dwelling_id": dwellings[alt.dwelling].pk,
                "label": _dwelling_label(dwellings[alt.dwelling]),
                "neighbourhood": dwellings[alt.dwelling].neighbourhood.name,
                "score": round(alt.score, 1),
            }
            for alt in outcome.solution.alternatives.get(a.client, [])
            if alt.dwelling in dwellings and alt.dwelling != a.dwelling
        ][:3]
        values = {
            "run": run,
            "score": round(a.score, 2),
            "breakdown": [
                {
                    "code": p.code,
                    "points": round(p.points, 1),
                    "max": p.max_points,
                    "message": p.message,
                }
                for p in breakdown.parts
            ],
            "alternatives": alternatives,
            "explanation": board_pool.explanation(breakdown),
            "profile": item["profile"],
            "capacity_before": _capacity(
                pool.capacity[d.neighbourhood_id], pool.room.get(d.neighbourhood_id)
            ),
            "capacity_after": _capacity(after[d.neighbourhood_id], None),
        }
        existing = untouched.get(client_id)
        if existing is not None and existing.status == ProposalStatus.OPEN:
            for field, value in values.items():
                setattr(existing, field, value)
            existing.save()
            _event(
                existing,
                actor=actor,
                kind="recomputed",
                message=_("Opnieuw berekend; voorstel blijft staan."),
            )
            continue
        proposal = Proposal.objects.create(
            meeting=meeting,
            client_id=client_id,
            dwelling=d,
            care_provider_id=item["care_provider_id"],
            corporation_id=d.corporation_id,
            neighbourhood_id=d.neighbourhood_id,
            deadline=deadline,
            **values,
        )
        _event(
            proposal,
            actor=actor,
            kind="proposed",
            message=_("Voorgesteld door de berekening (score %(score)s).")
            % {"score": values["score"]},
        )


def _dwelling_label(d: Any) -> str:
    return f"{d.street} {d.number}{d.suffix}, {d.city}"


def _capacity(result: Any, room: int | None) -> dict[str, Any]:
    return {
        "score": result.score,
        "class": result.klass,
        "class_label": result.klass_label,
        "headroom": result.headroom if room is None else room,
        "placements_12m": result.placements_12m,
    }
