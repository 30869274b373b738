"""Issue 22 item 3: one counting rule. The live board records, with each proposal, whether it
takes the neighbourhood past the tipping point and whether it goes into an occupied stairwell
(`housing.capacity.count_placement` on households and homes); the board's screen and minutes
show those records, the monitor sums them, and the what-if simulation counts its own
placements with the same function. Here all three meet on the same placements, at the
boundary where the old rounded-percentage count said otherwise."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from housing import capacity
from housing.models import CapacityWeights, NeighbourhoodIndicator
from matching.board import selectors as board_selectors
from matching.board import services
from matching.board.models import Proposal, ProposalStatus
from matching.board.services import minutes as board_minutes
from matching.simulation import core, snapshot
from tests.conftest import sign_in
from tests.housing.factories import ComplexFactory, StairwellFactory

pytestmark = pytest.mark.django_db

HOMES, SHARE, TIPPING_POINT = 700, 29.86, 30  # 209 households; room for 210


def _old_rounded_count(households: int, placements: int) -> int:
    """The counting the issue found wrong: a share with two decimals plus 100/homes points
    per placement, against the tipping point as a percentage."""
    share = round(100 * households / HOMES, 2)
    past = 0
    for _k in range(placements):
        share += 100 / HOMES
        past += share > TIPPING_POINT
    return past


@pytest.fixture
def boundary(world):
    """Neighbourhood 0 one household under its tipping point; a stairwell for two."""
    hood = world.neighbourhoods[0]
    NeighbourhoodIndicator.objects.filter(neighbourhood=hood).update(homes=HOMES, lvb_share=SHARE)
    # Only the tipping point limits here: placements cost no points and nothing is red.
    CapacityWeights.objects.update_or_create(
        municipality=world.municipality,
        defaults={
            "values": {"lvb_threshold": TIPPING_POINT, "placements_weight": 0, "amber_from": 0}
        },
    )
    stairwell = StairwellFactory(
        complex=ComplexFactory(corporation=world.corp_a, neighbourhood=hood),
        max_vulnerable=2,
        current_vulnerable=0,
    )
    first, second = world.add_client(), world.add_client()
    dwellings = [
        world.add_dwelling(neighbourhood=hood, complex=stairwell.complex, stairwell=stairwell)
        for _ in range(2)
    ]
    world.stairwell = stairwell
    return world, first, second, dwellings


def test_board_monitor_and_simulation_count_the_same_placements_the_same_way(boundary):
    world, first, second, dwellings = boundary
    hood = world.neighbourhoods[0]
    # The what-if, from the same region before anything is proposed: both clients placed
    # in priority order (no limits), no arrivals, no vacancies, no departures.
    snap = snapshot.take(world.board)
    sim = core.simulate(
        snap,
        core.Params(
            policy=core.Policy.PRIORITY,
            tipping_point=TIPPING_POINT,
            horizon_weeks=1,
            clients_per_week=0,
            dwellings_per_week=0,
            departure_rate=0,
        ),
    )
    assert [p.neighbourhood_id for p in sim.placements] == [hood.pk, hood.pk]

    # The live board: the engine proposes one (the tipping point leaves room for one), the
    # chair places the second beyond the headroom (override, second confirmation).
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    generated = Proposal.objects.get(meeting=world.meeting, status=ProposalStatus.OPEN)
    other_client = next(c for c in (first, second) if c.pk != generated.client_id)
    other_dwelling = next(d for d in dwellings if d.pk != generated.dwelling_id)
    override = services.proposal_override_request(
        actor=world.chair,
        meeting=world.meeting,
        client_id=other_client.pk,
        dwelling_id=other_dwelling.pk,
        reason="Enige passende woning voor deze cliënt.",
    )
    services.proposal_override_confirm(actor=world.second_chair, proposal=override)
    recorded = [Proposal.objects.get(pk=pk).capacity_before for pk in (generated.pk, override.pk)]
    assert [(r["households"], r["homes"], r["stairwell_vulnerable"]) for r in recorded] == [
        (209, HOMES, 0),
        (210, HOMES, 1),
    ]
    assert [r["past_tipping"] for r in recorded] == [False, True]
    assert [r["occupied_stairwell"] for r in recorded] == [False, True]

    proposals = list(Proposal.objects.filter(meeting=world.meeting))
    board = board_selectors.summary(proposals)
    minutes = board_minutes.minutes_context_for(user=world.chair, meeting=world.meeting)
    assert (board["past_tipping"], board["occupied_stairwell"]) == (1, 1)
    assert minutes["summary"]["past_tipping"] == 1
    assert minutes["summary"]["occupied_stairwell"] == 1
    assert (
        sim.summary["placed_past_tipping"],
        sim.summary["placed_in_occupied_stairwell"],
    ) == (board["past_tipping"], board["occupied_stairwell"])
    # The boundary: the old share-with-two-decimals count called both placements past it.
    assert _old_rounded_count(209, 2) == 2
    assert capacity.tipping_allowance(homes=HOMES, tipping_point=TIPPING_POINT) == 210

    # The meeting screen shows the same two counts.
    page = sign_in(HttpClient(), world.chair).get(f"/tafel/overleg/{world.meeting.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="summary-past-tipping"' in html
    assert 'id="summary-occupied-stairwell"' in html
