"""Sign-in security: two factors, throttling with cool-off, session lifetime, deactivation."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SESSION_LOGIN_AT
from accounts.models import Role
from accounts.services import membership_deactivate
from tests.accounts.factories import PASSWORD, member

pytestmark = pytest.mark.django_db


def _post_login(client: Client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def _current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_password_alone_does_not_open_any_page():
    user = member(Role.CARE_COORDINATOR)
    client = Client()
    response = _post_login(client, user.email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:mfa"))


def test_a_password_alone_does_not_open_the_api():
    user = member(Role.ORG_ADMIN)
    client = Client()
    _post_login(client, user.email)
    assert client.get("/api/v1/members/").status_code == 403
    assert client.get("/api/v1/me/").status_code == 403


def test_first_sign_in_offers_no_new_secret_a_password_alone_enrols_nothing():
    """Hole 5: an account without a confirmed device used to be shown a new TOTP secret."""
    user = member(Role.CARE_COORDINATOR)
    client = Client()
    _post_login(client, user.email)
    page = client.get(reverse("accounts:mfa"))
    assert page.status_code == 200
    assert b"QR" not in page.content and b"otpauth" not in page.content
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.post(reverse("accounts:mfa"), {"token": "123456"}).status_code == 403
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:mfa"))


def test_a_confirmed_device_is_asked_for_without_showing_a_new_qr_code():
    user = member(Role.BOARD_CHAIR)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    _post_login(client, user.email)
    page = client.get(reverse("accounts:mfa"))
    assert b"QR" not in page.content
    client.post(reverse("accounts:mfa"), {"token": _current_code(device)})
    assert client.get(reverse("home")).status_code == 200


def test_a_password_reset_never_signs_in_and_the_second_factor_is_still_asked():
    user = member(Role.CARE_COORDINATOR)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]
    new_password = "een-nieuw-lang-wachtwoord-42"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert "_auth_user_id" not in client.session
    _post_login(client, user.email, new_password)
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:mfa"))


def test_repeated_failures_throttle_the_account_and_the_cool_off_lifts_it(settings):
    user = member(Role.CARE_COORDINATOR)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, user.email, "wrong-password")
    locked = _post_login(client, user.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen" in locked.content.decode()

    # Another address from the same place is not affected.
    other = member(Role.CARE_COORDINATOR)
    assert _post_login(Client(), other.email).status_code == 302

    # The cool-off passes: attempts older than AXES_COOLOFF_TIME no longer count.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _post_login(client, user.email).status_code == 302


def test_sign_in_issues_a_new_session_key():
    user = member(Role.CARE_COORDINATOR)
    client = Client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    _post_login(client, user.email)
    assert client.session.session_key != before


def test_an_idle_session_expires_after_thirty_minutes(login, settings):
    user = member(Role.CARE_COORDINATOR)
    client = login(user)
    client.get(reverse("home"))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert client.session.get_expiry_age() == 30 * 60
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))  # as if 30 idle minutes passed
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_even_when_active(login, settings):
    user = member(Role.CARE_COORDINATOR)
    client = login(user)
    session = client.session
    session[SESSION_LOGIN_AT] = time.time() - settings.SESSION_MAX_AGE - 1
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_deactivating_a_member_ends_their_sessions(login):
    admin = member(Role.ORG_ADMIN)
    organisation = admin.memberships.get().organisation
    colleague = member(Role.CARE_COORDINATOR, organisation)
    colleague_client = Client()
    _post_login(colleague_client, colleague.email)
    assert colleague_client.session.get("_auth_user_id") == str(colleague.pk)

    membership_deactivate(actor=admin, membership=colleague.memberships.get())

    colleague.refresh_from_db()
    assert not colleague.is_active
    response = colleague_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )
