"""The organisation's own sign-in through OpenID Connect (issue 21 item 6).

mozilla-django-oidc is the relying party: it builds the authorization request (state, nonce,
PKCE S256), keeps them in the session, exchanges the code, and checks the ID token's
signature against the provider's JWKS. This module only makes it work **per organisation**
and inside Woonbrug's rules:

- Settings come from the organisation's `IdentityProvider` (issuer, client id, scopes) and
  the issuer's discovery document; the client secret from `OIDC_CLIENT_SECRETS`. The chosen
  organisation travels with the library's own state entry in the session.
- The ID token is checked further than the library does: issuer, audience (our client id),
  expiry, issued-at and (when present) `azp`. A userinfo answer must name the same `sub`.
- No user, membership or role is ever created from claims. The provider's `sub` is bound to
  a Woonbrug user on the first sign-in when the verified e-mail claim matches a user with an
  active membership of that organisation (memberships only exist because an organisation
  admin invited the person); afterwards only the `sub` counts (a changed e-mail at the
  provider does not move the account). Anything else is refused.
- A second factor asserted by the provider (`amr` with one of the organisation's values, or
  `acr` with one) marks the session as past the second factor through django-otp, with the
  `ExternalIdentity` as the device; otherwise Woonbrug's own TOTP/passkey step follows.
- Every refusal (unknown or reused state, provider error, failed token exchange, bad or
  expired token, no membership) gets a Dutch message on the sign-in page, changes nothing,
  and is written to the access log; a success is logged too.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import access
from .access.views import PublicView
from .forms import OrganisationSignInForm
from .models import (
    AccessAction,
    AccessResult,
    ExternalIdentity,
    IdentityProvider,
    Membership,
    User,
)

LOGGER = logging.getLogger(__name__)

DISCOVERY_CACHE_SECONDS = 3600
# The ID token's clock may differ a little from ours.
CLOCK_LEEWAY_SECONDS = 60

# Why a sign-in was refused -> the message the person sees (and the log's rule).
STATE_UNKNOWN = "state-unknown"
PROVIDER_ERROR = "provider-error"
TOKEN_EXCHANGE = "token-exchange-failed"  # noqa: S105 (a reason, not a secret)
TOKEN_EXPIRED = "id-token-expired"  # noqa: S105
TOKEN_INVALID = "id-token-invalid"  # noqa: S105
NO_EMAIL = "no-verified-email"
NO_MEMBERSHIP = "no-membership"
NOT_CONFIGURED = "not-configured"


def refusal_message(reason: str) -> str:
    if reason == STATE_UNKNOWN:
        return _(
            "Deze aanmelding is al gebruikt of komt niet uit deze browser. Er is niets "
            "gewijzigd; begin opnieuw met aanmelden."
        )
    if reason == TOKEN_EXPIRED:
        return _(
            "Het antwoord van het inlogsysteem van uw organisatie is verlopen. Er is niets "
            "gewijzigd; meld u opnieuw aan."
        )
    if reason == NO_MEMBERSHIP:
        return _(
            "U bent bij het inlogsysteem van uw organisatie aangemeld, maar heeft in Woonbrug "
            "geen actief lidmaatschap bij deze organisatie. Vraag de beheerder van uw "
            "organisatie u uit te nodigen."
        )
    if reason == NO_EMAIL:
        return _(
            "Het inlogsysteem van uw organisatie gaf geen bevestigd e-mailadres door, dus "
            "Woonbrug kan u niet aan uw account koppelen. Vraag uw beheerder om hulp."
        )
    if reason == NOT_CONFIGURED:
        return _("Aanmelden via het inlogsysteem van deze organisatie is niet ingesteld.")
    if reason == PROVIDER_ERROR:
        return _(
            "Het inlogsysteem van uw organisatie heeft de aanmelding niet voltooid. Er is "
            "niets gewijzigd; probeer het opnieuw."
        )
    return _(
        "Het antwoord van het inlogsysteem van uw organisatie kon niet worden gecontroleerd. "
        "Er is niets gewijzigd; probeer het opnieuw of neem contact op met uw beheerder."
    )


class Refused(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# --- Configuration ---------------------------------------------------------------------------


def client_secret(provider: IdentityProvider) -> str:
    """The organisation's client secret from `OIDC_CLIENT_SECRETS` (`slug=secret` pairs)."""
    for pair in settings.OIDC_CLIENT_SECRETS:
        slug, sep, secret = pair.partition("=")
        if sep and slug.strip() == provider.organisation.slug:
            return secret.strip()
    return ""


