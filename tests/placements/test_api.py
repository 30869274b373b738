"""The API: the same services and rules as the pages, errors in the standard shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.placements.models import Agreement, AgreementState

from .conftest import backdate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def post(browser, url, data=None):
    return browser.post(url, data or {}, content_type="application/json")


def errors(response) -> dict[str, str]:
    body = response.json()
    return {e["attr"]: e["detail"] for e in body["errors"]}


def test_a_placement_is_made_and_signed_through_the_api(world, login):
    coordinator = login(world.coordinator)
    consultant = login(world.consultant)
    proposal = world.proposal()
    made = post(consultant, "/api/v1/placements/", {"proposal": proposal.pk, "kind": "triangle"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["client_reference"] == proposal.profile["reference"]
    agreement_id = body["agreements"][0]
    url = f"/api/v1/agreements/{agreement_id}/"
    # Incomplete terms: a field-level error, nothing issued.
    refused = post(coordinator, url + "issue/")
    assert refused.status_code == 400
    assert "care_contract_reference" in errors(refused)
    assert Agreement.objects.get(pk=agreement_id).state == AgreementState.DRAFT
    patched = coordinator.patch(
        url,
        {"care_contract_reference": "ZC-88", "contact_person": "Noor"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["care_contract_reference"] == "ZC-88"
    assert post(coordinator, url + "issue/").json()["state"] == "signing"
    out_of_order = post(consultant, url + "sign/", {"party": "corporation"})
    assert out_of_order.status_code == 400 and "party" in errors(out_of_order)
    post(coordinator, url + "sign/", {"party": "client"})
    post(coordinator, url + "sign/", {"party": "care_provider"})
    signed = post(consultant, url + "sign/", {"party": "corporation"})
    data = signed.json()
    assert data["state"] == "active"
    assert [s["party"] for s in data["signatures"]] == ["client", "care_provider", "corporation"]
    assert data["documents"][0]["pdf"]
    pdf = consultant.get(url + "document/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_step_the_state_does_not_allow_is_a_conflict(world, login):
    agreement = world.draft()
    response = post(
        login(world.consultant), f"/api/v1/agreements/{agreement.pk}/end/", {"reason": "x"}
    )
    assert response.status_code == 409


def test_writable_fields_are_whitelisted(world, login):
    agreement = world.draft()
    response = login(world.coordinator).patch(
        f"/api/v1/agreements/{agreement.pk}/",
        {"state": "active", "monthly_rent": "1.00", "contact_person": "Noor"},
        content_type="application/json",
    )
    assert response.status_code == 200
    fresh = Agreement.objects.get(pk=agreement.pk)
    assert fresh.state == "draft" and fresh.monthly_rent != 1 and fresh.contact_person == "Noor"


def test_an_evaluation_before_the_start_is_a_field_error(world, login):
    agreement = backdate(world.signed(), days=366)
    evaluation = agreement.evaluations.get()
    response = post(
        login(world.coordinator),
        f"/api/v1/evaluations/{evaluation.pk}/record/",
        {
            "held_on": (agreement.lease_start - dt.timedelta(days=3)).isoformat(),
            "living_independently": "yes",
            "rent_paid": "on_time",
            "nuisance_reports": 0,
            "care_continuing": True,
            "social_network": "sufficient",
            "judgement": "positive",
        },
    )
    assert response.status_code == 400
    assert "ingangsdatum" in errors(response)["held_on"]


def test_flipping_without_a_positive_evaluation_is_a_field_error(world, login):
    agreement = backdate(world.signed(), days=366)
    evaluation = agreement.evaluations.get()
    response = post(
        login(world.consultant),
        f"/api/v1/agreements/{agreement.pk}/flip/",
        {"evaluation": evaluation.pk},
    )
    assert response.status_code == 400
    assert "evaluation" in errors(response)
    assert Agreement.objects.get(pk=agreement.pk).state == "active"


def test_lists_filter_by_state_and_due(world, login):
    soon = backdate(world.signed(), days=350)
    world.issued()
    browser = login(world.coordinator)
    assert browser.get("/api/v1/agreements/").json()["count"] == 2
    due = browser.get("/api/v1/agreements/?due=soon").json()
    assert [a["id"] for a in due["results"]] == [soon.pk]
    assert due["results"][0]["next_evaluation"] == soon.evaluations.get().due_on.isoformat()
    signing = browser.get("/api/v1/agreements/?state=signing").json()
    assert signing["count"] == 1
    open_evaluations = browser.get("/api/v1/evaluations/?open=true").json()
    assert open_evaluations["count"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nuisance_reports": 40_000}, "nuisance_reports"),
        ({"held_on": "9999-12-31"}, "held_on"),
        ({"held_on": "0001-01-01"}, "held_on"),
    ],
)
def test_an_evaluation_out_of_bounds_is_a_field_error(world, login, change, field):
    agreement = backdate(world.signed(), days=366)
    evaluation = agreement.evaluations.get()
    body = {
        "held_on": (agreement.lease_start + dt.timedelta(days=200)).isoformat(),
        "living_independently": "yes",
        "rent_paid": "on_time",
        "nuisance_reports": 0,
        "care_continuing": True,
        "social_network": "sufficient",
        "judgement": "positive",
        **change,
    }
    response = post(login(world.coordinator), f"/api/v1/evaluations/{evaluation.pk}/record/", body)
    assert response.status_code == 400
    assert field in errors(response)
    evaluation.refresh_from_db()
    assert evaluation.held_on is None
