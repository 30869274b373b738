"""Sign-in through the organisation's own identity provider (issue 21 item 6).

Against a real OpenID Connect provider: django-oauth-toolkit in a second Django process on
the loopback (`tests/oidc_provider/`), started once per session with its own SQLite file and
an RSA key made here. The browser is two halves: `requests` at the provider (its login form,
the authorization redirect) and Django's test client at Woonbrug, so every step is the real
one: authorization request (state, nonce, PKCE) -> provider login -> code -> token exchange
(from Woonbrug to the provider) -> ID token signature checked against the provider's JWKS.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import (
    AccessLogEntry,
    AccessResult,
    ExternalIdentity,
    IdentityProvider,
    Membership,
    OrganisationKind,
    Role,
    User,
)
from tests.accounts.factories import member
from tests.oidc_provider.clients import EXPIRED_CLIENT, WRONG_AUDIENCE_CLIENT

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/accounts/login/organisatie/terug/"
CLIENT_ID, SECRET = "woonbrug", "woonbrug-test-secret"
PASSWORD = "provider-password-1"
ANNA, BRAM, NOBODY = "anna@gemeente.test", "bram@gemeente.test", "nobody@gemeente.test"


@dataclass(frozen=True)
class Provider:
    issuer: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": pem,
        "OIDC_PROVIDER_ISSUER": issuer,
        "PYTHONPATH": str(ROOT),
    }
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    spec = {
        "users": [
            {"email": ANNA, "password": PASSWORD},
            {"email": BRAM, "password": PASSWORD, "mfa": True},
            {"email": NOBODY, "password": PASSWORD},
        ],
        "clients": [
            {"client_id": c, "client_secret": SECRET, "redirect_uri": CALLBACK}
            for c in (CLIENT_ID, EXPIRED_CLIENT, WRONG_AUDIENCE_CLIENT)
        ],
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.seed"],
        input=json.dumps(spec),
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments
        [*django, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(issuer + "/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the test OIDC provider did not start") from None
                time.sleep(0.1)
        yield Provider(issuer=issuer)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def municipality(db, make_org, oidc_provider, settings):
    org = make_org(OrganisationKind.MUNICIPALITY, name="Gemeente Test", slug="gemeente-test")
    IdentityProvider.objects.create(
        organisation=org,
        issuer=oidc_provider.issuer,
        client_id=CLIENT_ID,
        email_domains="gemeente.test",
    )
    settings.OIDC_CLIENT_SECRETS = [f"{org.slug}={SECRET}", "andere=ander-geheim"]
    return org


def _start(client: Client, next_url: str = "") -> str:
    """Woonbrug's start of the flow; returns the provider's authorization URL."""
    query = "?organisatie=gemeente-test" + (f"&next={next_url}" if next_url else "")
    response = client.get("/accounts/login/organisatie/" + query)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def _at_provider(authorize_url: str, email: str) -> str:
    """The person at the provider: its login form, then the redirect back with the code."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=True, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    assert csrf, response.text[:500]
    response = browser.post(
        response.url,
        data={
            "csrfmiddlewaretoken": csrf.group(1),
            "username": email,
            "password": PASSWORD,
            "next": parse_qs(urlsplit(response.url).query)["next"][0],
        },
        headers={"Referer": response.url},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    response = browser.get(
        requests.compat.urljoin(response.url, response.headers["Location"]),
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    back = response.headers["Location"]
    assert back.startswith(CALLBACK), back
    return back


def _back(client: Client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(parts.path + "?" + parts.query)


def _sign_in(client: Client, email: str, next_url: str = ""):
    return _back(client, _at_provider(_start(client, next_url), email))


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _refusals() -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(event="accounts.sign_in.refused", result=AccessResult.REFUSED)
    )


def test_the_authorization_request_carries_state_nonce_and_pkce(municipality, oidc_provider):
    url = _start(Client())
    assert url.startswith(oidc_provider.issuer + "/authorize/")
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]


def test_a_member_signs_in_and_woonbrugs_second_factor_follows(municipality):
    anna = member(Role.BOARD_CHAIR, municipality, email=ANNA)
    client = Client()
    response = _sign_in(client, ANNA, next_url="/leden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=/leden/")
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert DEVICE_ID_SESSION_KEY not in client.session  # not past the second factor
    # A protected page still asks for Woonbrug's own second factor.
    assert client.get("/").headers["Location"].startswith("/accounts/2fa/")
    identity = ExternalIdentity.objects.get(user=anna)
    assert identity.organisation == municipality and identity.subject
    assert identity.last_login_at is not None
    row = AccessLogEntry.objects.get(event="accounts.sign_in.succeeded")
    assert row.user_id == anna.pk and row.organisation_id == municipality.pk
    assert row.rule == "accounts.oidc.sign_in:woonbrug-second-factor-follows"
    # The sub is bound: a second sign-in finds the same identity, no second one.
    _sign_in(Client(), ANNA)
    assert ExternalIdentity.objects.filter(user=anna).count() == 1


def test_amr_with_a_second_factor_counts_as_verified(municipality):
    bram = member(Role.ANALYST, municipality, email=BRAM)
    client = Client()
    response = _sign_in(client, BRAM)
    assert response.status_code == 302 and response["Location"] == "/"
    identity = ExternalIdentity.objects.get(user=bram)
    assert client.session[DEVICE_ID_SESSION_KEY] == identity.persistent_id
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.is_verified()
    row = AccessLogEntry.objects.get(event="accounts.sign_in.succeeded")
    assert row.rule == "accounts.oidc.sign_in:provider-second-factor"


def test_amr_without_a_configured_value_does_not_count(municipality):
    municipality.identity_provider.mfa_amr_values = "hwk"
    municipality.identity_provider.save()
    member(Role.ANALYST, municipality, email=BRAM)
    client = Client()
    response = _sign_in(client, BRAM)
    assert response["Location"].startswith("/accounts/2fa/")
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_no_membership_is_refused_logged_and_nothing_is_created(municipality, make_org):
    # The e-mail exists in Woonbrug, but only as a member of another organisation.
    other = make_org(OrganisationKind.CARE_PROVIDER, name="Zorg", slug="zorg")
    elsewhere = member(Role.CARE_COORDINATOR, other, email=NOBODY)
    users, memberships = User.objects.count(), Membership.objects.count()
    client = Client()
    response = _sign_in(client, NOBODY)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert any("geen actief lidmaatschap" in m for m in _messages(response))
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert not ExternalIdentity.objects.exists()
    [row] = _refusals()
    assert row.rule == "accounts.oidc.sign_in:no-membership"
    assert row.object_id == f"organisation:{municipality.pk}"
    assert elsewhere.memberships.count() == 1


def test_a_deactivated_membership_is_refused_after_binding(municipality):
    anna = member(Role.BOARD_CHAIR, municipality, email=ANNA)
    _sign_in(Client(), ANNA)
    Membership.objects.filter(user=anna).update(is_active=False)
    client = Client()
    _sign_in(client, ANNA)
    assert "_auth_user_id" not in client.session
    assert [r.rule for r in _refusals()] == ["accounts.oidc.sign_in:no-membership"]


def test_a_replayed_response_is_refused(municipality):
    member(Role.BOARD_CHAIR, municipality, email=ANNA)
    client = Client()
    callback = _at_provider(_start(client), ANNA)
    assert _back(client, callback).status_code == 302
    client.logout()
    again = _back(client, callback)
    assert again["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert any("al gebruikt" in m for m in _messages(again))
    assert [r.rule for r in _refusals()] == ["accounts.oidc.sign_in:state-unknown"]


def test_a_response_from_another_browser_is_refused(municipality):
    member(Role.BOARD_CHAIR, municipality, email=ANNA)
    callback = _at_provider(_start(Client()), ANNA)
    stranger = Client()
    response = _back(stranger, callback)
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in stranger.session
    assert not ExternalIdentity.objects.exists()
    assert [r.rule for r in _refusals()] == ["accounts.oidc.sign_in:state-unknown"]


@pytest.mark.parametrize(
    ("client_id", "reason", "words"),
    [
        (EXPIRED_CLIENT, "id-token-expired", "verlopen"),
        (WRONG_AUDIENCE_CLIENT, "id-token-invalid", "niet worden gecontroleerd"),
    ],
)
def test_an_expired_or_misaddressed_id_token_is_refused(municipality, client_id, reason, words):
    municipality.identity_provider.client_id = client_id
    municipality.identity_provider.save()
    member(Role.BOARD_CHAIR, municipality, email=ANNA)
    client = Client()
    response = _sign_in(client, ANNA)
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert any(words in m for m in _messages(response))
    assert not ExternalIdentity.objects.exists()
    assert [r.rule for r in _refusals()] == [f"accounts.oidc.sign_in:{reason}"]


def test_a_wrong_client_secret_is_refused(municipality, settings):
    settings.OIDC_CLIENT_SECRETS = ["gemeente-test=wrong"]
    member(Role.BOARD_CHAIR, municipality, email=ANNA)
    client = Client()
    response = _sign_in(client, ANNA)
    assert "_auth_user_id" not in client.session
    assert response["Location"] == "/accounts/login/"
    assert [r.rule for r in _refusals()] == ["accounts.oidc.sign_in:token-exchange-failed"]


def test_the_provider_reporting_an_error_is_refused(municipality):
    client = Client()
    state = parse_qs(urlsplit(_start(client)).query)["state"][0]
    response = client.get(f"/accounts/login/organisatie/terug/?error=access_denied&state={state}")
    assert response["Location"] == "/accounts/login/"
    assert [r.rule for r in _refusals()] == ["accounts.oidc.sign_in:provider-error"]
    # The state is used up.
    assert state not in client.session.get("oidc_states", {})


def test_the_e_mail_domain_finds_the_organisation(municipality):
    client = Client()
    page = client.get("/accounts/login/organisatie/?email=iemand@Gemeente.test")
    assert page.status_code == 200
    assert "Verder naar Gemeente Test" in page.content.decode()
    assert "?organisatie=gemeente-test" in page.content.decode()
    unknown = client.get("/accounts/login/organisatie/?email=iemand@elders.test")
    assert unknown.status_code == 400
    assert "geen inlogsysteem" in unknown.content.decode()
    plain = client.get("/accounts/login/organisatie/")
    assert plain.status_code == 200 and "Gemeente Test" in plain.content.decode()


def test_an_organisation_without_a_provider_keeps_the_password_sign_in(db, make_org):
    make_org(OrganisationKind.MUNICIPALITY, name="Zonder", slug="zonder")
    response = Client().get("/accounts/login/organisatie/?organisatie=zonder")
    assert response.status_code == 400
    assert "geen eigen inlogsysteem" in response.content.decode()
    assert "Aanmelden met wachtwoord" in response.content.decode()


@pytest.mark.parametrize(
    ("claims", "amr_values", "acr_values", "verified"),
    [
        ({"amr": ["pwd", "mfa"]}, "mfa otp", "", True),
        ({"amr": ["pwd"]}, "mfa otp", "", False),
        ({"amr": "pwd otp"}, "mfa otp", "", True),  # a space-separated string, as some send
        ({"acr": "gold"}, "mfa", "gold", True),
        ({"acr": "1"}, "mfa", "gold", False),
        ({"acr": ""}, "mfa", "", False),
        ({}, "mfa", "", False),
    ],
)
def test_which_claims_count_as_a_second_factor(claims, amr_values, acr_values, verified):
    from accounts.oidc import asserts_second_factor

    provider = IdentityProvider(mfa_amr_values=amr_values, mfa_acr_values=acr_values)
    assert asserts_second_factor(provider, claims) is verified


def test_an_unreachable_provider_gives_a_clear_message(db, make_org, settings):
    org = make_org(OrganisationKind.MUNICIPALITY, name="Gemeente Weg", slug="gemeente-weg")
    IdentityProvider.objects.create(
        organisation=org, issuer=f"http://127.0.0.1:{_free_port()}/o", client_id=CLIENT_ID
    )
    settings.OIDC_TIMEOUT = 2
    client = Client()
    response = client.get("/accounts/login/organisatie/?organisatie=gemeente-weg")
    assert response.status_code == 502
    assert "niet bereikbaar" in response.content.decode()
    assert "oidc_states" not in client.session


def test_platform_admins_configure_the_provider_in_the_admin(municipality, login):
    from tests.accounts.factories import UserFactory

    operator = UserFactory(is_staff=True, is_superuser=True)
    browser = login(operator)
    page = browser.get(
        f"/admin/accounts/identityprovider/{municipality.identity_provider.pk}/change/"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "acr-waarden die een tweede factor aantonen" in body.lower()
    assert "secret" not in body.lower()  # the client secret lives in the environment only
    response = browser.post(
        f"/admin/accounts/identityprovider/{municipality.identity_provider.pk}/change/",
        {
            "organisation": municipality.pk,
            "is_active": "on",
            "issuer": "https://login.microsoftonline.com/tenant/v2.0",
            "client_id": "abc",
            "scopes": "openid email profile",
            "email_domains": "gemeente.test",
            "mfa_amr_values": "mfa ngcmfa",
            "mfa_acr_values": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    municipality.identity_provider.refresh_from_db()
    assert municipality.identity_provider.mfa_amr_values == "mfa ngcmfa"
