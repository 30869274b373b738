"""Writing the access log (NEN 7513): who did what to which object, why, and with what result.

The one audit call is `audit(event, actor=, target=, rule=, ...)`:

    access.audit("placements.agreement.extended", actor=actor, target=agreement, rule=rule,
                 purpose=purpose_of(placement), request=request)

`event` is a dotted name, `<app>.<object>.<what happened>` in the past tense
(`cases.client.viewed`, `board.meeting.closed`): it is data, so the log can be filtered by
it. `purpose` keeps only the why (`"cliëntdossier"`, `"plaatsing WB-2026-00001"`). The
NEN 7513 action (view/create/change/...) follows from the event's last part unless given.
Call it inside the same transaction as the change it describes (services do), so a
rolled-back change leaves no row and a committed one always has its row.
"""

from __future__ import annotations

import re
from typing import Any

from axes.helpers import get_client_ip_address
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry, AccessResult

from . import chain
from .actors import SystemActor
from .core import memberships_of, policy_for

EVENT_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*){2,}$")

# The event's last part -> the NEN 7513 action; anything else is a change.
_ACTION_OF_VERB = {
    "viewed": AccessAction.VIEW,
    "searched": AccessAction.SEARCH,
    "listed": AccessAction.SEARCH,
    "created": AccessAction.CREATE,
    "exported": AccessAction.EXPORT,
    "printed": AccessAction.PRINT,
    "deleted": AccessAction.DELETE,
}
# Policy actions as past-tense verbs, for the events the layer itself writes.
_VERB_OF_ACTION = {
    "view": "viewed",
    "search": "searched",
    "list": "listed",
    "create": "created",
    "change": "changed",
    "export": "exported",
    "print": "printed",
    "delete": "deleted",
}


def event_for(object_type: str, action: str) -> str:
    """The event the layer writes for a policy action (`cases.client` + `view` ->
    `cases.client.viewed`); domain actions keep their name (`cases.client.mark_ready`)."""
    return f"{object_type}.{_VERB_OF_ACTION.get(action, action)}"


def action_for(event: str) -> str:
    return _ACTION_OF_VERB.get(event.rsplit(".", 1)[-1], AccessAction.CHANGE)


def _object_type_and_id(
    target: Model | type[Model] | str, object_id: str | None
) -> tuple[str, str]:
    if isinstance(target, str):
        return target, object_id or ""
    model = target if isinstance(target, type) else type(target)
    policy = policy_for(model)
    type_label = policy.type_label() if policy else model._meta.label_lower
    if object_id is None and not isinstance(target, type):
        object_id = policy.log_id(target) if policy else str(target.pk)
    return type_label, object_id or ""


def audit(
    event: str,
    *,
    actor: Any,
    target: Model | type[Model] | str,
    rule: str = "",
    purpose: str = "",
    request: HttpRequest | None = None,
    result: AccessResult | str = AccessResult.SUCCESS,
    action: AccessAction | str | None = None,
    object_id: str | None = None,
    organisation_id: int | None = None,
    responsible: Any = None,
    channel: str = "",
    client_reference: str | None = None,
) -> AccessLogEntry:
    """Append one row to the access log for `event` and return it (see the module docstring).

    The client the row concerns follows from the target's policy (`Policy.client_reference`);
    pass `client_reference` only when the target is a label or a class that names no client."""
    if not EVENT_PATTERN.match(event):
        raise ValueError(f"Event names are dotted, like 'cases.client.viewed': {event!r}")
    return _record(
        actor=actor,
        action=action or action_for(event),
        event=event,
        target=target,
        result=result,
        rule=rule,
        purpose=purpose,
        request=request,
        object_id=object_id,
        organisation_id=organisation_id,
        responsible=responsible,
        channel=channel,
        client_reference=client_reference,
    )


def client_reference_of(target: Model | type[Model] | str, object_id: str | None = None) -> str:
    """The pseudonym of the client `target` concerns, from its policy ("" when none)."""
    if isinstance(target, str):
        return ""
    model = target if isinstance(target, type) else type(target)
    policy = policy_for(model)
    if policy is None:
        return ""
    if isinstance(target, type):
        return policy.client_reference_of_id(object_id or "")
    return policy.client_reference(target) or ""


def _record(
    *,
    actor: Any,
    event: str = "",
    action: AccessAction | str,
    target: Model | type[Model] | str,
    result: AccessResult | str = AccessResult.SUCCESS,
    rule: str = "",
    purpose: str = "",
    request: HttpRequest | None = None,
    object_id: str | None = None,
    organisation_id: int | None = None,
    responsible: Any = None,
    channel: str = "",
    client_reference: str | None = None,
) -> AccessLogEntry:
    """Append one row to the access log and return it (the layer's own refusals call this
    directly, with the event derived from the policy action; everything else calls `audit`).

    `target` is a model instance, a model class (for searches and refused creates) or an
    explicit object type label. The object is named by its policy's `log_id` (for clients
    the pseudonym), never by its contents. `organisation_id` picks which of the actor's
    memberships acted; by default the first one.
    """
    object_type, logged_id = _object_type_and_id(target, object_id)
    if client_reference is None:
        client_reference = client_reference_of(target, object_id)
    if isinstance(actor, SystemActor):
        actor, channel, rule = None, channel or "system", rule or str(actor)
    memberships = memberships_of(actor) if actor is not None else []
    if organisation_id is not None:
        memberships = [
            m for m in memberships if m.organisation_id == organisation_id
        ] or memberships
    organisation = memberships[0].organisation if memberships else None
    roles = sorted(
        {m.role for m in memberships if organisation and m.organisation_id == organisation.pk}
    )
    if channel == "" and request is not None:
        channel = "api" if request.path.startswith("/api/") else "web"
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    fields: dict[str, Any] = {
        "user_id": actor.pk if authenticated else None,
        "user_email": actor.email if authenticated else "",
        "organisation_id": organisation.pk if organisation else None,
        "organisation_name": organisation.name if organisation else "",
        "role": ",".join(roles),
        "responsible_user_id": responsible.pk if responsible is not None else None,
        "responsible_user_email": responsible.email if responsible is not None else "",
        "action": str(action),
        "event": (event or event_for(object_type, str(action)))[:100],
        "object_type": object_type,
        "object_id": logged_id[:100],
        "result": str(result),
        "rule": rule[:150],
        "ip_address": get_client_ip_address(request) if request is not None else None,
        "channel": channel or "service",
        "purpose": purpose[:200],
        "client_reference": client_reference[:20],
    }
    return _append(fields)


def _append(fields: dict[str, Any]) -> AccessLogEntry:
    """Insert the row at the head of its month's chain (see `chain`): lock the chain, read its
    head, hash, insert, in one transaction: the caller's when there is one (no savepoint: a
    failed insert fails the caller's change too, as it did before), else its own."""
    with transaction.atomic(savepoint=False):
        at = timezone.now()
        name = chain.chain_of(at)
        chain.lock(name)
        seq, prev = chain.head(name)
        fields.update(at=at)
        digest = chain.row_hash(chain=name, seq=seq + 1, prev_hash=prev, fields=fields)
        return AccessLogEntry.objects.create(
            **fields, chain=name, seq=seq + 1, prev_hash=prev, row_hash=digest
        )
