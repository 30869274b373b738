"""'Wie heeft mijn dossier ingezien?': the overview covers every row about the client (also
its agreements, signals and refused attempts), only for the provider's coordinators and its
privacy officer, with a Dutch PDF, and producing it is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import AccessLogEntry, AccessResult, OrganisationKind, Role
from matching.aftercare import services as aftercare_services
from matching.aftercare.models import SignalCategory
from tests.accounts.factories import OrganisationFactory, member
from tests.cases.factories import make_client
from tests.placements.conftest import World, world  # noqa: F401 - fixture used here


def overview_url(reference: str, **period: str) -> str:
    url = reverse("cases:client-access-overview", kwargs={"reference": reference})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in period.items()) if period else "")


def around_today() -> dict[str, str]:
    # A period around the rows just written, wide enough for a test run after midnight.
    today = timezone.localdate()
    return {
        "date_from": (today - dt.timedelta(days=2)).isoformat(),
        "date_to": (today + dt.timedelta(days=2)).isoformat(),
    }


@pytest.fixture
def agreement(world: World):  # noqa: F811
    return world.signed()


@pytest.fixture
def privacy_officer(world: World):  # noqa: F811
    return member(Role.PRIVACY_OFFICER, world.provider)


@pytest.mark.django_db
def test_rows_about_the_clients_related_objects_name_the_client(world, agreement):  # noqa: F811
    reference = agreement.placement.client_reference
    signal = aftercare_services.signal_raise(
        actor=world.consultant,
        agreement=agreement,
        category=SignalCategory.RENT_ARREARS,
        observed_on=agreement.lease_start,
        description="Twee maanden huur niet betaald.",
    )
    for target in (
        agreement.placement.client,
        agreement.placement,
        agreement,
        signal,
        world.meeting.proposals.get(pk=agreement.placement.proposal_id),
    ):
        row = access.audit("test.thing.viewed", actor=world.coordinator, target=target)
        assert row.client_reference == reference, target
    unrelated = access.audit("test.thing.viewed", actor=world.chair, target=world.meeting)
    assert unrelated.client_reference == ""


@pytest.mark.django_db
def test_overview_lists_reads_of_agreement_and_signal_and_refused_attempts(
    world,  # noqa: F811
    agreement,
    login,
):
    reference = agreement.placement.client_reference
    other = make_client(world.coordinator, municipality=world.municipality)
    assert (
        login(world.consultant)
        .get(reverse("placements:agreement-detail", kwargs={"pk": agreement.pk}))
        .status_code
        == 200
    )
    # Another corporation's consultant guesses the agreement's id: 404, and a refused row
    # that names the client even though the object was not visible to them.
    assert (
        login(world.other_consultant)
        .get(reverse("placements:agreement-detail", kwargs={"pk": agreement.pk}))
        .status_code
        == 404
    )
    # Another provider's coordinator tries the client page by its pseudonym.
    assert (
        login(world.other_coordinator)
        .get(reverse("cases:client-detail", kwargs={"reference": reference}))
        .status_code
        == 404
    )
    login(world.coordinator).get(
        reverse("cases:client-detail", kwargs={"reference": other.reference})
    )

    response = login(world.coordinator).get(overview_url(reference, **around_today()))
    assert response.status_code == 200
    rows = response.context["rows"]
    people = {r.person for r in rows}
    assert world.consultant.full_name in people
    assert world.other_consultant.full_name in people
    assert world.other_coordinator.full_name in people
    refused = [r for r in rows if r.refused]
    assert {r.person for r in refused} == {
        world.other_consultant.full_name,
        world.other_coordinator.full_name,
    }
    logged = AccessLogEntry.objects.filter(client_reference=reference)
    assert not logged.filter(object_id=other.reference).exists()
    assert response.context["summary"]["refused"] == 2
    # Producing the overview is itself logged, naming the client.
    produced = AccessLogEntry.objects.filter(event="cases.access_overview.viewed").get()
    assert produced.client_reference == reference
    assert produced.user_id == world.coordinator.pk


@pytest.mark.django_db
def test_period_excludes_rows_outside_it(world, agreement, login):  # noqa: F811
    reference = agreement.placement.client_reference
    far = timezone.localdate() - dt.timedelta(days=400)
    response = login(world.coordinator).get(
        overview_url(
            reference,
            date_from=(far - dt.timedelta(days=10)).isoformat(),
            date_to=far.isoformat(),
        )
    )
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["summary"]["total"] == 0
    assert AccessLogEntry.objects.filter(event="cases.access_overview.viewed").count() == 1


@pytest.mark.django_db
def test_reversed_period_gets_a_field_message_and_is_logged(world, agreement, login):  # noqa: F811
    reference = agreement.placement.client_reference
    today = timezone.localdate()
    response = login(world.coordinator).get(
        overview_url(
            reference,
            date_from=today.isoformat(),
            date_to=(today - dt.timedelta(days=3)).isoformat(),
        )
    )
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors
    row = AccessLogEntry.objects.get(event="cases.access_overview.viewed")
    assert row.result == AccessResult.ERROR and row.client_reference == reference
    bad = login(world.coordinator).get(overview_url(reference, date_from="gisteren"))
    assert bad.status_code == 400 and "date_from" in bad.context["form"].errors


@pytest.mark.django_db
def test_privacy_officer_of_the_provider_produces_the_pdf(world, agreement, privacy_officer, login):  # noqa: F811
    reference = agreement.placement.client_reference
    browser = login(privacy_officer)
    url = reverse("cases:client-access-overview-pdf", kwargs={"reference": reference})
    response = browser.get(url + "?" + "&".join(f"{k}={v}" for k, v in around_today().items()))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert reference in response["Content-Disposition"]
    row = AccessLogEntry.objects.get(event="cases.access_overview.printed")
    assert row.action == "print" and row.client_reference == reference
    assert row.rule == "cases.client.access_overview:own-provider-or-privacy-officer"
    # The privacy officer gains no access to the client's pages themselves.
    assert (
        browser.get(reverse("cases:client-detail", kwargs={"reference": reference})).status_code
        == 404
    )


@pytest.mark.django_db
def test_pdf_text_is_dutch_and_names_who_looked(world, agreement, login):  # noqa: F811
    from cases.models import ClientRights
    from cases.rights import overview

    reference = agreement.placement.client_reference
    login(world.consultant).get(reverse("placements:agreement-detail", kwargs={"pk": agreement.pk}))
    client = ClientRights.objects.get(reference=reference)
    today = timezone.localdate()
    html_context_rows = overview.rows(
        list(
            overview.entries_for(
                client=client, start=today - dt.timedelta(days=2), end=today + dt.timedelta(days=2)
            )
        )
    )
    assert any(
        r.person == world.consultant.full_name and r.organisation == world.corporation.name
        for r in html_context_rows
    )
    assert any(r.what == "afspraak ingezien" for r in html_context_rows)
    pdf, count = overview.render_pdf(
        client=client,
        start=today - dt.timedelta(days=2),
        end=today + dt.timedelta(days=2),
        viewer=world.coordinator,
    )
    assert pdf.startswith(b"%PDF") and count == len(html_context_rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["other_coordinator", "consultant", "chair", "org_admin", "other_privacy_officer"]
)
def test_nobody_else_learns_the_client_exists(world, agreement, login, who):  # noqa: F811
    if who == "other_privacy_officer":
        other = OrganisationFactory(
            kind=OrganisationKind.CARE_PROVIDER, region=world.region, name="Elders Zorg"
        )
        user = member(Role.PRIVACY_OFFICER, other)
    else:
        user = getattr(world, who)
    reference = agreement.placement.client_reference
    browser = login(user)
    for name in ("cases:client-access-overview", "cases:client-access-overview-pdf"):
        assert browser.get(reverse(name, kwargs={"reference": reference})).status_code == 404
    refused = AccessLogEntry.objects.filter(user_id=user.pk, result=AccessResult.REFUSED)
    assert refused.count() == 2
    assert set(refused.values_list("client_reference", flat=True)) == {reference}
    assert not AccessLogEntry.objects.filter(event__startswith="cases.access_overview").exists()


@pytest.mark.django_db
def test_privacy_request_page_finds_own_clients_only(world, agreement, privacy_officer, login):  # noqa: F811
    reference = agreement.placement.client_reference
    browser = login(privacy_officer)
    page = reverse("cases:privacy-requests")
    assert browser.get(page).status_code == 200
    found = browser.get(page, {"reference": reference.lower(), "kind": "access"})
    assert found.status_code == 302
    assert found["Location"] == reverse(
        "cases:client-access-overview", kwargs={"reference": reference}
    )
    elsewhere = OrganisationFactory(
        kind=OrganisationKind.CARE_PROVIDER, region=world.region, name="Elders Zorg"
    )
    stranger = make_client(
        member(Role.CARE_COORDINATOR, elsewhere), municipality=world.municipality
    )
    missing = browser.get(page, {"reference": stranger.reference, "kind": "access"})
    assert missing.status_code == 400 and "reference" in missing.context["form"].errors
    refused = AccessLogEntry.objects.get(user_id=privacy_officer.pk, result=AccessResult.REFUSED)
    assert refused.client_reference == stranger.reference
    malformed = browser.get(page, {"reference": "Jansen", "kind": "access"})
    assert malformed.status_code == 400 and malformed.context["form"].errors["reference"]
    # A consultant has no privacy-requests page at all.
    assert login(world.consultant).get(page).status_code == 403
