"""Demo placements for the Veerhaven board: agreements in every state.

- From last week's agreed proposals: one flip lease being signed (the corporation still has
  to sign), one tripartite draft, one placement that lapsed; at least two agreed proposals
  are left for the demo visitor to place themselves.
- A history of earlier meetings (placed before the app's first run): proposals recorded
  directly as the engine would have made them, every decision and step after that through
  the services, and then the dates moved into the past, so that there is
  a flip lease whose final evaluation is due this month (its reminder has gone out),
  an extended and a flipped flip lease, a running and a converted tripartite agreement,
  a triangle contract whose care stopped (the corporation was alerted) and one that ended,
  and an ordinary lease with its welcome talk.

Idempotent: a board that already has placements gets none.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Region, Role, User
from cases import selectors as case_selectors
from matching.board import services as board_services
from matching.board.models import Board, Meeting, MeetingStatus, Proposal, ProposalStatus

from . import machine, services
from .models import (
    Agreement,
    AgreementKind,
    AgreementState,
    AgreementTransition,
    Party,
    Placement,
)

REGION_SLUG = "veerhaven"
# The demo's sign-in accounts are on these sides: most history uses them.
MAIN_PROVIDER = "zorggroep-de-brug"
MAIN_CORPORATION = "woonstichting-de-kade"
LEAVE_FOR_VISITOR = 2


def _member(org_id: int, role: str) -> User | None:
    m = (
        Membership.objects.filter(organisation_id=org_id, role=role, is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return m.user if m else None


def _sides(p: Proposal) -> tuple[User, User]:
    coordinator = _member(p.care_provider_id, Role.CARE_COORDINATOR)
    consultant = _member(p.corporation_id, Role.HOUSING_CONSULTANT)
    assert coordinator is not None and consultant is not None
    return coordinator, consultant


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    board = Board.objects.filter(region=region).first() if region else None
    if board is None:
        stdout.write("  placements: no demo board (run matching first)")
        return
    if not Placement.objects.filter(board=board).exists():
        with transaction.atomic():
            _from_last_week(board)
            _history(board)
        _remind()
    counts = {
        str(label): Agreement.objects.filter(placement__board=board, state=state).count()
        for state, label in AgreementState.choices
    }
    waiting = Proposal.objects.filter(
        meeting__board=board, status=ProposalStatus.AGREED, placement__isnull=True
    ).count()
    stdout.write(
        "  placements: "
        + ", ".join(f"{n} {label}" for label, n in counts.items())
        + f"; {waiting} akkoord zonder plaatsing"
    )


# --- Last week's agreed proposals ------------------------------------------------------------


def _from_last_week(board: Board) -> None:
    agreed = list(
        Proposal.objects.filter(
            meeting__board=board, status=ProposalStatus.AGREED, placement__isnull=True
        ).order_by("pk")
    )
    main = [p for p in agreed if _is_main(p)]
    # Keep proposals of the demo accounts' own organisations for the visitor.
    keep = (main or agreed)[:LEAVE_FOR_VISITOR]
    usable = [p for p in agreed if p not in keep]
    plans = [_signing_flip_lease, _draft_tripartite, _cancelled]
    for proposal, plan in zip(usable, plans, strict=False):
        plan(proposal)


def _is_main(p: Proposal) -> bool:
    return p.care_provider.slug == MAIN_PROVIDER or p.corporation.slug == MAIN_CORPORATION


def _terms(kind: str, coordinator: User) -> dict[str, Any]:
    if kind == AgreementKind.ORDINARY:
        return {}
    terms: dict[str, Any] = {
        "contact_person": f"{coordinator.full_name} (begeleider)",
        "contact_phone": "06-41 27 88 30",
        "support_hours_per_week": Decimal("4.0"),
        "conditions": ["keep_appointments", "home_visits"],
    }
    if kind == AgreementKind.TRIPARTITE:
        terms["conditions"] = ["budget_management", "keep_appointments", "day_activities"]
        terms["conditions_text"] = "Bewindvoerder: Budgetbeheer Veerhaven. Wekelijks huisbezoek."
    if kind == AgreementKind.TRIANGLE:
        terms["care_contract_reference"] = "ZC-2026-0412"
    return terms


def _place(proposal: Proposal, kind: str) -> tuple[Agreement, User, User]:
    coordinator, consultant = _sides(proposal)
    placement = services.placement_create(actor=coordinator, proposal=proposal, kind=kind)
    agreement = placement.agreements.get()
    start = timezone.localdate()
    dates: dict[str, Any] = {"lease_start": start, "end_date": None, "evaluation_on": None}
    if kind == AgreementKind.FLIP_LEASE:
        dates["end_date"] = dates["evaluation_on"] = services.add_months(start, 12)
    elif kind == AgreementKind.TRIPARTITE:
        dates["end_date"] = services.add_months(start, 24)
        dates["evaluation_on"] = services.add_months(start, 12)
    agreement = services.agreement_update_terms(
        actor=coordinator, agreement=agreement, data={**dates, **_terms(kind, coordinator)}
    )
    return agreement, coordinator, consultant


def _sign(
    agreement: Agreement, coordinator: User, consultant: User, *, upto: int = 99
) -> Agreement:
    for party in machine.SIGNING_ORDER[agreement.kind][:upto]:
        actor = consultant if party == Party.CORPORATION else coordinator
        agreement = services.agreement_sign(actor=actor, agreement=agreement, party=party)
    return agreement


def _signing_flip_lease(proposal: Proposal) -> None:
    agreement, coordinator, consultant = _place(proposal, AgreementKind.FLIP_LEASE)
    agreement = services.agreement_issue(actor=coordinator, agreement=agreement)
    _sign(agreement, coordinator, consultant, upto=2)


def _draft_tripartite(proposal: Proposal) -> None:
    _place(proposal, AgreementKind.TRIPARTITE)


def _cancelled(proposal: Proposal) -> None:
    agreement, coordinator, _consultant = _place(proposal, AgreementKind.ORDINARY)
    services.agreement_cancel(
        actor=coordinator,
        agreement=agreement,
        reason="Cliënt kan bij familie wonen en ziet af van de woning.",
    )


# --- History -----------------------------------------------------------------------------------

EVALUATION = {
    "living_independently": "yes",
    "rent_paid": "on_time",
    "nuisance_reports": 0,
    "care_continuing": True,
    "social_network": "limited",
    "judgement": "positive",
    "notes": "Woont zelfstandig, betaalt op tijd; contact met de buren via de bewonerscommissie.",
}


def _history(board: Board) -> None:
    today = timezone.localdate()
    last_day = dt.date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    due_this_month = min(today + dt.timedelta(days=9), last_day)
    scenarios: list[tuple[Any, str, dt.date]] = [
        # (scenario, kind, lease start)
        (_due_this_month, AgreementKind.FLIP_LEASE, services.add_months(due_this_month, -12)),
        (_extended, AgreementKind.FLIP_LEASE, today - dt.timedelta(days=430)),
        (_flipped, AgreementKind.FLIP_LEASE, today - dt.timedelta(days=400)),
        (_tripartite_running, AgreementKind.TRIPARTITE, today - dt.timedelta(days=420)),
        (_converted, AgreementKind.TRIPARTITE, today - dt.timedelta(days=740)),
        (_care_stopped, AgreementKind.TRIANGLE, today - dt.timedelta(days=240)),
        (_triangle_ended, AgreementKind.TRIANGLE, today - dt.timedelta(days=300)),
        (_ordinary, AgreementKind.ORDINARY, today - dt.timedelta(days=90)),
    ]
    pairs = _free_pairs(board, len(scenarios))
    for (scenario, kind, start), (client, dwelling) in zip(scenarios, pairs, strict=False):
        days = (today - start).days
        proposal = _historic_proposal(board, client, dwelling, days_ago=days + 21)
        agreement, coordinator, consultant = _place(proposal, kind)
        agreement = services.agreement_issue(actor=coordinator, agreement=agreement)
        agreement = _sign(agreement, coordinator, consultant)
        agreement = _backdate(agreement, days=(agreement.lease_start - start).days)
        scenario(agreement, coordinator, consultant, today)


def _free_pairs(board: Board, n: int) -> list[tuple[Any, Any]]:
    """Consented clients and offered dwellings on no active proposal, the demo accounts'
    organisations first, one dwelling per neighbourhood."""
    from cases.models import Client
    from housing.models import Dwelling

    held = Proposal.objects.filter(
        status__in=[
            ProposalStatus.OPEN,
            ProposalStatus.AGREED,
            ProposalStatus.AWAITING_CONFIRMATION,
        ]
    )
    members = board.members.all()
    consented = case_selectors.clients_with_valid_consent(
        Client.objects.filter(care_provider__in=members).values_list("pk", flat=True)
    )
    clients = list(
        Client.objects.filter(pk__in=consented, status__in=["ready", "on_board"])
        .exclude(pk__in=held.values("client_id"))
        .select_related("care_provider")
        .order_by("pk")
    )
    clients.sort(key=lambda c: (c.care_provider.slug != MAIN_PROVIDER, c.pk))
    dwellings = list(
        Dwelling.objects.filter(status="offered", corporation__in=members)
        .exclude(pk__in=held.values("dwelling_id"))
        .select_related("corporation")
        .order_by("pk")
    )
    dwellings.sort(key=lambda d: (d.corporation.slug != MAIN_CORPORATION, d.pk))
    spread: list[Any] = []
    neighbourhoods: set[int] = set()
    for dwelling in dwellings:
        if dwelling.neighbourhood_id not in neighbourhoods:
            neighbourhoods.add(dwelling.neighbourhood_id)
            spread.append(dwelling)
    return list(zip(clients[:n], spread[:n], strict=False))


def _historic_proposal(board: Board, client: Any, dwelling: Any, *, days_ago: int) -> Proposal:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    meeting = board_services.meeting_for_week(board=board, day=day)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CLOSED, closed_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    proposal = Proposal.objects.create(
        meeting=meeting,
        client=client,
        dwelling=dwelling,
        care_provider_id=client.care_provider_id,
        corporation_id=dwelling.corporation_id,
        neighbourhood_id=dwelling.neighbourhood_id,
        profile=case_selectors.shared_profile_data(client),
        explanation="Koppeling van vóór de start van Woonbrug (overgenomen uit het tafelverslag).",
        deadline=meeting.date + dt.timedelta(days=board.decision_days),
    )
    coordinator, consultant = _sides(proposal)
    board_services.proposal_decide(actor=consultant, proposal=proposal, decision="approved")
    board_services.proposal_respond(actor=coordinator, proposal=proposal, decision="accepted")
    return Proposal.objects.get(pk=proposal.pk)


def _backdate(agreement: Agreement, *, days: int) -> Agreement:
    """Move a just-signed agreement `days` into the past: terms, signatures, the timeline,
    the evaluations, and the letting (which the neighbourhood counts for 12 months)."""
    from housing.models import Dwelling

    delta = dt.timedelta(days=days)
    a = Agreement.objects.select_related("placement").get(pk=agreement.pk)
    Agreement.objects.filter(pk=a.pk).update(
        lease_start=a.lease_start - delta,
        end_date=a.end_date - delta if a.end_date else None,
        evaluation_on=a.evaluation_on - delta if a.evaluation_on else None,
        activated_on=a.activated_on - delta if a.activated_on else None,
        issued_at=a.issued_at - delta if a.issued_at else None,
        created_at=a.created_at - delta,
    )
    for e in a.evaluations.all():
        e.due_on -= delta
        e.save(update_fields=["due_on"])
    for s in a.signatures.all():
        s.signed_on -= delta
        s.recorded_at -= delta
        s.save(update_fields=["signed_on", "recorded_at"])
    for t in a.transitions.all():
        t.at -= delta
        if "signed_on" in t.details:
            signed = dt.date.fromisoformat(t.details["signed_on"]) - delta
            t.details = {**t.details, "signed_on": signed.isoformat()}
        t.save(update_fields=["at", "details"])
    for document in a.documents.all():
        terms = dict(document.terms)
        for key in ("lease_start", "end_date", "evaluation_on"):
            if terms.get(key):
                terms[key] = (dt.date.fromisoformat(terms[key]) - delta).isoformat()
        document.terms = terms
        document.created_at -= delta
        document.save(update_fields=["terms", "created_at"])
    Placement.objects.filter(pk=a.placement_id).update(
        housed_on=a.placement.housed_on - delta if a.placement.housed_on else None,
        created_at=a.placement.created_at - delta,
    )
    dwelling = Dwelling.objects.get(pk=a.dwelling_id)
    if dwelling.let_to_outflow_at:
        Dwelling.objects.filter(pk=dwelling.pk).update(
            let_to_outflow_at=dwelling.let_to_outflow_at - delta
        )
    return Agreement.objects.get(pk=a.pk)


def _stamp(agreement: Agreement, day: dt.date) -> None:
    """Date the timeline steps recorded just now on `day` (they happened back then)."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    recent = timezone.now() - dt.timedelta(minutes=5)
    AgreementTransition.objects.filter(
        Q(agreement=agreement) | Q(agreement__previous=agreement), at__gte=recent
    ).update(at=at)


