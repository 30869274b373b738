"""When a client's lifecycle step is allowed *now* (status, consent, completeness; who may act
is `permissions.py`'s job, which rows exist is `lifecycle.TRANSITIONS`).

Each function returns None when the step may be taken, or the reason it may not, as the
`DomainError` the service raises (`services._transition` calls them in this order: status,
reason, consent, completeness). The client pages call the same functions to decide whether to
offer a step, so a page never offers what the service would refuse. Pure: they read the
client and the facts given (whether a consent is in force, what is missing), nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from accounts.errors import DomainError, FieldErrors

from .lifecycle import TRANSITIONS, Transition, available_actions, resume_target
from .models import Client, ClientStatus


def target_of(client: Client, transition: Transition) -> str:
    """The status the step leads to (resume: back to where the client paused)."""
    return transition.target or resume_target(client.status_before_pause)


def transition_status(client: Client, transition: Transition) -> DomainError | None:
    """A row of the table applies only from its source statuses."""
    current = ClientStatus(client.status)
    if current not in transition.sources:
        return DomainError(
            _("‘%(action)s’ kan niet bij een cliënt met status ‘%(status)s’.")
            % {"action": transition.label, "status": current.label},
            field="action",
            code="invalid_transition",
            conflict=True,
        )
    return None


def transition_reason(transition: Transition, reason: str) -> DomainError | None:
    """Steps that end or interrupt the client's path (pause, withdraw, close...) need a reason."""
    if transition.needs_reason and not reason:
        return DomainError(_("Geef een reden op."), field="reason", code="reason_required")
    return None


def needs_consent(transition: Transition, target: str) -> bool:
    """Ready, on the board and matched need the client's consent in force."""
    return target == ClientStatus.READY or transition.needs_consent


def transition_consent(
    transition: Transition, target: str, *, has_consent: bool
) -> DomainError | None:
    """Without a consent in force the client cannot be ready or at the board."""
    if needs_consent(transition, target) and not has_consent:
        return DomainError(
            _(
                "Zonder geldige toestemming kan de cliënt niet uitstroomklaar zijn of aan tafel komen. "
                "Leg eerst de toestemming vast."
            ),
            field="consent",
            code="no_consent",
        )
    return None


def needs_complete_profile(transition: Transition, target: str) -> bool:
    return target == ClientStatus.READY or transition.needs_complete_profile


def transition_complete(
    transition: Transition, target: str, *, missing: Mapping[str, list[str]]
) -> FieldErrors | None:
    """Ready and on the board need the fields `services.missing_for_ready` names (each with
    code `required`)."""
    if needs_complete_profile(transition, target) and missing:
        return FieldErrors(dict(missing), code="required")
    return None


# --- For the pages ------------------------------------------------------------------------


def offered_actions(client: Client) -> list[Transition]:
    """The steps a person is offered on the client page: the table's rows from the client's
    status (consent and completeness are explained beside them, and checked when taken)."""
    return available_actions(client.status)


def mark_ready_on_form(client: Client, *, has_consent: bool) -> DomainError | None:
    """The edit form offers "save and mark ready" to a draft with a consent in force; the
    completeness follows from the form's own data, checked when it is saved."""
    transition = TRANSITIONS["mark_ready"]
    return transition_status(client, transition) or transition_consent(
        transition, target_of(client, transition), has_consent=has_consent
    )


def shows_missing_for_ready(client: Client) -> bool:
    """The client page lists what is still missing while marking ready is the next step."""
    return transition_status(client, TRANSITIONS["mark_ready"]) is None
