"""`{% signals_panel agreement %}`: an agreement's signals on the placements pages (its
timeline, and an evaluation with `since=` the previous one), read through the layer and
logged. Placements' templates use the tag; placements' code never imports aftercare."""

from __future__ import annotations

from typing import Any

from django import template

from accounts import access
from accounts.access import log
from accounts.models import AccessAction
from matching.placements.services import parties_of

from .. import selectors
from ..models import Signal

register = template.Library()


@register.inclusion_tag("aftercare/_signals_panel.html", takes_context=True)
def signals_panel(context: dict[str, Any], agreement: Any, since: Any = None) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not access.decide(user, "list", Signal):
        return {"show": False}
    signals = selectors.signals_since(user=user, agreement=agreement, since=since)
    if signals:
        log.record(
            actor=user,
            action=AccessAction.SEARCH,
            target=Signal,
            object_id=f"{len(signals)} bij afspraak {agreement.pk}",
            rule="party-or-chair",
            purpose=f"nazorg {agreement.placement.client_reference}",
            request=request,
        )
    return {
        "show": True,
        "signals": signals,
        "agreement": agreement,
        "since": since,
        "can_raise": bool(parties_of(user, agreement.placement))
        and agreement.state in ("active", "extended", "care_stopped"),
    }
