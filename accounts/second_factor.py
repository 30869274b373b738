"""Second-factor enrolment that a mailbox alone cannot complete (issue 13).

- A device is registered only through an enrolment link: one-time, expiring
  (`ENROLMENT_HOURS`), sent with an invitation or when an admin resets someone's second
  factor. Signing in with a password, or resetting it, never offers a new secret.
- The device registered through the link stays unusable until an organisation admin other
  than the person confirms it (they know the person; the mailbox does not). A platform
  administrator confirms for an organisation's first admin (`manage.py second_factor_confirm`).
- Ten recovery codes (django-otp's static device) are issued at enrolment and become usable
  with the device; each works once.
- A passkey (WebAuthn, `passkeys`) is a second option, added only from a session that passed
  the second factor with a confirmed device.
- Resetting a second factor needs an admin, deletes every device (passkeys too), signs the person out,
  sends a new link, and is logged and notified to the person and the other admins.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import access
from .errors import DomainError
from .models import AccessAction, Enrolment, EnrolmentReason, Membership, Role, User

RECOVERY_CODES = 10
DEVICE_NAME = "Authenticator-app"
RECOVERY_NAME = "Herstelcodes"

# What `status` answers, for the member list and the sign-in page.
ACTIVE, AWAITING_CONFIRMATION, INVITED, NONE = "active", "awaiting", "invited", "none"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _open(now: object = None) -> dict[str, object]:
    return {
        "used_at__isnull": True,
        "cancelled_at__isnull": True,
        "expires_at__gt": now or timezone.now(),
    }


def status(user: User) -> str:
    """ "active" (a confirmed device), "awaiting" (enrolled, awaiting an admin), "invited"
    (an open link) or "none"."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return ACTIVE
    enrolments = Enrolment.objects.filter(user=user, cancelled_at__isnull=True)
    if enrolments.filter(used_at__isnull=False, confirmed_at__isnull=True).exists():
        return AWAITING_CONFIRMATION
    if enrolments.filter(**_open()).exists():
        return INVITED
    return NONE


