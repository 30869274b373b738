"""Signals in the weekly digest (registered with `matching.board.digest`).

Per person through the permission layer (`access.scope`): the agreement's two parties get
every signal of their placements that awaits an acknowledgement or an answer (with its
deadline, or that it passed) and every escalated one still on the agenda; the board's chair
only the escalated ones (the scope gives a chair nothing else). A line holds the reference,
the category, the tenant's pseudonym, the deadline and a link: never the description, the
answer, the plan or a name, because e-mail leaves the application. Each signal put in a
person's digest is an access-log row (`aftercare.signal.digested`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import access, formatting
from accounts.models import AccessAction

from .models import Outcome, Signal, SignalState

# At most this many signal lines per digest; the rest is one "and n more" line.
MAX_LINES = 20


def _status(signal: Signal, today: dt.date) -> str:
    step = signal.current_due()
    if step is not None:
        what, due = step
        if due < today:
            return _("termijn verstreken op %(date)s") % {
                "date": formatting.date(due, "SHORT_DATE_FORMAT")
            }
        if what == "acknowledge":
            return _("ontvangst bevestigen uiterlijk %(date)s") % {
                "date": formatting.date(due, "SHORT_DATE_FORMAT")
            }
        return _("antwoord uiterlijk %(date)s") % {
            "date": formatting.date(due, "SHORT_DATE_FORMAT")
        }
    return _("voorgelegd aan de plaatsingstafel")


def digest_signals(user: Any) -> list[Signal]:
    """What belongs in `user`'s digest: awaiting an acknowledgement or an answer, or
    escalated and not yet discussed nor closed (a tenancy at risk stays)."""
    return list(
        access.scope(user, Signal)
        .filter(
            Q(state__in=[SignalState.RAISED, SignalState.ACKNOWLEDGED])
            | Q(escalated_at__isnull=False, discussed_at_meeting__isnull=True)
            & (~Q(state=SignalState.CLOSED) | Q(outcome=Outcome.TENANCY_AT_RISK))
        )
        .select_related("placement")
        .order_by("answer_due", "pk")
    )


def digest_lines(user: Any, today: dt.date, since: dt.datetime) -> list[str]:
    signals = digest_signals(user)
    if not signals:
        return []
    lines = [_("Signalen na de verhuizing: %(n)s") % {"n": len(signals)}]
    for signal in signals[:MAX_LINES]:
        lines.append(
            " · ".join(
                [
                    signal.reference,
                    signal.get_category_display(),
                    _("huurder %(client)s") % {"client": signal.placement.client_reference},
                    _status(signal, today),
                    settings.SITE_URL + reverse("aftercare:signal-detail", args=[signal.pk]),
                ]
            )
        )
        access.audit(
            "aftercare.signal.digested",
            actor=user,
            target=signal,
            rule="weekly-digest",
            action=AccessAction.VIEW,
            purpose=f"nazorg {signal.placement.client_reference}",
        )
    if len(signals) > MAX_LINES:
        lines.append(_("en nog %(n)s") % {"n": len(signals) - MAX_LINES})
    return lines
