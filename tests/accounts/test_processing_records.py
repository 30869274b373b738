"""The records of processing (verwerkingsregister): every field classified, the document in
docs/ current, who sees a model read from the policies, retention read from the settings, and
the page only for org admins and privacy officers."""

from __future__ import annotations

import dataclasses
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts import records
from accounts.models import AccessLogEntry, AccessResult, Role
from cases.models import CareRecord, Client, HousingProfile
from tests.accounts.factories import member

DOC = Path(__file__).resolve().parents[2] / "docs" / "processing.md"


def test_every_field_of_every_model_is_classified():
    assert records.problems() == []


def test_a_field_left_out_of_its_declaration_fails(monkeypatch):
    declaration = records.declaration_for(CareRecord)
    assert declaration is not None
    fields = {k: v for k, v in declaration.fields.items() if k != "care_history"}
    monkeypatch.setitem(
        records._declarations, CareRecord, dataclasses.replace(declaration, fields=fields)
    )
    assert records.problems() == [
        records.Problem("cases.CareRecord", "field 'care_history' is not classified")
    ]


def test_a_model_without_a_declaration_fails(monkeypatch):
    monkeypatch.delitem(records._declarations, HousingProfile)
    problems = records.problems()
    assert [p.model for p in problems] == ["cases.HousingProfile"]


def test_a_classification_of_a_field_that_does_not_exist_fails(monkeypatch):
    declaration = records.declaration_for(Client)
    assert declaration is not None
    fields = {**declaration.fields, "nickname": records.Category.PERSONAL}
    monkeypatch.setitem(
        records._declarations, Client, dataclasses.replace(declaration, fields=fields)
    )
    assert [p.message for p in records.problems()] == [
        "'nickname' is classified but is not a field"
    ]


def test_a_field_cannot_be_classified_twice():
    with pytest.raises(ValueError):
        records.declare(
            Client, purpose="x", retention="care", personal="reference", other="reference"
        )


def test_the_care_record_is_care_only_and_the_profile_holds_special_categories():
    care = records.declaration_for(CareRecord)
    profile = records.declaration_for(HousingProfile)
    assert care is not None and profile is not None
    assert set(care.fields_in(records.Category.CARE)) >= {"full_name", "care_history"}
    assert "wheelchair" in profile.fields_in(records.Category.SPECIAL)


def test_docs_processing_md_is_what_the_code_generates():
    out = StringIO()
    call_command("processing_records", stdout=out)
    assert DOC.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/processing.md out of date: run `manage.py processing_records > docs/processing.md`"
    )


def test_who_sees_a_model_comes_from_its_policy_and_via_its_parent():
    with translation.override("nl"):
        apps_ = {a.label: a for a in records.register_records()}
        by_label = {m.label: m for m in apps_["cases"].models}
        client, care = by_label["cases.Client"], by_label["cases.CareRecord"]
    # view and list from ClientPolicy; the overview and the copy from its proxy ClientRights.
    assert [r.roles for r in client.readers] == [
        ["zorgcoördinator"],
        ["zorgcoördinator"],
        ["zorgcoördinator", "privacyfunctionaris"],
        ["zorgcoördinator", "privacyfunctionaris"],
    ]
    assert care.readers == client.readers and care.via == "cliënt"


def test_roles_are_read_from_composed_predicate_names():
    name = "((role-in-org:care_coordinator | role-in-org:housing_consultant) | chair-of-region:x)"
    assert records._roles_in(name) == [
        Role.CARE_COORDINATOR,
        Role.HOUSING_CONSULTANT,
        Role.BOARD_CHAIR,
    ]


@override_settings(RETENTION_CARE_DAYS=100)
def test_the_retention_period_is_read_from_the_settings():
    with translation.override("nl"):
        text = records.markdown()
    assert "| 100 dagen (RETENTION_CARE_DAYS) |" in text


# --- The page: org admins and privacy officers; everyone else 403 ----------------------------

URLS = ["accounts:processing-records", "accounts:processing-records-markdown"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.PRIVACY_OFFICER])
def test_org_admins_and_privacy_officers_open_the_register(login, role, name):
    response = login(member(role)).get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*URLS, "accounts:processing-records-pdf"])
@pytest.mark.parametrize(
    "role", [Role.CARE_COORDINATOR, Role.HOUSING_CONSULTANT, Role.BOARD_CHAIR, Role.ANALYST]
)
def test_other_roles_are_refused_and_the_refusal_is_logged(login, role, name):
    response = login(member(role)).get(reverse(name))
    assert response.status_code == 403
    refused = AccessLogEntry.objects.get(result=AccessResult.REFUSED)
    assert refused.rule.startswith("accounts.organisation.processing_records")


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("accounts:processing-records"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_the_page_lists_every_declared_model_and_offers_the_pdf(login):
    response = login(member(Role.PRIVACY_OFFICER)).get(reverse("accounts:processing-records"))
    body = response.content.decode()
    for model in records.tracked_models():
        assert f"<code>{model._meta.label}</code>" in body
    assert reverse("accounts:processing-records-pdf") in body


@pytest.mark.django_db
def test_the_pdf_is_a_pdf(login):
    response = login(member(Role.ORG_ADMIN)).get(reverse("accounts:processing-records-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:5]
        == b"%PDF-"
    )


@pytest.mark.django_db
def test_the_markdown_download_is_the_register(login):
    response = login(member(Role.ORG_ADMIN)).get(reverse("accounts:processing-records-markdown"))
    assert response.content.decode() == records.markdown()


@pytest.mark.django_db
def test_the_register_is_in_the_menu_of_privacy_officers_only_among_care_roles(login):
    url = reverse("accounts:processing-records")
    assert url in login(member(Role.PRIVACY_OFFICER)).get(reverse("home")).content.decode()
    assert url not in login(member(Role.CARE_COORDINATOR)).get(reverse("home")).content.decode()
