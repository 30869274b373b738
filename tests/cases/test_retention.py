"""Retention: a case closed longer ago than its period is anonymised by the daily task (rows,
statuses and the pseudonym stay; personal and care-only values go), idempotent, bounded in
time, with a dry run; never while a case is open; erasure on request with the same machinery,
refused with the reason while a legal duty applies; an anonymised client has no export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLogEntry, AccessResult, Role
from cases import services
from cases.models import CareRecord, Client, ClientNote, ClientRights, ClientStatus
from cases.rights import export, retention
from cases.tasks import apply_retention
from matching.aftercare.models import Signal
from matching.placements.models import AgreementDocument, AgreementState
from tests.accounts.factories import member
from tests.aftercare.conftest import agreement, raise_signal  # noqa: F401 - fixtures
from tests.cases.factories import make_client
from tests.placements.conftest import World, world  # noqa: F401 - fixture used here

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=settings.RETENTION_CARE_DAYS + 30)


def closed_long_ago(client: Client, status: str = ClientStatus.WITHDRAWN) -> Client:
    Client.objects.filter(pk=client.pk).update(
        status=status, status_changed_at=timezone.now() - LONG_AGO
    )
    client.refresh_from_db()
    return client


@pytest.fixture
def withdrawn(world: World):  # noqa: F811
    client = make_client(world.coordinator, status="withdrawn", municipality=world.municipality)
    services.client_note_add(
        actor=world.coordinator, client=client, body="Gesprek met moeder gehad."
    )
    return closed_long_ago(client)


def test_the_daily_task_anonymises_an_old_closed_case_once(world, withdrawn):  # noqa: F811
    name = withdrawn.care.full_name
    result = apply_retention.apply().get()
    assert result["anonymised"] == [
        {
            "client": withdrawn.reference,
            "kinds": ["care", "contract"],
            "rows": result["anonymised"][0]["rows"],
            "parts": result["anonymised"][0]["parts"],
        }
    ]
    assert result["anonymised"][0]["parts"]["cases"] > 0
    withdrawn.refresh_from_db()
    care = CareRecord.objects.get(client=withdrawn)
    assert (care.full_name, care.phone, care.care_history, care.date_of_birth) == ("", "", "", None)
    assert not ClientNote.objects.filter(client=withdrawn).exists()
    assert withdrawn.anonymised_at and withdrawn.contract_anonymised_at
    # The row, its pseudonym and its status stay for the statistics.
    assert Client.objects.filter(
        reference=withdrawn.reference, status=ClientStatus.WITHDRAWN
    ).exists()
    row = AccessLogEntry.objects.get(event="cases.client.anonymised")
    assert row.action == "delete" and row.client_reference == withdrawn.reference
    assert row.channel == "system" and row.rule == "system:cases.retention"
    assert AccessLogEntry.objects.filter(event="cases.retention.applied").count() == 1
    assert name not in json.dumps(export.build(client=withdrawn, produced_by="x").as_json())
    again = apply_retention.apply().get()
    assert again["anonymised"] == []  # idempotent: nothing left to do
    assert AccessLogEntry.objects.filter(event="cases.client.anonymised").count() == 1


def test_dry_run_reports_and_changes_nothing(world, withdrawn):  # noqa: F811
    report = retention.retention_apply(dry_run=True)
    assert [o.reference for o in report.done] == [withdrawn.reference]
    withdrawn.refresh_from_db()
    assert withdrawn.anonymised_at is None and withdrawn.care.full_name
    assert ClientNote.objects.filter(client=withdrawn).exists()
    assert not AccessLogEntry.objects.filter(event="cases.client.anonymised").exists()
    assert AccessLogEntry.objects.get(event="cases.retention.checked").action == "search"


def test_recent_and_open_cases_are_never_touched(world):  # noqa: F811
    recent = make_client(world.coordinator, status="withdrawn", municipality=world.municipality)
    old_draft = make_client(world.coordinator, municipality=world.municipality)
    Client.objects.filter(pk=old_draft.pk).update(status_changed_at=timezone.now() - LONG_AGO)
    report = retention.retention_apply()
    assert report.done == []
    for client in (recent, old_draft):
        client.refresh_from_db()
        assert client.anonymised_at is None and CareRecord.objects.get(client=client).full_name


def test_time_limit_stops_and_the_next_run_continues(world, withdrawn):  # noqa: F811
    first = retention.retention_apply(seconds=-1)
    assert first.stopped_early and first.done == []
    assert "volgende run" in AccessLogEntry.objects.get(event="cases.retention.applied").purpose
    second = retention.retention_apply()
    assert [o.reference for o in second.done] == [withdrawn.reference]


@pytest.fixture
def housed(agreement, raise_signal):  # noqa: F811
    """A signed agreement with a rent-arrears signal on it (the aftercare world's)."""
    raise_signal()
    return agreement


def test_a_closed_case_with_a_running_agreement_is_kept(world, housed):  # noqa: F811
    client = closed_long_ago(housed.placement.client, ClientStatus.CLOSED)
    report = retention.retention_apply()
    assert report.done == [] and client.reference in report.skipped
    client.refresh_from_db()
    assert client.anonymised_at is None


def end_everything(agreement, *, ended_on: dt.date) -> Client:  # noqa: F811
    from matching.placements.models import Agreement

    Agreement.objects.filter(pk=agreement.pk).update(state=AgreementState.ENDED, ended_on=ended_on)
    Signal.objects.filter(agreement=agreement).update(
        state="closed", outcome="resolved", closed_at=timezone.now()
    )
    return closed_long_ago(agreement.placement.client, ClientStatus.CLOSED)


def test_erasure_is_refused_while_the_agreement_runs(world, housed, login):  # noqa: F811
    officer = member(Role.PRIVACY_OFFICER, world.provider)
    client = housed.placement.client
    url = reverse("cases:client-erase", kwargs={"reference": client.reference})
    browser = login(officer)
    page = browser.get(url)
    assert page.status_code == 200 and page.context["open_reason"]
    response = browser.post(url, {"confirm": "on"})
    assert response.status_code == 409
    client.refresh_from_db()
    assert client.anonymised_at is None and client.care.full_name
    refused = AccessLogEntry.objects.get(event="cases.client.anonymised")
    assert refused.result == AccessResult.REFUSED and refused.rule == "open_case"
    with pytest.raises(Exception) as error:
        retention.client_erase(actor=officer, client=ClientRights.objects.get(pk=client.pk))
    assert getattr(error.value, "code", None) == "open_case"


def test_erasure_keeps_contract_data_for_their_legal_period(world, housed, login):  # noqa: F811
    officer = member(Role.PRIVACY_OFFICER, world.provider)
    today = timezone.localdate()
    client = end_everything(housed, ended_on=today - dt.timedelta(days=30))
    url = reverse("cases:client-erase", kwargs={"reference": client.reference})
    browser = login(officer)
    assert browser.post(url, {}).status_code == 400  # not confirmed: nothing happens
    assert Client.objects.get(pk=client.pk).anonymised_at is None
    response = browser.post(url, {"confirm": "on"})
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.anonymised_at and client.contract_anonymised_at is None
    assert Signal.objects.get(agreement=housed).description == ""
    assert AgreementDocument.objects.filter(agreement=housed).exists()  # kept: fiscal duty
    until = retention.contract_kept_until(client)
    assert until == today - dt.timedelta(days=30) + dt.timedelta(
        days=settings.RETENTION_CONTRACT_DAYS
    )
    # A second request: nothing more may go yet.
    assert browser.post(url, {"confirm": "on"}).status_code == 409
    # After the legal period the daily task removes the contract data too.
    later = timezone.now() + dt.timedelta(days=settings.RETENTION_CONTRACT_DAYS)
    report = retention.retention_apply(now=later)
    assert [(o.reference, o.kinds) for o in report.done] == [
        (client.reference, frozenset({"contract"}))
    ]
    assert not AgreementDocument.objects.filter(agreement=housed).exists()
    housed.refresh_from_db()
    assert housed.contact_person == "" and housed.state == AgreementState.ENDED


def test_the_erase_page_read_by_the_privacy_officer_writes_one_row(world, housed, login):  # noqa: F811
    """The page names the client and what is kept: a read of client data, one row per
    rendered request (GET, and the unconfirmed POST that shows the page again)."""
    officer = member(Role.PRIVACY_OFFICER, world.provider)
    client = housed.placement.client
    url = reverse("cases:client-erase", kwargs={"reference": client.reference})
    browser = login(officer)

    def rows_of(response) -> list[tuple[str, str, str, str]]:
        assert client.reference in response.content.decode()
        return list(
            AccessLogEntry.objects.filter(user_id=officer.pk)
            .order_by("pk")
            .values_list("event", "result", "object_id", "client_reference")
        )

    viewed = ("cases.client.viewed", AccessResult.SUCCESS, client.reference, client.reference)
    page = browser.get(url)
    assert page.status_code == 200 and rows_of(page) == [viewed]
    page = browser.post(url, {})
    assert page.status_code == 400 and rows_of(page) == [viewed, viewed]
    row = AccessLogEntry.objects.filter(user_id=officer.pk).latest("pk")
    assert row.purpose == "verzoek tot wissen" and row.rule.endswith(":privacy-officer")


def test_coordinators_cannot_erase(world, housed, login):  # noqa: F811
    client = housed.placement.client
    url = reverse("cases:client-erase", kwargs={"reference": client.reference})
    assert login(world.coordinator).get(url).status_code == 403


def test_signal_counts_do_not_change_when_anonymised(world, housed):  # noqa: F811
    from matching.aftercare import selectors

    start, end = (
        housed.lease_start - dt.timedelta(days=40),
        timezone.localdate() + dt.timedelta(days=1),
    )
    before = selectors.counts_per_neighbourhood(user=world.chair, start=start, end=end)
    end_everything(housed, ended_on=timezone.localdate())
    assert retention.retention_apply().done
    after = selectors.counts_per_neighbourhood(user=world.chair, start=start, end=end)
    assert after == before


def test_an_anonymised_client_has_no_export(world, withdrawn, login):  # noqa: F811
    retention.retention_apply()
    browser = login(world.coordinator)
    for name in ("client-data-export", "client-data-export-pdf", "client-data-export-json"):
        response = browser.get(reverse(f"cases:{name}", kwargs={"reference": withdrawn.reference}))
        assert response.status_code == 409
    refused = AccessLogEntry.objects.filter(
        event="cases.data_export.exported", result=AccessResult.REFUSED
    )
    assert refused.count() == 3 and set(refused.values_list("rule", flat=True)) == {"anonymised"}
    # Who looked at the file stays answerable.
    overview = browser.get(
        reverse("cases:client-access-overview", kwargs={"reference": withdrawn.reference})
    )
    assert overview.status_code == 200


def test_every_part_says_how_it_anonymises():
    assert all(callable(part.anonymise) for part in export.parts())
    assert {p.key for p in export.parts()} == {"cases", "board", "placements", "aftercare"}


def test_the_demo_has_a_closed_case_the_task_anonymises_and_the_counts_stay():
    from collections import Counter
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    before = Counter(Client.objects.values_list("status", flat=True))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "would anonymise WB-" in out.getvalue()
    report = retention.retention_apply()
    assert len(report.done) == 1
    aged = Client.objects.get(reference=report.done[0].reference)
    assert aged.status == ClientStatus.CLOSED and aged.anonymised_at is not None
    assert CareRecord.objects.get(client=aged).full_name == ""
    assert Counter(Client.objects.values_list("status", flat=True)) == before
    call_command("seed_demo", stdout=StringIO())  # a second seed ages nothing more
    assert retention.retention_apply().done == []
