"""The permission layer: one place that answers "may this user do this to this object".

Each protected model registers a `Policy` (usually from its app's `permissions.py`):

    @access.register
    class ClientPolicy(access.Policy):
        model = Client
        log_reads = True                       # client data: every read is logged

        def scope(self, user, queryset):       # what the user may see at all (else 404)
            return queryset.filter(
                care_provider_id__in=access.organisation_ids_of(user, Role.CARE_COORDINATOR)
            )

        rules = {                              # what the user may do (else 403)
            "view": access.Rule("own-provider", access.has_role(Role.CARE_COORDINATOR)),
            "change": access.Rule("assigned-coordinator", access.has_grant("cases.coordinate_client")),
        }

Everything is denied unless a policy says otherwise: an unregistered model has an empty
scope and no rules, an action without a rule is refused, inactive and anonymous users are
refused, and a superuser is not special here (superusers hold no role). Guardian grants are
read with `accept_global_perms=False` and `with_superuser=False`, so a global permission never
opens every object.

Services check with `access.authorize(actor, action, target)` (scope and rule in one call,
raising `accounts.errors.Forbidden`); pages and the API fetch with `access.get_object_or_404`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.db.models import Model, QuerySet
from guardian.shortcuts import get_objects_for_user

from accounts.models import Membership, Role

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str

    def __bool__(self) -> bool:
        return self.allowed


# --- Who the user is: active memberships, fetched once per request ----------------------

_CACHE_ATTR = "_woonbrug_memberships"


def memberships_of(user: Any) -> list[Membership]:
    """The user's active memberships in active organisations (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation", "organisation__region")
            .order_by("organisation_id", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships after a role change in the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> set[str]:
    return {m.role for m in memberships_of(user)}


def organisation_ids_of(user: Any, *roles: str) -> set[int]:
    """Ids of the organisations where the user holds any of `roles` (any role if none given)."""
    return {m.organisation_id for m in memberships_of(user) if not roles or m.role in roles}


def region_ids_of(user: Any) -> set[int]:
    return {m.organisation.region_id for m in memberships_of(user)}


# --- Predicates: small callables (user, obj) -> bool that compose with & and | ---------------


class Predicate:
    def __init__(self, test: Callable[[Any, Any], bool], name: str) -> None:
        self.test = test
        self.name = name

    def __call__(self, user: Any, obj: Any) -> bool:
        return bool(self.test(user, obj))

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})")

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def has_role(*roles: str) -> Predicate:
    """The user holds one of `roles` in some organisation."""
    wanted = set(roles)
    return Predicate(lambda user, obj: bool(roles_of(user) & wanted), f"role:{'/'.join(roles)}")


def has_role_in(organisation_of: Callable[[Any], int | None], *roles: str) -> Predicate:
    """The user holds one of `roles` in the organisation `organisation_of(obj)` returns (an id)."""

    def test(user: Any, obj: Any) -> bool:
        if obj is None or isinstance(obj, type):
            return False
        return organisation_of(obj) in organisation_ids_of(user, *roles)

    return Predicate(test, f"role-in-org:{'/'.join(roles)}")


def _is_platform_admin(user: Any, obj: Any) -> bool:
    return bool(getattr(user, "is_staff", False))


# A platform administrator (`is_staff`, set only through Django's admin or createsuperuser):
# runs the installation, holds no role in any organisation, so never reads client data.
is_platform_admin = Predicate(_is_platform_admin, "platform-admin")


def has_grant(perm: str) -> Predicate:
    """A django-guardian object permission held by the user (never a global permission)."""

    def test(user: Any, obj: Any) -> bool:
        if obj is None or isinstance(obj, type) or obj.pk is None:
            return False
        return (
            get_objects_for_user(
                user, perm, klass=type(obj), accept_global_perms=False, with_superuser=False
            )
            .filter(pk=obj.pk)
            .exists()
        )

    return Predicate(test, f"grant:{perm}")


@dataclass(frozen=True)
class Rule:
    """A named permission rule; the name is written to the access log."""

    name: str
    predicate: Predicate
    # How the access log names this action; domain actions ("mark_ready") log as a change.
    logs_as: str = ""