def discovery(provider: IdentityProvider) -> dict[str, Any]:
    """The issuer's OpenID configuration (cached); its `issuer` must be the configured one."""
    issuer = provider.issuer.rstrip("/")
    key = f"oidc:discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        response = requests.get(
            issuer + "/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise ImproperlyConfigured(
                f"The discovery document of {issuer} names issuer {document.get('issuer')!r}."
            )
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return dict(document)


def active_providers() -> list[IdentityProvider]:
    return list(
        IdentityProvider.objects.select_related("organisation").filter(
            is_active=True, organisation__is_active=True
        )
    )


def provider_settings(provider: IdentityProvider) -> dict[str, Any]:
    """The library's settings for this organisation."""
    document = discovery(provider)
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": document["authorization_endpoint"],
        "OIDC_OP_TOKEN_ENDPOINT": document["token_endpoint"],
        "OIDC_OP_USER_ENDPOINT": document.get("userinfo_endpoint"),
        "OIDC_OP_JWKS_ENDPOINT": document["jwks_uri"],
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret(provider),
        "OIDC_RP_SCOPES": provider.scopes,
    }


class PerProviderSettings:
    """`get_settings` answers from the organisation's provider first, then from settings."""

    provider: IdentityProvider | None = None
    _provider_settings: dict[str, Any] = {}  # replaced per organisation, never mutated

    def use_provider(self, provider: IdentityProvider) -> None:
        self.provider = provider
        self._provider_settings = provider_settings(provider)

    def get_settings(self, attr: str, *args: Any) -> Any:
        if attr in self._provider_settings:
            return self._provider_settings[attr]
        return import_from_settings(attr, *args)


# --- Second factor from the provider --------------------------------------------------------


