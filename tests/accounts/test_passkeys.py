"""Passkeys (WebAuthn, django-otp-webauthn) as the second option for the second factor
(issue 13): enrolment and verification through the views, with a software authenticator
that signs like a browser's (P-256, "none" attestation). A password alone never adds a
passkey; adding one is logged and told; after the password a passkey passes the second
factor; an admin's reset removes passkeys too."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import second_factor
from accounts.models import AccessLogEntry, Notification, OrganisationKind, Role
from tests.accounts.factories import OrganisationFactory, member
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "een-lang-wachtwoord-voor-passkeys"
REGISTER_BEGIN = "otp_webauthn:credential-registration-begin"
REGISTER_COMPLETE = "otp_webauthn:credential-registration-complete"
AUTH_BEGIN = "otp_webauthn:credential-authentication-begin"
AUTH_COMPLETE = "otp_webauthn:credential-authentication-complete"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    """What a browser's platform authenticator returns, signed with a real P-256 key."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.rp_id = settings.OTP_WEBAUTHN_RP_ID
        self.origin = settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _auth_data(self, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def create(self, options: dict) -> dict:
        numbers = self.key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        attested = (
            bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + cose_key
        )
        auth_data = self._auth_data(0x45, attested)  # user present, verified, attested data
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, *, tamper: bool = False) -> dict:
        self.sign_count += 1
        auth_data = self._auth_data(0x05)  # user present, verified
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        if tamper:
            signature = self.key.sign(signed + b"x", ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def post_json(client: Client, name: str, body: dict | None = None, query: str = ""):
    return client.post(
        reverse(name) + query,
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


@pytest.fixture
def org():
    return OrganisationFactory(kind=OrganisationKind.CARE_PROVIDER)


@pytest.fixture
def person(org):
    user = member(Role.CARE_COORDINATOR, org)
    user.set_password(PASSWORD)
    user.save()
    return user


def password_only(user) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def register(client: Client, authenticator: SoftAuthenticator):
    options = post_json(client, REGISTER_BEGIN)
    assert options.status_code == 200, options.content
    return post_json(client, REGISTER_COMPLETE, authenticator.create(options.json()))


def test_a_password_alone_never_adds_a_passkey(person):
    """An account without a confirmed device (invited, or its device reset) signs in with
    its password and tries to register a passkey: refused, nothing stored."""
    client = password_only(person)
    assert post_json(client, REGISTER_BEGIN).status_code == 403
    assert post_json(client, REGISTER_COMPLETE, {"id": "x"}).status_code == 403
    assert not WebAuthnCredential.objects.filter(user=person).exists()
    # Nor after the password with a device that exists but was never confirmed.
    TOTPDevice.objects.create(user=person, name="onbevestigd", confirmed=False)
    client = password_only(person)
    assert post_json(client, REGISTER_BEGIN).status_code == 403
    assert not WebAuthnCredential.objects.filter(user=person).exists()


def test_a_verified_session_adds_a_passkey_logged_and_told(org, person, login):
    admin = member(Role.ORG_ADMIN, org)
    client = sign_in(Client(), person)  # signed in and past the confirmed authenticator app
    page = client.get(reverse("accounts:passkeys"))
    assert page.status_code == 200
    assert "passkey-registration-placeholder" in page.content.decode()
    assert {"no-store", "private"} <= set(page.headers["Cache-Control"].split(", "))

    response = register(client, SoftAuthenticator())
    assert response.status_code == 200, response.content
    credential = WebAuthnCredential.objects.get(user=person)
    assert response.json()["id"] == credential.pk and credential.confirmed
    assert AccessLogEntry.objects.filter(
        event="accounts.passkey.created", user_id=person.pk
    ).exists()
    assert Notification.objects.filter(user=person, kind="passkey.added").exists()
    assert Notification.objects.filter(user=admin, kind="passkey.added").exists()
    listed = client.get(reverse("accounts:passkeys")).content.decode()
    assert reverse("accounts:passkey-delete", args=[credential.pk]) in listed


def test_after_the_password_a_passkey_passes_the_second_factor(person):
    authenticator = SoftAuthenticator()
    assert register(sign_in(Client(), person), authenticator).status_code == 200

    client = password_only(person)
    assert client.get(reverse("home")).status_code == 302  # second factor still required
    mfa = client.get(reverse("accounts:mfa"))
    assert "passkey-verification-placeholder" in mfa.content.decode()
    options = post_json(client, AUTH_BEGIN)
    assert options.status_code == 200, options.content
    allowed = [c["id"] for c in options.json()["allowCredentials"]]
    assert allowed == [b64(authenticator.credential_id)]
    done = post_json(client, AUTH_COMPLETE, authenticator.get(options.json()), "?next=/clienten/")
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == "/clienten/"
    assert client.get(reverse("home")).status_code == 200
    assert WebAuthnCredential.objects.get(user=person).sign_count == 1


def test_a_wrong_signature_or_a_replayed_challenge_passes_nothing(person):
    authenticator = SoftAuthenticator()
    assert register(sign_in(Client(), person), authenticator).status_code == 200
    client = password_only(person)
    options = post_json(client, AUTH_BEGIN).json()
    bad = post_json(client, AUTH_COMPLETE, authenticator.get(options, tamper=True))
    assert 400 <= bad.status_code < 500
    # The challenge was used up by that attempt: the right signature on it is refused too.
    replay = post_json(client, AUTH_COMPLETE, authenticator.get(options))
    assert 400 <= replay.status_code < 500
    assert client.get(reverse("home")).status_code == 302


def test_no_passkey_sign_in_without_the_password(person):
    authenticator = SoftAuthenticator()
    assert register(sign_in(Client(), person), authenticator).status_code == 200
    anonymous = Client()
    assert post_json(anonymous, AUTH_BEGIN).status_code == 403
    assert anonymous.get(reverse("home")).status_code == 302


def test_another_persons_passkey_does_not_pass_my_second_factor(org, person):
    thief = SoftAuthenticator()
    other = member(Role.CARE_COORDINATOR, org)
    assert register(sign_in(Client(), other), thief).status_code == 200
    client = password_only(person)
    options = post_json(client, AUTH_BEGIN).json()
    assert post_json(client, AUTH_COMPLETE, thief.get(options)).status_code == 403
    assert client.get(reverse("home")).status_code == 302


def test_removing_a_passkey_is_logged_and_only_for_its_owner(org, person):
    client = sign_in(Client(), person)
    assert register(client, SoftAuthenticator()).status_code == 200
    credential = WebAuthnCredential.objects.get(user=person)
    url = reverse("accounts:passkey-delete", args=[credential.pk])
    colleague = sign_in(Client(), member(Role.CARE_COORDINATOR, org))
    assert colleague.post(url).status_code == 404
    assert client.post(url).status_code == 302
    assert not WebAuthnCredential.objects.filter(pk=credential.pk).exists()
    assert AccessLogEntry.objects.filter(event="accounts.passkey.deleted").exists()
    assert Notification.objects.filter(user=person, kind="passkey.removed").exists()


def test_an_admins_second_factor_reset_removes_the_passkeys(
    org, person, django_capture_on_commit_callbacks
):
    assert register(sign_in(Client(), person), SoftAuthenticator()).status_code == 200
    admin = member(Role.ORG_ADMIN, org)
    with django_capture_on_commit_callbacks(execute=True):
        second_factor.second_factor_reset(actor=admin, membership=person.memberships.get())
    assert not WebAuthnCredential.objects.filter(user=person).exists()


def test_the_totp_code_still_works_next_to_a_passkey(person):
    device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    assert register(sign_in(Client(), person), SoftAuthenticator()).status_code == 200
    client = password_only(person)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    client.post(reverse("accounts:mfa"), {"token": code})
    assert client.get(reverse("home")).status_code == 200
