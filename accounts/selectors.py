"""Reads about people and organisations, filtered by what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from . import access
from .models import AccessLogEntry, Membership, Notification, Organisation, Role, User


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return access.scope(user, Organisation).select_related("region")


def member_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    return (
        access.scope(user, Membership)
        .filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("-is_active", "user__full_name", "role")
    )


def access_log_list(*, user: User, event: str = "") -> QuerySet[AccessLogEntry]:
    """The log rows the user may read; `event` keeps one event or, ending in a dot or naming
    only a prefix, a family of them ("placements." or "placements.agreement")."""
    entries = access.scope(user, AccessLogEntry)
    event = event.strip().lower()
    if event:
        exact = entries.filter(event=event)
        family = entries.filter(event__startswith=event.rstrip(".") + ".")
        entries = exact | family
    return entries


def primary_membership(*, user: User) -> Membership | None:
    """The membership the interface greets the user with (admin roles last)."""
    memberships = access.memberships_of(user)
    ranked = sorted(memberships, key=lambda m: (m.role == Role.ORG_ADMIN, m.organisation.name))
    return ranked[0] if ranked else None


def notification_list(*, user: User) -> QuerySet[Notification]:
    return access.scope(user, Notification)


def unread_notification_count(*, user: User) -> int:
    return access.scope(user, Notification).filter(read_at__isnull=True).count()