def asserts_second_factor(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    """Did the provider assert a second factor? `amr` holds one of the organisation's values
    (RFC 8176: `mfa`, `otp`, `hwk`, ...), or `acr` is one of its configured levels."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    wanted_amr = set(provider.mfa_amr_values.split())
    if wanted_amr & {str(value) for value in amr}:
        return True
    acr = str(claims.get("acr") or "")
    return bool(acr) and acr in set(provider.mfa_acr_values.split())


# --- Mapping the provider's user to a membership --------------------------------------------


def identity_for(provider: IdentityProvider, claims: dict[str, Any]) -> ExternalIdentity:
    """The bound identity for these (verified) claims; binds `sub` on the first sign-in.

    Raises Refused when there is no active membership of the organisation to sign in to.
    """
    organisation = provider.organisation
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused(TOKEN_INVALID, "no sub")
    members = Membership.objects.filter(
        organisation=organisation, is_active=True, user__is_active=True
    )
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(organisation=organisation, subject=subject)
            .first()
        )
        if identity is not None:
            if not members.filter(user=identity.user).exists():
                raise Refused(NO_MEMBERSHIP, f"bound user {identity.user_id} has no membership")
        else:
            email = str(claims.get("email") or "").strip()
            # A provider that says the address is unverified is not trusted with it (Keycloak
            # sends `email_verified`; Entra ID sends none and only tenant-managed addresses).
            if not email or claims.get("email_verified") is False:
                raise Refused(NO_EMAIL, "no verified email claim")
            user = User.objects.filter(
                email__iexact=email, pk__in=members.values("user_id")
            ).first()
            if user is None:
                raise Refused(NO_MEMBERSHIP, "no active membership for the e-mail claim")
            if ExternalIdentity.objects.filter(organisation=organisation, user=user).exists():
                # Bound to another account at the provider already: never re-bind silently.
                raise Refused(NO_MEMBERSHIP, f"user {user.pk} is bound to another subject")
            identity = ExternalIdentity.objects.create(
                user=user,
                organisation=organisation,
                subject=subject,
                name=_("Inlogsysteem %(organisation)s") % {"organisation": organisation.name},
                confirmed=True,
            )
            access.audit(
                "accounts.external_identity.created",
                actor=user,
                action=AccessAction.CREATE,
                target="accounts.external_identity",
                object_id=f"user:{user.pk}",
                rule="accounts.oidc.bind:email-matches-membership",
                organisation_id=organisation.pk,
                purpose=_("koppeling met het inlogsysteem van de organisatie"),
            )
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
    return identity


# --- The backend -----------------------------------------------------------------------------


class OrganisationOIDCBackend(PerProviderSettings, OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend for the organisation chosen at the start of the flow.

    Answers only in the callback (where the view put `request.oidc_provider`); for password
    sign-ins and session loading it stays out of the way (no settings read at start-up).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        provider = getattr(request, "oidc_provider", None)
        if request is None or provider is None or "nonce" not in kwargs:
            return None
        try:
            self.use_provider(provider)
        except (requests.RequestException, ImproperlyConfigured, KeyError, ValueError) as error:
            request.oidc_refusal = Refused(TOKEN_EXCHANGE, f"discovery: {error}")  # type: ignore[attr-defined]
            return None
        for name in ("TOKEN", "USER", "JWKS"):
            key = f"OIDC_OP_{name}_ENDPOINT"
            setattr(self, key, self._provider_settings[key])
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = self._provider_settings["OIDC_RP_CLIENT_SECRET"]
        try:
            return super().authenticate(request, **kwargs)
        except Refused as refusal:
            request.oidc_refusal = refusal  # type: ignore[attr-defined]
        except requests.RequestException as error:
            request.oidc_refusal = Refused(TOKEN_EXCHANGE, str(error)[:200])  # type: ignore[attr-defined]
        except SuspiciousOperation as error:
            request.oidc_refusal = Refused(TOKEN_INVALID, str(error)[:200])  # type: ignore[attr-defined]
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks signature (JWKS) and nonce; here also iss, aud, exp, iat, azp."""
        assert self.provider is not None
        if not token:
            raise Refused(TOKEN_INVALID, "no id_token")
        try:
            key = self.retrieve_matching_jwk(token)
            header = jwt.get_unverified_header(token)
            if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise Refused(TOKEN_INVALID, f"alg {header.get('alg')!r}")
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.provider.client_id,
                issuer=self.provider.issuer.rstrip("/"),
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Refused(TOKEN_EXPIRED, "exp in the past") from None
        except jwt.InvalidTokenError as error:
            raise Refused(TOKEN_INVALID, f"{type(error).__name__}: {error}"[:200]) from None
        azp = payload.get("azp")
        if azp and azp != self.provider.client_id:
            raise Refused(TOKEN_INVALID, f"azp {azp!r}")
        if kwargs.get("nonce") != payload.get("nonce"):
            raise Refused(TOKEN_INVALID, "nonce mismatch")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims; the userinfo endpoint only fills in an e-mail it lacks."""
        claims = dict(payload)
        if not claims.get("email") and self.OIDC_OP_USER_ENDPOINT and access_token:
            extra = super().get_userinfo(access_token, id_token, payload)
            if str(extra.get("sub")) != str(payload.get("sub")):
                raise Refused(TOKEN_INVALID, "userinfo sub differs")
            for name in ("email", "email_verified"):
                if name in extra:
                    claims[name] = extra[name]
        return claims

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        """An existing member only: never creates a user (nor a membership, nor a role)."""
        assert self.provider is not None
        claims = self.get_userinfo(access_token, id_token, payload)
        identity = identity_for(self.provider, claims)
        user = identity.user
        if asserts_second_factor(self.provider, claims):
            # django-otp persists this device in the session at login: verified.
            user.otp_device = identity
        return user

    def get_user(self, user_id: Any) -> User | None:
        return User.objects.filter(pk=user_id, is_active=True).first()


# --- Views -----------------------------------------------------------------------------------

SESSION_STATE_PROVIDER = "provider"


class OrganisationSignInView(PublicView, PerProviderSettings, OIDCAuthenticationRequestView):
    """`?email=` (its domain names the organisation) or `?organisatie=<slug>`: off to that
    organisation's identity provider. Without either: the form that asks for the address."""

    template_name = "accounts/login_organisation.html"

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoints here; they depend on the organisation chosen.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        providers = active_providers()
        chosen = "email" in request.GET or "organisatie" in request.GET
        form = OrganisationSignInForm(request.GET if chosen else None, providers=providers)
        context = {"form": form, "providers": providers, "next": _next(request)}
        if not form.is_valid():
            return render(request, self.template_name, context, status=400 if chosen else 200)
        provider: IdentityProvider = form.cleaned_data["provider"]
        if not form.cleaned_data.get("organisatie"):
            # Found by the e-mail domain: a link onwards, not a redirect from the form (the
            # page's CSP allows forms to submit only to this site, redirects included).
            context["found"] = provider
            return render(request, self.template_name, context)
        try:
            self.use_provider(provider)
        except (requests.RequestException, ImproperlyConfigured, KeyError, ValueError) as error:
            LOGGER.warning("OIDC discovery for %s failed: %s", provider.organisation.slug, error)
            form.add_error(
                None,
                _(
                    "Het inlogsysteem van %(organisation)s is nu niet bereikbaar. Probeer het "
                    "later opnieuw of meld u aan met uw wachtwoord."
                )
                % {"organisation": provider.organisation.name},
            )
            return render(request, self.template_name, context, status=502)
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response = super().get(request)
        # Remember the organisation with the library's own entry for this state.
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state][SESSION_STATE_PROVIDER] = provider.pk
        request.session.modified = True
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        return {}


