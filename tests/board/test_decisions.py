"""Decisions by the corporation and for the client, four eyes on overrides, names."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.errors import Forbidden
from matching.board import selectors, services
from matching.board.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def _p(world, corp):
    return Proposal.objects.get(meeting=world.meeting, corporation=corp)


def test_approval_and_acceptance_make_the_proposal_agreed_with_a_timeline(proposed):
    p = _p(proposed, proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    p = services.proposal_respond(actor=proposed.coordinator, proposal=p, decision="accepted")
    assert p.status == ProposalStatus.AGREED
    kinds = list(p.events.values_list("kind", flat=True))
    assert kinds == ["proposed", "approved", "accepted", "agreed"]


def test_a_decline_needs_a_reason_from_the_list_and_other_needs_text(proposed):
    p = _p(proposed, proposed.corp_a)
    with pytest.raises(services.DomainError) as no_reason:
        services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="declined")
    assert (no_reason.value.code, no_reason.value.field) == ("reason_required", "reason")
    with pytest.raises(services.DomainError) as no_text:
        services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="declined", reason="other"
        )
    assert (no_text.value.code, no_text.value.field) == ("text_required", "text")
    p = services.proposal_decide(
        actor=proposed.consultant_a, proposal=p, decision="declined", reason="other", text="Sloop"
    )
    assert p.status == ProposalStatus.DECLINED and p.consultant_text == "Sloop"


def test_a_second_decision_on_the_same_proposal_gets_a_clear_message(proposed):
    p = _p(proposed, proposed.corp_a)
    colleague = __import__("tests.accounts.factories", fromlist=["member"]).member(
        "housing_consultant", proposed.corp_a
    )
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    with pytest.raises(services.DomainError) as error:
        services.proposal_decide(
            actor=colleague, proposal=p, decision="declined", reason="other", text="x"
        )
    assert (error.value.code, error.value.conflict) == ("already_decided", True)


def test_another_corporation_cannot_decide(proposed):
    p = _p(proposed, proposed.corp_a)
    with pytest.raises(Forbidden):
        services.proposal_decide(actor=proposed.consultant_b, proposal=p, decision="approved")


def test_another_care_provider_cannot_answer_for_the_client(proposed):
    p = _p(proposed, proposed.corp_a)
    with pytest.raises(Forbidden) as refused:
        services.proposal_respond(actor=proposed.other_coordinator, proposal=p, decision="accepted")
    assert refused.value.code == "forbidden"  # on the agenda, but not theirs to answer


def test_the_database_refuses_a_second_active_proposal_for_one_client(proposed):
    p = _p(proposed, proposed.corp_a)
    other = proposed.add_dwelling()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.create(
            meeting=p.meeting, client=p.client, dwelling=other, care_provider=p.care_provider,
            corporation=p.corporation, neighbourhood=p.neighbourhood, deadline=p.deadline,
        )  # fmt: skip


# --- Names ----------------------------------------------------------------------------------


def test_the_care_provider_sees_its_own_clients_names(proposed):
    p = _p(proposed, proposed.corp_a)
    names = selectors.visible_names(user=proposed.coordinator, proposals=[p])
    assert names[p.pk] == p.client.care.full_name


def test_the_corporation_sees_the_name_only_after_acceptance_and_approval(proposed):
    p = _p(proposed, proposed.corp_a)
    assert selectors.visible_names(user=proposed.consultant_a, proposals=[p]) == {}
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    assert selectors.visible_names(user=proposed.consultant_a, proposals=[p]) == {}
    p = services.proposal_respond(actor=proposed.coordinator, proposal=p, decision="accepted")
    assert selectors.visible_names(user=proposed.consultant_a, proposals=[p])[p.pk]
    assert selectors.visible_names(user=proposed.consultant_b, proposals=[p]) == {}
    assert selectors.visible_names(user=proposed.chair, proposals=[p]) == {}


def test_the_name_disappears_again_when_consent_is_withdrawn(proposed):
    from cases import services as case_services

    p = _p(proposed, proposed.corp_a)
    services.proposal_decide(actor=proposed.consultant_a, proposal=p, decision="approved")
    p = services.proposal_respond(actor=proposed.coordinator, proposal=p, decision="accepted")
    case_services.consent_withdraw(actor=proposed.coordinator, client=p.client)
    assert selectors.visible_names(user=proposed.consultant_a, proposals=[p]) == {}


def test_the_meeting_page_never_shows_a_name_to_the_corporation(proposed, login):
    from django.urls import reverse

    p = _p(proposed, proposed.corp_a)
    page = login(proposed.consultant_a).get(
        reverse("matching:meeting-detail", args=[proposed.meeting.pk])
    )
    assert page.status_code == 200
    assert p.client.reference in page.content.decode()
    assert p.client.care.full_name not in page.content.decode()
    page = login(proposed.coordinator).get(
        reverse("matching:meeting-detail", args=[proposed.meeting.pk])
    )
    assert p.client.care.full_name in page.content.decode()


# --- Four eyes ------------------------------------------------------------------------------


@pytest.fixture
def full_neighbourhood(world):
    """A client whose only fitting dwelling is in a neighbourhood without headroom."""
    from housing.models import NeighbourhoodIndicator

    n = world.neighbourhoods[2]
    NeighbourhoodIndicator.objects.filter(neighbourhood=n).update(liveability_class=1, lvb_share=45)
    client = world.add_client()
    dwelling = world.add_dwelling(neighbourhood=n)
    run = services.proposals_generate(meeting=world.meeting, actor=world.chair)
    assert run.no_match["clients"]
    return world, client, dwelling


def test_an_override_waits_for_a_second_municipality_user(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    p = services.proposal_override_request(
        actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
        reason="Netwerk van de cliënt woont om de hoek.",
    )  # fmt: skip
    assert p.status == ProposalStatus.AWAITING_CONFIRMATION and p.override_kind == "headroom"
    with pytest.raises(services.DomainError) as own:
        services.proposal_override_confirm(actor=world.chair, proposal=p)
    assert own.value.code == "four_eyes"
    with pytest.raises(Forbidden):
        services.proposal_override_confirm(actor=world.consultant_a, proposal=p)
    p = services.proposal_override_confirm(actor=world.second_chair, proposal=p)
    assert p.status == ProposalStatus.OPEN and p.override_confirmed_by == world.second_chair
    assert world.second_chair.notifications.filter(kind="board.override").count() == 1


def test_a_second_user_can_refuse_an_override_which_frees_client_and_dwelling(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    p = services.proposal_override_request(
        actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
        reason="Netwerk van de cliënt woont om de hoek.",
    )  # fmt: skip
    with pytest.raises(services.DomainError) as own:
        services.proposal_override_reject(actor=world.chair, proposal=p, reason="Toch niet.")
    assert own.value.code == "four_eyes"
    with pytest.raises(services.DomainError) as missing_reason:
        services.proposal_override_reject(actor=world.second_chair, proposal=p, reason=" ")
    assert missing_reason.value.field == "reason"
    p = services.proposal_override_reject(
        actor=world.second_chair, proposal=p, reason="De buurt zit al ruim boven het kantelpunt."
    )
    assert p.status == ProposalStatus.WITHDRAWN
    assert p.events.filter(kind="override_rejected").exists()
    assert world.chair.notifications.filter(kind="board.override").exists()
    # The client and the dwelling are free again: a new request for the pair is possible.
    again = services.proposal_override_request(
        actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
        reason="Nieuwe afspraak met de wijkagent gemaakt.",
    )  # fmt: skip
    assert again.status == ProposalStatus.AWAITING_CONFIRMATION


def test_an_override_needs_a_written_reason(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    with pytest.raises(services.DomainError) as error:
        services.proposal_override_request(
            actor=world.chair,
            meeting=world.meeting,
            client_id=client.pk,
            dwelling_id=dwelling.pk,
            reason="",
        )
    assert (error.value.code, error.value.field) == ("reason_required", "reason")


def test_the_database_refuses_self_confirmation(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    p = services.proposal_override_request(
        actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
        reason="Netwerk van de cliënt woont om de hoek.",
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=p.pk).update(override_confirmed_by=world.chair)


def test_an_override_is_refused_when_no_limit_is_exceeded(world):
    client = world.add_client()
    dwelling = world.add_dwelling(net_rent="2000.00")
    services.proposals_generate(meeting=world.meeting, actor=world.chair)
    with pytest.raises(services.DomainError) as error:
        services.proposal_override_request(
            actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
            reason="Dit is een lange reden.",
        )  # fmt: skip
    assert error.value.code in ("no_override_needed", "hard_rule")


def test_a_client_leaving_the_board_withdraws_the_open_proposal(
    proposed, django_capture_on_commit_callbacks
):
    from cases import services as case_services

    p = _p(proposed, proposed.corp_a)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.client_transition(
            actor=proposed.coordinator, client=p.client, action="pause", reason="opname"
        )
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN


def test_the_chair_closes_a_meeting_once_and_it_is_not_recalculated_after(world):
    from matching.board.models import MeetingStatus

    meeting = services.meeting_close(actor=world.chair, meeting=world.meeting)
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_at is not None
    with pytest.raises(services.DomainError) as twice:
        services.meeting_close(actor=world.chair, meeting=meeting)
    assert twice.value.code == "meeting_closed"
    with pytest.raises(services.DomainError) as again:
        services.proposals_generate(meeting=meeting, actor=world.chair)
    assert again.value.code == "meeting_closed"


def test_no_override_on_a_closed_meeting_whose_minutes_are_final(full_neighbourhood):
    # Was: generation refused a closed meeting, the override did not.
    world, client, dwelling = full_neighbourhood
    services.meeting_close(actor=world.chair, meeting=world.meeting)
    with pytest.raises(services.DomainError) as error:
        services.proposal_override_request(
            actor=world.chair, meeting=world.meeting, client_id=client.pk, dwelling_id=dwelling.pk,
            reason="Netwerk van de cliënt woont om de hoek.",
        )  # fmt: skip
    assert (error.value.code, error.value.conflict) == ("meeting_closed", True)
    assert not Proposal.objects.filter(meeting=world.meeting, client=client).exists()


def test_the_meeting_page_offers_no_override_once_the_meeting_is_closed(full_neighbourhood, login):
    world, _client, _dwelling = full_neighbourhood
    url = reverse("matching:meeting-detail", args=[world.meeting.pk])
    page = login(world.chair).get(url)
    assert page.status_code == 200 and page.context["can_override"]
    assert reverse("matching:meeting-override", args=[world.meeting.pk]).encode() in page.content
    services.meeting_close(actor=world.chair, meeting=world.meeting)
    closed = login(world.chair).get(url)
    assert not closed.context["can_override"] and not closed.context["can_generate"]
    assert (
        reverse("matching:meeting-override", args=[world.meeting.pk]).encode() not in closed.content
    )


def test_only_the_chair_closes_a_meeting(world):
    with pytest.raises(Forbidden) as refused:
        services.meeting_close(actor=world.consultant_a, meeting=world.meeting)
    assert refused.value.code in ("forbidden", "not_found")


@pytest.mark.parametrize("text", ["Sloop\x00gepland", "Sloop\x1b[2J"])
def test_a_decision_text_with_a_nul_or_control_character_is_refused_at_its_field(
    proposed, login, text
):
    p = _p(proposed, proposed.corp_a)
    with pytest.raises(services.DomainError) as refused:
        services.proposal_decide(
            actor=proposed.consultant_a, proposal=p, decision="declined", reason="other", text=text
        )
    assert (refused.value.code, refused.value.field) == ("control_characters", "text")
    response = login(proposed.consultant_a).post(
        f"/api/v1/proposals/{p.pk}/decide/",
        {"decision": "declined", "reason": "other", "text": text},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"text"}
    p.refresh_from_db()
    assert p.consultant_decision == "" and p.status == ProposalStatus.OPEN


@pytest.mark.parametrize(("side", "decision"), [("decide", "approved"), ("respond", "accepted")])
@pytest.mark.parametrize("text", ["Akkoord\x00", "Akkoord\x07"])
def test_the_note_with_a_yes_is_refused_with_a_nul_or_control_character_on_the_form(
    proposed, login, side, decision, text
):
    """The form posted a NUL byte in the note of an approval or acceptance straight to
    PostgreSQL (a 500); only the decline's reason was checked."""
    p = _p(proposed, proposed.corp_a)
    actor = proposed.consultant_a if side == "decide" else proposed.coordinator
    view = "matching:proposal-decide" if side == "decide" else "matching:proposal-respond"
    response = login(actor).post(
        reverse(view, args=[p.pk]), {"decision": decision, "text": text}, follow=True
    )
    assert response.status_code == 200
    p.refresh_from_db()
    assert (p.consultant_decision, p.client_decision) == ("", "")
    with pytest.raises(services.DomainError) as refused:
        getattr(services, f"proposal_{side}")(actor=actor, proposal=p, decision=decision, text=text)
    assert (refused.value.code, refused.value.field) == ("control_characters", "text")


def test_an_override_reason_with_a_nul_byte_is_refused_at_its_field(full_neighbourhood):
    world, client, dwelling = full_neighbourhood
    with pytest.raises(services.DomainError) as refused:
        services.proposal_override_request(
            actor=world.chair, meeting=world.meeting, client_id=client.pk,
            dwelling_id=dwelling.pk, reason="Netwerk van de cliënt\x00 woont om de hoek.",
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("control_characters", "reason")
    assert not Proposal.objects.filter(client=client, dwelling=dwelling).exists()
