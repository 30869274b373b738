"""'Mijn gegevens': one client's data from every app, as JSON and a Dutch PDF, logged; every
model that refers to a client is covered by some app's part of the export."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.models import AccessLogEntry, AccessResult, OrganisationKind, Role
from cases.models import Client
from cases.rights import export
from matching.aftercare.models import SignalCategory
from tests.accounts.factories import OrganisationFactory, member
from tests.aftercare.conftest import agreement, raise_signal  # noqa: F401 - fixtures
from tests.placements.conftest import World, world  # noqa: F401 - fixture used here


def models_about_a_client() -> set[type[models.Model]]:
    """Client, and every concrete model with a foreign key to one of these (transitively)."""
    owned: set[type[models.Model]] = {Client}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in owned or model._meta.proxy:
                continue
            for f in model._meta.concrete_fields:
                if f.is_relation and f.related_model in owned:
                    owned.add(model)
                    changed = True
                    break
    return owned


def test_every_model_that_refers_to_a_client_is_in_the_export():
    missing = models_about_a_client() - export.covered_models()
    assert not missing, (
        "register these models in their app's part of the client data export "
        f"(cases.rights.export): {sorted(m._meta.label for m in missing)}"
    )


def test_every_exported_field_has_a_dutch_label():
    unlabelled = sorted(
        f"{m._meta.label}.{f.name}"
        for m in export.covered_models()
        for f in m._meta.concrete_fields
        if export.field_label(f) == f.name.replace("_", " ") and f.name not in {"score", "status"}
    )
    assert not unlabelled, f"add these to cases.rights.export.FIELD_LABELS: {unlabelled}"


def test_the_walk_finds_the_indirect_models():
    labels = {m._meta.label for m in models_about_a_client()}
    assert {"aftercare.PlanAction", "placements.Signature", "matching.ProposalEvent"} <= labels


@pytest.fixture
def signed(agreement, raise_signal):  # noqa: F811
    """A signed agreement with a rent-arrears signal on it (the aftercare world's)."""
    raise_signal()
    return agreement


def url(name: str, reference: str) -> str:
    return reverse(f"cases:{name}", kwargs={"reference": reference})


@pytest.mark.django_db
def test_json_holds_every_part_with_care_data_consents_and_decisions(world, signed, login):  # noqa: F811
    client = signed.placement.client
    response = login(world.coordinator).get(url("client-data-export-json", client.reference))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["client"] == client.reference
    sections = {s["model"]: s["records"] for p in data["parts"] for s in p["sections"]}
    assert [p["key"] for p in data["parts"]] == ["cases", "board", "placements", "aftercare"]
    assert sections["cases.carerecord"][0]["full_name"] == client.care.full_name  # decrypted
    assert len(sections["cases.consent"]) == client.consents.count() >= 1
    proposal = sections["matching.proposal"][0]
    assert proposal["consultant_decision"]["code"] == "approved"
    assert proposal["client_decision"]["label"]
    assert "breakdown" in proposal  # the JSON keeps engine fields
    assert len(sections["placements.agreement"]) == 1
    assert sections["placements.signature"]
    assert sections["aftercare.signal"][0]["category"]["code"] == SignalCategory.RENT_ARREARS
    row = AccessLogEntry.objects.get(event="cases.data_export.exported")
    assert row.action == "export" and row.client_reference == client.reference
    assert "json" in row.purpose


@pytest.mark.django_db
def test_pdf_for_the_privacy_officer_is_logged(world, signed, login):  # noqa: F811
    officer = member(Role.PRIVACY_OFFICER, world.provider)
    reference = signed.placement.client_reference
    browser = login(officer)
    page = browser.get(url("client-data-export", reference))
    assert page.status_code == 200
    counts = {s.model: len(s.records) for _p, secs in page.context["export"].parts for s in secs}
    assert counts["placements.agreement"] == 1 and counts["cases.client"] == 1
    response = browser.get(url("client-data-export-pdf", reference))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    events = list(
        AccessLogEntry.objects.filter(client_reference=reference, user_id=officer.pk)
        .order_by("id")
        .values_list("event", "action")
    )
    assert events == [
        ("cases.data_export.viewed", "view"),
        ("cases.data_export.exported", "export"),
    ]


@pytest.mark.django_db
def test_pdf_text_leaves_engine_fields_out_and_reads_dutch(world, signed):  # noqa: F811
    from django.template.loader import render_to_string

    client = signed.placement.client
    built = export.build(client=client, produced_by="Test")
    html = render_to_string("cases/rights/data_export_pdf.html", {"export": built})
    assert client.care.full_name in html
    assert "Breakdown" not in html and "capacity_before" not in html
    assert "Koppelingsvoorstellen en besluiten" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["other_coordinator", "consultant", "chair", "org_admin", "stranger"]
)
def test_nobody_else_gets_the_export(world, signed, login, who):  # noqa: F811
    if who == "stranger":
        other = OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER, region=world.region)
        user = member(Role.PRIVACY_OFFICER, other)
    else:
        user = getattr(world, who)
    reference = signed.placement.client_reference
    browser = login(user)
    for name in ("client-data-export", "client-data-export-pdf", "client-data-export-json"):
        assert browser.get(url(name, reference)).status_code == 404
    refused = AccessLogEntry.objects.filter(user_id=user.pk, result=AccessResult.REFUSED)
    assert refused.count() == 3
    assert set(refused.values_list("client_reference", flat=True)) == {reference}
    assert not AccessLogEntry.objects.filter(event__startswith="cases.data_export").exists()


@pytest.mark.django_db
def test_privacy_request_page_leads_to_the_export(world, signed, login):  # noqa: F811
    officer = member(Role.PRIVACY_OFFICER, world.provider)
    reference = signed.placement.client_reference
    response = login(officer).get(
        reverse("cases:privacy-requests"), {"reference": reference, "kind": "export"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("client-data-export", reference)
