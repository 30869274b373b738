"""Pages: filters, field-level messages for refused steps, navigation, Dutch text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import navigation
from accounts.models import Role
from matching.placements.models import Agreement, AgreementKind

from .conftest import backdate

pytestmark = pytest.mark.django_db


def test_the_list_filters_due_soon_overdue_and_state(world, login):
    soon = backdate(world.signed(), days=350)
    overdue = backdate(world.signed(), days=380)
    later = world.signed()
    draft = world.draft()
    browser = login(world.consultant)
    url = reverse("placements:agreement-list")

    def ids(**params):
        return [a.pk for a in browser.get(url, params).context["rows"]]

    assert ids(due="soon") == [soon.pk]
    assert ids(due="overdue") == [overdue.pk]
    assert ids(state="draft") == [draft.pk]
    assert set(ids()) == {soon.pk, overdue.pk, later.pk, draft.pk}
    # Whatever is due first comes first; without a date last.
    assert ids()[:3] == [overdue.pk, soon.pk, later.pk]
    page = browser.get(url, {"due": "overdue"}).content.decode()
    assert "verlopen" in page and "Plaatsingen en afspraken" in page


def test_a_refused_step_shows_its_message_next_to_the_field_and_changes_nothing(world, login):
    agreement = world.placement(kind=AgreementKind.TRIANGLE).agreements.get()
    response = login(world.coordinator).post(
        reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "issue"})
    )
    assert response.status_code == 200
    form = response.context["steps"][0]["form"]
    assert "zorgcontract" in " ".join(form.non_field_errors())
    assert Agreement.objects.get(pk=agreement.pk).state == "draft"


def test_a_bad_date_in_the_terms_form_is_shown_at_the_field(world, login):
    agreement = world.placement().agreements.get()
    response = login(world.coordinator).post(
        reverse("placements:agreement-edit", args=[agreement.pk]),
        {
            "lease_start": agreement.lease_start,
            "end_date": agreement.end_date,
            "evaluation_on": agreement.lease_start - timezone.timedelta(days=5),
        },
    )
    assert response.status_code == 200
    assert "ingangsdatum" in response.context["form"].errors["evaluation_on"][0]
    assert Agreement.objects.get(pk=agreement.pk).evaluation_on == agreement.evaluation_on


def test_signing_out_of_order_on_the_page_names_who_signs_first(world, login):
    agreement = world.issued()
    response = login(world.consultant).post(
        reverse("placements:agreement-sign", args=[agreement.pk]),
        {"sign-party": "corporation", "sign-signed_on": timezone.localdate()},
    )
    assert "Eerst tekent cliënt / huurder" in response.context["sign_form"].errors["party"][0]


def test_the_agreement_page_offers_each_role_its_own_steps(world, login):
    agreement = backdate(world.signed(), days=366)
    url = reverse("placements:agreement-detail", args=[agreement.pk])

    def steps(user):
        return {s["transition"].action for s in login(user).get(url).context["steps"]}

    assert steps(world.consultant) == {"extend", "flip", "end"}
    assert steps(world.coordinator) == set()
    assert steps(world.chair) == set()


def test_navigation_shows_placements_per_role():
    coordinator = {i.url_name for i in navigation.items_for({Role.CARE_COORDINATOR})}
    chair = {i.url_name for i in navigation.items_for({Role.BOARD_CHAIR})}
    admin = {i.url_name for i in navigation.items_for({Role.ORG_ADMIN})}
    assert "placements:agreement-list" in coordinator
    assert "placements:overview" not in coordinator
    assert {"placements:agreement-list", "placements:overview"} <= chair
    assert "placements:agreement-list" not in admin


def test_an_agreed_proposal_page_offers_the_parties_to_make_the_placement(world, login):
    from django.urls import reverse

    proposal = world.proposal()
    for user in (world.coordinator, world.consultant):
        page = (
            login(user)
            .get(reverse("matching:proposal-detail", args=[proposal.pk]))
            .content.decode()
        )
        assert reverse("placements:placement-create", args=[proposal.pk]) in page
    chair_page = login(world.chair).get(reverse("matching:proposal-detail", args=[proposal.pk]))
    assert (
        reverse("placements:placement-create", args=[proposal.pk])
        not in chair_page.content.decode()
    )

    placement = world.placement()
    page = (
        login(world.coordinator)
        .get(reverse("matching:proposal-detail", args=[placement.proposal_id]))
        .content.decode()
    )
    assert reverse("placements:placement-detail", args=[placement.pk]) in page


def test_one_menu_item_is_current_and_the_regional_overview_uses_the_width(world, login):
    """/plaatsingen/overzicht/ lies under both /plaatsingen/ and itself: only the longer menu
    item ("Afspraken in de regio") is current. Its status table has ten columns: the page
    uses the whole screen (it scrolled inside a 1150 px column on a 1920 px screen)."""
    import re

    page = login(world.chair).get(reverse("placements:overview")).content.decode()
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current == [reverse("placements:overview")], current
    assert '<main id="main" tabindex="-1" class="wide">' in page


def test_the_timeline_writes_weeks_and_dates_for_its_reader(world, login):
    """The timeline said "Plaatsing gemaakt uit voorstel 2026-W49" (an ISO week code) and
    "Getekend door … op 12-12-2025" (a hand-written date format, in English too)."""
    import re

    from django.utils import translation

    from matching.placements.models import AgreementTransition

    agreement = world.signed()
    AgreementTransition.objects.filter(agreement=agreement, action="create").update(
        details={"proposal_week": "2026-W49"}
    )
    url = reverse("placements:agreement-detail", args=[agreement.pk])
    browser = login(world.coordinator)
    page = browser.get(url).content.decode()
    assert "voorstel van week 49 van 2026" in page
    assert not re.search(r"\d{4}-W\d{2}", page)
    assert re.search(r"Getekend door [^<]* op \d{1,2} [a-z]+ \d{4}", page)
    with translation.override("nl"):
        browser.post(reverse("set_language"), {"language": "en"})
        english = browser.get(url).content.decode()
    assert "proposal of week 49 of 2026" in english
    assert re.search(r"Signed by [^<]* on \d{1,2} [A-Z][a-z]+ \d{4}", english), english
