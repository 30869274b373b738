"""Decisions on a proposal: the corporation's approval or decline, the client's answer, and releasing a proposal after its placement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import access, validation
from accounts.access import Actor
from accounts.errors import DomainError
from accounts.models import User

from .. import rules
from ..models import (
    ClientDecision,
    ConsultantDecision,
    Proposal,
    ProposalStatus,
)
from .common import _event, _locked

# Reasons per role. "other" needs a written explanation. Never grounds the law forbids:
# the board does not become a blacklist (no criminal-record or "known trouble" reasons).
CONSULTANT_DECLINE_REASONS = {
    "rent_not_affordable": gettext_lazy("huur past niet bij het inkomen (passend toewijzen)"),
    "dwelling_unsuitable": gettext_lazy("woning past niet bij de woonbehoefte"),
    "stairwell_situation": gettext_lazy("situatie in portiek of complex vraagt nu rust"),
    "dwelling_not_available": gettext_lazy("woning is niet meer beschikbaar"),
    "care_not_arranged": gettext_lazy("begeleiding rond de verhuizing is nog niet geregeld"),
    "other": gettext_lazy("anders (toelichting verplicht)"),
}
CLIENT_REFUSAL_REASONS = {
    "location": gettext_lazy("ligging of buurt past niet bij de cliënt"),
    "dwelling": gettext_lazy("woning zelf past niet (grootte, verdieping, staat)"),
    "timing": gettext_lazy("verhuismoment past niet"),
    "network": gettext_lazy("te ver van netwerk, werk of dagbesteding"),
    "not_ready": gettext_lazy("cliënt is (nog) niet toe aan zelfstandig wonen"),
    "other": gettext_lazy("anders (toelichting verplicht)"),
}
CLIENT_ACCEPT_REASONS = {"accepted": gettext_lazy("cliënt heeft de woning bekeken en aanvaard")}


def _reason(reasons: dict[str, Any], code: str, text: str) -> tuple[str, str]:
    text = validation.free_text(text, field="text", max_length=500)
    if code not in reasons:
        raise DomainError(_("Kies een reden uit de lijst."), field="reason", code="reason_required")
    if code == "other" and not text:
        raise DomainError(
            _("Bij ‘anders’ is een toelichting verplicht."), field="text", code="text_required"
        )
    return code, text


def _maybe_agree(proposal: Proposal, actor: User) -> None:
    if (
        proposal.consultant_decision == ConsultantDecision.APPROVED
        and proposal.client_decision == ClientDecision.ACCEPTED
    ):
        proposal.status = ProposalStatus.AGREED
        proposal.closed_at = timezone.now()
        proposal.stalled_at = None
        _event(
            proposal,
            actor=actor,
            kind="agreed",
            message=_("Akkoord van corporatie en cliënt: de koppeling is rond."),
        )


@dataclass(frozen=True)
class _Party:
    """One side of a proposal that answers it: the corporation or the client."""

    prefix: str  # the Proposal fields "<prefix>_decision", "_by", "_at", "_reason", "_text"
    organisation_field: str  # whose organisation acts, for the access log
    no: str  # the decision that ends the proposal
    yes_reason: str  # stored as the reason of a positive answer
    ended_status: str
    reasons: dict[str, Any]
    yes_kind: str
    yes_text: Any
    no_kind: str
    no_text: Any


CORPORATION = _Party(
    prefix="consultant",
    organisation_field="corporation_id",
    no=ConsultantDecision.DECLINED,
    yes_reason="",
    ended_status=ProposalStatus.DECLINED,
    reasons=CONSULTANT_DECLINE_REASONS,
    yes_kind="approved",
    yes_text=gettext_lazy("Akkoord van de corporatie"),
    no_kind="declined",
    no_text=gettext_lazy("Afgewezen door de corporatie"),
)
CLIENT = _Party(
    prefix="client",
    organisation_field="care_provider_id",
    no=ClientDecision.REFUSED,
    yes_reason="accepted",
    ended_status=ProposalStatus.REFUSED,
    reasons=CLIENT_REFUSAL_REASONS,
    yes_kind="accepted",
    yes_text=gettext_lazy("Aanvaard door de cliënt"),
    no_kind="refused",
    no_text=gettext_lazy("Geweigerd door de cliënt"),
)


def _answer(
    party: _Party,
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str,
    text: str,
    rule: str,
    request: HttpRequest | None,
) -> Proposal:
    """Record one party's answer under the proposal's row lock (one winner when two race)."""
    if decision == party.no:
        reason, text = _reason(party.reasons, reason, text)
    else:
        # The note with a yes is free text too: a NUL byte reached PostgreSQL's text column
        # through the form (a 500) while the API's serializer refused it.
        reason, text = party.yes_reason, validation.free_text(text, field="text", max_length=500)
    with transaction.atomic():
        p = _locked(proposal)
        if refusal := rules.answer(p, side=party.prefix):
            raise refusal
        now = timezone.now()
        for field, value in (
            ("decision", decision), ("by", actor), ("at", now), ("reason", reason), ("text", text)
        ):  # fmt: skip
            setattr(p, f"{party.prefix}_{field}", value)
        if decision == party.no:
            p.status = party.ended_status
            p.closed_at = now
            message = f"{party.no_text}: {party.reasons[reason]}. {text}".strip()
            _event(p, actor=actor, kind=party.no_kind, message=message)
        else:
            _event(p, actor=actor, kind=party.yes_kind, message=f"{party.yes_text}. {text}".strip())
            _maybe_agree(p, actor)
        p.save()
        access.audit(
            f"matching.proposal.{decision}",
            actor=actor,
            target=p,
            rule=rule,
            purpose=p.meeting.purpose,
            request=request,
            organisation_id=getattr(p, party.organisation_field),
        )
    return p


def proposal_decide(
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str = "",
    text: str = "",
    request: HttpRequest | None = None,
) -> Proposal:
    """The corporation's housing consultant approves or declines the proposal.

    A decline needs a reason from the list; it ends the proposal and returns client and
    dwelling to the pool (the pair is never proposed again). A second consultant deciding at
    the same moment waits for the row lock and then gets a clear "already decided".
    """
    if decision not in ConsultantDecision.values:
        raise DomainError(_("Onbekend besluit."), field="decision", code="invalid")
    rule = access.authorize(actor, "decide", proposal)
    return _answer(
        CORPORATION, actor=actor, proposal=proposal, decision=decision, reason=reason,
        text=text, rule=rule, request=request,
    )  # fmt: skip


def proposal_respond(
    *,
    actor: User,
    proposal: Proposal,
    decision: str,
    reason: str = "",
    text: str = "",
    request: HttpRequest | None = None,
) -> Proposal:
    """The care coordinator records the client's acceptance or refusal (with a reason)."""
    if decision not in ClientDecision.values:
        raise DomainError(_("Onbekend besluit."), field="decision", code="invalid")
    rule = access.authorize(actor, "respond", proposal)
    return _answer(
        CLIENT, actor=actor, proposal=proposal, decision=decision, reason=reason,
        text=text, rule=rule, request=request,
    )  # fmt: skip


def proposal_release_after_placement(*, proposal: Proposal, actor: Actor, reason: str) -> Proposal:
    """An agreed proposal whose placement lapsed before anyone moved in: it is withdrawn, so
    client and dwelling are free for the board again. The placements app authorised it."""
    with transaction.atomic():
        p = _locked(proposal)
        if p.status != ProposalStatus.AGREED:
            return p
        p.status = ProposalStatus.WITHDRAWN
        p.close_reason = (_("Plaatsing vervallen: %(reason)s") % {"reason": reason})[:300]
        p.save(update_fields=["status", "close_reason", "updated_at"])
        _event(p, actor=actor, kind="placement_cancelled", message=p.close_reason)
    return p