def _next(request: HttpRequest) -> str:
    from .views import _safe_next

    return _safe_next(request)


class OrganisationSignInCallbackView(PublicView, OIDCAuthenticationCallbackView):
    """The provider's redirect back. The library checks and consumes the state and signs in;
    here every way it can fail ends on the sign-in page with a Dutch message and a log row."""

    provider: IdentityProvider | None = None

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        entry = request.session.get("oidc_states", {}).get(state) if state else None
        if entry is None:
            # Unknown, reused (the library deletes a state once used) or from another browser.
            return self.refuse(Refused(STATE_UNKNOWN, "state not in this session"))
        provider = (
            IdentityProvider.objects.select_related("organisation")
            .filter(pk=entry.get(SESSION_STATE_PROVIDER), is_active=True)
            .first()
        )
        if provider is None:
            request.session["oidc_states"].pop(state, None)
            request.session.modified = True
            return self.refuse(Refused(NOT_CONFIGURED, "provider gone or inactive"))
        self.provider = provider
        request.oidc_provider = provider  # type: ignore[attr-defined]
        if request.GET.get("error") or "code" not in request.GET:
            # The provider refused or the person cancelled: the state is used up all the same.
            request.session["oidc_states"].pop(state, None)
            request.session.modified = True
            error = request.GET.get("error", "no code")[:100]
            return self.refuse(Refused(PROVIDER_ERROR, error))
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "oidc_refusal", None) or Refused(TOKEN_INVALID)
        return self.refuse(refusal)

    def login_success(self) -> HttpResponse:
        assert self.provider is not None
        verified = getattr(self.user, "otp_device", None) is not None
        response = super().login_success()
        access.audit(
            "accounts.sign_in.succeeded",
            actor=self.user,
            action=AccessAction.VIEW,
            target="accounts.sign_in",
            object_id=f"user:{self.user.pk}",
            rule="accounts.oidc.sign_in:"
            + ("provider-second-factor" if verified else "woonbrug-second-factor-follows"),
            organisation_id=self.provider.organisation_id,
            purpose=_("aanmelden via het inlogsysteem van de organisatie"),
            request=self.request,
        )
        if settings.REQUIRE_MFA and not verified:
            return redirect(reverse("accounts:mfa") + f"?next={response['Location']}")
        return response

    def refuse(self, refusal: Refused) -> HttpResponse:
        LOGGER.info("OIDC sign-in refused: %s (%s)", refusal.reason, refusal.detail)
        provider = self.provider
        access.audit(
            "accounts.sign_in.refused",
            actor=None,
            action=AccessAction.VIEW,
            target="accounts.sign_in",
            object_id=f"organisation:{provider.organisation_id}" if provider else "",
            rule=f"accounts.oidc.sign_in:{refusal.reason}",
            result=AccessResult.REFUSED,
            purpose=(
                _("aanmelden via het inlogsysteem van %(organisation)s geweigerd")
                % {"organisation": provider.organisation.name}
                if provider
                else _("aanmelden via het inlogsysteem van een organisatie geweigerd")
            ),
            request=self.request,
        )
        messages.error(self.request, refusal_message(refusal.reason))
        return HttpResponseRedirect(reverse("accounts:login"))
