"""When a dwelling step is allowed *now* (its status; who may act is `permissions.py`'s job).

Each function returns None when the step may be taken, or the reason it may not, as the
`DomainError` the service raises; the dwelling page shows a button only when it is None.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.errors import DomainError

from .models import Dwelling, DwellingStatus

S = DwellingStatus

# from-status -> the statuses a dwelling may move to
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.OFFERED, S.WITHDRAWN},
    S.OFFERED: {S.RESERVED, S.WITHDRAWN},
    S.RESERVED: {S.LET, S.OFFERED, S.WITHDRAWN},
    S.LET: set(),
    S.WITHDRAWN: {S.DRAFT},
}
EDITABLE_STATUSES = (S.DRAFT, S.OFFERED, S.WITHDRAWN)


def dwelling_edit(dwelling: Dwelling) -> DomainError | None:
    """A dwelling's details can be changed until it is reserved or let."""
    if dwelling.status not in EDITABLE_STATUSES:
        return DomainError(
            _("Een gereserveerde of verhuurde woning kan niet meer worden gewijzigd."),
            code="locked",
        )
    return None


def dwelling_transition(dwelling: Dwelling, to: str) -> DomainError | None:
    """A dwelling moves only along `TRANSITIONS` from the status it has."""
    if to not in TRANSITIONS[dwelling.status]:
        return DomainError(
            _("Een woning met status “%(status)s” kan niet naar “%(to)s”.")
            % {"status": dwelling.get_status_display(), "to": S(to).label},
            code="invalid_transition",
        )
    return None
