"""Isolation per role: outsiders get 404, nothing changes, one refused row is logged; the
municipality reads agreements without names or care data; the corporation sees a name only
as the board's rule allows."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry
from cases import selectors as case_selectors
from matching.placements.models import Agreement, AgreementKind

from .test_permission_matrix import OUTSIDERS

pytestmark = pytest.mark.django_db

WRITES = [
    ("agreement-step", {"action": "revise"}, {"revise-reason": "x"}),
    ("agreement-sign", {}, {"sign-party": "client"}),
    ("agreement-edit", {}, {"contact_person": "Inbreker"}),
]


def state(agreement: Agreement) -> tuple:
    a = Agreement.objects.get(pk=agreement.pk)
    return (a.state, a.version, a.contact_person, a.transitions.count(), a.signatures.count())


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("name", "kwargs", "data"), WRITES)
def test_an_outsider_gets_a_404_nothing_changes_and_the_refusal_is_logged(
    world, login, persona, name, kwargs, data
):
    agreement = world.issued()
    before = state(agreement)
    refused_before = AccessLogEntry.objects.filter(result="refused").count()
    response = login(getattr(world, persona)).post(
        reverse(f"placements:{name}", kwargs={"pk": agreement.pk, **kwargs}), data
    )
    assert response.status_code == 404
    assert state(agreement) == before
    refused = AccessLogEntry.objects.filter(result="refused")
    assert refused.count() == refused_before + 1
    row = refused.latest("pk")
    assert row.object_type == "placements.agreement" and row.rule == "not-visible"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_an_outsider_sees_no_agreements_in_lists_or_the_api(world, login, persona):
    world.signed()
    browser = login(getattr(world, persona))
    if persona != "org_admin":
        page = browser.get(reverse("placements:agreement-list"), {"state": "all"})
        assert page.status_code == 200 and page.context["rows"] == []
    for path in ("/api/v1/agreements/", "/api/v1/placements/", "/api/v1/evaluations/"):
        response = browser.get(path)
        assert response.status_code in (200, 403)
        if response.status_code == 200:
            assert response.json()["count"] == 0


def test_a_wrong_role_gets_403_nothing_changes_and_the_refusal_is_logged(world, login):
    agreement = world.issued()
    before = state(agreement)
    response = login(world.chair).post(
        reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "revise"}),
        {"revise-reason": "x"},
    )
    assert response.status_code == 403
    assert state(agreement) == before
    row = AccessLogEntry.objects.filter(result="refused").latest("pk")
    assert row.object_type == "placements.agreement"
    assert row.rule.startswith("placements.agreement.revise:")


def test_an_unknown_step_is_a_404(world, login):
    agreement = world.issued()
    response = login(world.coordinator).post(
        reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "delete"})
    )
    assert response.status_code == 404


def _name(agreement: Agreement) -> str:
    return case_selectors.client_names([agreement.placement.client_id])[
        agreement.placement.client_id
    ]


def test_the_municipality_sees_no_names_and_no_care_data(world, login):
    agreement = world.signed(kind=AgreementKind.TRIPARTITE)
    name = _name(agreement)
    browser = login(world.chair)
    for url in (
        reverse("placements:agreement-list"),
        reverse("placements:agreement-detail", args=[agreement.pk]),
        reverse("placements:placement-detail", args=[agreement.placement_id]),
        reverse("placements:evaluation", args=[agreement.evaluations.first().pk]),
        reverse("placements:overview"),
    ):
        html = browser.get(url).content.decode()
        assert name not in html, url
        assert "Joost van Dijk" not in html, url  # the care contact person
        assert "bewindvoering" not in html, url
    data = browser.get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert data["client_name"] is None
    assert "support_hours_per_week" not in data and "conditions" not in data
    assert all(d["pdf"] is None for d in data["documents"])
    listed = browser.get("/api/v1/agreements/").json()["results"][0]
    assert listed["client_reference"] == agreement.placement.client_reference
    assert "contact_person" not in listed
    evaluation = browser.get(f"/api/v1/evaluations/{agreement.evaluations.first().pk}/").json()
    assert "notes" not in evaluation and "care_continuing" not in evaluation


def test_the_parties_see_the_name_and_the_care_terms(world, login):
    agreement = world.signed(kind=AgreementKind.TRIPARTITE)
    name = _name(agreement)
    for user in (world.coordinator, world.consultant):
        html = login(user).get(reverse("placements:agreement-detail", args=[agreement.pk]))
        text = html.content.decode()
        assert name in text and "Joost van Dijk" in text


def test_the_corporation_loses_the_name_when_consent_ends(world, login):
    agreement = world.signed()
    name = _name(agreement)
    agreement.placement.client.consents.update(
        ended_at="2020-01-01T00:00:00Z", end_reason="withdrawn"
    )
    text = login(world.consultant).get(reverse("placements:agreement-detail", args=[agreement.pk]))
    assert name not in text.content.decode()
    assert agreement.placement.client_reference in text.content.decode()
    # The care provider still sees its own client's name.
    own = login(world.coordinator).get(reverse("placements:agreement-detail", args=[agreement.pk]))
    assert name in own.content.decode()


def test_why_care_stopped_stays_with_the_care_provider(world, login):
    agreement = world.signed(kind=AgreementKind.TRIANGLE)
    reason = "Opname in kliniek na terugval"
    login(world.coordinator).post(
        reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "care_stop"}),
        {"care_stop-reason": reason},
    )
    assert Agreement.objects.get(pk=agreement.pk).state == "care_stopped"
    for user in (world.consultant, world.chair):
        page = login(user).get(reverse("placements:agreement-detail", args=[agreement.pk]))
        assert reason not in page.content.decode()
        assert "zorg per" in page.content.decode()  # but that it stopped is plain
        api = login(user).get(f"/api/v1/agreements/{agreement.pk}/").json()
        assert reason not in json.dumps(api)
    own = login(world.coordinator).get(reverse("placements:agreement-detail", args=[agreement.pk]))
    assert reason in own.content.decode()


def test_every_read_of_an_agreement_is_logged_with_its_purpose(world, login):
    agreement = world.signed()
    login(world.consultant).get(reverse("placements:agreement-detail", args=[agreement.pk]))
    row = AccessLogEntry.objects.filter(
        object_type="placements.agreement", action="view", user_id=world.consultant.pk
    ).latest("pk")
    assert row.purpose == f"plaatsing {agreement.placement.client_reference}"
    assert row.object_id.endswith(agreement.placement.client_reference)
    assert _name(agreement) not in row.object_id
