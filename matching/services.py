"""State changes at the placement board. Keyword-only, typed, atomic, audited.

Every function that a person triggers takes `actor=`, checks the permission layer itself
(views and the API both call these), writes the access-log row with the meeting as purpose
and a timeline event in the same transaction, and raises `DomainError` when refused.
Concurrent decisions are serialised by locking the proposal row (`select_for_update`); the
partial unique constraints on active proposals are the last line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access
from accounts.access import log
from accounts.errors import DomainError
from accounts.models import AccessAction, OrganisationKind, Region, Role, User
from accounts.services import notify
from housing import selectors as housing_selectors

from . import generation
from .models import (
    Board,
    ClientDecision,
    ConsultantDecision,
    GenerationRun,
    Meeting,
    MeetingStatus,
    OverrideKind,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)

__all__ = [
    "CLIENT_REFUSAL_REASONS",
    "CONSULTANT_DECLINE_REASONS",
    "board_create",
    "deadlines_check",
    "digest_send",
    "meeting_create_next",
    "meeting_for_week",
    "proposal_decide",
    "proposal_override_confirm",
    "proposal_override_request",
    "proposal_release_after_placement",
    "proposal_respond",
    "proposals_generate",
]

# Reasons per role. "other" needs a written explanation. Never grounds the law forbids:
# the board does not become a blacklist (no criminal-record or "known trouble" reasons).
CONSULTANT_DECLINE_REASONS = {
    "rent_not_affordable": gettext_lazy("huur past niet bij het inkomen (passend toewijzen)"),
    "dwelling_unsuitable": gettext_lazy("woning past niet bij de woonbehoefte"),
    "stairwell_situation": gettext_lazy("situatie in portiek of complex vraagt nu rust"),
    "dwelling_not_available": gettext_lazy("woning is niet meer beschikbaar"),
    "care_not_arranged": gettext_lazy("begeleiding rond de verhuizing is nog niet geregeld"),
    "other": gettext_lazy("anders (toelichting verplicht)"),
}
CLIENT_REFUSAL_REASONS = {
    "location": gettext_lazy("ligging of buurt past niet bij de cliënt"),
    "dwelling": gettext_lazy("woning zelf past niet (grootte, verdieping, staat)"),
    "timing": gettext_lazy("verhuismoment past niet"),
    "network": gettext_lazy("te ver van netwerk, werk of dagbesteding"),
    "not_ready": gettext_lazy("cliënt is (nog) niet toe aan zelfstandig wonen"),
    "other": gettext_lazy("anders (toelichting verplicht)"),
}
CLIENT_ACCEPT_REASONS = {"accepted": gettext_lazy("cliënt heeft de woning bekeken en aanvaard")}


def _cfg(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _event(proposal: Proposal, *, actor: User | None, kind: str, message: str) -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal, actor=actor, kind=kind, message=message[:500]
    )


def _require(actor: User, action: str, target: Any, *, purpose: str) -> str:
    decision = access.decide(actor, action, target)
    if not decision or (not isinstance(target, type) and not access.visible(actor, target)):
        raise DomainError(_("U heeft geen toestemming voor deze handeling."), code="forbidden")
    return decision.rule


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("meeting__board")
        .get(pk=proposal.pk)
    )


# --- Boards and meetings --------------------------------------------------------------------


def week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def board_create(
    *, region: Region, name: str, chair: User | None = None, members: list[Any] | None = None
) -> Board:
    """Create (or return) the region's board with its member organisations. Demo and admin."""
    with transaction.atomic():
        board, _created = Board.objects.get_or_create(
            region=region, defaults={"name": name, "chair": chair}
        )
        if members is None:
            members = list(region.organisations.filter(is_active=True))
        board.members.add(*members)
    return board


def _next_meeting_date(board: Board, after: dt.date) -> dt.date:
    days = (board.meeting_weekday - after.weekday()) % 7
    return after + dt.timedelta(days=days)


