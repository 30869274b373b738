"""Policies for organisations, memberships and the access log (see accounts.access.core)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_otp_webauthn.models import WebAuthnCredential

from . import access
from .access import Rule, has_grant, has_role, has_role_in
from .models import (
    AccessLogEntry,
    ApiToken,
    Enrolment,
    Membership,
    Notification,
    Organisation,
    Role,
    RoleGrant,
)

ANY_ROLE = has_role(*Role.values)
# Who reads an organisation's access log (page, exports, API).
LOG_READERS = (Role.ORG_ADMIN, Role.PRIVACY_OFFICER)


@access.register
class OrganisationPolicy(access.Policy):
    """Organisations in the user's own region(s) are known by name; others do not exist."""

    model = Organisation
    rules = {
        "view": Rule("member-of-region", ANY_ROLE),
        # The guardian grant is synced with the org-admin membership by the services;
        # requiring both means a stale grant alone never opens member management.
        "manage_members": Rule(
            "org-admin",
            has_grant("accounts.manage_members") & has_role_in(lambda org: org.pk, Role.ORG_ADMIN),
            logs_as="view",
        ),
        # The records of processing (verwerkingsregister): what the code holds, for the people
        # who answer for it in their organisation. Holds no personal data itself.
        "processing_records": Rule(
            "org-admin-or-privacy-officer",
            has_role(Role.ORG_ADMIN, Role.PRIVACY_OFFICER),
            logs_as="view",
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        return queryset.filter(region_id__in=access.region_ids_of(user), is_active=True)


@access.register
class MembershipPolicy(access.Policy):
    """Members are visible to their organisation's admins; everyone sees their own."""

    model = Membership
    log_reads = True
    rules = {
        "view": Rule(
            "org-admin-or-self",
            has_role_in(lambda m: m.organisation_id, Role.ORG_ADMIN)
            | access.Predicate(lambda user, m: getattr(m, "user_id", None) == user.pk, "self"),
        ),
        "list": Rule("org-admin", has_role(Role.ORG_ADMIN)),
        "create": Rule("org-admin", has_role(Role.ORG_ADMIN)),
        "deactivate": Rule("org-admin", has_role_in(lambda m: m.organisation_id, Role.ORG_ADMIN)),
        # The services also refuse the admin's own membership (someone else confirms).
        "confirm_second_factor": Rule(
            "org-admin", has_role_in(lambda m: m.organisation_id, Role.ORG_ADMIN), logs_as="change"
        ),
        "reset_second_factor": Rule(
            "org-admin", has_role_in(lambda m: m.organisation_id, Role.ORG_ADMIN), logs_as="change"
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        admin_of = access.organisation_ids_of(user, Role.ORG_ADMIN)
        return queryset.filter(Q(organisation_id__in=admin_of) | Q(user_id=user.pk))

    def log_id(self, obj: Membership) -> str:
        return f"membership:{obj.pk}"


@access.register
class AccessLogPolicy(access.Policy):
    """An organisation's admins and its privacy officer may read what their own people did
    (never edit: append-only). The privacy officer answers for the log (NEN 7513: the
    organisation reviews it), so issue 17 gives them the page too."""

    model = AccessLogEntry
    rules = {"view": Rule("org-admin-or-privacy-officer", has_role(*LOG_READERS))}

    def scope(self, user: Any, queryset: QuerySet[AccessLogEntry]) -> QuerySet[AccessLogEntry]:
        return queryset.filter(organisation_id__in=access.organisation_ids_of(user, *LOG_READERS))


@access.register
class NotificationPolicy(access.Policy):
    """A person's notifications are theirs alone."""

    model = Notification
    rules = {
        "view": Rule("own", ANY_ROLE),
        "change": Rule(
            "own", access.Predicate(lambda user, n: getattr(n, "user_id", None) == user.pk, "self")
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        return queryset.filter(user_id=user.pk)


def _token_is_integration(user: Any, token: Any) -> bool:
    return bool(getattr(token, "is_integration", False))


def _token_is_own_personal(user: Any, token: Any) -> bool:
    return not getattr(token, "is_integration", True) and getattr(token, "user_id", None) == user.pk


OWN = access.Predicate(lambda user, obj: getattr(obj, "user_id", None) == user.pk, "self")


@access.register
class ApiTokenPolicy(access.Policy):
    """A person's API tokens are theirs alone. A personal token is issued by its owner; a
    named integration token (no idle rule) only by a platform administrator."""

    model = ApiToken
    rules = {
        # Checked on the token about to be made (unsaved), so the rule sees whose and what kind.
        "create": Rule(
            "own-personal-or-platform-admin-integration",
            access.Predicate(_token_is_own_personal, "own-personal")
            | (access.Predicate(_token_is_integration, "integration") & access.is_platform_admin),
        ),
        "revoke": Rule("own", OWN, logs_as="change"),
    }

    def scope(self, user: Any, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        return queryset.filter(user_id=user.pk)

    def log_id(self, obj: ApiToken) -> str:
        return f"api-token:{obj.prefix}"


@access.register
class EnrolmentPolicy(access.Policy):
    """Enrolment links are never listed or opened through the layer (the link's secret is the
    key); the one action on them is a platform administrator confirming a device for an
    organisation's first admin, who has no other admin to do it."""

    model = Enrolment
    rules = {
        "confirm_by_operator": Rule("platform-admin", access.is_platform_admin, logs_as="change"),
    }


@access.register
class PasskeyPolicy(access.Policy):
    """A person's passkeys are theirs alone (an admin's second-factor reset removes them)."""

    model = WebAuthnCredential
    rules = {
        "view": Rule("own", ANY_ROLE),
        "delete": Rule(
            "own",
            access.Predicate(lambda user, k: getattr(k, "user_id", None) == user.pk, "self"),
        ),
    }

    def scope(
        self, user: Any, queryset: QuerySet[WebAuthnCredential]
    ) -> QuerySet[WebAuthnCredential]:
        return queryset.filter(user_id=user.pk)

    def log_id(self, obj: WebAuthnCredential) -> str:
        return f"passkey:{obj.pk}"


@access.register
class RoleGrantPolicy(access.Policy):
    """Role requests are visible to the admins of their organisation; any of them may decide,
    and the service refuses the requester and the person themselves (four eyes)."""

    model = RoleGrant
    rules = {
        "confirm": Rule(
            "org-admin", has_role_in(lambda g: g.organisation_id, Role.ORG_ADMIN), logs_as="change"
        ),
        "refuse": Rule(
            "org-admin", has_role_in(lambda g: g.organisation_id, Role.ORG_ADMIN), logs_as="change"
        ),
    }

    def scope(self, user: Any, queryset: QuerySet[RoleGrant]) -> QuerySet[RoleGrant]:
        return queryset.filter(organisation_id__in=access.organisation_ids_of(user, Role.ORG_ADMIN))

    def log_id(self, obj: RoleGrant) -> str:
        return f"role-grant:{obj.pk}"
