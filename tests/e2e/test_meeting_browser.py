"""The weekly meeting end to end in three browsers at once (chair, consultant, coordinator),
with an override confirmed by a second chair and the minutes; and the coordinator's intake
on a 390 px phone. Runs on the demo region (`seed_demo`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PASSWORD = "woonbrug-demo-2026"
SCREENS = Path(settings.BASE_DIR) / "benchmarks" / "screens"


@pytest.fixture
def demo(settings):
    settings.REQUIRE_MFA = False  # the demo's own setting; sign-in itself is tested elsewhere
    call_command("seed_demo", stdout=io.StringIO())


def open_as(browser, base: str, email: str, viewport=None):
    context = browser.new_context(
        viewport=viewport or {"width": 1366, "height": 768}, locale="nl-NL"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm questions
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("h1")
    return context, page, errors


def test_the_weekly_meeting_across_three_parties_with_an_override_and_minutes(
    live_server, browser, demo
):
    SCREENS.mkdir(parents=True, exist_ok=True)
    from accounts.models import Membership, Role
    from matching.board.models import Meeting, Proposal, ProposalStatus

    base = live_server.url
    meeting = Meeting.objects.order_by("-date").first()
    chair_ctx, chair, chair_errors = open_as(
        browser, base, "voorzitter@gemeente.demo", {"width": 1920, "height": 1080}
    )

    # The chair recalculates the proposals on the shared screen and keeps it open.
    chair.goto(f"{base}/tafel/overleg/{meeting.pk}/")
    with chair.expect_navigation():
        chair.click("text=Voorstellen (opnieuw) berekenen")
    chair.wait_for_load_state("networkidle")
    # The proposal the three parties decide, as this run made it (a recalculation may pair
    # the demo's clients differently once the other demo data changed the neighbourhoods).
    proposal = (
        Proposal.objects.filter(
            meeting=meeting,
            status=ProposalStatus.OPEN,
            care_provider__name="Zorggroep De Brug (GGZ)",
        )
        .order_by("pk")
        .first()
    )
    assert proposal is not None
    consultant_email = (
        Membership.objects.filter(
            organisation=proposal.corporation, role=Role.HOUSING_CONSULTANT, is_active=True
        )
        .order_by("pk")
        .values_list("user__email", flat=True)
        .first()
    )
    row = f'[data-proposal="{proposal.pk}"]'
    chair.wait_for_selector(row)
    chair.screenshot(path=str(SCREENS / "meeting-e2e-chair-1920.png"))
    visible = chair.evaluate(
        "() => Array.from(document.querySelectorAll('[data-row]')).filter(r => "
        "r.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    total = chair.locator("[data-row]").count()  # the agenda's rows (superseded ones are gone)
    assert total > 0 and visible >= min(12, total)
    chair.focus(f"{row} [data-row-link]")
    consultant_ctx, consultant, consultant_errors = open_as(browser, base, consultant_email)
    coordinator_ctx, coordinator, coordinator_errors = open_as(
        browser, base, "coordinator@debrug.demo"
    )

    # The consultant approves from the Werkvoorraad; the coordinator records the client's yes.
    consultant.goto(f"{base}/")
    consultant.click("[data-key='board.consultant_decisions'] .work-action")
    consultant.goto(f"{base}/tafel/voorstel/{proposal.pk}/")
    consultant.click("form:has(input[value=approved]) button.primary")
    consultant.wait_for_selector(".message-success")
    coordinator.goto(f"{base}/tafel/voorstel/{proposal.pk}/")
    coordinator.click("form:has(input[value=accepted]) button.primary")
    coordinator.wait_for_selector(".message-success")

    # The chair's screen shows the agreement after the live refresh, focus still on the row.
    chair.wait_for_selector(f"{row} .badge-green:has-text('akkoord')", timeout=15_000)
    chair.wait_for_timeout(6_000)  # one more refresh
    focused = chair.evaluate("document.activeElement.closest('[data-row]')?.dataset.proposal")
    assert focused == str(proposal.pk)

    # An override from the helper: a client that fits only if a limit is lifted.
    chair.reload()
    helper = chair.locator("details.override-helper").first
    helper.locator("summary").click()
    helper.locator("textarea").fill("Het netwerk van de cliënt woont om de hoek; korte lijnen.")
    helper.locator("button").click()
    chair.wait_for_selector("text=wacht op tweede akkoord")
    override_url = chair.url
    second_ctx, second, second_errors = open_as(browser, base, "regisseur@gemeente.demo")
    second.goto(f"{base}/")
    assert second.locator("[data-key='board.overrides_to_confirm']").count() == 1
    second.goto(override_url)
    second.click("text=Bevestigen (tweede paar ogen)")
    second.wait_for_selector(".message-success")

    # The minutes record the agreement and the confirmed override.
    chair.goto(f"{base}/tafel/overleg/{meeting.pk}/notulen/")
    minutes = chair.content()
    assert proposal.client.reference in minutes
    assert "Overschrijding" in minutes
    for context in (chair_ctx, consultant_ctx, coordinator_ctx, second_ctx):
        context.close()
    errors = chair_errors + consultant_errors + coordinator_errors + second_errors
    assert not errors, errors


def test_a_coordinator_registers_a_client_on_a_phone(live_server, browser, demo):
    context, page, errors = open_as(
        browser, live_server.url, "coordinator@debrug.demo", {"width": 390, "height": 844}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    assert header <= 130
    page.goto(f"{live_server.url}/clienten/nieuw/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#id_full_name", "Sanne de Wit")
    page.select_option("#id_target_group", "ggz")
    page.fill("#id_adults", "1")
    page.click("button[name=save]")
    page.wait_for_selector(".message-success")
    assert "is geregistreerd" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/clienten/?q=Sanne")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Sanne de Wit" in page.content()
    context.close()
    assert not errors, errors
