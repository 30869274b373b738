"""Passkeys (WebAuthn) as a second option for the second factor, through django-otp-webauthn.

The library does the ceremony and the cryptography (py_webauthn underneath); this module
keeps its views inside the rules of issue 13:

- A passkey is only ever a *second* factor: sign-in with a passkey alone is off
  (`OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False`); after the password, a passkey of the
  signed-in person passes the second factor, as a code from the app does.
- A passkey is added only from a session that already passed the second factor with a
  device an organisation admin confirmed (`enrolment` in `second_factor`). The library
  lets a person *without* any device register one straight after the password; here that
  is refused, so a password (or a mailbox that reset it) never adds a factor.
- Adding and removing a passkey is written to the access log and told to the person and
  their organisation's admins (a passkey nobody asked for is noticed); an admin's
  second-factor reset removes the passkeys with the other devices.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn
from django_otp_webauthn.models import WebAuthnCredential

from . import access
from .access.views import PublicView
from .middleware import user_is_verified
from .models import AccessAction, User


class SecondFactorFirst(exceptions.OTPWebAuthnApiError):
    status_code = 403
    code = "second_factor_first"
    default_detail = gettext_lazy(
        "Meld u eerst aan met uw authenticator-app; daarna kunt u een passkey toevoegen."
    )


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user).order_by("created_at", "pk"))


def has_usable_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def _tell(user: User, *, kind: str, own: str, others: str, key: str) -> None:
    from .second_factor import _admins_of
    from .services import notify

    notify(user=user, kind=kind, title=own, url=reverse("accounts:passkeys"), dedupe_key=key)
    for admin in _admins_of(user, exclude=user):
        notify(
            user=admin,
            kind=kind,
            title=others,
            url=reverse("accounts:member-list"),
            dedupe_key=key,
        )


def passkey_added(*, actor: User, credential: WebAuthnCredential, request: HttpRequest) -> None:
    """Log and tell that `actor` registered `credential` (inside the registration request)."""
    access.audit(
        "accounts.passkey.created",
        actor=actor,
        action=AccessAction.CREATE,
        target="accounts.passkey",
        object_id=f"user:{actor.pk}:passkey:{credential.pk}",
        rule="accounts.passkey.create:verified-session",
        purpose=_("passkey toegevoegd"),
        request=request,
    )
    _tell(
        actor,
        kind="passkey.added",
        own=_("Er is een passkey aan uw account toegevoegd"),
        others=_("%(name)s heeft een passkey toegevoegd") % {"name": actor},
        key=f"passkey.added:{credential.pk}",
    )


def passkey_remove(*, actor: User, credential: WebAuthnCredential, request: HttpRequest) -> None:
    """The person removes one of their own passkeys; logged and told."""
    if credential.user_id != actor.pk:
        raise exceptions.CredentialUserMismatch()
    pk = credential.pk
    with transaction.atomic():
        credential.delete()
        access.audit(
            "accounts.passkey.deleted",
            actor=actor,
            target="accounts.passkey",
            object_id=f"user:{actor.pk}:passkey:{pk}",
            rule="accounts.passkey.delete:own",
            purpose=_("passkey verwijderd"),
            request=request,
        )
        _tell(
            actor,
            kind="passkey.removed",
            own=_("Er is een passkey van uw account verwijderd"),
            others=_("%(name)s heeft een passkey verwijderd") % {"name": actor},
            key=f"passkey.removed:{pk}",
        )


class _Registration:
    """Only a session that passed the second factor with a confirmed device adds a passkey."""

    request: HttpRequest

    def check_can_register(self) -> None:
        if not user_is_verified(self.request.user):
            raise SecondFactorFirst()


class BeginRegistrationView(PublicView, _Registration, webauthn.BeginCredentialRegistrationView):
    """JSON: the options for the browser's passkey prompt (signed in, second factor passed;
    the middleware already refuses an unverified session, this checks again)."""


class CompleteRegistrationView(
    PublicView, _Registration, webauthn.CompleteCredentialRegistrationView
):
    """JSON: verify the browser's answer and store the passkey; logged and told."""

    def post(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            credential = WebAuthnCredential.objects.filter(user_id=self.request.user.pk).latest(
                "pk"
            )
            passkey_added(
                actor=self.request.user,  # type: ignore[arg-type]
                credential=credential,
                request=self.request,
            )
        return response


class BeginAuthenticationView(PublicView, webauthn.BeginCredentialAuthenticationView):
    """JSON: the challenge for the second factor by passkey (after the password only)."""

    def check_can_authenticate(self) -> None:
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()


class CompleteAuthenticationView(PublicView, webauthn.CompleteCredentialAuthenticationView):
    """JSON: verify the signature; the session has then passed the second factor."""

    def check_can_authenticate(self) -> None:
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    def get_success_url(self) -> str:
        from .views import _safe_next

        return _safe_next(self.request)


class CatalogView(PublicView, JavaScriptCatalog):
    """The library's own interface texts (its script asks for them)."""

    packages = ["django_otp_webauthn"]
