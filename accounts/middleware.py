"""Sign-in security that applies to every request."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "woonbrug_login_at"

# Paths an authenticated user who has not passed the second factor may still reach.
MFA_EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/inschrijven/",
    "/accounts/password-reset/",
    "/accounts/reset/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/api/",  # the API checks the second factor itself (tokens count as verified)
)


def user_is_verified(user: Any) -> bool:
    """Has this signed-in user passed the second factor? (django-otp sets `is_verified`.)"""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response the application itself renders.

    Pages, fragments, PDFs, exports and API bodies may carry personal data, and which ones do
    depends on who asks; a rule per view would miss one. So every dynamic response is
    uncacheable by browsers and shared caches alike; only the static files (served by
    WhiteNoise, earlier in the chain, with their own long-lived headers) are cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view's own "public"/"max-age" must not survive: drop it before patching.
        if "Cache-Control" in response.headers:
            del response.headers["Cache-Control"]
        add_never_cache_headers(response)
        return response


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active (idle expiry is the cookie age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        login_at = request.session.get(SESSION_LOGIN_AT)
        if login_at is not None and time.time() - float(login_at) > settings.SESSION_MAX_AGE:
            request.session.flush()
            request.session_expired = True  # type: ignore[attr-defined]
        return self.get_response(request)


class RequireMFAMiddleware:
    """With REQUIRE_MFA on, a signed-in user must pass TOTP before seeing any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "session_expired", False):
            logout(request)
            messages.info(request, _("Uw sessie is verlopen. Meld u opnieuw aan."))
        user = request.user
        if (
            settings.REQUIRE_MFA
            and user.is_authenticated
            and not user_is_verified(user)
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            if request.headers.get("HX-Request") or (
                request.accepts("application/json") and not request.accepts("text/html")
            ):
                return JsonResponse({"detail": _("Tweestapsverificatie vereist.")}, status=403)
            return redirect(reverse("accounts:mfa") + f"?next={request.get_full_path()}")
        return self.get_response(request)


class DutchFirstLocaleMiddleware:
    """Dutch unless the user chose English with the language switch (a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; the users are Dutch
    professionals on browsers that are often set to English, and a half-English screen at the
    board table is worse than a deliberate choice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response
