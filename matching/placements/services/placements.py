"""Making a placement from an agreed proposal, and its welcome talk."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access, formatting
from accounts.errors import DomainError, FieldErrors, Forbidden
from accounts.models import Role, User
from cases import services as case_services
from cases.models import ClientStatus
from housing import services as housing_services
from housing.models import DwellingStatus
from matching.board.models import Proposal, ProposalStatus

from ..models import (
    OPEN_STATES,
    Agreement,
    AgreementKind,
    AgreementState,
    Party,
    Placement,
    PlacementStatus,
    WelcomeTalk,
)
from .common import PLACEMENTS, _log, _step
from .terms import default_terms


def placement_create(
    *, actor: User, proposal: Proposal, kind: str = "", request: HttpRequest | None = None
) -> Placement:
    """Turn an agreed proposal into a placement with a draft agreement of `kind` (default:
    the client's preference). The dwelling is reserved and the client matched."""
    rule = access.authorize(actor, "create", Placement)
    # Creating is a class-level rule; which proposal is the actor's to place is checked here,
    # refused the way the guard refuses (404 outside the scope, 403 for a non-party).
    if not access.visible(actor, proposal):
        raise Forbidden(rule="not-visible", hidden=True)
    if not (
        proposal.care_provider_id in access.organisation_ids_of(actor, Role.CARE_COORDINATOR)
        or proposal.corporation_id in access.organisation_ids_of(actor, Role.HOUSING_CONSULTANT)
    ):
        raise Forbidden(rule="placements.placement.create:party-of-the-proposal")
    kind = kind or proposal.profile.get("agreement_type") or AgreementKind.FLIP_LEASE
    if kind not in AgreementKind.values:
        raise DomainError(_("Kies een afspraakvorm."), field="kind", code="invalid")
    today = timezone.localdate()
    try:
        with transaction.atomic():
            # Lock order (docs/concurrency.md): client, dwelling, then the proposal; the
            # generation's write phase takes them in the same order.
            case_services.client_lock(proposal.client_id)
            housing_services.dwelling_lock(proposal.dwelling_id)
            p = (
                Proposal.objects.select_for_update(of=("self",))
                .select_related("meeting__board", "dwelling", "client")
                .get(pk=proposal.pk)
            )
            if p.status != ProposalStatus.AGREED:
                raise DomainError(
                    _(
                        "Alleen een voorstel met akkoord van corporatie en cliënt wordt een plaatsing."
                    ),
                    field="proposal",
                    code="not_agreed",
                    conflict=True,
                )
            if Placement.objects.filter(proposal=p).exists():
                raise DomainError(
                    _("Van dit voorstel is al een plaatsing gemaakt."),
                    field="proposal",
                    code="already_placed",
                    conflict=True,
                )
            dwelling = p.dwelling
            if (
                dwelling.status == DwellingStatus.LET
                or Agreement.objects.filter(dwelling=dwelling, state__in=OPEN_STATES).exists()
            ):
                raise DomainError(
                    _("Deze woning is al verhuurd of heeft al een lopende afspraak."),
                    field="dwelling",
                    code="dwelling_taken",
                    conflict=True,
                )
            if dwelling.status != DwellingStatus.OFFERED:
                raise DomainError(
                    _("De woning staat niet (meer) aangeboden aan de tafel (status ‘%(status)s’).")
                    % {"status": dwelling.get_status_display()},
                    field="dwelling",
                    code="dwelling_not_offered",
                    conflict=True,
                )
            placement = Placement.objects.create(
                proposal=p,
                board=p.meeting.board,
                client=p.client,
                client_reference=p.client.reference,
                dwelling=dwelling,
                care_provider_id=p.care_provider_id,
                corporation_id=p.corporation_id,
                neighbourhood_id=p.neighbourhood_id,
                consultant_id=p.consultant_by_id,
                created_by=actor,
            )
            housing_services.dwelling_reserve(
                actor=PLACEMENTS,
                dwelling=dwelling,
                note=_("Gereserveerd voor plaatsing %(id)s (%(by)s)")
                % {"id": placement.pk, "by": actor.full_name},
            )
            client = p.client
            if client.status == ClientStatus.READY:
                case_services.client_transition_for_placement(
                    actor=actor, client=client, action="place_on_board", rule=rule, request=request
                )
            case_services.client_transition_for_placement(
                actor=actor,
                client=client,
                action="match",
                rule=rule,
                reason=_("Plaatsing %(id)s") % {"id": placement.pk},
                request=request,
            )
            terms = default_terms(kind=kind, proposal=p, today=today)
            agreement = Agreement.objects.create(
                placement=placement,
                dwelling=dwelling,
                kind=kind,
                lease_holder=Party.CARE_PROVIDER
                if kind == AgreementKind.FLIP_LEASE
                else Party.CLIENT,
                monthly_rent=dwelling.total_rent,
                created_by=actor,
                **terms,
            )
            _step(
                agreement,
                action="create",
                from_state="",
                to_state=AgreementState.DRAFT,
                actor=actor,
                reason=_("Plaatsing gemaakt uit voorstel van %(week)s")
                % {"week": formatting.week(p.meeting.week_label)},
                # Worded again for each reader (selectors.agreement_timeline).
                details={"proposal_week": p.meeting.week_label},
            )
            _log(
                actor,
                "created",
                placement,
                placement,
                rule=rule,
                request=request,
            )
    except IntegrityError:
        raise DomainError(
            _("Cliënt of woning heeft intussen al een plaatsing of afspraak."),
            field="dwelling",
            code="taken",
            conflict=True,
        ) from None
    return placement


def welcome_talk_record(
    *,
    actor: User,
    placement: Placement,
    held_on: dt.date | None,
    participants: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> WelcomeTalk:
    """Record (or correct) the welcome talk. The first one starts the client's follow-up."""
    rule = access.authorize(actor, "welcome", placement)
    errors: dict[str, list[str]] = {}
    participants = (participants or "").strip()
    if held_on is None:
        errors["held_on"] = [_("Vul de datum van het gesprek in.")]
    elif held_on > timezone.localdate():
        errors["held_on"] = [
            _("De datum ligt in de toekomst; leg het gesprek vast als het is gehouden.")
        ]
    elif held_on < timezone.localtime(placement.created_at).date():
        errors["held_on"] = [_("De datum ligt vóór de plaatsing.")]
    if not participants:
        errors["participants"] = [_("Noem wie er bij het gesprek waren.")]
    if errors:
        raise FieldErrors(errors)
    assert held_on is not None
    with transaction.atomic():
        locked = Placement.objects.select_for_update().select_related("client").get(pk=placement.pk)
        if locked.status != PlacementStatus.ACTIVE:
            raise DomainError(
                _("Deze plaatsing loopt niet meer."), code="not_active", conflict=True
            )
        talk, _created = WelcomeTalk.objects.update_or_create(
            placement=locked,
            defaults={
                "held_on": held_on,
                "participants": participants[:300],
                "notes": (notes or "").strip()[:4000],
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        if locked.client.status == ClientStatus.HOUSED:
            case_services.client_transition_for_placement(
                actor=actor,
                client=locked.client,
                action="start_follow_up",
                rule=rule,
                reason=_("Welkomstgesprek gehouden"),
                request=request,
            )
        _log(
            actor,
            "welcome_recorded",
            locked,
            locked,
            rule=rule,
            request=request,
        )
    return talk
