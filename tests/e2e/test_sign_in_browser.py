"""A new user signs in the way a person would: password, authenticator code, Dutch home page."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from tests.accounts.factories import PASSWORD, member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_sets_up_two_factor_sign_in_and_reaches_the_dutch_home_page(
    live_server, page
):
    user = member(Role.CARE_COORDINATOR)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("h1").inner_text() == "Aanmelden"  # Dutch, despite an English browser
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")

    page.wait_for_selector("img.qr")
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.fill("input[name=token]", code)
    page.click("button.primary")

    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text().startswith("Welkom")
    assert "Tweestapsverificatie is ingesteld." in page.content()
