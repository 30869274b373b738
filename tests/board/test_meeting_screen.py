"""The meeting screen: a fixed number of queries whatever the agenda's size; live fragment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from matching.board.models import Proposal
from tests.housing.factories import DwellingFactory
from tests.log_cost import chain_statements

pytestmark = pytest.mark.django_db


def _bulk_proposals(world, n):
    from tests.cases.factories import make_client

    clients = [
        make_client(world.coordinator, status="ready", municipality=world.municipality)
        for _ in range(n)
    ]
    dwellings = [
        DwellingFactory(corporation=world.corp_a if i % 2 else world.corp_b,
                        neighbourhood=world.neighbourhoods[i % 3], status="offered")
        for i in range(n)
    ]  # fmt: skip
    Proposal.objects.bulk_create(
        Proposal(
            meeting=world.meeting, client=c, dwelling=d, care_provider=c.care_provider,
            corporation=d.corporation, neighbourhood=d.neighbourhood,
            deadline=world.meeting.date + dt.timedelta(days=7), score=50,
            profile={"reference": c.reference, "target_group": "ggz"},
            capacity_before={"score": 60, "class_label": "groen"},
            capacity_after={"score": 59, "class_label": "oranje"},
        )
        for c, d in zip(clients, dwellings, strict=True)
    )  # fmt: skip


@pytest.mark.parametrize("role", ["chair", "coordinator", "consultant_a"])
def test_the_meeting_screen_with_200_proposals_uses_a_fixed_number_of_queries(
    world, login, role, django_assert_max_num_queries
):
    _bulk_proposals(world, 200)
    browser = login(world.user(role))
    url = reverse("matching:meeting-detail", args=[world.meeting.pk])
    # the chair also reads the after-care section (escalated signals): one query more
    with django_assert_max_num_queries(
        21 + chain_statements()
    ):  # first view (nothing in the cache yet)
        response = browser.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-row-link") == 200


def test_the_live_fragment_is_the_agenda_only_and_polls(proposed, login):
    browser = login(proposed.chair)
    page = browser.get(
        reverse("matching:meeting-detail", args=[proposed.meeting.pk])
    ).content.decode()
    assert 'hx-trigger="every 5s"' in page
    fragment = browser.get(
        reverse("matching:meeting-live", args=[proposed.meeting.pk])
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="agenda"')
    assert "<script" not in fragment and "style=" not in page


def test_a_decision_appears_on_the_others_fragment(proposed, login):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    login(proposed.consultant_a).post(
        reverse("matching:proposal-decide", args=[p.pk]), {"decision": "approved"}
    )
    fragment = login(proposed.coordinator).get(
        reverse("matching:meeting-live", args=[proposed.meeting.pk])
    )
    assert "badge-green" in fragment.content.decode()


def test_the_screen_groups_by_care_provider(proposed, login):
    page = login(proposed.chair).get(
        reverse("matching:meeting-detail", args=[proposed.meeting.pk]) + "?per=provider"
    )
    assert proposed.provider.name in page.content.decode()


def test_the_minutes_pdf_is_a_pdf(proposed, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login(proposed.chair).get(
        reverse("matching:minutes-pdf", args=[proposed.meeting.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_reading_the_meeting_is_logged_with_the_week_as_purpose(proposed, login):
    from accounts.models import AccessLogEntry

    login(proposed.consultant_a).get(reverse("matching:meeting-detail", args=[proposed.meeting.pk]))
    row = AccessLogEntry.objects.filter(
        user_id=proposed.consultant_a.pk, object_type="matching.meeting"
    ).first()
    assert row.purpose == f"plaatsingstafel {proposed.meeting.week_label}"
