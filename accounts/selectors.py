"""Reads about people and organisations, filtered by what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import access
from .models import AccessLogEntry, AccessResult, Membership, Notification, Organisation, Role, User


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return access.scope(user, Organisation).select_related("region")


def member_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    return (
        access.scope(user, Membership)
        .filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("-is_active", "user__full_name", "role")
    )


def access_log_list(
    *, user: User, filters: dict[str, Any] | None = None, event: str = ""
) -> QuerySet[AccessLogEntry]:
    """The rows the user may read (their own organisations'), narrowed by the page's filters:
    period (local dates, inclusive), person (user id), client pseudonym (the logged object or
    the purpose that names it), action, result, and one event or family (see `with_event`)."""
    entries = with_event(access.scope(user, AccessLogEntry), event)
    f = filters or {}
    tz = timezone.get_current_timezone()
    if f.get("date_from"):
        start = dt.datetime.combine(f["date_from"], dt.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if f.get("date_to"):
        end = dt.datetime.combine(f["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    if f.get("person"):
        entries = entries.filter(user_id=f["person"])
    if f.get("client"):
        entries = entries.filter(
            Q(object_id__iexact=f["client"]) | Q(purpose__icontains=f["client"])
        )
    if f.get("action"):
        entries = entries.filter(action=f["action"])
    if f.get("result") == "refused":
        entries = entries.filter(result=AccessResult.REFUSED)
    elif f.get("result") == "success":
        entries = entries.filter(result=AccessResult.SUCCESS)
    return entries


def access_log_people(*, user: User) -> list[tuple[int, str]]:
    """(user id, name) of everyone who ever had a membership in the organisations whose log
    the user reads, for the person filter and the readable names."""
    org_ids = access.organisation_ids_of(user, Role.ORG_ADMIN, Role.PRIVACY_OFFICER)
    rows = (
        Membership.objects.filter(organisation_id__in=org_ids)
        .values_list("user_id", "user__full_name", "user__email")
        .distinct()
        .order_by("user__full_name")
    )
    return [(uid, name or email) for uid, name, email in rows]


def with_event(entries: QuerySet[AccessLogEntry], event: str) -> QuerySet[AccessLogEntry]:
    """Rows of one event (`placements.agreement.extended`) or of a family of them
    (`placements.agreement`, `placements.`), or of several, comma-separated (the page's
    families); all rows when `event` is empty."""
    condition = Q()
    for part in event.lower().split(","):
        if part := part.strip().rstrip("."):
            condition |= Q(event=part) | Q(event__startswith=part + ".")
    return entries.filter(condition) if condition else entries


def primary_membership(*, user: User) -> Membership | None:
    """The membership the interface greets the user with (admin roles last)."""
    memberships = access.memberships_of(user)
    ranked = sorted(memberships, key=lambda m: (m.role == Role.ORG_ADMIN, m.organisation.name))
    return ranked[0] if ranked else None


def notification_list(*, user: User) -> QuerySet[Notification]:
    return access.scope(user, Notification)


def unread_notification_count(*, user: User) -> int:
    return access.scope(user, Notification).filter(read_at__isnull=True).count()