def meeting_for_week(*, board: Board, day: dt.date) -> Meeting:
    """The board's meeting in the ISO week of `day` (created once; safe to repeat)."""
    monday = day - dt.timedelta(days=day.weekday())
    date = monday + dt.timedelta(days=board.meeting_weekday)
    try:
        with transaction.atomic():
            meeting, _created = Meeting.objects.get_or_create(
                board=board, week_label=week_label(date), defaults={"date": date}
            )
    except IntegrityError:  # a concurrent run created it first
        meeting = Meeting.objects.get(board=board, week_label=week_label(date))
    return meeting


def meeting_create_next(*, board: Board, today: dt.date | None = None) -> Meeting:
    """The next meeting on or after today (beat runs this daily; idempotent)."""
    today = today or timezone.localdate()
    return meeting_for_week(board=board, day=_next_meeting_date(board, today))


def meetings_due_for_generation(*, now: dt.datetime | None = None) -> list[int]:
    """Meetings whose proposals should be made now: not yet generated, within the lead time."""
    now = now or timezone.now()
    lead = dt.timedelta(hours=_cfg("BOARD_GENERATE_HOURS_BEFORE", 24))
    due = []
    for meeting in Meeting.objects.filter(
        status=MeetingStatus.PLANNED, board__is_active=True, date__gte=timezone.localdate(now)
    ).select_related("board"):
        starts = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.board.meeting_time))
        if starts - lead <= now:
            due.append(meeting.pk)
    return due


# --- Generation -----------------------------------------------------------------------------


