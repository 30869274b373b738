"""Every read of a client page or API object and every change is logged, with purpose,
naming the client by its pseudonym only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry
from cases import services

from .factories import give_consent, make_client

pytestmark = pytest.mark.django_db


def last(**filters) -> AccessLogEntry:
    return AccessLogEntry.objects.filter(**filters).order_by("-id").first()


def test_reading_the_client_page_is_logged_with_purpose(coordinator, login):
    client = make_client(coordinator, full_name="Anna Dekker")
    login(coordinator).get(reverse("cases:client-detail", args=[client.reference]))
    row = last(action="view", object_type="cases.client")
    assert (row.object_id, row.user_id, row.result, row.channel) == (
        client.reference,
        coordinator.pk,
        "success",
        "web",
    )
    assert row.purpose == "cliëntdossier"
    assert row.rule == "cases.client.view:own-provider"
    assert "Anna" not in str(row.__dict__)


def test_reading_through_the_api_is_logged_with_the_given_purpose(coordinator, login):
    client = make_client(coordinator)
    login(coordinator).get(
        f"/api/v1/clients/{client.reference}/", HTTP_X_PURPOSE="voorbereiding tafel"
    )
    row = last(action="view", object_id=client.reference)
    assert (row.channel, row.purpose) == ("api", "voorbereiding tafel")


def test_the_preview_read_is_logged(coordinator, login):
    client = make_client(coordinator)
    login(coordinator).get(reverse("cases:client-preview", args=[client.reference]))
    assert (
        last(action="view", object_id=client.reference).purpose == "voorvertoning gedeelde gegevens"
    )


def test_registering_is_logged_as_a_create(coordinator, login):
    response = login(coordinator).post(
        reverse("cases:client-create"), {"adults": "1", "children": "0"}
    )
    reference = response.url.rstrip("/").rsplit("/", 1)[1]
    row = last(action="create", object_id=reference)
    assert (row.purpose, row.result, row.channel) == ("intake", "success", "web")


def test_changes_are_logged_in_the_same_transaction(coordinator, login):
    client = make_client(coordinator)
    login(coordinator).post(
        reverse("cases:client-edit", args=[client.reference]), {"adults": "2", "children": "0"}
    )
    row = last(action="change", object_id=client.reference)
    assert (row.purpose, row.user_id) == ("cliëntdossier", coordinator.pk)


def test_a_refused_change_leaves_no_change_row(coordinator):
    client = make_client(coordinator)
    before = AccessLogEntry.objects.filter(action="change", object_id=client.reference).count()
    with pytest.raises(services.FieldErrors):
        services.client_update(actor=coordinator, client=client, data={"adults": 0})
    assert (
        AccessLogEntry.objects.filter(action="change", object_id=client.reference).count() == before
    )


@pytest.mark.parametrize(
    ("call", "event"),
    [
        (lambda u, c: give_consent(u, c), "cases.client.consent_recorded"),
        (
            lambda u, c: services.client_note_add(actor=u, client=c, body="gebeld"),
            "cases.client.note_added",
        ),
        (
            lambda u, c: services.client_transition(
                actor=u, client=c, action="pause", reason="opname"
            ),
            "cases.client.pause",
        ),
    ],
)
def test_every_service_write_is_logged_with_its_event_and_the_why(coordinator, call, event):
    client = make_client(coordinator)
    call(coordinator, client)
    row = last(object_id=client.reference)
    assert (row.event, row.purpose) == (event, "cliëntdossier")


def test_withdrawal_is_logged(coordinator, geo):
    client = make_client(coordinator, status="ready", municipality=geo.municipality)
    services.consent_withdraw(actor=coordinator, client=client)
    assert last(object_id=client.reference).event == "cases.client.consent_withdrawn"


def test_the_list_logs_a_search_but_never_the_search_text(coordinator, login):
    make_client(coordinator, full_name="Bert Bakker")
    login(coordinator).get(reverse("cases:client-list"), {"q": "Bakker"})
    row = last(action="search", object_type="cases.client")
    assert row.purpose == "cliëntenoverzicht"
    assert "Bakker" not in f"{row.object_id} {row.purpose} {row.rule}"


def test_refused_reads_are_logged(outsider, coordinator, login):
    client = make_client(coordinator)
    login(outsider).get(reverse("cases:client-detail", args=[client.reference]))
    row = last(result="refused")
    assert (row.user_id, row.object_id, row.rule) == (outsider.pk, client.reference, "not-visible")


def test_a_colleague_refused_a_change_is_logged_with_the_rule(coordinator, colleague, login):
    client = make_client(coordinator)
    login(colleague).get(reverse("cases:client-edit", args=[client.reference]))
    row = last(result="refused")
    assert row.rule == "cases.client.change:assigned-coordinator"
