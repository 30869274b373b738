"""API tokens: issue, check and revoke. The DRF authentication class lives here too.

A token is `<prefix>.<secret>`; the database keeps only the SHA-256 digest of the whole key
(a stolen backup or log line holds nothing usable). Checking one costs a single indexed
query; `last_used_at` is written at most once a minute so a busy integration does not turn
every read into a write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from . import access
from .errors import DomainError
from .models import AccessAction, ApiToken, User

LAST_USE_RESOLUTION = timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_state(token: ApiToken, *, now: datetime | None = None) -> str:
    """ "active", "revoked", "expired" or "idle" (a personal token unused past the idle limit)."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    idle = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    if not token.is_integration and (token.last_used_at or token.created_at) + idle <= now:
        return "idle"
    return "active"


def api_token_create(
    *,
    actor: User,
    user: User,
    name: str,
    integration: bool = False,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns it and the key, which is never shown again.

    Personal tokens are issued by the user to themselves (the page demands the second factor
    first); integration tokens only by a platform administrator, with a name. Who may is
    `ApiTokenPolicy`'s "create" rule, checked on the token about to be made.
    """
    name = name.strip()
    rule = access.authorize(actor, "create", ApiToken(user=user, is_integration=integration))
    if integration and not name:
        raise DomainError(_("Geef de koppeling een naam."), field="name", code="required")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise DomainError(
            _("Een sleutel geldt 1 tot 366 dagen."), field="days", code="invalid_days"
        )
    prefix = secrets.token_hex(4)
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100] or _("API-sleutel"),
            prefix=prefix,
            digest=_digest(key),
            is_integration=integration,
            created_at=now,
            created_by=actor,
            expires_at=now + timedelta(days=days),
        )
        access.audit(
            "accounts.api_token.created",
            actor=actor,
            action=AccessAction.CREATE,
            target=token,
            rule=rule,
            purpose=_("API-sleutel uitgeven"),
        )
    return token, key


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token (its owner only). A second call changes nothing."""
    rule = access.authorize(actor, "revoke", token)
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            access.audit(
                "accounts.api_token.revoked",
                actor=actor,
                action=AccessAction.CHANGE,
                target=token,
                rule=rule,
                purpose=_("API-sleutel intrekken"),
            )
    token.refresh_from_db()
    return token


def api_token_list(*, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, each with its `state`."""
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=user))
    labels = {
        "active": _("actief"),
        "revoked": _("ingetrokken"),
        "expired": _("verlopen"),
        "idle": _("verlopen (niet gebruikt)"),
    }
    for token in tokens:
        state = token_state(token, now=now)
        token.state = state  # type: ignore[attr-defined]
        token.is_live = state == "active"  # type: ignore[attr-defined]
        token.state_label = labels[state]  # type: ignore[attr-defined]
    return tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`: a live token of an active user, else 401."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel.")) from None
        token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ongeldige API-sleutel."))
        now = timezone.now()
        state = token_state(token, now=now)
        if state != "active":
            messages = {
                "revoked": _("Deze API-sleutel is ingetrokken."),
                "expired": _("Deze API-sleutel is verlopen."),
                "idle": _("Deze API-sleutel is te lang niet gebruikt en verlopen."),
            }
            raise exceptions.AuthenticationFailed(messages[state])
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, first in the API's chain: a request without
    credentials still answers 403 (as the permission matrices expect). A request that
    presented a token is answered by the token's scheme: an unknown, malformed, revoked,
    expired or idle token is 401 with `WWW-Authenticate: Token` (DRF takes the header, and so
    401 or 403, from the first class only)."""

    def authenticate_header(self, request: Request) -> str | None:
        header = authentication.get_authorization_header(request).split()
        if header and header[0].lower() == ApiTokenAuthentication.keyword.lower().encode():
            return ApiTokenAuthentication.keyword
        return None


def is_token(auth: Any) -> bool:
    return isinstance(auth, ApiToken)