# --- Policies ---------------------------------------------------------------------------


class Policy:
    """Who may see and do what with one model. Subclass, set `model`, `rules`, `scope`."""

    model: ClassVar[type[Model]]
    rules: ClassVar[dict[str, Rule]] = {}
    # Successful reads of this model are written to the access log (client data).
    log_reads: ClassVar[bool] = False
    # The access log's object type; defaults to the model's label ("cases.client").
    object_type: ClassVar[str | None] = None

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The objects `user` may know exist. Default: none."""
        return queryset.none()

    def log_id(self, obj: Any) -> str:
        """How the access log names the object (clients: their pseudonym, never a name)."""
        return str(obj.pk)

    def client_reference(self, obj: Any) -> str:
        """The pseudonym of the client `obj` concerns ("" when none): written to the access
        log's `client_reference`, so the client's overview finds reads of its proposals,
        placements and signals as well. Policies of client data override this."""
        return ""

    def client_reference_of_id(self, object_id: str) -> str:
        """The client's pseudonym when the logged id alone names it (a refused lookup of a
        client by its reference); "" otherwise."""
        return ""

    def names_clients(self) -> bool:
        """Whether this policy's objects concern a client (it overrides `client_reference`)."""
        return type(self).client_reference is not Policy.client_reference

    def type_label(self) -> str:
        return self.object_type or self.model._meta.label_lower


_registry: dict[type[Model], Policy] = {}


P = TypeVar("P", bound=type[Policy])


def register(policy_class: P) -> P:
    """Class decorator: make `policy_class` the policy of its model (one per model)."""
    model = policy_class.model
    existing = _registry.get(model)
    if existing is not None and type(existing) is not policy_class:
        raise RuntimeError(f"{model._meta.label} already has policy {type(existing).__name__}")
    _registry[model] = policy_class()
    return policy_class


def policy_for(model: type[Model]) -> Policy | None:
    return _registry.get(model)


def registered_models() -> Iterable[type[Model]]:
    return tuple(_registry)


def scope(user: Any, model_or_queryset: type[M] | QuerySet[M]) -> QuerySet[M]:
    """Objects of a model `user` may see; empty for unregistered models and anonymous users."""
    if isinstance(model_or_queryset, QuerySet):
        queryset, model = model_or_queryset, model_or_queryset.model
    else:
        model = model_or_queryset
        queryset = model._default_manager.all()
    policy = _registry.get(model)
    if policy is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return policy.scope(user, queryset)


def decide(user: Any, action: str, target: Model | type[Model]) -> Decision:
    """May `user` perform `action` on `target` (an instance, or a model class for create/list)?

    Answers on the rule alone; visibility (the 404 boundary) is `scope`'s job, which
    `get_object_or_404` applies first.
    """
    model = target if isinstance(target, type) else type(target)
    policy = _registry.get(model)
    if policy is None:
        return Decision(False, "default-deny:unregistered-model")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Decision(False, "default-deny:anonymous")
    rule = policy.rules.get(action)
    if rule is None:
        return Decision(False, f"default-deny:no-rule-for-{action}")
    obj = None if isinstance(target, type) else target
    allowed = rule.predicate(user, obj if obj is not None else model)
    return Decision(allowed, f"{policy.type_label()}.{action}:{rule.name}")


def visible(user: Any, obj: Model) -> bool:
    return scope(user, type(obj)).filter(pk=obj.pk).exists()


def can(user: Any, action: str, obj: Model) -> bool:
    """Visible to the user and allowed by the action's rule (for templates and services)."""
    return visible(user, obj) and decide(user, action, obj).allowed


__all__ = [
    "Decision",
    "Policy",
    "Predicate",
    "Role",
    "Rule",
    "can",
    "decide",
    "forget_memberships",
    "has_grant",
    "has_role",
    "has_role_in",
    "is_platform_admin",
    "memberships_of",
    "organisation_ids_of",
    "policy_for",
    "region_ids_of",
    "register",
    "registered_models",
    "roles_of",
    "scope",
    "visible",
]
