"""The issue's "done when", through the pages a coordinator and a consultant use:

an accepted proposal becomes a signed flip lease with its PDF; its evaluation reminder
arrives; a positive evaluation flips it to the tenant; and the board's headroom for that
neighbourhood reflects the placement.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from housing import selectors as housing_selectors
from housing.models import Dwelling
from matching.placements import tasks
from matching.placements.models import Agreement, AgreementState, Placement

from .conftest import backdate

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_an_accepted_proposal_becomes_a_signed_flip_lease_that_flips_after_a_good_year(
    world, login
):
    coordinator = login(world.coordinator)
    consultant = login(world.consultant)
    proposal = world.proposal()
    headroom_before = housing_selectors.neighbourhood_capacity(world.neighbourhood)

    # 1. The consultant sees the agreed proposal and makes the placement (flip lease).
    listing = consultant.get(reverse("placements:proposal-list"))
    assert proposal.profile["reference"] in listing.content.decode()
    made = consultant.post(
        reverse("placements:placement-create", args=[proposal.pk]), {"kind": "flip_lease"}
    )
    assert made.status_code == 302
    agreement = Agreement.objects.get(placement__proposal=proposal)
    assert made.url == reverse("placements:agreement-detail", args=[agreement.pk])

    # 2. The coordinator completes the care terms and offers it for signing.
    response = coordinator.post(
        reverse("placements:agreement-edit", args=[agreement.pk]),
        {
            "lease_start": agreement.lease_start,
            "end_date": agreement.end_date,
            "evaluation_on": agreement.evaluation_on,
            "support_hours_per_week": "4",
            "contact_person": "Joost van Dijk",
            "contact_phone": "06-12345678",
            "conditions": ["budget_management"],
        },
    )
    assert response.status_code == 302
    step = reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "issue"})
    assert coordinator.post(step).status_code == 302

    # 3. Signing out of order is refused on the form; in order it activates.
    sign = reverse("placements:agreement-sign", args=[agreement.pk])
    early = consultant.post(sign, {"sign-party": "corporation", "sign-signed_on": TODAY()})
    assert early.status_code == 200 and "Eerst tekent" in early.content.decode()
    for browser, party in (
        (coordinator, "client"),
        (coordinator, "care_provider"),
        (consultant, "corporation"),
    ):
        assert (
            browser.post(sign, {"sign-party": party, "sign-signed_on": TODAY()}).status_code == 302
        )
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE
    assert Dwelling.objects.get(pk=proposal.dwelling_id).status == "let"

    # 4. Its PDF, with every signature.
    pdf = consultant.get(reverse("placements:agreement-document", args=[agreement.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    # 5. The board's headroom for the neighbourhood reflects the placement.
    after = housing_selectors.neighbourhood_capacity(world.neighbourhood)
    assert after.placements_12m == headroom_before.placements_12m + 1
    assert after.headroom == headroom_before.headroom - 1

    # 6. A year on, the daily task reminds both of the evaluation (once).
    agreement = backdate(agreement, days=360)
    tasks.send_reminders()
    tasks.send_reminders()
    for user in (world.coordinator, world.consultant):
        assert Notification.objects.filter(user=user, kind="placements.evaluation_due").count() == 1

    # 7. The coordinator records a positive evaluation, the consultant confirms and flips.
    evaluation = agreement.evaluations.get()
    page = reverse("placements:evaluation", args=[evaluation.pk])
    recorded = coordinator.post(
        page,
        {
            "held_on": TODAY(),
            "living_independently": "yes",
            "rent_paid": "on_time",
            "nuisance_reports": "0",
            "care_continuing": "yes",
            "social_network": "limited",
            "judgement": "positive",
            "notes": "Woont zelfstandig, huur op tijd, contact met de buren.",
        },
    )
    assert recorded.status_code == 302
    flip = reverse("placements:agreement-step", kwargs={"pk": agreement.pk, "action": "flip"})
    refused = consultant.post(flip, {"flip-evaluation": evaluation.pk})
    assert "bevestigd" in refused.content.decode()  # not yet confirmed by both
    assert Agreement.objects.get(pk=agreement.pk).state == AgreementState.ACTIVE
    assert (
        consultant.post(reverse("placements:evaluation-confirm", args=[evaluation.pk])).status_code
        == 302
    )
    flipped = consultant.post(flip, {"flip-evaluation": evaluation.pk})
    assert flipped.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.FLIPPED
    lease = Agreement.objects.get(previous=agreement)
    assert flipped.url == reverse("placements:agreement-detail", args=[lease.pk])
    assert lease.lease_holder == "client" and lease.lease_start == TODAY()

    # 8. The tenant's own lease is signed; the neighbourhood counts the placement once.
    lease_sign = reverse("placements:agreement-sign", args=[lease.pk])
    coordinator.post(lease_sign, {"sign-party": "client", "sign-signed_on": TODAY()})
    consultant.post(lease_sign, {"sign-party": "corporation", "sign-signed_on": TODAY()})
    assert Agreement.objects.get(pk=lease.pk).state == AgreementState.ACTIVE
    final = housing_selectors.neighbourhood_capacity(world.neighbourhood)
    assert final.placements_12m == headroom_before.placements_12m + 1
    timeline = coordinator.get(reverse("placements:agreement-detail", args=[agreement.pk]))
    assert "omgeklapt naar huurder" in timeline.content.decode()
    assert Placement.objects.get(pk=agreement.placement_id).housed_on is not None
