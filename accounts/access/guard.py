"""The guard: checking through the layer, for services (`authorize`) and pages (`get_object_or_404`,
`require`, which also write refused attempts to the access log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from accounts.errors import Forbidden
from accounts.models import AccessAction, AccessResult

from . import log
from .actors import SystemActor
from .core import decide, policy_for, scope, visible

M = TypeVar("M", bound=Model)


def authorize(actor: Any, action: str, target: Model | type[Model]) -> str:
    """The one service guard: may `actor` do `action` on `target` (an instance or, for
    class-level actions such as create, a model class)? Returns the rule's name for the
    caller's access-log row; raises `Forbidden` otherwise.

    Visibility comes first, like pages: a saved object outside the actor's scope raises
    `Forbidden(hidden=True)` (pages and the API answer 404), a visible one the rule refuses
    `Forbidden` (403). A `SystemActor` is the application itself and passes; anything that is
    neither an active user nor a system actor (`None`, anonymous) is refused.
    """
    if isinstance(actor, SystemActor):
        return f"system:{actor.name}"
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise Forbidden(rule="default-deny:anonymous")
    if not isinstance(target, type) and target.pk is not None and not visible(actor, target):
        raise Forbidden(rule="not-visible", hidden=True)
    decision = decide(actor, action, target)
    if not decision:
        raise Forbidden(rule=decision.rule)
    return decision.rule


def log_action_for(model: type[Model], action: str) -> str:
    policy = policy_for(model)
    rule = policy.rules.get(action) if policy else None
    if rule is not None and rule.logs_as:
        return rule.logs_as
    return action if action in AccessAction.values else AccessAction.CHANGE


def get_object_or_404(
    request: HttpRequest,
    model_or_queryset: type[M] | QuerySet[M],
    action: str,
    *,
    purpose: str = "",
    purpose_of: Callable[[M], str] | None = None,
    **lookup: Any,
) -> M:
    """The object matching `lookup` if the user may see it and perform `action`.

    Invisible and missing objects both raise Http404 (another organisation's object is
    indistinguishable from a non-existent one); a visible object the rule refuses raises
    PermissionDenied. Either way one "refused" row is logged, and it holds only what the
    requester supplied: the raw id of the lookup and the view's fixed `purpose`, never
    anything the lookup found (a pseudonym, a meeting's week), because the organisation
    admins of the *requester* read that row. `purpose_of(obj)` names the purpose of the
    rows written once the object has passed the layer. Successful reads of a model whose
    policy logs reads are logged as well.
    """
    queryset = scope(request.user, model_or_queryset)
    model = queryset.model
    logged_action = log_action_for(model, action)
    supplied_id = ":".join(str(v) for v in lookup.values())
    try:
        obj = queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        _refused(request, logged_action, model, supplied_id, "not-visible", purpose, lookup)
        raise Http404(_("Niet gevonden.")) from None
    decision = decide(request.user, action, obj)
    if not decision:
        _refused(request, logged_action, model, supplied_id, decision.rule, purpose, lookup)
        raise PermissionDenied(_("U heeft geen toestemming voor deze handeling."))
    policy = policy_for(model)
    # A GET renders the object whatever the action is called (an edit form pre-filled with
    # care data is a read too), so it is logged as one.
    is_read = logged_action in {"view", "export", "print"} or request.method in {"GET", "HEAD"}
    if policy is not None and policy.log_reads and is_read:
        log._record(
            actor=request.user,
            action=logged_action if logged_action in {"view", "export", "print"} else "view",
            target=obj,
            rule=decision.rule,
            purpose=purpose_of(obj) if purpose_of is not None else purpose,
            request=request,
        )
    obj._access_rule = decision.rule  # type: ignore[attr-defined]
    return obj


def _refused(
    request: HttpRequest,
    action: str,
    model: type[Model],
    supplied_id: str,
    rule: str,
    purpose: str,
    lookup: dict[str, Any],
) -> None:
    """The refused row: the supplied id and the fixed purpose only. Whose client data the
    attempt aimed at is stored for the client's own overview (read by the client's care
    provider), and never shown to the requester's admins (their page and API leave it out)."""
    log._record(
        actor=request.user,
        action=action,
        target=model,
        object_id=supplied_id,
        result=AccessResult.REFUSED,
        rule=rule,
        purpose=purpose,
        request=request,
        client_reference=_refused_client_reference(model, supplied_id, lookup),
    )


def _refused_client_reference(model: type[Model], object_id: str, lookup: dict[str, Any]) -> str:
    """Whose client data a refused lookup aimed at, so the client's overview lists the attempt
    too: the object is looked up outside the user's scope for the log only (never shown)."""
    policy = policy_for(model)
    if policy is None or not policy.names_clients():
        return ""
    if reference := policy.client_reference_of_id(object_id):
        return reference
    try:
        found = model._default_manager.filter(**lookup).first()
    except (ValueError, TypeError, ObjectDoesNotExist):
        return ""
    return policy.client_reference(found) if found is not None else ""


def require(
    request: HttpRequest, action: str, target: Model | type[Model], *, purpose: str = ""
) -> str:
    """Raise PermissionDenied (and log it) unless the user may do `action` on `target`.

    Returns the name of the rule that allowed it, for the caller's own log row.
    """
    decision = decide(request.user, action, target)
    if not decision:
        model = target if isinstance(target, type) else type(target)
        unsaved = not isinstance(target, type) and target.pk is None
        log._record(
            actor=request.user,
            action=log_action_for(model, action),
            target=target,
            # An object to be created (the rule checked on it before it exists) has no id:
            # the row names none, never the string "None" its pk would print.
            object_id="" if unsaved else None,
            result=AccessResult.REFUSED,
            rule=decision.rule,
            purpose=purpose,
            request=request,
        )
        raise PermissionDenied(_("U heeft geen toestemming voor deze handeling."))
    return decision.rule
