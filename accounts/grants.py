"""Separation of duties for roles that read client data (issue 13).

An organisation admin asks (`role_grant_request`, via the invite), a second admin of the same
organisation, neither the requester nor the person, confirms or refuses. Requests,
confirmations and refusals are written to the access log; the other admins are asked to
confirm, and on confirmation the person and every admin are told, so a grant nobody wanted
is noticed. Two admins deciding at once: the grant row is locked and re-read, the second
decision finds it decided and gets a conflict.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .errors import DomainError
from .models import (
    AccessAction,
    Membership,
    Organisation,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
)

OBJECT_TYPE = "accounts.role_grant"


def _admins(organisation_id: int, *, exclude: set[int]) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role=Role.ORG_ADMIN,
            memberships__is_active=True,
            is_active=True,
        )
        .exclude(pk__in=exclude)
        .distinct()
    )


def role_grant_request(
    *, actor: User, organisation: Organisation, user: User, role: str
) -> RoleGrant:
    """Ask for `role` for `user`; the caller (member_invite) has checked the admin rule."""
    from .services import notify

    if user.pk == actor.pk:
        raise DomainError(
            _("U kunt uzelf geen rol geven die cliëntgegevens toont of rollen bevestigt."),
            field="email",
            code="self_grant",
        )
    with transaction.atomic():
        existing = RoleGrant.objects.filter(
            organisation=organisation, user=user, role=role, status=RoleGrantStatus.AWAITING
        ).first()
        if existing is not None:
            raise DomainError(
                _("Voor deze persoon wacht deze rol al op een tweede beheerder."),
                field="role",
                code="awaiting",
            )
        grant = RoleGrant.objects.create(
            organisation=organisation, user=user, role=role, requested_by=actor
        )
        access.audit(
            "accounts.role_grant.requested",
            actor=actor,
            action=AccessAction.CREATE,
            target=grant,
            organisation_id=organisation.pk,
            rule="accounts.role_grant.request:org-admin",
            purpose=_("rol aangevraagd: %(role)s") % {"role": Role(role).label},
        )
        for admin in _admins(organisation.pk, exclude={actor.pk, user.pk}):
            notify(
                user=admin,
                kind="role_grant.awaiting",
                title=_("%(actor)s vraagt de rol %(role)s voor %(name)s: bevestig of wijs af")
                % {"actor": actor, "role": Role(role).label, "name": user},
                url=reverse("accounts:members", args=[organisation.pk]),
                dedupe_key=f"role_grant.awaiting:{grant.pk}",
            )
    return grant


def _decide(*, actor: User, grant: RoleGrant, action: str) -> RoleGrant:
    rule = access.authorize(actor, action, grant)
    with transaction.atomic():
        locked = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.status != RoleGrantStatus.AWAITING:
            raise DomainError(
                _("Over dit rolverzoek is al besloten."), code="decided", conflict=True
            )
        if actor.pk in {locked.requested_by_id, locked.user_id}:
            raise DomainError(
                _("Een andere beheerder dan de aanvrager of de persoon zelf beslist hierover."),
                code="same_admin",
            )
        locked.status = (
            RoleGrantStatus.CONFIRMED if action == "confirm" else RoleGrantStatus.REFUSED
        )
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        access.audit(
            "accounts.role_grant.confirmed"
            if action == "confirm"
            else "accounts.role_grant.refused",
            actor=actor,
            action=AccessAction.CHANGE,
            target=locked,
            organisation_id=locked.organisation_id,
            rule=rule,
            purpose=(
                _("rol bevestigd: %(role)s")
                if action == "confirm"
                else _("rol afgewezen: %(role)s")
            )
            % {"role": Role(locked.role).label},
        )
    return locked


def role_grant_confirm(*, actor: User, grant: RoleGrant) -> Membership:
    """A second admin confirms: the membership is made (logged), the person and every admin
    are notified, and a person without a second factor gets their enrolment link."""
    from .services import membership_grant, notify, send_invitation_on_commit

    with transaction.atomic():
        locked = _decide(actor=actor, grant=grant, action="confirm")
        organisation = locked.organisation
        membership = membership_grant(
            user=locked.user,
            organisation=organisation,
            role=locked.role,
            created_by=locked.requested_by,
        )
        access.audit(
            "accounts.membership.created",
            actor=actor,
            action=AccessAction.CREATE,
            target=membership,
            organisation_id=organisation.pk,
            responsible=locked.requested_by,
            rule="accounts.membership.create:second-admin",
            purpose=_("ledenbeheer"),
        )
        label = Role(locked.role).label
        notify(
            user=locked.user,
            kind="role_grant.confirmed",
            title=_("U heeft de rol %(role)s gekregen bij %(org)s")
            % {"role": label, "org": organisation},
            body=_("Aangevraagd door %(by)s, bevestigd door %(confirmed)s.")
            % {"by": locked.requested_by, "confirmed": actor},
            dedupe_key=f"role_grant.confirmed:{locked.pk}",
        )
        for admin in _admins(organisation.pk, exclude={actor.pk, locked.user_id}):
            notify(
                user=admin,
                kind="role_grant.confirmed",
                title=_("%(name)s heeft de rol %(role)s gekregen")
                % {"name": locked.user, "role": label},
                body=_("Aangevraagd door %(by)s, bevestigd door %(confirmed)s.")
                % {"by": locked.requested_by, "confirmed": actor},
                url=reverse("accounts:members", args=[organisation.pk]),
                dedupe_key=f"role_grant.confirmed:{locked.pk}",
            )
        send_invitation_on_commit(
            actor=locked.requested_by, user=locked.user, organisation=organisation
        )
    access.forget_memberships(locked.user)
    return membership


def role_grant_refuse(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """A second admin refuses: nothing is granted; the requester is told."""
    from .services import notify

    with transaction.atomic():
        locked = _decide(actor=actor, grant=grant, action="refuse")
        notify(
            user=locked.requested_by,
            kind="role_grant.refused",
            title=_("%(actor)s heeft de rol %(role)s voor %(name)s afgewezen")
            % {"actor": actor, "role": Role(locked.role).label, "name": locked.user},
            dedupe_key=f"role_grant.refused:{locked.pk}",
        )
    return locked


def awaiting_grants(*, user: User, organisation: Organisation) -> list[RoleGrant]:
    """Requests of this organisation awaiting a second admin, as the admin may see them."""
    return list(
        access.scope(user, RoleGrant)
        .filter(organisation=organisation, status=RoleGrantStatus.AWAITING)
        .select_related("user", "requested_by")
    )
