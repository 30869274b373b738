"""Demo signals on the Veerhaven board, in every state, through the services:

- a rent-arrears signal the consultant raised on a flip lease, acknowledged and answered by
  the coordinator with a shared plan (one action done, one open);
- a neighbour-complaints signal nobody answered: its deadline passed, the sweep escalated it,
  and it is on the chair's next meeting agenda ("zorg- en woonoverleg");
- a fresh "no contact" signal that waits for the coordinator's acknowledgement (the work
  queue);
- a care-side signal (planned move), acknowledged by the corporation;
- a nuisance signal closed as resolved.

Idempotent: a board that already has signals of its own gets none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Region, Role, User
from matching.board.models import Board
from matching.placements.models import RUNNING_STATES, Agreement, AgreementKind

from . import services, workdays
from .models import Outcome, Severity, Signal, SignalCategory, SignalState

REGION_SLUG = "veerhaven"


def _member(org_id: int, role: str) -> User | None:
    m = (
        Membership.objects.filter(organisation_id=org_id, role=role, is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return m.user if m else None


def _backdate(signal: Signal, working_days: int) -> None:
    today = timezone.localdate()
    start = today
    for _ in range(working_days):
        start -= dt.timedelta(days=1)
        while not workdays.is_working_day(start):
            start -= dt.timedelta(days=1)
    ack, answer = services._deadlines(start, signal.severity)
    Signal.objects.filter(pk=signal.pk).update(
        raised_at=signal.raised_at - (today - start),
        observed_on=min(signal.observed_on, start),
        acknowledge_due=ack,
        answer_due=answer,
    )
    signal.events.update(at=signal.raised_at - (today - start))


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    board = Board.objects.filter(region=region).first() if region else None
    if board is None:
        stdout.write("  aftercare: no demo board")
        return
    own = Signal.objects.filter(placement__board=board).exclude(
        category=SignalCategory.CARE_AVOIDED
    )
    if not own.exists():
        running = list(
            Agreement.objects.filter(placement__board=board, state__in=RUNNING_STATES)
            .select_related("placement")
            .order_by("kind", "pk")
        )
        flip = [a for a in running if a.kind == AgreementKind.FLIP_LEASE]
        others = [a for a in running if a.kind != AgreementKind.FLIP_LEASE]
        ordered = flip + others
        if len(ordered) < 2:
            stdout.write("  aftercare: too few running agreements for demo signals")
            return
        with transaction.atomic():
            _seed(ordered)
        services.deadlines_check()
    counts = {
        str(label): Signal.objects.filter(placement__board=board, state=state).count()
        for state, label in SignalState.choices
    }
    escalated = Signal.objects.filter(placement__board=board, escalated_at__isnull=False).count()
    stdout.write(
        "  aftercare: "
        + ", ".join(f"{n} {label}" for label, n in counts.items())
        + f"; {escalated} voorgelegd aan de gemeente"
    )


def _sides(agreement: Agreement) -> tuple[User, User]:
    p = agreement.placement
    coordinator = _member(p.care_provider_id, Role.CARE_COORDINATOR)
    consultant = _member(p.corporation_id, Role.HOUSING_CONSULTANT)
    assert coordinator is not None and consultant is not None
    return coordinator, consultant


def _raise(actor: User, agreement: Agreement, **fields: Any) -> Signal:
    fields.setdefault("observed_on", max(agreement.lease_start, timezone.localdate()))
    return services.signal_raise(actor=actor, agreement=agreement, **fields)


def _seed(agreements: list[Agreement]) -> None:
    today = timezone.localdate()
    first, second = agreements[0], agreements[1]
    coordinator, consultant = _sides(first)
    arrears = _raise(
        consultant,
        first,
        category=SignalCategory.RENT_ARREARS,
        description="Huur van oktober en november niet betaald. Herinneringsbrief verstuurd op "
        "3 november, geen reactie.",
        already_done="Herinneringsbrief en telefonisch contact geprobeerd (twee keer).",
    )
    _backdate(arrears, 6)
    arrears.refresh_from_db()
    services.signal_acknowledge(actor=coordinator, signal=arrears)
    services.signal_answer(
        actor=coordinator,
        signal=arrears,
        assessment="Inkomen is veranderd door een nieuwe baan; de automatische betaling is "
        "niet aangepast.",
        proposed_action="Samen met de huurder een betalingsregeling aanvragen en de automatische "
        "incasso opnieuw instellen.",
    )
    done = services.plan_action_add(
        actor=coordinator,
        signal=arrears,
        description="Gesprek met huurder en budgetcoach",
        owner_party="care_provider",
        due_on=today,
    )
    services.plan_action_update(
        actor=coordinator, action=done, done_on=today, follow_up="Huurder wil een regeling."
    )
    services.plan_action_add(
        actor=consultant,
        signal=arrears,
        description="Betalingsregeling opstellen en toesturen",
        owner_party="corporation",
        due_on=today + dt.timedelta(days=7),
    )

    _, consultant2 = _sides(second)
    complaints = _raise(
        consultant2,
        second,
        category=SignalCategory.NEIGHBOUR_COMPLAINTS,
        description="Drie buren melden harde muziek na middernacht, meerdere keren per week.",
        already_done="Huurder schriftelijk gewezen op de huisregels.",
    )
    _backdate(complaints, 12)

    waiting = _raise(
        consultant,
        first,
        category=SignalCategory.NO_CONTACT,
        severity=Severity.MEDIUM,
        description="Huurder reageert niet op de afspraak voor de jaarlijkse woningschouw.",
    )
    del waiting

    if len(agreements) > 2:
        third = agreements[2]
        coordinator3, consultant3 = _sides(third)
        move = _raise(
            coordinator3,
            third,
            category=SignalCategory.PLANNED_MOVE,
            description="Huurder wil over een half jaar dichter bij werk wonen.",
        )
        services.signal_acknowledge(actor=consultant3, signal=move)
        nuisance = _raise(
            consultant3,
            third,
            category=SignalCategory.NUISANCE,
            description="Melding van rommel in de gemeenschappelijke gang.",
        )
        _backdate(nuisance, 20)
        nuisance.refresh_from_db()
        services.signal_answer(
            actor=coordinator3,
            signal=nuisance,
            assessment="Verhuisdozen tijdelijk in de gang gezet.",
            proposed_action="Begeleider helpt opruimen deze week.",
        )
        services.signal_close(
            actor=consultant3, signal=nuisance, outcome=Outcome.RESOLVED, note="Gang is leeg."
        )