def _evaluate(
    agreement: Agreement,
    coordinator: User,
    consultant: User,
    *,
    kind: str,
    held_on: dt.date,
    judgement: str = "positive",
    confirm: bool = True,
) -> Any:
    evaluation = agreement.evaluations.get(kind=kind, held_on__isnull=True, cancelled=False)
    evaluation = services.evaluation_record(
        actor=coordinator,
        evaluation=evaluation,
        data={**EVALUATION, "held_on": held_on, "judgement": judgement}
        | (
            {
                "rent_paid": "arranged",
                "nuisance_reports": 2,
                "notes": "Huurachterstand met regeling; twee overlastmeldingen in de winter.",
            }
            if judgement != "positive"
            else {}
        ),
    )
    if confirm:
        evaluation = services.evaluation_confirm(actor=consultant, evaluation=evaluation)
    _stamp(agreement, held_on)
    return evaluation


def _welcome(agreement: Agreement, coordinator: User, consultant: User, day: dt.date) -> None:
    services.welcome_talk_record(
        actor=consultant,
        placement=agreement.placement,
        held_on=max(day, timezone.localtime(agreement.placement.created_at).date()),
        participants=f"{consultant.full_name} (corporatie), {coordinator.full_name} (begeleiding)",
        notes="Huisregels, afvalinzameling en de bewonerscommissie besproken; buren begroet.",
    )


