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


def access_log_list(*, user: User) -> QuerySet[AccessLogEntry]:
    return access.scope(user, AccessLogEntry)


def primary_membership(*, user: User) -> Membership | None:
    """The membership the interface greets the user with (admin roles last)."""
    memberships = access.memberships_of(user)
    ranked = sorted(memberships, key=lambda m: (m.role == Role.ORG_ADMIN, m.organisation.name))
    return ranked[0] if ranked else None


def notification_list(*, user: User) -> QuerySet[Notification]:
    return access.scope(user, Notification)


def unread_notification_count(*, user: User) -> int:
    return access.scope(user, Notification).filter(read_at__isnull=True).count()
