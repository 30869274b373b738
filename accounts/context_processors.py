from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import access
from . import navigation as nav
from .selectors import primary_membership, unread_notification_count
from .states import exposed


def navigation(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"demo_mode": settings.DEMO_MODE}
    if settings.DEMO_MODE:
        from .demo import DEMO_PASSWORD, demo_accounts

        context.update(demo_password=DEMO_PASSWORD, demo_accounts=demo_accounts())
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    roles = access.roles_of(user)
    found: list[tuple[Any, str]] = []
    for item in nav.items_for(roles):
        try:
            found.append((item.label, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    # One item is current: the longest menu URL the page lies under ("Afspraken in de regio"
    # at /plaatsingen/overzicht/, not "Plaatsingen" at /plaatsingen/ as well).
    path = request.path
    under = [u for _l, u in found if path == u or (u != "/" and path.startswith(u))]
    current = max(under, key=len) if under else None
    items = [{"label": label, "url": url, "active": url == current} for label, url in found]
    context.update(
        nav_items=items,
        current_membership=primary_membership(user=user),
        user_roles=roles,
        unread_notifications=unread_notification_count(user=user),
    )
    return context


def states(request: HttpRequest) -> dict[str, Any]:
    """The state enums apps expose (see `accounts.states`), by class name."""
    return exposed()
