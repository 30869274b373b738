"""Privacy holes closed at their root (issue 13): names typed at a signature follow the names
rule, the board's proposal page tells only the parties about a placement."""

from __future__ import annotations

import pytest

from cases import services as case_services
from matching.placements import machine, services
from matching.placements.models import Party

pytestmark = pytest.mark.django_db

CLIENT_NAME = "Jantje Geheimnaam"


def _signed_with_a_name(world):
    agreement = world.issued()
    for party in machine.SIGNING_ORDER[agreement.kind]:
        actor = world.consultant if party == Party.CORPORATION else world.coordinator
        agreement = services.agreement_sign(
            actor=actor,
            agreement=agreement,
            party=party,
            signed_by_name=CLIENT_NAME if party == Party.CLIENT else "Medewerker",
        )
    return agreement


@pytest.mark.parametrize("reader", ["chair", "analyst"])
def test_the_municipality_reads_no_name_typed_at_the_client_signature(world, login, reader):
    agreement = _signed_with_a_name(world)
    browser = login(getattr(world, reader))
    response = browser.get(f"/api/v1/agreements/{agreement.pk}/")
    assert response.status_code == 200
    assert CLIENT_NAME not in response.content.decode()
    client_signature = next(s for s in response.json()["signatures"] if s["party"] == "client")
    assert client_signature["signed_by_name"] == ""


def test_the_corporation_reads_the_signature_name_only_with_consent(world, login):
    agreement = _signed_with_a_name(world)
    client = agreement.placement.client
    consultant = login(world.consultant)
    assert CLIENT_NAME in consultant.get(f"/api/v1/agreements/{agreement.pk}/").content.decode()
    case_services.consent_withdraw(actor=world.coordinator, client=client)
    for url in (f"/api/v1/agreements/{agreement.pk}/", f"/afspraken/{agreement.pk}/"):
        body = consultant.get(url).content.decode()
        assert CLIENT_NAME not in body, url


def test_the_coordinator_still_reads_the_name_typed_at_the_signature(world, login):
    agreement = _signed_with_a_name(world)
    body = login(world.coordinator).get(f"/api/v1/agreements/{agreement.pk}/").json()
    names = {s["party"]: s["signed_by_name"] for s in body["signatures"]}
    assert names["client"] == CLIENT_NAME


def _refused_rows(user):
    from accounts.models import AccessLogEntry, AccessResult

    return list(AccessLogEntry.objects.filter(user_id=user.pk, result=AccessResult.REFUSED))


def test_a_refused_request_logs_only_the_raw_id_never_what_the_lookup_found(world, login):
    agreement = world.signed()
    placement = agreement.placement
    proposal = placement.proposal
    reference = placement.client_reference
    outsider = world.elsewhere_chair
    browser = login(outsider)
    urls = {
        f"/afspraken/{agreement.pk}/": str(agreement.pk),
        f"/plaatsingen/{placement.pk}/": str(placement.pk),
        f"/tafel/overleg/{world.meeting.pk}/": str(world.meeting.pk),
        f"/tafel/voorstel/{proposal.pk}/": str(proposal.pk),
        f"/api/v1/agreements/{agreement.pk}/": str(agreement.pk),
    }
    for url in urls:
        assert browser.get(url).status_code == 404, url
    rows = _refused_rows(outsider)
    assert sorted(r.object_id for r in rows) == sorted(urls.values())
    for row in rows:
        for revealed in (reference, world.meeting.week_label):
            assert revealed not in row.purpose, (row.object_type, row.purpose)
            assert revealed not in row.object_id
    # The admin of the requester's organisation reads the same rows: nothing hidden shows.
    from accounts.models import Role
    from tests.accounts.factories import member

    admin = member(Role.ORG_ADMIN, outsider.memberships.get().organisation)
    log_api = login(admin).get("/api/v1/access-log/").content.decode()
    assert reference not in log_api and world.meeting.week_label not in log_api
    page = login(admin).get("/toegangslog/")
    assert page.status_code == 200
    assert reference not in page.content.decode()
    # The client's own overview (its care provider) does list the attempt, by its client.
    assert all(r.client_reference in ("", reference) for r in rows)


