"""Second-factor enrolment that a mailbox alone cannot complete (issue 13, hole 5): a
one-time expiring link, an admin's confirmation, recovery codes; a password reset never
enrols; re-enrolment needs an admin and is logged and notified."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import access, grants, second_factor, services
from accounts.models import AccessLogEntry, Enrolment, Notification, OrganisationKind, Role
from tests.accounts.factories import OrganisationFactory, UserFactory, member

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "een-lang-nieuw-wachtwoord-2026"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _link_from_mail() -> str:
    match = re.search(r"http\S+/accounts/inschrijven/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).split("http://testserver")[-1].replace("http://127.0.0.1:8000", "")


def _invite(admin, org, email="nieuw@example.nl", role=Role.CARE_COORDINATOR):
    """Invite with a client-reading role: a second admin confirms the grant, then the link goes."""
    grant = services.member_invite(
        actor=admin, organisation=org, email=email, full_name="Nieuwe Collega", role=role
    )
    grants.role_grant_confirm(actor=member(Role.ORG_ADMIN, org), grant=grant)
    return grant.user


def _enrol(client: Client, link: str, user) -> list[str]:
    client.get(link)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "token": _code(device)}
    )
    assert done.status_code == 200, done.content.decode()[:2000]
    return done.context["codes"]


def _sign_in(client: Client, email: str, password: str = NEW_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


@pytest.fixture
def org():
    return OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)


def test_an_invitation_enrols_through_its_link_and_an_admin_confirms(
    org, django_capture_on_commit_callbacks
):
    admin, other_admin = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(admin, org)
    link = _link_from_mail()
    client = Client()
    codes = _enrol(client, link, user)
    assert len(codes) == 10
    # Enrolled but not confirmed: the device opens nothing yet.
    _sign_in(client, user.email)
    page = client.get(reverse("accounts:mfa"))
    assert page.context["status"] == second_factor.AWAITING_CONFIRMATION
    assert client.get(reverse("home")).status_code == 302
    # The other admins are asked to confirm.
    assert Notification.objects.filter(user=other_admin, kind="second_factor.awaiting").exists()
    membership = user.memberships.get()
    admin_browser = _admin_browser(admin)
    confirmed = admin_browser.post(
        reverse("accounts:member-second-factor-confirm", args=[membership.pk])
    )
    assert confirmed.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post(reverse("accounts:mfa"), {"token": _code(device)})
    assert client.get(reverse("home")).status_code == 200
    assert (
        AccessLogEntry.objects.filter(
            object_type="accounts.second_factor", object_id=f"user:{user.pk}"
        ).count()
        == 2
    )


def _admin_browser(admin) -> Client:
    from tests.conftest import sign_in

    return sign_in(Client(), admin)


def test_the_link_works_once(org, django_capture_on_commit_callbacks):
    admin = member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(admin, org)
    link = _link_from_mail()
    _enrol(Client(), link, user)
    assert Client().get(link).status_code == 404


def test_the_link_expires(org, django_capture_on_commit_callbacks, settings):
    admin = member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(admin, org)
    Enrolment.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(_link_from_mail()).status_code == 404
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_a_wrong_code_at_enrolment_is_a_field_error_and_nothing_is_used(
    org, django_capture_on_commit_callbacks
):
    admin = member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(admin, org)
    link = _link_from_mail()
    client = Client()
    client.get(link)
    response = client.post(
        link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "token": "abcdef"}
    )
    assert response.status_code == 400 and "token" in response.context["form"].errors
    assert Enrolment.objects.get(user=user).used_at is None
    assert client.get(link).status_code == 200


def test_nobody_confirms_their_own_second_factor(org, django_capture_on_commit_callbacks):
    admin = member(Role.ORG_ADMIN, org)
    member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        new_admin = _invite(admin, org, email="beheer2@example.nl", role=Role.ORG_ADMIN)
    _enrol(Client(), _link_from_mail(), new_admin)
    from tests.conftest import sign_in

    # Even with a session that passed a second factor, one's own confirmation is refused.
    self_browser = sign_in(Client(), new_admin)
    own = new_admin.memberships.get()
    self_browser.post(reverse("accounts:member-second-factor-confirm", args=[own.pk]))
    assert not TOTPDevice.objects.filter(user=new_admin, name="Authenticator-app").get().confirmed


def test_a_password_reset_never_enrols_a_device_for_an_unenrolled_account(org):
    """The probe: reset link -> new password -> first sign-in must not offer a secret."""
    user = member(Role.CARE_COORDINATOR, org)
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": user.email})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    _sign_in(client, user.email)
    page = client.get(reverse("accounts:mfa"))
    assert b"otpauth" not in page.content and "qr_svg" not in page.context
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/clienten/").status_code == 302


def test_a_password_reset_leaves_the_devices_alone(org):
    user = member(Role.CARE_COORDINATOR, org)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    form_url = client.get(url)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()


def test_a_recovery_code_signs_in_once(org, django_capture_on_commit_callbacks):
    admin = member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        user = _invite(admin, org)
    codes = _enrol(Client(), _link_from_mail(), user)
    second_factor.second_factor_confirm(actor=admin, membership=user.memberships.get())
    first = Client()
    _sign_in(first, user.email)
    first.post(reverse("accounts:mfa"), {"token": codes[0]})
    assert first.get(reverse("home")).status_code == 200
    again = Client()
    _sign_in(again, user.email)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0)
    again.post(reverse("accounts:mfa"), {"token": codes[0]})
    assert again.get(reverse("home")).status_code == 302


def test_re_enrolment_needs_an_admin_and_is_logged_and_notified(
    org, django_capture_on_commit_callbacks
):
    admin, other_admin = member(Role.ORG_ADMIN, org), member(Role.ORG_ADMIN, org)
    user = member(Role.CARE_COORDINATOR, org)
    TOTPDevice.objects.create(user=user, name="oud", confirmed=True)
    membership = user.memberships.get()
    # The person themselves (or a colleague) cannot: 404 outside the admins' scope.
    from tests.conftest import sign_in

    colleague = sign_in(Client(), member(Role.CARE_COORDINATOR, org))
    reset_url = reverse("accounts:member-second-factor-reset", args=[membership.pk])
    assert colleague.post(reset_url).status_code == 404
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert _admin_browser(admin).post(reset_url).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert Notification.objects.filter(user=user, kind="second_factor.reset").exists()
    assert Notification.objects.filter(user=other_admin, kind="second_factor.reset").exists()
    assert AccessLogEntry.objects.filter(
        object_type="accounts.second_factor", purpose__contains="opnieuw"
    ).exists()
    assert any("/accounts/inschrijven/" in m.body for m in mail.outbox if user.email in m.to)


def test_an_organisations_first_admin_is_confirmed_by_a_platform_admin(
    org, django_capture_on_commit_callbacks
):
    first_admin = UserFactory()
    services.membership_grant(user=first_admin, organisation=org, role=Role.ORG_ADMIN)
    _enrolment, secret = second_factor.enrolment_issue(
        actor=access.SYSTEM, user=first_admin, reason="invitation"
    )
    _enrol(Client(), f"/accounts/inschrijven/{secret}/", first_admin)
    for not_operator in (first_admin, member(Role.ORG_ADMIN, org)):
        with pytest.raises(CommandError):
            call_command("second_factor_confirm", user=first_admin.email, by=not_operator.email)
    assert not TOTPDevice.objects.get(user=first_admin).confirmed
    operator = UserFactory(is_staff=True)
    call_command("second_factor_confirm", user=first_admin.email, by=operator.email)
    assert TOTPDevice.objects.get(user=first_admin).confirmed
    assert AccessLogEntry.objects.filter(
        user_id=operator.pk, rule="accounts.enrolment.confirm_by_operator:platform-admin"
    ).exists()


def test_a_platform_admin_never_confirms_their_own_second_factor(org):
    from accounts.errors import DomainError, Forbidden

    operator = UserFactory(is_staff=True)
    with pytest.raises(DomainError) as own:
        second_factor.second_factor_confirm_by_operator(actor=operator, user=operator)
    assert own.value.code == "self"
    with pytest.raises(Forbidden) as refused:
        second_factor.second_factor_confirm_by_operator(
            actor=member(Role.ORG_ADMIN, org), user=operator
        )
    assert refused.value.rule == "accounts.enrolment.confirm_by_operator:platform-admin"


def test_confirming_or_resetting_someone_elses_second_factor_goes_through_the_one_guard(org):
    from accounts.errors import DomainError, Forbidden

    admin, person = member(Role.ORG_ADMIN, org), member(Role.CARE_COORDINATOR, org)
    membership = person.memberships.get()
    for not_admin in (member(Role.CARE_COORDINATOR, org), member(Role.ORG_ADMIN)):
        with pytest.raises(Forbidden):
            second_factor.second_factor_confirm(actor=not_admin, membership=membership)
        with pytest.raises(Forbidden):
            second_factor.second_factor_reset(actor=not_admin, membership=membership)
    with pytest.raises(DomainError) as own:  # four eyes: never one's own
        second_factor.second_factor_reset(actor=admin, membership=admin.memberships.get())
    assert own.value.code == "self"
