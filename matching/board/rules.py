"""When a board step is allowed *now* (the meeting's and the proposal's state; who may act at
all is the policy's job, in `permissions.py`).

Each function returns None when the step may be taken, or the reason it may not, as the
`DomainError` the service raises. Pages call the same functions to decide whether to show a
form or a button, so a page never offers what the service would refuse.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import DomainError

from .models import Meeting, MeetingStatus, Proposal, ProposalStatus


def meeting_open(meeting: Meeting) -> DomainError | None:
    """Proposals are made, recalculated and overridden only while the meeting is open: once
    the chair closed it, its minutes are final."""
    if meeting.status == MeetingStatus.CLOSED:
        return DomainError(_("Dit overleg is afgerond."), code="meeting_closed", conflict=True)
    return None


def answer(proposal: Proposal, *, side: str) -> DomainError | None:
    """A side ("consultant": the corporation, "client": the care provider for the client)
    answers an open proposal once."""
    if getattr(proposal, f"{side}_decision"):
        by, at = getattr(proposal, f"{side}_by"), getattr(proposal, f"{side}_at")
        who = (
            _("Het besluit van de corporatie")
            if side == "consultant"
            else _("Het antwoord van de cliënt")
        )
        when = timezone.localtime(at).strftime("%d-%m-%Y %H:%M") if at else ""
        return DomainError(
            _("%(who)s is al vastgelegd door %(by)s op %(when)s. Ververs de pagina.")
            % {"who": who, "by": by or _("iemand anders"), "when": when},
            code="already_decided",
            conflict=True,
        )
    if proposal.status != ProposalStatus.OPEN:
        return DomainError(
            _("Dit voorstel is %(status)s; er valt niets meer te besluiten.")
            % {"status": proposal.get_status_display()},
            code="not_open",
            conflict=True,
        )
    return None


def override_decision(proposal: Proposal, *, actor_id: int | None) -> DomainError | None:
    """An override waiting for its second pair of eyes is confirmed or refused by a
    municipality user other than the one who asked for it (four eyes)."""
    if proposal.status != ProposalStatus.AWAITING_CONFIRMATION:
        return DomainError(
            _("Dit voorstel wacht niet op bevestiging."), code="not_awaiting", conflict=True
        )
    if proposal.override_requested_by_id == actor_id:
        return DomainError(
            _("Vier ogen: iemand anders dan de aanvrager moet beslissen."), code="four_eyes"
        )
    return None
