"""Isolation: outsiders get 404, nothing changes, and one refused row is logged."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLogEntry
from matching.board.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["outsider", "org_admin"])
def test_an_outsider_cannot_decide_and_leaves_one_refused_row(proposed, login, role):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    user = proposed.user(role)
    response = login(user).post(
        reverse("matching:proposal-decide", args=[p.pk]), {"decision": "approved"}
    )
    assert response.status_code == 404
    p.refresh_from_db()
    assert p.status == ProposalStatus.OPEN and not p.consultant_decision
    rows = AccessLogEntry.objects.filter(user_id=user.pk, result="refused")
    assert rows.count() == 1


def test_an_outsider_sees_no_proposals_in_the_api(proposed, login):
    response = login(proposed.outsider).get("/api/v1/proposals/")
    assert response.status_code == 200
    body = response.json()
    assert (body.get("results", body) if isinstance(body, dict) else body) == []


def test_the_api_never_returns_a_name_to_another_corporation(proposed, login):
    body = login(proposed.consultant_b).get("/api/v1/proposals/").json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    assert rows and all(r["client_name"] is None for r in rows)


def test_the_coordinator_gets_own_names_through_the_api(proposed, login):
    body = login(proposed.coordinator).get("/api/v1/proposals/").json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    assert all(r["client_name"] for r in rows)


def test_a_conflicting_api_decision_is_a_409(proposed, login):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    browser = login(proposed.consultant_a)
    assert (
        browser.post(f"/api/v1/proposals/{p.pk}/decide/", {"decision": "approved"}).status_code
        == 200
    )
    again = browser.post(f"/api/v1/proposals/{p.pk}/decide/", {"decision": "approved"})
    assert again.status_code == 409


def test_an_action_answer_does_not_serve_a_profile_whose_consent_ran_out(proposed, login):
    """Every proposal the API serializes passes the consent check at read time: also the
    answer to an action (decide, respond, confirm), not only the list and the detail."""
    import datetime as dt

    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    assert p.profile.get("target_group")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    p.client.consents.update(given_on=yesterday - dt.timedelta(days=30), valid_until=yesterday)
    browser = login(proposed.consultant_a)
    answer = browser.post(f"/api/v1/proposals/{p.pk}/decide/", {"decision": "approved"})
    assert answer.status_code == 200
    assert set(answer.json()["profile"]) <= {"reference", "consent_ended"}
