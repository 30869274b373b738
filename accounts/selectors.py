"""Reads about people and organisations, filtered by what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
    """The log rows the user may read, optionally of one event or family (see below)."""
    return with_event(access.scope(user, AccessLogEntry), event)


def with_event(entries: QuerySet[AccessLogEntry], event: str) -> QuerySet[AccessLogEntry]:
    """Rows of one event (`placements.agreement.extended`) or of a family of them
    (`placements.agreement`, `placements.`); all rows when `event` is empty."""
    event = event.strip().lower().rstrip(".")
    if not event:
        return entries
    return entries.filter(Q(event=event) | Q(event__startswith=event + "."))


def primary_membership(*, user: User) -> Membership | None:
    """The membership the interface greets the user with (admin roles last)."""
    memberships = access.memberships_of(user)
    ranked = sorted(memberships, key=lambda m: (m.role == Role.ORG_ADMIN, m.organisation.name))
    return ranked[0] if ranked else None


def notification_list(*, user: User) -> QuerySet[Notification]:
    return access.scope(user, Notification)


def unread_notification_count(*, user: User) -> int:
    return access.scope(user, Notification).filter(read_at__isnull=True).count()