def statuses(users: list[User]) -> dict[int, str]:
    """`status` for many users in three queries (the member list)."""
    ids = [u.pk for u in users]
    active = set(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id", flat=True)
    )
    enrolments = Enrolment.objects.filter(user_id__in=ids, cancelled_at__isnull=True)
    awaiting = set(
        enrolments.filter(used_at__isnull=False, confirmed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    invited = set(enrolments.filter(**_open()).values_list("user_id", flat=True))
    result = {}
    for pk in ids:
        if pk in active:
            result[pk] = ACTIVE
        elif pk in awaiting:
            result[pk] = AWAITING_CONFIRMATION
        elif pk in invited:
            result[pk] = INVITED
        else:
            result[pk] = NONE
    return result


def usable_devices(user: User) -> list[TOTPDevice | StaticDevice]:
    """The devices that may be asked for at sign-in: confirmed ones only (app, then codes)."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"),
        *StaticDevice.objects.filter(user=user, confirmed=True).order_by("id"),
    ]


def enrolment_issue(*, actor: access.Actor, user: User, reason: str) -> tuple[Enrolment, str]:
    """A new enrolment link for `user` (earlier open ones lapse). Returns it and its secret.

    Call inside the caller's transaction; e-mail the link with `send_enrolment_link` on commit.
    """
    now = timezone.now()
    secret = secrets.token_urlsafe(32)
    Enrolment.objects.filter(
        user=user, cancelled_at__isnull=True, confirmed_at__isnull=True
    ).update(cancelled_at=now)
    enrolment = Enrolment.objects.create(
        user=user,
        digest=_digest(secret),
        reason=reason,
        created_at=now,
        created_by=access.user_or_none(actor),
        expires_at=now + timedelta(hours=settings.ENROLMENT_HOURS),
    )
    return enrolment, secret


def enrolment_link(secret: str) -> str:
    return settings.SITE_URL + reverse("accounts:enrol", kwargs={"secret": secret})


def enrolment_rotate(enrolment_id: int) -> str | None:
    """A fresh secret for an open enrolment (the mail task calls this right before sending,
    so no secret ever sits in the broker); None when the link was used or lapsed."""
    secret = secrets.token_urlsafe(32)
    updated = Enrolment.objects.filter(pk=enrolment_id, **_open()).update(digest=_digest(secret))
    return secret if updated else None


def send_enrolment_link(*, user: User, secret: str, context: Mapping[str, object]) -> None:
    """E-mail the link (from the retrying mail task: a mail server that is down is retried)."""
    send_mail(
        subject=_("Uitnodiging voor Woonbrug"),
        message=render_to_string(
            "accounts/email/invitation.txt",
            {
                **context,
                "user": user,
                "link": enrolment_link(secret),
                "hours": settings.ENROLMENT_HOURS,
            },
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def enrolment_for(secret: str) -> Enrolment | None:
    """The open enrolment this link's secret belongs to, if any (used, lapsed, expired: None)."""
    if not secret or len(secret) > 100:
        return None
    return (
        Enrolment.objects.select_related("user")
        .filter(digest=_digest(secret), user__is_active=True, **_open())
        .first()
    )


def pending_device(enrolment: Enrolment) -> TOTPDevice:
    """The device being set up through this link (unconfirmed, so it opens nothing yet)."""
    device = TOTPDevice.objects.filter(user=enrolment.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=enrolment.user, name=DEVICE_NAME, confirmed=False)
    return device


def enrolment_complete(*, enrolment: Enrolment, password: str, code: str) -> list[str]:
    """Set the password and register the device; returns the recovery codes (shown once).

    The device and the codes stay unusable until an admin confirms. Raises DomainError with
    the field when the password is too weak, the code is wrong or the link was used meanwhile.
    """
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk, **_open()).first()
        if locked is None:
            raise DomainError(
                _("Deze link is al gebruikt of verlopen. Vraag uw beheerder om een nieuwe."),
                code="enrolment_closed",
                conflict=True,
            )
        user = locked.user
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(
                " ".join(error.messages), field="new_password1", code="weak"
            ) from None
        device = pending_device(locked)
        if not device.verify_token(code.replace(" ", "")):
            raise DomainError(
                _("Deze code klopt niet of is verlopen. Probeer de volgende code."),
                field="token",
                code="wrong_code",
            )
        user.set_password(password)
        user.save(update_fields=["password"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=False)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        access.audit(
            "accounts.second_factor.enrolled",
            actor=user,
            action=AccessAction.CHANGE,
            target="accounts.second_factor",
            object_id=f"user:{user.pk}",
            rule="accounts.second_factor.enrol:enrolment-link",
            purpose=_("tweede factor ingesteld, wacht op bevestiging"),
        )
        for admin in _admins_of(user, exclude=user):
            from .services import notify

            notify(
                user=admin,
                kind="second_factor.awaiting",
                title=_("%(name)s wacht op bevestiging van de tweede factor") % {"name": user},
                body=_(
                    "Bevestig pas nadat u bij de persoon zelf (telefoon, persoonlijk) heeft "
                    "nagevraagd dat zij dit hebben ingesteld."
                ),
                url=reverse("accounts:member-list"),
                dedupe_key=f"second_factor.awaiting:{locked.pk}",
            )
    return codes


def _admins_of(user: User, *, exclude: User | None = None) -> list[User]:
    org_ids = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    admins = User.objects.filter(
        memberships__organisation_id__in=org_ids,
        memberships__role=Role.ORG_ADMIN,
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    if exclude is not None:
        admins = admins.exclude(pk=exclude.pk)
    return list(admins)


def _require_other_admin(actor: User, action: str, membership: Membership) -> str:
    """The guard (`access.authorize`), then four eyes: never the admin's own membership."""
    rule = access.authorize(actor, action, membership)
    if membership.user_id == actor.pk:
        raise DomainError(
            _("Uw eigen tweede factor bevestigt of herstelt een andere beheerder."),
            code="self",
        )
    return rule


def second_factor_confirm(*, actor: User, membership: Membership) -> Enrolment:
    """An org admin (not the person) confirms the device registered through the link."""
    rule = _require_other_admin(actor, "confirm_second_factor", membership)
    return _confirm(
        actor=actor, user=membership.user, rule=rule, organisation_id=membership.organisation_id
    )


def second_factor_confirm_by_operator(*, actor: User, user: User) -> Enrolment:
    """A platform administrator confirms (an organisation's first admin has nobody else)."""
    rule = access.authorize(actor, "confirm_by_operator", Enrolment)
    if actor.pk == user.pk:
        raise DomainError(_("Alleen een andere platformbeheerder bevestigt dit."), code="self")
    return _confirm(actor=actor, user=user, rule=rule)


def _confirm(
    *, actor: User, user: User, rule: str, organisation_id: int | None = None
) -> Enrolment:
    from .services import notify

    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(
                user=user,
                used_at__isnull=False,
                confirmed_at__isnull=True,
                cancelled_at__isnull=True,
            )
            .order_by("-used_at")
            .first()
        )
        if enrolment is None:
            raise DomainError(
                _("Er wacht geen tweede factor van deze persoon op bevestiging."),
                code="nothing_to_confirm",
                conflict=True,
            )
        enrolment.confirmed_at = timezone.now()
        enrolment.confirmed_by = actor
        enrolment.save(update_fields=["confirmed_at", "confirmed_by"])
        TOTPDevice.objects.filter(user=user, confirmed=False).update(confirmed=True)
        StaticDevice.objects.filter(user=user, confirmed=False).update(confirmed=True)
        access.audit(
            "accounts.second_factor.confirmed",
            actor=actor,
            action=AccessAction.CHANGE,
            target="accounts.second_factor",
            object_id=f"user:{user.pk}",
            rule=rule,
            organisation_id=organisation_id,
            purpose=_("tweede factor bevestigd"),
        )
        notify(
            user=user,
            kind="second_factor.confirmed",
            title=_("Uw tweede factor is bevestigd door %(name)s") % {"name": actor},
            dedupe_key=f"second_factor.confirmed:{enrolment.pk}",
        )
    return enrolment


def second_factor_reset(*, actor: User, membership: Membership) -> Enrolment:
    """An org admin (not the person) resets someone's second factor: every device goes, the
    person is signed out and gets a new link; logged, and the person and the other admins
    are told (so a reset nobody asked for is noticed)."""
    from .services import notify, user_end_sessions

    rule = _require_other_admin(actor, "reset_second_factor", membership)
    user = membership.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()  # passkeys too
        enrolment, _secret = enrolment_issue(
            actor=actor, user=user, reason=EnrolmentReason.RE_ENROLMENT
        )
        user_end_sessions(user=user)
        access.audit(
            "accounts.second_factor.reset",
            actor=actor,
            action=AccessAction.CHANGE,
            target="accounts.second_factor",
            object_id=f"user:{user.pk}",
            rule=rule,
            organisation_id=membership.organisation_id,
            purpose=_("tweede factor opnieuw instellen"),
        )
        notify(
            user=user,
            kind="second_factor.reset",
            title=_("%(name)s heeft uw tweede factor opnieuw laten instellen") % {"name": actor},
            body=_("Heeft u hier niet om gevraagd? Neem dan direct contact op met uw beheerder."),
            dedupe_key=f"second_factor.reset:{enrolment.pk}",
        )
        for admin in _admins_of(user, exclude=actor):
            if admin.pk == user.pk:
                continue
            notify(
                user=admin,
                kind="second_factor.reset",
                title=_("%(actor)s heeft de tweede factor van %(name)s opnieuw laten instellen")
                % {"actor": actor, "name": user},
                url=reverse("accounts:member-list"),
                dedupe_key=f"second_factor.reset:{enrolment.pk}",
            )
        from config.queueing import enqueue_on_commit

        from . import tasks

        enqueue_on_commit(tasks.send_invitation, enrolment.pk, membership.organisation_id, actor.pk)
    return enrolment
