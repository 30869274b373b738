"""When a placement step is allowed *now* (state and sides, not roles: roles are the policy's).

Each function returns None when the step may be taken, or the reason it may not, as the
`DomainError` the service raises. Pages call the same functions to decide whether to show the
form or button, so a page never offers what the service would refuse. Pure: they read the
objects given and the sides the actor acts for (`services.parties_of`), nothing else.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.errors import DomainError

from .models import RUNNING_STATES, Agreement, AgreementState, Evaluation


def agreement_terms_change(agreement: Agreement) -> DomainError | None:
    """The terms of an agreement can be changed while it is a draft."""
    if agreement.state != AgreementState.DRAFT:
        return DomainError(
            _("Alleen een concept kan worden gewijzigd; zet de afspraak eerst terug naar concept."),
            code="not_draft",
            conflict=True,
        )
    return None


def evaluation_record(evaluation: Evaluation, *, sides: set[str]) -> DomainError | None:
    """An evaluation can be recorded (or corrected) while its agreement runs, until both
    parties confirmed it, by the side that recorded it first."""
    if evaluation.cancelled or evaluation.agreement.state not in RUNNING_STATES:
        return DomainError(
            _("Deze evaluatie vervalt: de afspraak loopt niet (meer)."),
            code="not_running",
            conflict=True,
        )
    if evaluation.is_confirmed:
        return DomainError(
            _("Deze evaluatie is al bevestigd door beide partijen en ligt vast."),
            code="confirmed",
            conflict=True,
        )
    if evaluation.recorded_party and evaluation.recorded_party not in sides:
        return DomainError(
            _("De andere partij heeft deze evaluatie vastgelegd: bevestig haar, of overleg."),
            code="recorded_by_other",
            conflict=True,
        )
    return None


def evaluation_confirm(
    evaluation: Evaluation, *, sides: set[str], actor_id: int | None
) -> DomainError | None:
    """A held evaluation is confirmed once, by the other side (four eyes)."""
    if not evaluation.is_held:
        return DomainError(
            _("Er is nog geen uitkomst vastgelegd om te bevestigen."),
            code="not_held",
            conflict=True,
        )
    if evaluation.is_confirmed:
        return DomainError(_("Deze evaluatie is al bevestigd."), code="confirmed", conflict=True)
    if not (sides - {evaluation.recorded_party}) or evaluation.recorded_by_id == actor_id:
        return DomainError(
            _("Vier ogen: de andere partij (corporatie of zorgaanbieder) bevestigt de evaluatie."),
            code="four_eyes",
        )
    return None