def _due_this_month(
    agreement: Agreement, coordinator: User, consultant: User, today: dt.date
) -> None:
    _welcome(agreement, coordinator, consultant, agreement.lease_start + dt.timedelta(days=7))


def _extended(agreement: Agreement, coordinator: User, consultant: User, today: dt.date) -> None:
    held = agreement.end_date or today
    evaluation = _evaluate(
        agreement, coordinator, consultant, kind="final", held_on=held, judgement="doubtful"
    )
    services.agreement_extend(
        actor=consultant,
        agreement=agreement,
        evaluation_id=evaluation.pk,
        end_date=held + dt.timedelta(days=183),
        reason="Nog een half jaar omklapcontract: eerst de huurachterstand inlopen.",
    )
    _stamp(agreement, held)


def _flipped(agreement: Agreement, coordinator: User, consultant: User, today: dt.date) -> None:
    held = agreement.end_date or today
    evaluation = _evaluate(agreement, coordinator, consultant, kind="final", held_on=held)
    services.flip_lease_flip(
        actor=consultant,
        agreement=agreement,
        evaluation_id=evaluation.pk,
        lease_start=held + dt.timedelta(days=5),
    )
    _stamp(agreement, held)
    lease = Agreement.objects.get(previous=agreement)
    _sign(lease, coordinator, consultant)


