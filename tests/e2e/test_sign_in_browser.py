"""A new user signs in the way a person would: the invitation's one-time link (password and
authenticator app), an admin's confirmation, then password and code; Dutch home page. A
password alone never offers a new secret (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import EnrolmentReason, Role
from tests.accounts.factories import PASSWORD, member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "een-lang-nieuw-wachtwoord-2026"


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    """The app's code now, or `drift` steps later (a step's code works once)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:06d}"


def test_a_password_alone_offers_no_secret(live_server, page):
    user = member(Role.CARE_COORDINATOR)  # invited, never enrolled
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("h1")
    assert page.locator("img.qr").count() == 0
    assert "persoonlijke link uit uw uitnodiging" in page.content()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_coordinator_enrols_through_the_link_and_reaches_the_dutch_home_page(live_server, page):
    user = member(Role.CARE_COORDINATOR)
    admin = member(Role.ORG_ADMIN, user.memberships.get().organisation)
    _enrolment, secret = second_factor.enrolment_issue(
        actor=admin, user=user, reason=EnrolmentReason.INVITATION
    )
    page.goto(f"{live_server.url}{reverse('accounts:enrol', kwargs={'secret': secret})}")
    assert page.locator("h1").inner_text() == "Account instellen"  # Dutch, English browser
    page.wait_for_selector("img.qr")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.fill("input[name=token]", _code(device))
    page.click("button.primary")
    page.wait_for_selector("text=Uw herstelcodes")

    # Until another admin confirms, the password and the app open nothing.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("h1")
    assert page.locator("input[name=token]").count() == 0
    page.click("button:has-text('Afmelden')")

    second_factor.second_factor_confirm(actor=admin, membership=user.memberships.get())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("input[name=token]")
    device.refresh_from_db()
    page.fill("input[name=token]", _code(device, drift=1))  # the next step's code
    page.click("button.primary")

    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text().startswith("Welkom")
