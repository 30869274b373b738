"""State changes for people and organisations. Keyword-only, atomic, audited."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from config.queueing import enqueue_on_commit

from . import access, second_factor
from .errors import DomainError
from .models import (
    ROLES_BY_KIND,
    ROLES_NEEDING_SECOND_ADMIN,
    AccessAction,
    Enrolment,
    EnrolmentReason,
    LoginSession,
    Membership,
    Notification,
    Organisation,
    Role,
    RoleGrant,
    User,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DomainError",
    "login_sessions_purge",
    "member_invite",
    "membership_deactivate",
    "membership_grant",
    "notification_mark_read",
    "notify",
    "user_end_sessions",
]


def _sync_admin_grant(membership: Membership) -> None:
    """Keep the guardian grant `manage_members` in step with active org-admin memberships."""
    if membership.role != Role.ORG_ADMIN:
        return
    if membership.is_active:
        assign_perm("accounts.manage_members", membership.user, membership.organisation)
    else:
        remove_perm("accounts.manage_members", membership.user, membership.organisation)


def membership_grant(
    *, user: User, organisation: Organisation, role: str, created_by: User | None = None
) -> Membership:
    """Give `user` a role in `organisation` (or reactivate it). Used by invites, the demo and admin."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            _("De rol %(role)s bestaat niet bij een %(kind)s.")
            % {"role": Role(role).label, "kind": organisation.get_kind_display()},
            field="role",
            code="role_not_for_kind",
        )
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role, defaults={"created_by": created_by}
        )
        if not created and not membership.is_active:
            membership.is_active = True
            membership.deactivated_at = None
            membership.save(update_fields=["is_active", "deactivated_at"])
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        _sync_admin_grant(membership)
    access.forget_memberships(user)
    return membership


def member_invite(
    *, actor: User, organisation: Organisation, email: str, full_name: str, role: str
) -> Membership | RoleGrant:
    """Invite a person into the actor's organisation with a role; they get a one-time link to
    set a password and their second factor. A role that reads client data (or confirms such
    grants) becomes a `RoleGrant` awaiting a second admin instead, and nobody asks it for
    themselves."""
    rule = access.authorize(actor, "manage_members", organisation)
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if (
            user is not None
            and user.memberships.exclude(organisation=organisation).filter(is_active=True).exists()
        ):
            raise DomainError(
                _("Dit e-mailadres hoort al bij een andere organisatie."),
                field="email",
                code="other_org",
            )
        if (
            user is not None
            and user.memberships.filter(
                organisation=organisation, role=role, is_active=True
            ).exists()
        ):
            raise DomainError(_("Deze persoon heeft deze rol al."), field="role", code="duplicate")
        if user is not None and user.pk == actor.pk and role in ROLES_NEEDING_SECOND_ADMIN:
            raise DomainError(
                _("U kunt uzelf geen rol geven die cliëntgegevens toont of rollen bevestigt."),
                field="email",
                code="self_grant",
            )
        if user is None:
            user = User.objects.create_user(email=email, full_name=full_name)
        if role in ROLES_NEEDING_SECOND_ADMIN:
            from .grants import role_grant_request

            return role_grant_request(actor=actor, organisation=organisation, user=user, role=role)
        membership = membership_grant(
            user=user, organisation=organisation, role=role, created_by=actor
        )
        access.audit(
            "accounts.membership.invited",
            action=AccessAction.CREATE,
            actor=actor,
            target=membership,
            organisation_id=organisation.pk,
            rule=rule,
            purpose=_("ledenbeheer"),
        )
        send_invitation_on_commit(actor=actor, user=user, organisation=organisation)
    return membership


def send_invitation_on_commit(*, actor: User, user: User, organisation: Organisation) -> None:
    """Someone without a working second factor gets a one-time enrolment link, mailed after
    commit through a retrying task; a person who already has one just gets the new role."""
    if second_factor.status(user) == second_factor.ACTIVE:
        return
    enrolment, _secret = second_factor.enrolment_issue(
        actor=actor, user=user, reason=EnrolmentReason.INVITATION
    )
    from . import tasks

    enqueue_on_commit(tasks.send_invitation, enrolment.pk, organisation.pk, actor.pk)


