"""Fit for the meeting room: one aligned table, presentation mode, the override helper, the
board's Werkvoorraad items, and why-no-proposal worded at display time."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import worklist
from matching.board import selectors, services
from matching.board.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def meeting_url(world, **params):
    url = reverse("matching:meeting-detail", args=[world.meeting.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_agenda_is_one_table_with_one_header_and_a_row_group_per_buurt(proposed, login):
    html = login(proposed.chair).get(meeting_url(proposed)).content.decode()
    agenda = html[html.index('<div id="agenda"') :]
    assert agenda.count("<table") == 1 and agenda.count("<thead>") == 1
    groups = {p.neighbourhood_id for p in Proposal.objects.filter(meeting=proposed.meeting)}
    assert agenda.count('class="agenda-group"') == len(groups)
    assert "Besluit corporatie" in agenda and "Antwoord cliënt" in agenda
    assert 'class="wide meeting-screen"' in html


def test_the_links_carry_stable_ids_so_focus_survives_the_refresh(proposed, login):
    fragment = (
        login(proposed.chair)
        .get(reverse("matching:meeting-live", args=[proposed.meeting.pk]))
        .content.decode()
    )
    for p in Proposal.objects.filter(meeting=proposed.meeting):
        assert f'id="proposal-{p.pk}-link"' in fragment
        assert f'data-proposal="{p.pk}"' in fragment


def test_presentation_mode_hides_the_navigation_and_the_tools(proposed, login):
    client = login(proposed.chair)
    normal = client.get(meeting_url(proposed)).content.decode()
    shown = client.get(meeting_url(proposed, weergave="presentatie")).content.decode()
    assert 'class="presentation"' in shown and 'class="presentation"' not in normal
    assert "Presentatie verlaten" in shown
    assert "Waarom geen voorstel?" not in shown and "Waarom geen voorstel?" in normal


def test_the_agenda_shows_dutch_numbers_and_labels(proposed, login):
    html = login(proposed.chair).get(meeting_url(proposed)).content.decode()
    p = Proposal.objects.filter(meeting=proposed.meeting).first()
    assert f"{p.score:.1f}".replace(".", ",") in html
    assert "€\u00a0" in html
    assert "week " in html and proposed.meeting.week_label not in html.split("<title>")[1][:80]


@pytest.fixture
def full_neighbourhood(world):
    """A client whose only fitting dwelling is in a neighbourhood without headroom."""
    from housing.models import NeighbourhoodIndicator

    n = world.neighbourhoods[2]
    NeighbourhoodIndicator.objects.filter(neighbourhood=n).update(liveability_class=1, lvb_share=45)
    client = world.add_client()
    dwelling = world.add_dwelling(neighbourhood=n)
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    return world, client, dwelling


def test_the_override_helper_names_the_dwellings_that_fit_if_the_limit_is_lifted(
    full_neighbourhood, login
):
    world, client, dwelling = full_neighbourhood
    entry = next(
        c
        for c in selectors.no_match_for(user=world.chair, meeting=world.meeting)["clients"]
        if c["client_id"] == client.pk
    )
    lifted = {d["dwelling_id"]: d for d in selectors.with_lifted_texts(entry)["if_lifted"]}
    assert dwelling.pk in lifted
    assert lifted[dwelling.pk]["limit"] == "buurt"
    assert lifted[dwelling.pk]["room"] == 0 and lifted[dwelling.pk]["room_after"] == -1
    assert "ruimte 0 → \u22121" in lifted[dwelling.pk]["text"]
    chair = login(world.chair)
    page = chair.get(meeting_url(world)).content.decode()
    helper_url = reverse("matching:meeting-override", args=[world.meeting.pk])
    assert f'hx-get="{helper_url}?client={client.pk}"' in page
    assert "<option" not in page.split('id="language"')[1].split("</select>", 1)[1]  # lazy
    html = chair.get(f"{helper_url}?client={client.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert f'<option value="{dwelling.pk}">{dwelling.street_address}' in html
    assert "<html" not in html
    standalone = chair.get(f"{helper_url}?client={client.pk}").content.decode()
    assert "<html" in standalone and f'<option value="{dwelling.pk}">' in standalone
    assert "passende woning" in entry["text"] and "woning(en)" not in entry["text"]


def test_the_reason_is_worded_in_the_readers_language(full_neighbourhood):
    world, client, _dwelling = full_neighbourhood
    entry = next(
        c
        for c in selectors.no_match_for(user=world.chair, meeting=world.meeting)["clients"]
        if c["client_id"] == client.pk
    )
    assert entry["reason"]["code"] in {"all_limited", "outbid"}
    with translation.override("nl"):
        assert selectors.no_match_text(entry).startswith("1 passende woning")
    assert selectors.no_match_text({"message": "oude tekst"}) == "oude tekst"


def test_the_board_werkvoorraad_names_whose_turn_it_is(proposed):
    consultant = {i.key: i for i in worklist.items_for(proposed.consultant_a)}
    coordinator = {i.key: i for i in worklist.items_for(proposed.coordinator)}
    assert "board.consultant_decisions" in consultant
    assert "board.client_answers" in coordinator
    assert "board.consultant_decisions" not in coordinator
    open_for_a = Proposal.objects.filter(
        meeting=proposed.meeting, corporation=proposed.corp_a, status=ProposalStatus.OPEN
    ).count()
    assert consultant["board.consultant_decisions"].count == open_for_a


def test_an_override_waits_in_the_second_chairs_werkvoorraad_only(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    services.proposal_override_request(
        actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
        reason="Netwerk van de cliënt woont om de hoek.",
    )  # fmt: skip
    assert "board.overrides_to_confirm" not in {i.key for i in worklist.items_for(world.chair)}
    item = {i.key: i for i in worklist.items_for(world.second_chair)}["board.overrides_to_confirm"]
    assert item.count == 1


def test_the_override_helper_is_the_chairs_and_only_for_a_client_without_a_proposal(
    full_neighbourhood, login
):
    world, client, _dwelling = full_neighbourhood
    helper_url = reverse("matching:meeting-override", args=[world.meeting.pk])
    assert login(world.coordinator).get(f"{helper_url}?client={client.pk}").status_code == 403
    chair = login(world.chair)
    assert chair.get(f"{helper_url}?client=999999").status_code == 404
    assert chair.get(f"{helper_url}?client=abc").status_code == 404
    assert chair.get(helper_url).status_code == 404
