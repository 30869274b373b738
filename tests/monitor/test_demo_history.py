"""Issue 19 item 10: the demo region's twelve months of history, seeded as `manage.py
seed_demo` seeds it (every demo module in order), is true and complete: weekly meetings,
every kind of decision, placements with signed agreements, paused and withdrawn clients,
quotas with history, all made through the services (their events and log rows exist), spread
over the 52 weeks and never in the future; a second seed adds nothing; and every monitor page
has unsuppressed figures for the last twelve months to show the chair.

The seed takes minutes, so it runs once for the module (`seeded_demo`)."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Min
from django.test import Client as HttpClient
from django.utils import timezone

from accounts.models import AccessLogEntry, Organisation, OrganisationKind, Region, User
from cases.models import Client, ClientTransition
from housing.models import Dwelling, DwellingEvent
from matching.board.models import Board, Meeting, Proposal, ProposalEvent, ProposalStatus
from matching.monitor import reports, selectors
from matching.monitor.demo import HISTORY_NOTE, REGION_SLUG, WEEKS
from matching.monitor.models import MonthlyCount, Quota
from matching.monitor.periods import Period
from matching.placements.models import (
    Agreement,
    AgreementState,
    AgreementTransition,
    Placement,
    Signature,
)
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CHAIR = "voorzitter@gemeente.demo"


def history() -> tuple[Board, list[Proposal]]:
    board = Board.objects.get(region__slug=REGION_SLUG)
    proposals = list(
        Proposal.objects.filter(meeting__board=board, explanation=HISTORY_NOTE).select_related(
            "meeting"
        )
    )
    return board, proposals


def test_twelve_months_of_weekly_meetings(seeded_demo):
    board, proposals = history()
    today = timezone.localdate()
    first = today - dt.timedelta(days=7 * WEEKS)
    dates = sorted(
        Meeting.objects.filter(board=board, date__gte=first - dt.timedelta(days=7)).values_list(
            "date", flat=True
        )
    )
    assert len(dates) >= WEEKS, dates
    assert max(b - a for a, b in itertools.pairwise(dates)) <= dt.timedelta(days=7)
    months = {(d.year, d.month) for d in dates}
    period = Period.last_12_months(today)
    assert {(b.year, b.month) for b in period.buckets()} <= months
    # Every history meeting is closed and held proposals; none lies in the future.
    held = {p.meeting_id for p in proposals}
    history_meetings = Meeting.objects.filter(pk__in=held)
    assert history_meetings.count() >= WEEKS - 6  # a week may have had no placeable pair
    assert not history_meetings.exclude(status="closed").exists()
    assert not history_meetings.filter(closed_at__gt=timezone.now()).exists()


def test_every_decision_the_board_records_is_in_the_history(seeded_demo):
    _board, proposals = history()
    assert len(proposals) >= 100
    statuses = {p.status for p in proposals}
    assert {
        ProposalStatus.AGREED,
        ProposalStatus.DECLINED,
        ProposalStatus.REFUSED,
        ProposalStatus.EXPIRED,
    } <= statuses
    declined = [p for p in proposals if p.status == ProposalStatus.DECLINED]
    refused = [p for p in proposals if p.status == ProposalStatus.REFUSED]
    assert all(p.consultant_reason for p in declined)
    assert all(p.client_reason for p in refused)
    assert len({p.consultant_reason for p in declined}) >= 2
    assert len({p.client_reason for p in refused}) >= 2
    expired = [p for p in proposals if p.status == ProposalStatus.EXPIRED]
    assert all(p.stalled_at and p.closed_at and p.stalled_at <= p.closed_at for p in expired)
    overrides = [p for p in proposals if p.override_kind]
    assert overrides, "a placement into a red neighbourhood, by override"
    assert all(p.override_confirmed_by_id for p in overrides)
    assert all(p.override_confirmed_by_id != p.override_requested_by_id for p in overrides)
    # Every proposal went through the board's services: its timeline has its steps.
    events = {}
    for e in ProposalEvent.objects.filter(proposal__in=proposals).values("proposal_id", "kind"):
        events.setdefault(e["proposal_id"], set()).add(e["kind"])
    decided = [p for p in proposals if p.status != ProposalStatus.EXPIRED]
    assert all(events.get(p.pk) for p in decided), "every decided proposal has its timeline"
    assert all(events.get(p.pk) for p in expired), "the deadline sweep wrote the expiry"


def test_placements_with_signed_agreements_and_clients_who_left(seeded_demo):
    _board, proposals = history()
    agreed = [p for p in proposals if p.status == ProposalStatus.AGREED]
    placements = list(Placement.objects.filter(proposal__in=agreed))
    assert len(placements) >= 40
    assert len(placements) == len(agreed)
    assert all(p.housed_on for p in placements)
    for placement in placements:
        agreement = Agreement.objects.get(placement=placement)
        assert agreement.state not in (AgreementState.DRAFT, AgreementState.SIGNING)
        parties = set(Signature.objects.filter(agreement=agreement).values_list("party", flat=True))
        assert len(parties) >= 2, (agreement.pk, parties)
        actions = set(agreement.transitions.values_list("action", flat=True))
        assert actions, "the agreement's life went through its transitions"
        client = Client.objects.get(pk=placement.client_id)
        assert client.housed_on == placement.housed_on
    kinds = set(Agreement.objects.filter(placement__in=placements).values_list("kind", flat=True))
    assert len(kinds) == 3, kinds  # flip lease, tripartite, ordinary

    left = ClientTransition.objects.filter(action__in=["pause", "withdraw"]).values_list(
        "action", flat=True
    )
    assert {"pause", "withdraw"} <= set(left)
    # History clients went through registration and every step to the board.
    history_clients = Client.objects.filter(proposals__in=proposals).distinct()
    for client in history_clients[:20]:
        steps = set(client.transitions.values_list("to_status", flat=True))
        assert {"ready", "on_board"} <= steps, (client.reference, steps)


def test_quotas_one_set_twice_and_one_corporation_without(seeded_demo):
    region = Region.objects.get(slug=REGION_SLUG)
    year = timezone.localdate().year
    corporations = Organisation.objects.filter(
        region=region, kind=OrganisationKind.HOUSING_CORPORATION, is_active=True
    )
    this_year = {
        c.pk: list(Quota.objects.filter(corporation=c, year=year).order_by("set_at"))
        for c in corporations
    }
    assert any(len(q) >= 2 for q in this_year.values()), "one quota was set twice"
    assert any(not q for q in this_year.values()), "one corporation has no quota this year"
    assert all(Quota.objects.filter(corporation=c, year=year - 1).exists() for c in corporations)
    twice = next(q for q in this_year.values() if len(q) >= 2)
    assert twice[0].dwellings != twice[-1].dwellings
    # Set through the service: one access-log row per quota, by the chair.
    quotas = Quota.objects.filter(corporation__region=region)
    logged = AccessLogEntry.objects.filter(event="monitor.quota.set", user_email=CHAIR)
    assert logged.count() >= quotas.count()
    assert set(logged.values_list("object_id", flat=True)) >= {
        f"{q.corporation_id}:{q.year}" for q in quotas
    }


def test_the_timestamps_spread_over_the_52_weeks_and_none_is_in_the_future(seeded_demo):
    _board, proposals = history()
    now = timezone.now()
    today = timezone.localdate()
    created = [p.created_at for p in proposals]
    assert min(created).date() <= today - dt.timedelta(days=7 * (WEEKS - 1))
    assert max(created).date() >= today - dt.timedelta(days=7 * 4)
    weeks = {c.isocalendar()[:2] for c in created}
    assert len(weeks) >= WEEKS - 6
    months = {(c.year, c.month) for c in created}
    assert len(months) >= 12
    for p in proposals:
        for stamp in (p.created_at, p.consultant_at, p.client_at, p.closed_at, p.stalled_at):
            assert stamp is None or stamp <= now, (p.pk, stamp)
        if p.consultant_at:
            assert p.consultant_at >= p.created_at
        if p.client_at and p.consultant_at:
            assert p.client_at >= p.consultant_at
    for model, field in (
        (ProposalEvent, "at"),
        (ClientTransition, "at"),
        (DwellingEvent, "at"),
        (AgreementTransition, "at"),
        (Signature, "recorded_at"),
        (Placement, "created_at"),
        (Client, "registered_at"),
        (Client, "ready_since"),
        (Quota, "set_at"),
    ):
        latest = model.objects.aggregate(m=Max(field))["m"]
        assert latest is None or latest <= now, (model.__name__, field, latest)
    assert not Placement.objects.filter(housed_on__gt=today).exists()
    assert not Signature.objects.filter(signed_on__gt=today).exists()
    # Housed placements spread over the year, not bunched into the last weeks.
    span = Placement.objects.filter(proposal__in=proposals).aggregate(
        first=Min("housed_on"), last=Max("housed_on")
    )
    assert span["last"] - span["first"] >= dt.timedelta(days=300)
    # The history dwellings were offered before their meeting.
    for p in proposals[:30]:
        offered = DwellingEvent.objects.get(dwelling_id=p.dwelling_id, to_status="offered")
        assert offered.at <= p.created_at


def test_a_second_seed_adds_nothing(seeded_demo):
    models = (
        Meeting,
        Proposal,
        ProposalEvent,
        Placement,
        Agreement,
        AgreementTransition,
        Signature,
        Client,
        ClientTransition,
        Dwelling,
        DwellingEvent,
        Quota,
        MonthlyCount,
    )
    before = {m.__name__: m.objects.count() for m in models}
    call_command("seed_demo", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in models} == before


def test_every_monitor_page_has_unsuppressed_figures_for_the_last_12_months(seeded_demo):
    chair = User.objects.get(email=CHAIR)
    v = selectors.viewer(chair)
    assert v is not None and not v.exact  # the chair reads published (suppressed) figures

    flow = reports.build("flow", v, {}).result
    assert flow.period == Period.last_12_months()
    keys = [key for key, _label in selectors.FLOW_MEASURES]
    totals = dict(zip(keys, flow.table.grid.column_totals, strict=True))
    for measure in ("registered", "ready", "on_board", "proposed", "accepted", "housed"):
        assert totals[measure], (measure, totals)  # shown (not None) and not zero
    assert totals["declined"] and totals["refused"], totals
    for wait in flow.waits:
        assert wait.n and wait.median is not None and wait.p90 is not None, wait
        assert wait.median <= wait.p90
    assert totals["housed"] == flow.waits[0].n  # two routes to one number

    where = reports.build("where", v, {}).result
    shown = [h for h in where.hoods if h.placements]
    assert shown, "a neighbourhood with at least five placements"
    assert all(h.homes and h.per_1000 for h in shown)
    assert where.by_class.grid.total
    assert where.by_headroom.grid.total

    quotas = reports.build("quotas", v, {}).result
    assert quotas.year == timezone.localdate().year
    with_quota = [r for r in quotas.rows if r.quota is not None]
    assert with_quota and any(r.quota is None for r in quotas.rows)
    assert any(r.let for r in with_quota) and all(r.offered for r in with_quota)
    assert any(r.behind for r in with_quota), "some corporation is behind on its share"

    work = reports.build("board", v, {}).result
    keys = [key for key, _label in selectors.MEETING_MEASURES]
    done = dict(zip(keys, work.meetings.grid.column_totals, strict=True))
    for measure in ("proposed", "agreed", "declined", "refused", "expired"):
        assert done[measure], (measure, done)
    assert all(w.n and w.median is not None for w in work.decision_times)
    assert work.declines.grid.total
    held = Meeting.objects.filter(
        board__region=v.region_id, date__gte=work.period.first, date__lt=work.period.end
    ).count()
    assert sum(m["meetings"] for m in work.per_meeting) == held
    assert all(m["meetings"] >= 4 for m in work.per_meeting[:-1])  # weekly, every month
    assert all(m["per_meeting"] for m in work.per_meeting[:-1]), work.per_meeting

    # And the pages show them: 200, figures, not an empty-period sentence.
    client = sign_in(HttpClient(), chair)
    for path, text in (
        ("/monitor/", "Wachttijd tot een woning"),
        ("/monitor/buurten/", "Plaatsingen per buurt"),
        ("/monitor/contingenten/", "achter"),
        ("/monitor/tafel/", "Tijd tot een besluit"),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert text in body, path
        assert "niets te tellen" not in body and "geen gegevens" not in body.lower(), path
    history_page = client.get("/monitor/contingenten/").content.decode()
    assert "Voorlopig, in afwachting van de prestatieafspraken" in history_page
