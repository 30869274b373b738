"""The passkey ceremony's JSON endpoints, under the names django-otp-webauthn's script
reverses (`otp_webauthn:`). Registration lives outside the second-factor prefix, so the
middleware refuses it to a session that has not passed the second factor; the sign-in
steps live under it (they are the second factor)."""

from django.urls import path

from . import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "accounts/passkeys/registratie/begin/",
        passkeys.BeginRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "accounts/passkeys/registratie/afronden/",
        passkeys.CompleteRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "accounts/2fa/passkey/begin/",
        passkeys.BeginAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "accounts/2fa/passkey/afronden/",
        passkeys.CompleteAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path("accounts/2fa/passkey/jsi18n/", passkeys.CatalogView.as_view(), name="js-i18n-catalog"),
]