def invitation_send(*, enrolment_id: int, organisation_id: int, invited_by_id: int) -> None:
    """Mail the enrolment link. Run by `tasks.send_invitation`, which retries with backoff
    when the mail server is unreachable; a refused address is not retried. The link's secret
    is made here, never passed through the broker: a retry makes a fresh one (the earlier
    link stops working), and a link used or lapsed meanwhile is not sent at all."""
    secret = second_factor.enrolment_rotate(enrolment_id)
    if secret is None:
        return
    enrolment = Enrolment.objects.select_related("user").get(pk=enrolment_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    invited_by = User.objects.get(pk=invited_by_id)
    context = {
        "organisation": organisation,
        "invited_by": invited_by,
        "reset": enrolment.reason == EnrolmentReason.RE_ENROLMENT,
    }
    try:
        second_factor.send_enrolment_link(user=enrolment.user, secret=secret, context=context)
    except smtplib.SMTPRecipientsRefused:
        logger.warning("invitation to user %s refused by the mail server", enrolment.user_id)


def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """End a membership. A person left without any active role is deactivated and signed out."""
    rule = access.authorize(actor, "deactivate", membership)
    if membership.user_id == actor.pk and membership.role == Role.ORG_ADMIN:
        raise DomainError(_("U kunt uw eigen beheerdersrol niet beëindigen."), code="self_admin")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if not membership.is_active:
            return membership
        membership.is_active = False
        membership.deactivated_at = timezone.now()
        membership.save(update_fields=["is_active", "deactivated_at"])
        _sync_admin_grant(membership)
        user = membership.user
        if not user.memberships.filter(is_active=True).exists():
            user.is_active = False
            user.save(update_fields=["is_active"])
            user_end_sessions(user=user)
        access.audit(
            "accounts.membership.deactivated",
            actor=actor,
            target=membership,
            organisation_id=membership.organisation_id,
            rule=rule,
            purpose=_("ledenbeheer"),
        )
    access.forget_memberships(membership.user)
    return membership


def user_end_sessions(*, user: User) -> int:
    """Delete every session the user signed in with. Returns how many were ended."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store: SessionBase = engine.SessionStore(session_key=key)
        store.delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)


def login_sessions_purge() -> int:
    """Drop bookkeeping rows for sessions that have certainly ended (older than SESSION_MAX_AGE)."""
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_MAX_AGE)
    deleted, _ = LoginSession.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def notify(
    *,
    user: User,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification | None:
    """Tell `user` something, in the app and (after commit) by e-mail. Once per `dedupe_key`.

    Returns the new notification, or None when this key was already sent to this user, so a
    retried or repeated task never notifies twice. Inactive users are not notified.
    """
    if not user.is_active:
        return None
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            user=user,
            dedupe_key=dedupe_key[:200],
            defaults={"kind": kind, "title": title[:200], "body": body, "url": url},
        )
    if not created:
        return None
    if email:
        from . import tasks

        enqueue_on_commit(tasks.email_notification, notification.pk)
    return notification


def notification_email(*, notification_id: int) -> bool:
    """Mail one notification, once: `emailed_at` is set in the same transaction that holds the
    row lock, so a duplicate delivery or a retry after success sends nothing more. A refused
    address is recorded in `email_error` and not retried; a mail server that cannot be reached
    raises (the task retries with backoff). Returns whether a mail was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        if notification.email_error:
            return False
        try:
            _email_notification(notification)
        except smtplib.SMTPRecipientsRefused as error:
            Notification.objects.filter(pk=notification.pk).update(
                email_error=str(error)[:200] or "refused"
            )
            return False
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def _email_notification(notification: Notification) -> None:
    link = (
        settings.SITE_URL + notification.url
        if notification.url.startswith("/")
        else notification.url
    )
    send_mail(
        subject=f"Woonbrug: {notification.title}",
        message=render_to_string(
            "accounts/email/notification.txt", {"notification": notification, "link": link}
        ),
        from_email=None,
        recipient_list=[notification.user.email],
    )


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
