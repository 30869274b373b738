"""The one permission layer. See `core` for how policies are declared and registered.

Views use `views.ProtectedView` (or its mixins), the API `drf.LayerPermission` and
`drf.ProtectedViewSetMixin`; services call `authorize(actor, action, target)` (the one guard,
raising `accounts.errors.Forbidden`) and `audit(event, ...)` (the one access-log call).
Beat, tasks, commands and demo data act as a `SystemActor` (`SYSTEM`), never `actor=None`.
"""

from .actors import SYSTEM, Actor, SystemActor, is_system, user_or_none
from .core import (
    Decision,
    Policy,
    Predicate,
    Rule,
    can,
    decide,
    forget_memberships,
    has_grant,
    has_role,
    has_role_in,
    is_platform_admin,
    memberships_of,
    organisation_ids_of,
    policy_for,
    region_ids_of,
    register,
    registered_models,
    roles_of,
    scope,
    visible,
)
from .guard import authorize, get_object_or_404, require
from .log import audit

__all__ = [
    "SYSTEM",
    "Actor",
    "Decision",
    "Policy",
    "Predicate",
    "Rule",
    "SystemActor",
    "audit",
    "authorize",
    "can",
    "decide",
    "forget_memberships",
    "get_object_or_404",
    "has_grant",
    "has_role",
    "has_role_in",
    "is_platform_admin",
    "is_system",
    "memberships_of",
    "organisation_ids_of",
    "policy_for",
    "region_ids_of",
    "register",
    "registered_models",
    "require",
    "roles_of",
    "scope",
    "user_or_none",
    "visible",
]
