"""`{% signals_panel agreement %}`: an agreement's signals on the placements pages (its
timeline, and an evaluation with `since=` the previous one), read through the layer and
logged. Placements' templates use the tag; placements' code never imports aftercare."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from accounts import access
from matching.placements.services import parties_of

from .. import selectors
from ..models import Signal

register = template.Library()


def evaluation_period(agreement: Any, evaluation: Any) -> tuple[dt.date | None, dt.date | None]:
    """The days an evaluation looks back on, both inclusive: from the day after the evaluation
    held before it (the first: from the lease start) up to its own day once held (until today
    while it is still to be held). Without an evaluation: everything, open at both ends."""
    if evaluation is None:
        return None, None
    earlier = agreement.evaluations.filter(held_on__isnull=False).exclude(pk=evaluation.pk)
    if evaluation.held_on:
        earlier = earlier.filter(held_on__lt=evaluation.held_on)
    previous = max((e.held_on for e in earlier), default=None)
    since = previous + dt.timedelta(days=1) if previous else agreement.lease_start
    return since, evaluation.held_on


@register.inclusion_tag("aftercare/_signals_panel.html", takes_context=True)
def signals_panel(
    context: dict[str, Any], agreement: Any, evaluation: Any = None
) -> dict[str, Any]:
    """All signals of the agreement, or with `evaluation=` those of the period it looks back
    on (`evaluation_period`)."""
    request = context["request"]
    user = request.user
    if not access.decide(user, "list", Signal):
        return {"show": False}
    since, until = evaluation_period(agreement, evaluation)
    signals = selectors.signals_since(user=user, agreement=agreement, since=since, until=until)
    if signals:
        access.audit(
            "aftercare.signal.listed",
            actor=user,
            target=Signal,
            object_id=f"{len(signals)} bij afspraak {agreement.pk}",
            rule="party-or-chair",
            purpose=f"nazorg {agreement.placement.client_reference}",
            request=request,
            client_reference=agreement.placement.client_reference,
        )
    return {
        "show": True,
        "signals": signals,
        "agreement": agreement,
        "since": since,
        "until": until,
        "can_raise": bool(parties_of(user, agreement.placement))
        and agreement.state in ("active", "extended", "care_stopped"),
    }
