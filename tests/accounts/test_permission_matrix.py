"""Role × URL × method for the accounts app: outsider 404, wrong role 403, member OK.

The first test fails when an accounts URL (page or API) is missing from the matrix.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import OrganisationKind, Role
from tests.accounts.factories import OrganisationFactory, member
from tests.url_walk import walk

PUBLIC = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa",
    "accounts:password-reset",
    "accounts:password-reset-done",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "accounts:enrol",  # the one-time link is the credential
    # The organisation's own sign-in (OpenID Connect): the start and the provider's redirect
    # back, before anyone is signed in (tests/accounts/test_oidc.py).
    "accounts:login-organisation",
    "accounts:oidc-callback",
    # The passkey ceremony's JSON steps: registration only from a session past the second
    # factor, sign-in only after the password (tests/accounts/test_passkeys.py).
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
    "healthz",
}

ROLES = [
    Role.CARE_COORDINATOR,
    Role.HOUSING_CONSULTANT,
    Role.BOARD_CHAIR,
    Role.ANALYST,
    Role.ORG_ADMIN,
]
ADMIN_ONLY = {r: (200 if r == Role.ORG_ADMIN else 403) for r in ROLES}
EVERYONE = dict.fromkeys(ROLES, 200)

# name: (method, url builder(ctx), expected status per role)
MATRIX = {
    "home": ("get", lambda c: reverse("home"), EVERYONE),
    "accounts:api-token": ("get", lambda c: reverse("accounts:api-token"), EVERYONE),
    "accounts:member-list": (
        "get",
        lambda c: reverse("accounts:member-list"),
        {**ADMIN_ONLY, Role.ORG_ADMIN: 302},
    ),
    "accounts:members": (
        "get",
        lambda c: reverse("accounts:members", args=[c["org"].pk]),
        ADMIN_ONLY,
    ),
    "accounts:member-invite": (
        "post",
        lambda c: reverse("accounts:member-invite", args=[c["org"].pk]),
        {**ADMIN_ONLY, Role.ORG_ADMIN: 400},
    ),
    # Colleagues' memberships are invisible to non-admins: 404, not 403.
    "accounts:member-deactivate": (
        "post",
        lambda c: reverse("accounts:member-deactivate", args=[c["colleague"].pk]),
        {r: (302 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accounts:api-token-revoke": (
        "post",
        lambda c: reverse("accounts:api-token-revoke", args=[c["token"].pk]),
        dict.fromkeys(ROLES, 302),
    ),
    "accounts:member-second-factor-confirm": (
        "post",
        lambda c: reverse("accounts:member-second-factor-confirm", args=[c["colleague"].pk]),
        {r: (302 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accounts:member-second-factor-reset": (
        "post",
        lambda c: reverse("accounts:member-second-factor-reset", args=[c["colleague"].pk]),
        {r: (302 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accounts:role-grant-confirm": (
        "post",
        lambda c: reverse("accounts:role-grant-confirm", args=[c["grant"].pk]),
        {r: (302 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accounts:role-grant-refuse": (
        "post",
        lambda c: reverse("accounts:role-grant-refuse", args=[c["grant"].pk]),
        {r: (302 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accounts:passkeys": ("get", lambda c: reverse("accounts:passkeys"), EVERYONE),
    # Someone else's passkey is invisible: 404 for everybody.
    "accounts:passkey-delete": (
        "post",
        lambda c: reverse("accounts:passkey-delete", args=[c["passkey"].pk]),
        dict.fromkeys(ROLES, 404),
    ),
    "accounts:notifications": ("get", lambda c: reverse("accounts:notifications"), EVERYONE),
    "accounts:access-log": ("get", lambda c: reverse("accounts:access-log"), ADMIN_ONLY),
    # Also the privacy officer (tests/accounts/test_processing_records.py).
    "accounts:processing-records": (
        "get",
        lambda c: reverse("accounts:processing-records"),
        ADMIN_ONLY,
    ),
    "accounts:processing-records-pdf": (
        "get",
        lambda c: reverse("accounts:processing-records-pdf"),
        ADMIN_ONLY,
    ),
    "accounts:processing-records-markdown": (
        "get",
        lambda c: reverse("accounts:processing-records-markdown"),
        ADMIN_ONLY,
    ),
    "api-me": ("get", lambda c: "/api/v1/me/", EVERYONE),
    "organisation-list": ("get", lambda c: "/api/v1/organisations/", EVERYONE),
    "organisation-detail": ("get", lambda c: f"/api/v1/organisations/{c['org'].pk}/", EVERYONE),
    "membership-list": ("get", lambda c: "/api/v1/members/", ADMIN_ONLY),
    "membership-detail": (
        "get",
        lambda c: f"/api/v1/members/{c['colleague'].pk}/",
        {r: (200 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "membership-deactivate": (
        "post",
        lambda c: f"/api/v1/members/{c['colleague'].pk}/deactivate/",
        {r: (200 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
    "accesslog-list": ("get", lambda c: "/api/v1/access-log/", ADMIN_ONLY),
    "accesslog-detail": (
        "get",
        lambda c: f"/api/v1/access-log/{c['entry'].pk}/",
        {r: (200 if r == Role.ORG_ADMIN else 404) for r in ROLES},
    ),
}


def _accounts_routes() -> set[str]:
    names = set()
    for route in walk():
        module = getattr(
            getattr(route.callback, "view_class", None)
            or getattr(route.callback, "cls", None)
            or route.callback,
            "__module__",
            "",
        )
        if module.startswith("accounts") and route.name:
            names.add(route.name)
    return names


def test_every_accounts_url_is_in_the_matrix():
    missing = _accounts_routes() - set(MATRIX) - PUBLIC
    assert not missing, f"add these URLs to the permission matrix: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_url_method(name, role, login, region):
    from accounts.access import log

    kind = {
        Role.CARE_COORDINATOR: OrganisationKind.CARE_PROVIDER,
        Role.HOUSING_CONSULTANT: OrganisationKind.HOUSING_CORPORATION,
    }.get(role, OrganisationKind.MUNICIPALITY)
    org = OrganisationFactory(kind=kind, region=region)
    user = member(role, org)
    colleague_role = Role.ORG_ADMIN if role != Role.ORG_ADMIN else Role.ANALYST
    colleague = member(colleague_role, org).memberships.get()
    entry = log.audit(
        "test.object.viewed", actor=colleague.user, target="test.object", object_id="1"
    )
    from accounts import tokens
    from accounts.models import RoleGrant
    from tests.accounts.factories import UserFactory

    token, _key = tokens.api_token_create(actor=user, user=user, name="matrix")
    grant = RoleGrant.objects.create(
        organisation=org, user=UserFactory(), role=Role.ORG_ADMIN, requested_by=colleague.user
    )
    from django_otp_webauthn.models import WebAuthnCredential

    passkey = WebAuthnCredential.objects.create(
        user=colleague.user, credential_id=b"matrix-" + str(user.pk).encode(), public_key=b"-"
    )
    method, url, expected = MATRIX[name]
    ctx = {"org": org, "colleague": colleague, "entry": entry, "token": token, "grant": grant}
    response = getattr(login(user), method)(url({**ctx, "passkey": passkey}))
    assert response.status_code == expected[role]