def _tripartite_running(
    agreement: Agreement, coordinator: User, consultant: User, today: dt.date
) -> None:
    _welcome(agreement, coordinator, consultant, agreement.lease_start + dt.timedelta(days=10))
    _evaluate(
        agreement, coordinator, consultant, kind="midway", held_on=agreement.evaluation_on or today
    )


def _converted(agreement: Agreement, coordinator: User, consultant: User, today: dt.date) -> None:
    _evaluate(
        agreement, coordinator, consultant, kind="midway", held_on=agreement.evaluation_on or today
    )
    held = agreement.end_date or today
    evaluation = _evaluate(agreement, coordinator, consultant, kind="final", held_on=held)
    services.tripartite_convert(actor=consultant, agreement=agreement, evaluation_id=evaluation.pk)
    _stamp(agreement, held)
    lease = Agreement.objects.get(previous=agreement)
    _sign(lease, coordinator, consultant, upto=1)  # the corporation still countersigns


def _care_stopped(
    agreement: Agreement, coordinator: User, consultant: User, today: dt.date
) -> None:
    services.triangle_care_stop(
        actor=coordinator,
        agreement=agreement,
        reason="Cliënt zegt de begeleiding op en is niet meer bereikbaar voor afspraken.",
        stopped_on=today - dt.timedelta(days=4),
    )
    _stamp(agreement, today - dt.timedelta(days=4))


def _triangle_ended(
    agreement: Agreement, coordinator: User, consultant: User, today: dt.date
) -> None:
    stopped = today - dt.timedelta(days=75)
    services.triangle_care_stop(
        actor=coordinator,
        agreement=agreement,
        reason="Begeleiding gestopt na verhuizing van het team.",
        stopped_on=stopped,
    )
    _stamp(agreement, stopped)
    services.agreement_end(
        actor=consultant,
        agreement=agreement,
        reason="Huur opgezegd na het stoppen van de zorg; huurder verhuist naar een woonvorm.",
        ended_on=today - dt.timedelta(days=14),
    )
    _stamp(agreement, today - dt.timedelta(days=20))


def _ordinary(agreement: Agreement, coordinator: User, consultant: User, today: dt.date) -> None:
    _welcome(agreement, coordinator, consultant, agreement.lease_start + dt.timedelta(days=5))


def _remind() -> None:
    """The daily task's work, once: the flip lease due this month has its reminder."""
    evaluations, ends = services.reminders_due()
    for evaluation_id in evaluations:
        services.reminder_evaluation(evaluation_id=evaluation_id)
    for agreement_id in ends:
        services.reminder_agreement_end(agreement_id=agreement_id)