def proposals_generate(
    *,
    meeting: Meeting,
    actor: User | None = None,
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
    rule = "system"
    if actor is not None:
        rule = _require(actor, "generate", meeting, purpose=meeting.purpose)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CLOSED:
            raise DomainError(_("Dit overleg is afgerond."), code="meeting_closed", conflict=True)
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
        held_clients, held_dwellings = generation.held(meeting)
        held_clients -= set(untouched)
        released_dwellings = {p.dwelling_id for p in untouched.values()}
        held_dwellings = [d for d in held_dwellings if d.pk not in released_dwellings]
        pool = generation.load_pool(
            meeting, held_client_ids=held_clients, held_dwellings=held_dwellings
        )
        pool.excluded_pairs = generation.excluded_pairs(meeting)
        outcome = generation.solve(pool, today=meeting.date)
        run = GenerationRun.objects.create(
            meeting=meeting,
            key=key,
            triggered_by=actor,
            started_at=now,
            duration_ms=outcome.duration_ms,
            instance=outcome.instance,
            solution=outcome.solution.to_dict(),
            no_match=generation.no_match(pool, outcome),
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
        if actor is not None:
            log.record(
                actor=actor,
                action=AccessAction.CREATE,
                target=meeting,
                rule=rule,
                purpose=meeting.purpose,
                request=request,
            )
    return run


def _store_proposals(
    meeting: Meeting,
    run: GenerationRun,
    pool: generation.Pool,
    outcome: generation.Outcome,
    untouched: dict[int, Proposal],
    actor: User | None,
) -> None:
    clients = {c.id: (item, c) for item, c in zip(pool.clients, pool.engine_clients, strict=True)}
    dwellings = {generation.dwelling_key(d.pk): d for d in pool.dwellings}
    engine_dwellings = {d.id: d for d in pool.engine_dwellings}
    chosen = {}
    for a in outcome.solution.assignments:
        item, _c = clients[a.client]
        chosen[item["id"]] = a
    # Untouched proposals that the new run does not repeat are superseded.
    for client_id, p in untouched.items():
        a = chosen.get(client_id)
        if a is None or a.dwelling != generation.dwelling_key(p.dwelling_id):
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
        breakdown = generation.engine.explain_score(
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
            "explanation": generation.explanation(breakdown),
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


# --- Decisions ------------------------------------------------------------------------------


def _reason(reasons: dict[str, Any], code: str, text: str) -> tuple[str, str]:
    text = (text or "").strip()
    if code not in reasons:
        raise DomainError(_("Kies een reden uit de lijst."), field="reason", code="reason_required")
    if code == "other" and not text:
        raise DomainError(
            _("Bij ‘anders’ is een toelichting verplicht."), field="text", code="text_required"
        )
    return code, text[:500]


def _maybe_agree(proposal: Proposal, actor: User) -> None:
    if (
        proposal.consultant_decision == ConsultantDecision.APPROVED
        and proposal.client_decision == ClientDecision.ACCEPTED
    ):
        proposal.status = ProposalStatus.AGREED
        proposal.closed_at = timezone.now()
        proposal.stalled_at = None
        _event(
            proposal,
            actor=actor,
            kind="agreed",
            message=_("Akkoord van corporatie en cliënt: de koppeling is rond."),
        )


def _already_decided(proposal: Proposal, who: str, by: User | None, at: Any) -> DomainError:
    when = timezone.localtime(at).strftime("%d-%m-%Y %H:%M") if at else ""
    return DomainError(
        _("%(who)s is al vastgelegd door %(by)s op %(when)s. Ververs de pagina.")
        % {"who": who, "by": by or _("iemand anders"), "when": when},
        code="already_decided",
        conflict=True,
    )


@dataclass(frozen=True)
class _Party:
    """One side of a proposal that answers it: the corporation or the client."""

    prefix: str  # the Proposal fields "<prefix>_decision", "_by", "_at", "_reason", "_text"
    organisation_field: str  # whose organisation acts, for the access log
    no: str  # the decision that ends the proposal
    yes_reason: str  # stored as the reason of a positive answer
    ended_status: str
    reasons: dict[str, Any]
    already: Any  # "<who>'s answer is already recorded"
    yes_kind: str
    yes_text: Any
    no_kind: str
    no_text: Any


CORPORATION = _Party(
    prefix="consultant",
    organisation_field="corporation_id",
    no=ConsultantDecision.DECLINED,
    yes_reason="",
    ended_status=ProposalStatus.DECLINED,
    reasons=CONSULTANT_DECLINE_REASONS,
    already=gettext_lazy("Het besluit van de corporatie"),
    yes_kind="approved",
    yes_text=gettext_lazy("Akkoord van de corporatie"),
    no_kind="declined",
    no_text=gettext_lazy("Afgewezen door de corporatie"),
)
CLIENT = _Party(
    prefix="client",
    organisation_field="care_provider_id",
    no=ClientDecision.REFUSED,
    yes_reason="accepted",
    ended_status=ProposalStatus.REFUSED,
    reasons=CLIENT_REFUSAL_REASONS,
    already=gettext_lazy("Het antwoord van de cliënt"),
    yes_kind="accepted",
    yes_text=gettext_lazy("Aanvaard door de cliënt"),
    no_kind="refused",
    no_text=gettext_lazy("Geweigerd door de cliënt"),
)


def _answer(
    party: _Party,
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str,
    text: str,
    rule: str,
    request: HttpRequest | None,
) -> Proposal:
    """Record one party's answer under the proposal's row lock (one winner when two race)."""
    if decision == party.no:
        reason, text = _reason(party.reasons, reason, text)
    else:
        reason, text = party.yes_reason, (text or "").strip()[:500]
    with transaction.atomic():
        p = _locked(proposal)
        if getattr(p, f"{party.prefix}_decision"):
            raise _already_decided(
                p, party.already, getattr(p, f"{party.prefix}_by"), getattr(p, f"{party.prefix}_at")
            )
        if p.status != ProposalStatus.OPEN:
            raise DomainError(
                _("Dit voorstel is %(status)s; er valt niets meer te besluiten.")
                % {"status": p.get_status_display()},
                code="not_open",
                conflict=True,
            )
        now = timezone.now()
        for field, value in (
            ("decision", decision), ("by", actor), ("at", now), ("reason", reason), ("text", text)
        ):  # fmt: skip
            setattr(p, f"{party.prefix}_{field}", value)
        if decision == party.no:
            p.status = party.ended_status
            p.closed_at = now
            message = f"{party.no_text}: {party.reasons[reason]}. {text}".strip()
            _event(p, actor=actor, kind=party.no_kind, message=message)
        else:
            _event(p, actor=actor, kind=party.yes_kind, message=f"{party.yes_text}. {text}".strip())
            _maybe_agree(p, actor)
        p.save()
        log.record(
            actor=actor,
            action=AccessAction.CHANGE,
            target=p,
            rule=rule,
            purpose=f"{p.meeting.purpose}: {decision}",
            request=request,
            organisation_id=getattr(p, party.organisation_field),
        )
    return p


def proposal_decide(
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str = "",
    text: str = "",
    request: HttpRequest | None = None,
) -> Proposal:
    """The corporation's housing consultant approves or declines the proposal.

    A decline needs a reason from the list; it ends the proposal and returns client and
    dwelling to the pool (the pair is never proposed again). A second consultant deciding at
    the same moment waits for the row lock and then gets a clear "already decided".
    """
    if decision not in ConsultantDecision.values:
        raise DomainError(_("Onbekend besluit."), field="decision", code="invalid")
    rule = _require(actor, "decide", proposal, purpose=proposal.meeting.purpose)
    return _answer(
        CORPORATION, actor=actor, proposal=proposal, decision=decision, reason=reason,
        text=text, rule=rule, request=request,
    )  # fmt: skip


def proposal_respond(
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str = "",
    text: str = "",
    request: HttpRequest | None = None,
) -> Proposal:
    """The care coordinator records the client's acceptance or refusal (with a reason)."""
    if decision not in ClientDecision.values:
        raise DomainError(_("Onbekend besluit."), field="decision", code="invalid")
    rule = _require(actor, "respond", proposal, purpose=proposal.meeting.purpose)
    return _answer(
        CLIENT, actor=actor, proposal=proposal, decision=decision, reason=reason,
        text=text, rule=rule, request=request,
    )  # fmt: skip


# --- Overrides (four eyes) ------------------------------------------------------------------


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
    rule = _require(actor, "override", meeting, purpose=meeting.purpose)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(
            _("Schrijf een reden van minstens tien tekens; een tweede persoon bevestigt die."),
            field="reason",
            code="reason_required",
        )
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
        held_clients, held_dwellings = generation.held(meeting)
        if client_id in held_clients:
            raise DomainError(
                _("Deze cliënt heeft al een lopend voorstel."), code="client_held", conflict=True
            )
        if dwelling_id in {d.pk for d in held_dwellings}:
            raise DomainError(
                _("Deze woning heeft al een lopend voorstel."), code="dwelling_held", conflict=True
            )
        pool = generation.load_pool(
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
        ed = next(x for x in pool.engine_dwellings if x.id == generation.dwelling_key(dwelling.pk))
        stopped = ed.complex_stopped
        full = pool.room.get(dwelling.neighbourhood_id) == 0
        blocking = [
            r for r in generation.engine.rejections_for(ec, ed) if r.code != "complex_stopped"
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
        breakdown = generation.engine.explain_score(ec, ed, today=meeting.date)
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
                    breakdown=[
                        {
                            "code": p.code,
                            "points": round(p.points, 1),
                            "max": p.max_points,
                            "message": p.message,
                        }
                        for p in breakdown.parts
                    ],
                    explanation=generation.explanation(breakdown),
                    profile=item["profile"],
                    capacity_before=_capacity(
                        pool.capacity[dwelling.neighbourhood_id],
                        pool.room.get(dwelling.neighbourhood_id),
                    ),
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
        log.record(
            actor=actor,
            action=AccessAction.CREATE,
            target=proposal,
            rule=rule,
            purpose=f"{meeting.purpose}: override",
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
    if p.status != ProposalStatus.AWAITING_CONFIRMATION:
        raise DomainError(
            _("Dit voorstel wacht niet op bevestiging."), code="not_awaiting", conflict=True
        )
    if p.override_requested_by_id == actor.pk:
        raise DomainError(
            _("Vier ogen: iemand anders dan de aanvrager moet beslissen."), code="four_eyes"
        )
    return p


def proposal_override_confirm(
    *, actor: User, proposal: Proposal, request: HttpRequest | None = None
) -> Proposal:
    """A second municipality user confirms the chair's override; the proposal opens."""
    rule = _require(actor, "confirm", proposal, purpose=proposal.meeting.purpose)
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
        log.record(
            actor=actor,
            action=AccessAction.CHANGE,
            target=p,
            rule=rule,
            purpose=f"{p.meeting.purpose}: override confirmed",
            request=request,
        )
    return p


def meeting_close(*, actor: User, meeting: Meeting, request: HttpRequest | None = None) -> Meeting:
    """The chair closes the meeting: its minutes are final and it is not recalculated.

    Open proposals keep running on their own deadlines; closing decides nothing for them.
    """
    rule = _require(actor, "generate", meeting, purpose=meeting.purpose)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CLOSED:
            raise DomainError(
                _("Dit overleg is al afgerond."), code="meeting_closed", conflict=True
            )
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at"])
        log.record(
            actor=actor,
            action=AccessAction.CHANGE,
            target=meeting,
            rule=rule,
            purpose=f"{meeting.purpose}: closed",
            request=request,
        )
    return meeting


def proposal_override_reject(
    *, actor: User, proposal: Proposal, reason: str, request: HttpRequest | None = None
) -> Proposal:
    """The second municipality user refuses the chair's override: the proposal is withdrawn,
    and its client and dwelling return to the pool. Four eyes: not by the requester."""
    rule = _require(actor, "confirm", proposal, purpose=proposal.meeting.purpose)
    reason = reason.strip()
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
        log.record(
            actor=actor,
            action=AccessAction.CHANGE,
            target=p,
            rule=rule,
            purpose=f"{p.meeting.purpose}: override rejected",
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


# --- After a placement (issue 7) -------------------------------------------------------------


def proposal_release_after_placement(
    *, proposal: Proposal, actor: User | None, reason: str
) -> Proposal:
    """An agreed proposal whose placement lapsed before anyone moved in: it is withdrawn, so
    client and dwelling are free for the board again. The placements app authorised it."""
    with transaction.atomic():
        p = _locked(proposal)
        if p.status != ProposalStatus.AGREED:
            return p
        p.status = ProposalStatus.WITHDRAWN
        p.close_reason = (_("Plaatsing vervallen: %(reason)s") % {"reason": reason})[:300]
        p.save(update_fields=["status", "close_reason", "updated_at"])
        _event(p, actor=actor, kind="placement_cancelled", message=p.close_reason)
    return p


# --- Deadlines, reminders, digest -----------------------------------------------------------


def _municipality_users(board: Board, *, exclude: User | None = None) -> list[User]:
    qs = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role__in=[Role.BOARD_CHAIR, Role.ANALYST],
        memberships__organisation__kind=OrganisationKind.MUNICIPALITY,
        memberships__organisation__region_id=board.region_id,
    ).distinct()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


def _chairs(board: Board) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.BOARD_CHAIR,
            memberships__organisation__kind=OrganisationKind.MUNICIPALITY,
            memberships__organisation__region_id=board.region_id,
        ).distinct()
    )


def _responsible(p: Proposal) -> list[User]:
    """Who still owes a decision: the corporation's consultants and/or the client's coordinator."""
    users: list[User] = []
    if not p.consultant_decision:
        users += list(
            User.objects.filter(
                is_active=True,
                memberships__organisation_id=p.corporation_id,
                memberships__role=Role.HOUSING_CONSULTANT,
                memberships__is_active=True,
            ).distinct()
        )
    if not p.client_decision:
        coordinator = p.client.coordinator
        if coordinator.is_active:
            users.append(coordinator)
    return users


def deadlines_check(*, today: dt.date | None = None) -> dict[str, int]:
    """Stall, remind, alert and expire proposals past their deadline. Idempotent: each step
    happens once per proposal (timestamps, statuses and notification keys)."""
    today = today or timezone.localdate()
    alert_after = dt.timedelta(days=_cfg("BOARD_CHAIR_ALERT_DAYS", 2))
    expire_after = dt.timedelta(days=_cfg("BOARD_EXPIRY_DAYS", 7))
    counts = {"stalled": 0, "reminded": 0, "alerted": 0, "expired": 0}
    overdue = Proposal.objects.filter(
        status=ProposalStatus.OPEN, deadline__lt=today
    ).select_related("meeting__board", "client__coordinator")
    for p in overdue:
        url = reverse("matching:proposal-detail", args=[p.pk])
        ref = p.profile.get("reference", "")
        with transaction.atomic():
            locked = _locked(p)
            if locked.status != ProposalStatus.OPEN:
                continue
            if today > p.deadline + expire_after:
                locked.status = ProposalStatus.EXPIRED
                locked.closed_at = timezone.now()
                locked.close_reason = _(
                    "Verlopen: geen besluit binnen %(days)s dagen na de termijn; cliënt en woning gaan terug naar de tafel."
                ) % {"days": expire_after.days}
                locked.save()
                _event(locked, actor=None, kind="expired", message=locked.close_reason)
                counts["expired"] += 1
                continue
            if locked.stalled_at is None:
                locked.stalled_at = timezone.now()
                locked.save(update_fields=["stalled_at", "updated_at"])
                _event(
                    locked,
                    actor=None,
                    kind="stalled",
                    message=_("Termijn verstreken zonder besluit: vastgelopen."),
                )
                counts["stalled"] += 1
            for user in _responsible(p):
                if notify(
                    user=user,
                    kind="board.reminder",
                    title=_("Herinnering: besluit over voorstel %(ref)s") % {"ref": ref},
                    body=_("De termijn was %(date)s.") % {"date": p.deadline.strftime("%d-%m-%Y")},
                    url=url,
                    dedupe_key=f"board-reminder:{p.pk}",
                ):
                    counts["reminded"] += 1
            if today > p.deadline + alert_after:
                for user in _chairs(p.meeting.board):
                    if notify(
                        user=user,
                        kind="board.chair_alert",
                        title=_("Voorstel %(ref)s loopt vast") % {"ref": ref},
                        body=_("Geen besluit sinds %(date)s.")
                        % {"date": p.deadline.strftime("%d-%m-%Y")},
                        url=url,
                        dedupe_key=f"board-chair-alert:{p.pk}",
                    ):
                        counts["alerted"] += 1
    return counts


def digest_send(*, today: dt.date | None = None) -> int:
    """Each board participant's weekly digest (stalled, expiring, decided, new), in the app
    and by e-mail. Keyed by ISO week, so it is sent once per person per week."""
    from . import selectors

    today = today or timezone.localdate()
    week = week_label(today)
    since = timezone.now() - dt.timedelta(days=7)
    sent = 0
    board_orgs = Board.objects.filter(is_active=True).values_list("members", flat=True)
    users = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__organisation_id__in=board_orgs,
        memberships__role__in=[
            Role.BOARD_CHAIR,
            Role.ANALYST,
            Role.CARE_COORDINATOR,
            Role.HOUSING_CONSULTANT,
        ],
    ).distinct()
    for user in users:
        summary = selectors.digest_for(user=user, today=today, since=since)
        if not any(summary.values()):
            continue
        body = "\n".join(
            [
                _("Vastgelopen: %(n)s") % {"n": summary["stalled"]},
                _("Termijn verloopt binnen 2 dagen: %(n)s") % {"n": summary["expiring"]},
                _("Besloten afgelopen week: %(n)s") % {"n": summary["decided"]},
                _("Nieuwe voorstellen: %(n)s") % {"n": summary["new"]},
            ]
        )
        if notify(
            user=user,
            kind="board.digest",
            title=_("Weekoverzicht plaatsingstafel %(week)s") % {"week": week},
            body=body,
            url=reverse("matching:board-list"),
            dedupe_key=f"board-digest:{week}",
        ):
            sent += 1
    return sent
