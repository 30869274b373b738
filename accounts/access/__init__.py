"""The one permission layer. See `core` for how policies are declared and registered.

Views use `views.ProtectedView` (or its mixins), the API `drf.LayerPermission` and
`drf.ProtectedViewSetMixin`; services call `decide`/`can` and `log.record`.
"""

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
from .guard import get_object_or_404, require

__all__ = [
    "Decision",
    "Policy",
    "Predicate",
    "Rule",
    "can",
    "decide",
    "forget_memberships",
    "get_object_or_404",
    "has_grant",
    "has_role",
    "has_role_in",
    "memberships_of",
    "organisation_ids_of",
    "policy_for",
    "region_ids_of",
    "register",
    "registered_models",
    "require",
    "roles_of",
    "scope",
    "visible",
]
