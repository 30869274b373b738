"""Proposal generation: run the engine for a meeting and store its proposals.

The solve takes seconds, so it runs on a snapshot without holding a lock; the write phase is
one short transaction that takes the global lock order (docs/concurrency.md), re-reads what
it touches and re-checks every pair before it writes. "Berekenen" and beat queue one
background run per meeting (`generation_request` → `tasks.run_generation`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import Actor, SystemActor, user_or_none
from accounts.errors import DomainError
from accounts.models import AccessAction
from cases import selectors as case_selectors
from cases import services as case_services
from config.heartbeat import Heartbeat
from housing import selectors as housing_selectors
from housing import services as housing_services

from .. import pool as board_pool
from .. import rules
from ..models import (
    ACTIVE_GENERATION_STATUSES,
    ACTIVE_STATUSES,
    GenerationRun,
    GenerationStatus,
    Meeting,
    MeetingStatus,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)

logger = logging.getLogger(__name__)

# --- Generation -----------------------------------------------------------------------------
#
# Solve on a snapshot without locks, then write in one short transaction (docs/concurrency.md):
# lock meeting → clients → dwellings → proposals, re-read, re-check every pair, keep every
# decision taken meanwhile, write only generation's columns, in bulk.

# Columns the generation owns on a proposal it recomputes; decisions, overrides, status of a
# decided proposal and deadlines belong to the parties and are never written here.
GENERATION_COLUMNS = [
    "run", "score", "breakdown", "alternatives", "explanation", "profile",
    "capacity_before", "capacity_after", "updated_at",
]  # fmt: skip
# More than this share of the solved pairs invalid at write time: solve once more.
STALE_SHARE = 0.5


def _after_solve(meeting: Meeting) -> None:
    """Between solve and write (no lock held). Tests inject a pause here to force a race."""


@dataclass
class _Snapshot:
    """What a run read without locks: the proposals it may recompute, the pool, the solve."""

    untouched: dict[int, Proposal]  # client_id -> open proposal nobody acted on
    pool: board_pool.Pool
    outcome: board_pool.Outcome


def _untouched_q(meeting: Meeting) -> Any:
    return Proposal.objects.filter(
        meeting=meeting,
        status=ProposalStatus.OPEN,
        consultant_decision="",
        client_decision="",
        override_kind="",
    )


def _take_snapshot(meeting: Meeting) -> _Snapshot:
    untouched = {p.client_id: p for p in _untouched_q(meeting).order_by()}
    held_clients, held_dwellings = board_pool.held(meeting)
    held_clients -= set(untouched)
    released_dwellings = {p.dwelling_id for p in untouched.values()}
    held_dwellings = [d for d in held_dwellings if d.pk not in released_dwellings]
    pool = board_pool.load_pool(
        meeting, held_client_ids=held_clients, held_dwellings=held_dwellings
    )
    pool.excluded_pairs = board_pool.excluded_pairs(meeting)
    outcome = board_pool.solve(pool, today=meeting.date)
    return _Snapshot(untouched=untouched, pool=pool, outcome=outcome)


def proposals_generate(
    *,
    meeting: Meeting,
    actor: Actor,
    key: str = "",
    request: HttpRequest | None = None,
    run: GenerationRun | None = None,
    authorised: bool = False,
) -> GenerationRun:
    """Run the engine for the meeting and store its proposals.

    Keeps every proposal someone already acted on (also when they acted while the engine was
    solving); replaces untouched open proposals of this meeting that the new run no longer
    makes; never proposes a client or dwelling held by an active proposal elsewhere, a pair
    that was declined or refused, a client without consent in force or of an inactive care
    provider, or a dwelling no longer offered. With `key` (the automatic run) it runs once
    however often the task is delivered. `run` is the queued row of a background run
    (`generation_request`), whose actor was authorised when it was requested.
    """
    # A background run was authorised when it was requested (`generation_request`).
    rule = "requested" if authorised else access.authorize(actor, "generate", meeting)
    meeting = Meeting.objects.select_related("board").get(pk=meeting.pk)
    if refusal := rules.meeting_open(meeting):
        raise refusal
    if key:
        existing = GenerationRun.objects.filter(key=key).exclude(pk__in=[run.pk] if run else [])
        if existing.exists():
            return existing.get()
    for attempt in (1, 2):
        snap = _take_snapshot(meeting)  # no locks: the solve takes seconds
        _after_solve(meeting)
        written = _write_phase(
            meeting, snap, actor=actor, key=key, run=run, attempt=attempt, rule=rule,
            request=request,
        )  # fmt: skip
        if written is not None:
            return written
    raise AssertionError("the second attempt always writes")


def _write_phase(
    meeting: Meeting,
    snap: _Snapshot,
    *,
    actor: Actor,
    key: str,
    run: GenerationRun | None,
    attempt: int,
    rule: str,
    request: HttpRequest | None,
) -> GenerationRun | None:
    """Lock, re-read, re-check, write in bulk. None: the snapshot was too stale (retry)."""
    pool, outcome = snap.pool, snap.outcome
    clients = {c.id: item for item, c in zip(pool.clients, pool.engine_clients, strict=True)}
    dwellings = {board_pool.dwelling_key(d.pk): d for d in pool.dwellings}
    chosen: dict[int, tuple[Any, Any]] = {}  # client_id -> (assignment, dwelling)
    for a in outcome.solution.assignments:
        chosen[clients[a.client]["id"]] = (a, dwellings[a.dwelling])
    board = meeting.board
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",), no_key=True)
            .select_related("board")
            .get(pk=meeting.pk)
        )
        if refusal := rules.meeting_open(meeting):
            raise refusal
        if key:
            existing = GenerationRun.objects.filter(key=key).exclude(pk__in=[run.pk] if run else [])
            if existing.exists():
                return existing.get()
        client_ids = sorted(set(chosen) | set(snap.untouched))
        dwelling_ids = sorted(
            {d.pk for _a, d in chosen.values()} | {p.dwelling_id for p in snap.untouched.values()}
        )
        case_services.clients_lock(client_ids)
        housing_services.dwellings_lock(dwelling_ids)
        locked = list(
            Proposal.objects.select_for_update(of=("self",))
            .filter(pk__in=[p.pk for p in snap.untouched.values()])
            .order_by("pk")
        )
        if run is not None:
            # Only the attempt that owns the run writes: one taken over meanwhile (its
            # heartbeat looked stale) leaves the writing to the attempt that took it.
            owner = GenerationRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
            if owner.attempt != run.attempt or owner.status != GenerationStatus.RUNNING:
                logger.warning(
                    "generation run %s: attempt %s no longer owns it", run.pk, run.attempt
                )
                return owner
        # Re-read: what is still open and untouched is ours to recompute; everything else was
        # decided (or overridden, withdrawn) meanwhile and is kept exactly as it is.
        still = {
            p.client_id: p
            for p in locked
            if p.status == ProposalStatus.OPEN
            and not (p.consultant_decision or p.client_decision or p.override_kind)
        }
        member_ids = list(board.members.values_list("pk", flat=True))
        eligible_clients = case_selectors.board_client_ids_still_eligible(
            client_ids, region_id=board.region_id, care_provider_ids=member_ids
        )
        offered = housing_selectors.board_dwelling_ids_still_offered(
            dwelling_ids, region_id=board.region_id, corporation_ids=member_ids
        )
        held = list(
            Proposal.objects.filter(meeting__board_id=board.pk, status__in=ACTIVE_STATUSES)
            .filter(Q(client_id__in=client_ids) | Q(dwelling_id__in=dwelling_ids))
            .exclude(pk__in=[p.pk for p in still.values()])
            .values_list("client_id", "dwelling_id")
        )
        held_clients = {c for c, _d in held}
        held_dwellings = {d for _c, d in held}
        excluded = set(
            Proposal.objects.filter(
                meeting__board_id=board.pk,
                status__in=[ProposalStatus.DECLINED, ProposalStatus.REFUSED],
                client_id__in=client_ids,
            ).values_list("client_id", "dwelling_id")
        )
        valid: dict[int, tuple[Any, Any]] = {}
        for client_id, (a, d) in chosen.items():
            if (
                client_id in eligible_clients
                and d.pk in offered
                and client_id not in held_clients
                and d.pk not in held_dwellings
                and (client_id, d.pk) not in excluded
            ):
                valid[client_id] = (a, d)
        dropped = len(chosen) - len(valid)
        if attempt == 1 and chosen and dropped > STALE_SHARE * len(chosen):
            return None  # too much changed while solving: solve again on a fresh snapshot
        now = timezone.now()
        stats = {
            "clients": len(pool.clients),
            "dwellings": len(pool.dwellings),
            "candidates": len(outcome.instance["candidates"]),
            "assigned": len(valid),
            "solved": len(chosen),
            "dropped": dropped,
            "attempt": attempt,
            "method": outcome.solution.method,
            "optimal": outcome.solution.optimal,
        }
        values = {
            "meeting": meeting,
            "key": key,
            "triggered_by": user_or_none(actor),
            "duration_ms": outcome.duration_ms,
            "instance": outcome.instance,
            "solution": outcome.solution.to_dict(),
            "no_match": board_pool.no_match(pool, outcome),
            "stats": stats,
            "status": GenerationStatus.DONE,
            "finished_at": now,
        }
        if run is None:
            run = GenerationRun.objects.create(started_at=now, **values)
        else:
            for field_name, value in values.items():
                setattr(run, field_name, value)
            run.save(update_fields=[*values, "heartbeat_at"])
        _store_proposals(
            meeting, run, pool, outcome.solution.alternatives, valid, still, actor, now
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.PROPOSED, generated_at=now
        )
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
    solution_alternatives: dict[str, list[Any]],
    valid: dict[int, tuple[Any, Any]],
    still: dict[int, Proposal],
    actor: Actor,
    now: Any,
) -> None:
    """Bulk writes, a fixed number of queries whatever the number of proposals."""
    by = user_or_none(actor)
    items = {
        item["id"]: (item, ec) for item, ec in zip(pool.clients, pool.engine_clients, strict=True)
    }
    dwellings = {board_pool.dwelling_key(d.pk): d for d in pool.dwellings}
    engine_dwellings = {d.id: d for d in pool.engine_dwellings}
    alternatives = solution_alternatives
    events: list[ProposalEvent] = []
    # Untouched proposals the new run does not repeat are superseded (first: they free their
    # client and dwelling for the new proposals under the partial unique constraints).
    superseded = [
        p for client_id, p in still.items()
        if client_id not in valid or valid[client_id][1].pk != p.dwelling_id
    ]  # fmt: skip
    reason = _("Vervangen bij opnieuw berekenen.")
    Proposal.objects.filter(pk__in=[p.pk for p in superseded]).update(
        status=ProposalStatus.SUPERSEDED, closed_at=now, close_reason=reason, updated_at=now
    )
    events += [
        ProposalEvent(proposal=p, actor=by, kind="superseded", message=str(reason))
        for p in superseded
    ]
    after = housing_selectors.capacities_after(
        {d.neighbourhood_id: d.neighbourhood for d in pool.dwellings}.values(),
        {d.neighbourhood_id: 1 for d in pool.dwellings},
    )
    deadline = meeting.date + dt.timedelta(days=meeting.board.decision_days)
    recomputed: list[Proposal] = []
    created: list[Proposal] = []
    # The run's proposals count one after another against the tipping point and stairwell.
    earlier_hood: Counter[int] = Counter()
    earlier_stairwell: Counter[int] = Counter()
    for client_id, (a, d) in valid.items():
        item, ec = items[client_id]
        breakdown = board_pool.engine.explain_score(
            ec, engine_dwellings[a.dwelling], today=meeting.date
        )
        hidden = pool.capacity[d.neighbourhood_id].bounded
        values = {
            "run": run,
            "score": round(a.score, 2),
            "breakdown": board_pool.stored_breakdown(breakdown, capacity_hidden=hidden),
            "alternatives": [
                {
                    "dwelling_id": dwellings[alt.dwelling].pk,
                    "label": _dwelling_label(dwellings[alt.dwelling]),
                    "neighbourhood": dwellings[alt.dwelling].neighbourhood.name,
                    "score": round(alt.score, 1),
                }
                for alt in alternatives.get(a.client, [])
                if alt.dwelling in dwellings and alt.dwelling != a.dwelling
            ][:3],
            "explanation": board_pool.explanation(breakdown, capacity_hidden=hidden),
            "profile": item["profile"],
            "capacity_before": _capacity(
                pool.capacity[d.neighbourhood_id], pool.room.get(d.neighbourhood_id)
            )
            | board_pool.placement_count(
                pool,
                d,
                earlier_in_neighbourhood=earlier_hood[d.neighbourhood_id],
                earlier_in_stairwell=earlier_stairwell[d.stairwell_id or 0],
            ),
            "capacity_after": _capacity(after[d.neighbourhood_id], None),
        }
        earlier_hood[d.neighbourhood_id] += 1
        if d.stairwell_id:
            earlier_stairwell[d.stairwell_id] += 1
        existing = still.get(client_id)
        if existing is not None and existing.dwelling_id == d.pk:
            for field_name, value in values.items():
                setattr(existing, field_name, value)
            existing.updated_at = now
            recomputed.append(existing)
            continue
        created.append(
            Proposal(
                meeting=meeting,
                client_id=client_id,
                dwelling=d,
                care_provider_id=item["care_provider_id"],
                corporation_id=d.corporation_id,
                neighbourhood_id=d.neighbourhood_id,
                deadline=deadline,
                created_at=now,
                **values,
            )
        )
    Proposal.objects.bulk_update(recomputed, GENERATION_COLUMNS, batch_size=500)
    Proposal.objects.bulk_create(created, batch_size=500)
    message = _("Opnieuw berekend; voorstel blijft staan.")
    events += [
        ProposalEvent(proposal=p, actor=by, kind="recomputed", message=message) for p in recomputed
    ]
    events += [
        ProposalEvent(
            proposal=p,
            actor=by,
            kind="proposed",
            message=_("Voorgesteld door de berekening (score %(score)s).") % {"score": p.score},
        )
        for p in created
    ]
    ProposalEvent.objects.bulk_create(events, batch_size=500)


# --- Background runs ("Berekenen" and beat) ---------------------------------------------------

# A running run's worker writes its heartbeat every GENERATION_HEARTBEAT_SECONDS (a thread,
# so a long solve does not look dead); without one for GENERATION_STALE_AFTER it is taken over
# by the next delivery or beat's sweep (every 15 s), so a dead worker's run moves within a minute.
GENERATION_HEARTBEAT_SECONDS = 5
GENERATION_STALE_AFTER = dt.timedelta(seconds=30)
GENERATION_REQUEUE_AFTER = dt.timedelta(seconds=60)
GENERATION_MAX_ATTEMPTS = 3


def generation_request(
    *,
    meeting: Meeting,
    actor: Actor,
    key: str = "",
    request: HttpRequest | None = None,
) -> tuple[GenerationRun, bool]:
    """Queue one background run for the meeting; (run, created). A second click while a run
    is queued or running returns that run (one active run per meeting, a database
    constraint). A broker that is down fails the run with a message, never leaves it queued."""
    from .. import tasks

    rule = access.authorize(actor, "generate", meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",), no_key=True).get(pk=meeting.pk)
        if refusal := rules.meeting_open(meeting):
            raise refusal
        active = GenerationRun.objects.filter(
            meeting=meeting, status__in=ACTIVE_GENERATION_STATUSES
        ).first()
        if active is not None:
            return active, False
        if key and GenerationRun.objects.filter(key=key).exists():
            return GenerationRun.objects.get(key=key), False
        run = GenerationRun.objects.create(
            meeting=meeting,
            key=key,
            triggered_by=user_or_none(actor),
            status=GenerationStatus.QUEUED,
        )
        if not access.is_system(actor):
            access.audit(
                "matching.meeting.generation_requested",
                action=AccessAction.CHANGE,
                actor=actor,
                target=meeting,
                rule=rule,
                purpose=meeting.purpose,
                request=request,
            )
        tasks.queue_run(run.pk)
    return run, True


def generation_queue_failed(*, run_id: int) -> None:
    GenerationRun.objects.filter(pk=run_id, status=GenerationStatus.QUEUED).update(
        status=GenerationStatus.FAILED,
        finished_at=timezone.now(),
        error=_("De berekening kon niet worden ingepland; probeer het over een minuut opnieuw."),
    )


def _generation_claim(run_id: int) -> GenerationRun | None:
    with transaction.atomic():
        run = GenerationRun.objects.select_for_update(of=("self",)).get(pk=run_id)
        now = timezone.now()
        if run.status == GenerationStatus.RUNNING and not (
            run.heartbeat_at is None or now - run.heartbeat_at > GENERATION_STALE_AFTER
        ):
            return None  # a duplicate delivery while the first one runs
        if run.status not in ACTIVE_GENERATION_STATUSES:
            return None
        if run.attempt >= GENERATION_MAX_ATTEMPTS:
            run.status, run.finished_at = GenerationStatus.FAILED, now
            run.error = _("De berekening is %(n)s keer onderbroken; start haar opnieuw.") % {
                "n": run.attempt
            }
            run.save(update_fields=["status", "finished_at", "error"])
            return None
        run.status = GenerationStatus.RUNNING
        run.attempt += 1
        run.started_at = run.heartbeat_at = now
        run.save(update_fields=["status", "attempt", "started_at", "heartbeat_at"])
    return run


def generation_execute(*, run_id: int) -> GenerationRun:
    """The task's body: take the run (queued, or left by a dead worker) and generate.
    Idempotent: a run that is done, failed or being run by another delivery is left alone."""
    run = _generation_claim(run_id)
    if run is None:
        return GenerationRun.objects.get(pk=run_id)
    beat = Heartbeat(
        lambda: GenerationRun.objects.filter(
            pk=run_id, attempt=run.attempt, status=GenerationStatus.RUNNING
        ).update(heartbeat_at=timezone.now()),
        every=GENERATION_HEARTBEAT_SECONDS,
        label=f"generation run {run_id}",
    )
    try:
        with beat:
            return proposals_generate(
                meeting=run.meeting,
                actor=run.triggered_by or SystemActor("board.generation"),
                key=run.key,
                run=run,
                authorised=True,
            )
    except DomainError as error:
        _generation_fail(run, error.message)
    except SoftTimeLimitExceeded:
        _generation_fail(run, _("De berekening duurde te lang en is gestopt."))
    except OperationalError:
        # The database went away (after the solve, say): the run goes back to the queue so
        # the task's retry takes it at once; if the database is still away the retry fails
        # too and beat's sweep takes the stale run over.
        _generation_release(run)
        raise
    except Exception:
        logger.exception("generation run %s failed", run_id)
        _generation_fail(run, _("De berekening is mislukt; probeer het opnieuw."))
    return GenerationRun.objects.get(pk=run_id)


def _generation_release(run: GenerationRun) -> None:
    from django.db import connection

    try:
        if not connection.in_atomic_block:
            connection.close()  # the broken connection; the next query opens a new one
        GenerationRun.objects.filter(
            pk=run.pk, attempt=run.attempt, status=GenerationStatus.RUNNING
        ).update(status=GenerationStatus.QUEUED, heartbeat_at=None)
    except OperationalError:
        logger.warning("generation run %s: not released (database still away)", run.pk)


def _generation_fail(run: GenerationRun, message: str) -> None:
    GenerationRun.objects.filter(
        pk=run.pk, attempt=run.attempt, status=GenerationStatus.RUNNING
    ).update(status=GenerationStatus.FAILED, finished_at=timezone.now(), error=str(message)[:300])


def generation_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Beat's sweep: runs whose worker died (stale heartbeat) or whose message was lost are
    sent again; runs tried too often fail with a message."""
    from .. import tasks

    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0}
    rows = GenerationRun.objects.filter(
        Q(status=GenerationStatus.RUNNING, heartbeat_at__lt=now - GENERATION_STALE_AFTER)
        | Q(status=GenerationStatus.QUEUED, started_at__lt=now - GENERATION_REQUEUE_AFTER)
    ).values_list("pk", "attempt")
    for run_id, attempt in list(rows):
        if attempt >= GENERATION_MAX_ATTEMPTS:
            _generation_claim(run_id)
            counts["failed"] += 1
        elif tasks.send_run(run_id):
            counts["requeued"] += 1
    return counts


def _dwelling_label(d: Any) -> str:
    return f"{d.street} {d.number}{d.suffix}, {d.city}"


def _capacity(result: Any, room: int | None) -> dict[str, Any]:
    """What a proposal records of a neighbourhood's capacity, as published (the chair and the
    parties read it: a small placement count leaves no score, count or exact class behind)."""
    result = housing_selectors.capacity_published(result)
    return {
        "score": result.score,
        "class": result.klass,
        "class_label": result.klass_label,
        "headroom": result.headroom if room is None else room,
        "placements_12m": result.placements_12m,
        "bounded": result.bounded,
    }