def test_a_403_on_a_visible_object_logs_the_raw_id_too(world, login):
    agreement = world.signed()
    reference = agreement.placement.client_reference
    # The other provider's coordinator cannot see it; the chair can see but not edit terms.
    browser = login(world.chair)
    response = browser.post(f"/afspraken/{agreement.pk}/voorwaarden/", {})
    assert response.status_code in {403, 404}
    for row in _refused_rows(world.chair):
        assert reference not in row.purpose and reference not in row.object_id


def _expire_consent(client) -> None:
    import datetime as dt

    from django.utils import timezone

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    # Run out, not withdrawn: no task or signal has touched the stored profiles yet.
    client.consents.update(given_on=yesterday - dt.timedelta(days=30), valid_until=yesterday)


@pytest.mark.parametrize("reader", ["chair", "consultant", "other_coordinator"])
def test_a_profile_whose_consent_ran_out_is_not_served_to_other_parties(world, login, reader):
    proposal = world.proposal()
    assert proposal.profile.get("target_group")
    _expire_consent(proposal.client)
    browser = login(getattr(world, reader))
    hidden = {"reference", "consent_ended"}
    detail = browser.get(f"/api/v1/proposals/{proposal.pk}/")
    assert set(detail.json()["profile"]) <= hidden
    assert detail.json()["breakdown"] == [] and detail.json()["explanation"] == ""
    for url in ("/api/v1/proposals/", f"/api/v1/proposals/?meeting={world.meeting.pk}"):
        rows = browser.get(url).json()["results"]
        row = next(r for r in rows if r["id"] == proposal.pk)
        assert set(row["profile"]) <= hidden, url
    page = browser.get(f"/tafel/voorstel/{proposal.pk}/")
    assert set(page.context["p"].profile) <= hidden


def test_the_own_coordinator_still_reads_the_profile_after_consent_ran_out(world, login):
    proposal = world.proposal()
    _expire_consent(proposal.client)
    data = login(world.coordinator).get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert data["profile"]["target_group"] == proposal.profile["target_group"]


def test_a_get_on_a_post_only_step_is_405_not_500(world, login):
    agreement = world.issued()
    browser = login(world.coordinator)
    assert browser.get(f"/afspraken/{agreement.pk}/tekenen/").status_code == 405
    assert browser.get(f"/afspraken/{agreement.pk}/stap/revise/").status_code == 405


def _rows_during(browser, url):
    from accounts.models import AccessLogEntry

    before = AccessLogEntry.objects.count()
    response = browser.get(url)
    return response, AccessLogEntry.objects.count() - before


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("chair", "/api/v1/proposals/"),
        ("chair", "/api/v1/proposals/?meeting={meeting}"),
        ("chair", "/tafel/overleg/{meeting}/live/"),
        ("chair", "/tafel/overleg/{meeting}/notulen/"),
        ("coordinator", "/afspraken/{agreement}/voorwaarden/"),
    ],
)
def test_a_read_of_client_data_writes_one_row_and_is_not_cached(world, login, who, url):
    agreement = world.draft()
    url = url.format(meeting=world.meeting.pk, agreement=agreement.pk)
    response, rows = _rows_during(login(getattr(world, who)), url)
    assert response.status_code == 200, url
    assert rows == 1, url
    cache = response.headers["Cache-Control"]
    assert "no-store" in cache and "private" in cache


@pytest.mark.parametrize("reader", ["other_coordinator", "other_consultant"])
def test_only_the_parties_hear_that_a_proposal_became_a_placement(world, login, reader):
    placement = world.placement()
    page = login(getattr(world, reader)).get(f"/tafel/voorstel/{placement.proposal_id}/")
    if page.status_code == 404:
        return  # not visible at all: nothing told either
    assert f"/plaatsingen/{placement.pk}/" not in page.content.decode()
    party = login(world.coordinator).get(f"/tafel/voorstel/{placement.proposal_id}/")
    assert f"/plaatsingen/{placement.pk}/" in party.content.decode()
