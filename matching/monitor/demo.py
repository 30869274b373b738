"""Twelve months of history for the demo region, so every monitor page has something true to
show: weekly meetings, clients registered and made ready, dwellings offered, proposals and
every decision on them (approved, declined with a reason, refused with a reason, left to stall
and expire), placements with signed agreements, a few clients paused or withdrawn, and each
corporation's quota for last year and this year (one set twice, one left without a quota).

Like the placements demo's history: a proposal is recorded as the engine would have made it
(with the capacity the board saw that day), every step after it goes through the services
(cases, housing, board, placements, the monitor's `quota_set`), and then the timestamps are
moved to the week it happened. Idempotent: a region whose history exists gets none.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, OrganisationKind, Region, Role, User
from cases import demo as case_demo
from cases import geography
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import Client, ClientTransition, TargetGroup
from housing import capacity
from housing import selectors as housing_selectors
from housing import services as housing_services
from housing.models import Dwelling, DwellingEvent, DwellingStatus, Stairwell
from matching.board import services as board_services
from matching.board.models import Board, Meeting, MeetingStatus, Proposal, ProposalEvent
from matching.board.services import CLIENT_REFUSAL_REASONS, CONSULTANT_DECLINE_REASONS
from matching.placements import demo as placements_demo
from matching.placements import services as placement_services
from matching.placements.models import AgreementKind

from . import services
from .models import Quota

REGION_SLUG = "veerhaven"
HISTORY_NOTE = "Tafelverslag (geschiedenis voor de monitor)."
WEEKS = 52
SKIP_RECENT_WEEKS = 2  # the board demo holds last week's (1) and this week's (0) meeting
DWELLING_FIELDS = (
    "street", "number", "suffix", "postcode", "city", "neighbourhood", "complex", "stairwell",
    "dwelling_type", "floor", "has_lift", "rooms", "bedrooms", "living_area", "net_rent",
    "service_costs", "step_free", "ground_floor", "wheelchair", "latitude", "longitude",
)  # fmt: skip
KINDS = [AgreementKind.FLIP_LEASE, AgreementKind.TRIPARTITE, AgreementKind.ORDINARY]


def _first(org: Organisation, role: str) -> User | None:
    m = (
        Membership.objects.filter(organisation=org, role=role, is_active=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    return m.user if m else None


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    board = Board.objects.filter(region=region).first() if region else None
    if region is None or board is None:
        stdout.write("  monitor: no demo board (run matching first)")
        return
    if not Proposal.objects.filter(meeting__board=board, explanation=HISTORY_NOTE).exists():
        made = _history(board, region)
        stdout.write(f"  monitor: {made} voorstellen in {WEEKS} weken geschiedenis")
    _quotas(region)
    refresh = services.figures_refresh(region_id=region.pk)
    stdout.write(f"  monitor: maandtellingen opnieuw geteld ({refresh.rows} rijen)")
    n = Quota.objects.filter(corporation__region=region).count()
    stdout.write(f"  monitor: {n} contingenten vastgesteld")


def _history(board: Board, region: Region) -> int:
    today = timezone.localdate()
    rng = random.Random("woonbrug-monitor")
    providers = [
        p
        for p in board.members.filter(kind=OrganisationKind.CARE_PROVIDER).order_by("slug")
        if _first(p, Role.CARE_COORDINATOR)
    ]
    corporations = [
        c
        for c in board.members.filter(kind=OrganisationKind.HOUSING_CORPORATION).order_by("slug")
        if _first(c, Role.HOUSING_CONSULTANT)
    ]
    if not providers or not corporations:
        return 0
    geo = {
        "municipalities": [m.code for m in geography.municipalities_in(region.pk)],
        "districts": [d.code for d in geography.districts_in(region.pk)],
        "neighbourhoods": [],  # no exclusions: history clients were placeable
    }
    templates = {
        c.pk: list(Dwelling.objects.filter(corporation=c).order_by("pk")[:40]) for c in corporations
    }
    made = 0
    # Weeks WEEKS..SKIP_RECENT_WEEKS ago: the board demo holds the two weeks after them.
    for weeks_ago in range(WEEKS, SKIP_RECENT_WEEKS - 1, -1):
        day = today - dt.timedelta(days=7 * weeks_ago)
        meeting = board_services.meeting_for_week(board=board, day=day)
        # Busier after the summer, as a running practice would be.
        for k in range(rng.choice([1, 2, 2, 3, 3, 3, 4])):
            with transaction.atomic():
                provider = providers[(weeks_ago + k) % len(providers)]
                if rng.random() < 0.45:
                    provider = rng.choice(providers)
                corporation = rng.choice(corporations)
                client = _client(provider, geo, rng, day, weeks_ago * 10 + k)
                if client is None:
                    continue
                if rng.random() < 0.08:
                    _leave(client, rng, day)
                    continue
                dwelling = _dwelling(
                    corporation, templates[corporation.pk], rng, day, f"{weeks_ago:02d}{k}"
                )
                if dwelling is None:
                    continue
                proposal = _proposal(board, meeting, client, dwelling, day)
                _decide(proposal, rng, day)
                made += 1
        Meeting.objects.filter(pk=meeting.pk).update(
            status=MeetingStatus.CLOSED, closed_at=_at(day, 13), generated_at=_at(day, 8)
        )
    _stall_and_expire(board, today)
    return made


def _client(
    provider: Organisation, geo: dict[str, list[str]], rng: random.Random, day: dt.date, i: int
) -> Client | None:
    coordinator = _first(provider, Role.CARE_COORDINATOR)
    assert coordinator is not None
    target = rng.choice(
        [TargetGroup.GGZ, TargetGroup.GGZ, TargetGroup.MO, TargetGroup.BW, TargetGroup.LVB]
    )
    data = case_demo._profile(rng, target, geo, i)
    try:
        client = case_services.client_register(
            actor=coordinator, data=data, care_provider=provider, purpose="demo"
        )
        case_services.consent_record(
            actor=coordinator,
            client=client,
            legal_basis="explicit_consent",
            text_version="woonbrug-toestemming-2026.1",
            given_on=timezone.localdate(),
            valid_until=timezone.localdate() + dt.timedelta(days=365),
        )
        for action in ("mark_ready", "place_on_board"):
            client = case_services.client_transition(
                actor=coordinator, client=client, action=action
            )
    except case_services.DomainError:
        return None
    registered = day - dt.timedelta(days=rng.randint(20, 330))
    ready = registered + dt.timedelta(days=rng.randint(5, 60))
    ready = min(ready, day - dt.timedelta(days=3))
    Client.objects.filter(pk=client.pk).update(
        registered_at=_at(registered, 9), ready_since=_at(ready, 9), status_changed_at=_at(day, 9)
    )
    for t in client.transitions.all():
        at = {"ready": _at(ready, 9), "on_board": _at(day - dt.timedelta(days=2), 9)}.get(
            t.to_status, _at(registered, 9)
        )
        ClientTransition.objects.filter(pk=t.pk).update(at=at)
    client.consents.update(given_on=registered, recorded_at=_at(registered, 9))
    return Client.objects.get(pk=client.pk)


def _leave(client: Client, rng: random.Random, day: dt.date) -> None:
    """A client paused (a stay in care) or withdrawn (found a home through family)."""
    action, reason = (
        ("pause", "Tijdelijke opname; traject hervat na ontslag.")
        if rng.random() < 0.6
        else ("withdraw", "Cliënt kiest voor woning via familie.")
    )
    try:
        case_services.client_transition(
            actor=client.coordinator, client=client, action=action, reason=reason
        )
    except case_services.DomainError:
        return
    ClientTransition.objects.filter(client=client, action=action).update(at=_at(day, 11))


def _dwelling(
    corporation: Organisation, templates: list[Dwelling], rng: random.Random, day: dt.date, tag: str
) -> Dwelling | None:
    consultant = _first(corporation, Role.HOUSING_CONSULTANT)
    if not templates or consultant is None:
        return None
    # The board proposes where there is room: a red neighbourhood only now and then (and
    # then by an override with a second confirmation, see `_proposal`).
    for _attempt in range(4):
        template = rng.choice(templates)
        seen = housing_selectors.neighbourhood_capacity(template.neighbourhood, at=_at(day, 8))
        if seen.klass != capacity.RED:
            break
    fields: dict[str, Any] = {name: getattr(template, name) for name in DWELLING_FIELDS}
    fields["reference"] = f"HIS-{corporation.pk}-{tag}"
    fields["available_from"] = day
    fields["counts_toward_quota"] = True
    if Dwelling.objects.filter(corporation=corporation, reference=fields["reference"]).exists():
        return None
    try:
        dwelling = housing_services.dwelling_create(
            actor=consultant, corporation=corporation, **fields
        )
        dwelling = housing_services.dwelling_offer(actor=consultant, dwelling=dwelling)
    except housing_services.DomainError:
        return None
    DwellingEvent.objects.filter(dwelling=dwelling, to_status=DwellingStatus.DRAFT).update(
        at=_at(day - dt.timedelta(days=9))
    )
    DwellingEvent.objects.filter(dwelling=dwelling, to_status=DwellingStatus.OFFERED).update(
        at=_at(day - dt.timedelta(days=6))
    )
    return dwelling


def _proposal(
    board: Board, meeting: Meeting, client: Client, dwelling: Dwelling, day: dt.date
) -> Proposal:
    """Recorded as the engine would have made it, with the capacity the board saw that day;
    into a red neighbourhood through the chair's override and the analyst's confirmation."""
    seen = housing_selectors.neighbourhood_capacity(dwelling.neighbourhood, at=_at(day, 8))
    if seen.klass == capacity.RED:
        overridden = _override(board, meeting, client, dwelling, day)
        if overridden is not None:
            return overridden
    return Proposal.objects.create(
        meeting=meeting,
        client=client,
        dwelling=dwelling,
        care_provider_id=client.care_provider_id,
        corporation_id=dwelling.corporation_id,
        neighbourhood_id=dwelling.neighbourhood_id,
        profile=case_selectors.shared_profile_data(client),
        explanation=HISTORY_NOTE,
        capacity_before={
            "score": seen.score,
            "class": seen.klass,
            "class_label": seen.klass_label,
            "headroom": seen.headroom,
            "placements_12m": seen.placements_12m,
            **_counted(seen, dwelling),
        },
        deadline=meeting.date + dt.timedelta(days=board.decision_days),
        created_at=_at(day, 8),
    )


def _counted(seen: capacity.CapacityResult, dwelling: Dwelling) -> dict[str, Any]:
    """The one counting rule, as the board records it (`matching.board.pool.placement_count`):
    that day's households (signed placements raise the stairwell's count)."""
    vulnerable = None
    if dwelling.stairwell_id:
        vulnerable = (
            Stairwell.objects.filter(pk=dwelling.stairwell_id)
            .values_list("current_vulnerable", flat=True)
            .first()
        )
    counted = capacity.count_placement(
        homes=seen.homes,
        households_before=seen.households,
        tipping_point=seen.tipping_point,
        stairwell_vulnerable_before=vulnerable,
    )
    return {
        "homes": seen.homes,
        "households": seen.households,
        "tipping_point": seen.tipping_point,
        "stairwell_vulnerable": vulnerable,
        "past_tipping": counted.past_tipping,
        "occupied_stairwell": counted.occupied_stairwell,
    }


def _override(
    board: Board, meeting: Meeting, client: Client, dwelling: Dwelling, day: dt.date
) -> Proposal | None:
    chair = User.objects.filter(email="voorzitter@gemeente.demo").first()
    second = (
        Membership.objects.filter(
            organisation__region_id=board.region_id, role=Role.ANALYST, is_active=True
        )
        .select_related("user")
        .first()
    )
    if chair is None or second is None:
        return None
    try:
        proposal = board_services.proposal_override_request(
            actor=chair,
            meeting=meeting,
            client_id=client.pk,
            dwelling_id=dwelling.pk,
            reason="Begeleiding woont om de hoek; buurtteam is akkoord.",
        )
        proposal = board_services.proposal_override_confirm(actor=second.user, proposal=proposal)
    except board_services.DomainError:
        return None
    Proposal.objects.filter(pk=proposal.pk).update(
        explanation=HISTORY_NOTE,
        created_at=_at(day, 8),
        override_confirmed_at=_at(day, 9),
        deadline=meeting.date + dt.timedelta(days=board.decision_days),
    )
    return Proposal.objects.get(pk=proposal.pk)


def _decide(proposal: Proposal, rng: random.Random, day: dt.date) -> None:
    coordinator, consultant = placements_demo._sides(proposal)
    roll = rng.random()
    corporation_day = day + dt.timedelta(days=rng.randint(0, 6))
    client_day = corporation_day + dt.timedelta(days=rng.randint(0, 5))
    try:
        if roll < 0.12:
            reason = rng.choice([c for c in CONSULTANT_DECLINE_REASONS if c != "other"])
            board_services.proposal_decide(
                actor=consultant, proposal=proposal, decision="declined", reason=reason
            )
            _stamp(proposal, consultant=corporation_day, closed=corporation_day)
            return
        if roll < 0.17:
            return  # nobody decided: the deadline sweep stalls and expires it
        board_services.proposal_decide(actor=consultant, proposal=proposal, decision="approved")
        if roll < 0.27:
            reason = rng.choice([c for c in CLIENT_REFUSAL_REASONS if c != "other"])
            board_services.proposal_respond(
                actor=coordinator, proposal=proposal, decision="refused", reason=reason
            )
            _stamp(proposal, consultant=corporation_day, client=client_day, closed=client_day)
            return
        board_services.proposal_respond(actor=coordinator, proposal=proposal, decision="accepted")
        _stamp(proposal, consultant=corporation_day, client=client_day, closed=client_day)
        proposal = Proposal.objects.get(pk=proposal.pk)
        kind = rng.choice(KINDS)
        agreement, coordinator, consultant = placements_demo._place(proposal, kind)
        agreement = placement_services.agreement_issue(actor=coordinator, agreement=agreement)
        agreement = placements_demo._sign(agreement, coordinator, consultant)
        moved = client_day + dt.timedelta(days=rng.randint(7, 30))
        moved = min(moved, timezone.localdate() - dt.timedelta(days=1))
        placements_demo._backdate(agreement, days=(agreement.lease_start - moved).days)
        ClientTransition.objects.filter(
            client_id=proposal.client_id, to_status__in=["matched", "housed"]
        ).update(at=_at(moved, 12))
        Client.objects.filter(pk=proposal.client_id).update(
            housed_on=moved, status_changed_at=_at(moved, 12)
        )
    except board_services.DomainError:
        return


def _stamp(
    proposal: Proposal,
    *,
    consultant: dt.date | None = None,
    client: dt.date | None = None,
    closed: dt.date | None = None,
) -> None:
    updates: dict[str, Any] = {}
    if consultant:
        updates["consultant_at"] = _at(consultant, 14)
    if client:
        updates["client_at"] = _at(client, 15)
    if closed:
        updates["closed_at"] = _at(closed, 15)
    Proposal.objects.filter(pk=proposal.pk).update(**updates)
    ProposalEvent.objects.filter(proposal=proposal).update(
        at=_at(closed or proposal.meeting.date, 15)
    )


def _stall_and_expire(board: Board, today: dt.date) -> None:
    """The beat's deadline sweep, run as it would have run: first the day after each
    deadline (stalled), then today (expired)."""
    open_history = Proposal.objects.filter(
        meeting__board=board, explanation=HISTORY_NOTE, status="open"
    )
    for deadline in sorted(set(open_history.values_list("deadline", flat=True))):
        board_services.deadlines_check(today=deadline + dt.timedelta(days=1))
        Proposal.objects.filter(
            meeting__board=board, explanation=HISTORY_NOTE, deadline=deadline
        ).exclude(stalled_at__isnull=True).update(
            stalled_at=_at(deadline + dt.timedelta(days=1), 6)
        )
    board_services.deadlines_check(today=today)
    for p in Proposal.objects.filter(
        meeting__board=board, explanation=HISTORY_NOTE, status="expired"
    ):
        Proposal.objects.filter(pk=p.pk).update(closed_at=_at(p.deadline + dt.timedelta(days=8), 6))


def _quotas(region: Region) -> None:
    """Last year's and this year's quotas, set by the chair; one corporation's quota set
    twice (history), the last corporation left without one this year."""
    chair = User.objects.filter(email="voorzitter@gemeente.demo").first()
    if chair is None:
        return
    corporations = list(
        Organisation.objects.filter(
            region=region, kind=OrganisationKind.HOUSING_CORPORATION, is_active=True
        ).order_by("slug")
    )
    year = timezone.localdate().year
    plan = [(18, 24), (12, 10), (9, 30), (6, None), (15, 20)]
    for corporation, (last, this) in zip(corporations, plan, strict=False):
        if not Quota.objects.filter(corporation=corporation, year=year - 1).exists():
            services.quota_set(
                actor=chair,
                corporation=corporation,
                year=year - 1,
                dwellings=last,
                note="Prestatieafspraken vorig jaar",
            )
        if (
            this is not None
            and not Quota.objects.filter(corporation=corporation, year=year).exists()
        ):
            if corporation == corporations[0]:
                services.quota_set(
                    actor=chair,
                    corporation=corporation,
                    year=year,
                    dwellings=this - 6,
                    note="Voorlopig, in afwachting van de prestatieafspraken",
                )
            services.quota_set(
                actor=chair,
                corporation=corporation,
                year=year,
                dwellings=this,
                note="Prestatieafspraken gemeente en corporaties",
            )
