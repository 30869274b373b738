"""State changes of signals. Keyword-only, typed, atomic, audited.

Every function a person triggers takes `actor=`, checks the permission layer, locks the signal
row (`select_for_update(of=("self",))`: a signal is locked alone, after nothing else, so it
takes its place at the end of the project's lock order), re-reads it, checks the state, and
writes the timeline event, the access-log row and the notifications (`accounts.services.notify`,
whose e-mail goes by task after commit) in the same transaction.

The deadlines are working days as the Algemene termijnenwet counts them (`workdays`):
acknowledge within `SIGNAL_ACKNOWLEDGE_WORKING_DAYS` (2), answer with an assessment and a
proposed action within `SIGNAL_ANSWER_WORKING_DAYS` (10), both within
`SIGNAL_URGENT_WORKING_DAYS` (1) for an urgent signal. A passed deadline escalates the signal
to the board's chair (`deadlines_check`, hourly by beat).
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.errors import DomainError, Forbidden
from accounts.models import Role, User
from accounts.services import notify
from matching.placements.models import RUNNING_STATES, Agreement, Party, Placement
from matching.placements.services import parties_of

from . import workdays
from .models import (
    CATEGORIES_BY_PARTY,
    DESCRIPTION_MAX,
    OPEN_SIGNAL_STATES,
    TEXT_MAX,
    Outcome,
    PlanAction,
    Severity,
    Signal,
    SignalCategory,
    SignalEvent,
    SignalState,
)

__all__ = [
    "deadlines_check",
    "plan_action_add",
    "plan_action_update",
    "signal_acknowledge",
    "signal_answer",
    "signal_close",
    "signal_escalate",
    "signal_from_care_stop",
    "signal_raise",
    "signals_close_with_placement",
]

# How far back an observation may lie, and how far ahead a plan action may be planned.
OBSERVED_MAX_DAYS_BACK = 366
PLAN_MAX_DAYS_AHEAD = 366


def _cfg(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _purpose(signal: Signal | Placement) -> str:
    placement = signal if isinstance(signal, Placement) else signal.placement
    return f"nazorg {placement.client_reference}"


def _clean_text(value: Any, *, field: str, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(_("Dit veld is verplicht."), field=field, code="required")
    if len(text) > limit:
        raise DomainError(
            _("Maximaal %(limit)s tekens (nu %(count)s).") % {"limit": limit, "count": len(text)},
            field=field,
            code="too_long",
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text):
        raise DomainError(
            _("De tekst bevat een onzichtbaar stuurteken; typ of plak hem opnieuw."),
            field=field,
            code="control_character",
        )
    return text


def _choice(value: Any, choices: Any, *, field: str) -> str:
    if value not in {c.value for c in choices}:
        raise DomainError(_("Kies een van de mogelijkheden."), field=field, code="invalid_choice")
    return str(value)


def _side(actor: User, placement: Placement) -> str:
    """The side the actor acts for; a person on both sides acts for the corporation only when
    they are not a coordinator of the provider (never both at once)."""
    sides = parties_of(actor, placement)
    if not sides:
        raise Forbidden(rule="party")
    return Party.CARE_PROVIDER.value if Party.CARE_PROVIDER in sides else sorted(sides)[0]


def _organisation(placement: Placement, party: str) -> int:
    return placement.care_provider_id if party == Party.CARE_PROVIDER else placement.corporation_id


def _locked(signal: Signal) -> Signal:
    return (
        Signal.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__board", "agreement")
        .get(pk=signal.pk)
    )


def _event(signal: Signal, *, actor: User | None, kind: str, message: str = "") -> None:
    SignalEvent.objects.create(signal=signal, actor=actor, kind=kind, message=message[:500])


def _log(actor: User, signal: Signal, what: str, *, rule: str, request: HttpRequest | None) -> None:
    """The access-log row of a step: event `aftercare.signal.<what>`, the tenant's pseudonym as
    the purpose, on behalf of the side the actor acts for."""
    access.audit(
        f"aftercare.signal.{what}",
        actor=actor,
        target=signal,
        rule=rule,
        purpose=_purpose(signal),
        request=request,
        organisation_id=_organisation(signal.placement, _side(actor, signal.placement)),
    )


def people_of(placement: Placement, party: str) -> list[User]:
    """Who answers for a party: the client's own coordinator (still there) for the provider,
    else every active coordinator; every active consultant of the corporation."""
    role = Role.CARE_COORDINATOR if party == Party.CARE_PROVIDER else Role.HOUSING_CONSULTANT
    organisation_id = _organisation(placement, party)
    users = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=role,
            memberships__is_active=True,
        ).distinct()
    )
    if party == Party.CARE_PROVIDER:
        own = [u for u in users if u.pk == placement.client.coordinator_id]
        return own or users
    if placement.consultant_id:
        own = [u for u in users if u.pk == placement.consultant_id]
        return own or users
    return users


def _chairs(placement: Placement) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.BOARD_CHAIR,
            memberships__is_active=True,
            memberships__organisation__region_id=placement.board.region_id,
            memberships__organisation__kind="municipality",
        ).distinct()
    )


def _tell(users: list[User], *, signal: Signal, kind: str, title: str, body: str = "") -> None:
    url = reverse("aftercare:signal-detail", args=[signal.pk])
    for user in users:
        notify(
            user=user,
            kind=f"aftercare.{kind}",
            title=title,
            body=body,
            url=url,
            dedupe_key=f"aftercare:{kind}:{signal.pk}:{user.pk}",
        )


def _deadlines(start: dt.date, severity: str) -> tuple[dt.date, dt.date]:
    if severity == Severity.URGENT:
        days = _cfg("SIGNAL_URGENT_WORKING_DAYS", 1)
        due = workdays.add_working_days(start, days)
        return due, due
    ack = workdays.add_working_days(start, _cfg("SIGNAL_ACKNOWLEDGE_WORKING_DAYS", 2))
    answer = workdays.add_working_days(start, _cfg("SIGNAL_ANSWER_WORKING_DAYS", 10))
    return ack, max(ack, answer)


def _new_reference(placement: Placement) -> str:
    return f"SG-{timezone.localdate().year}-{secrets.randbelow(900_000) + 100_000}"


def _parse_date(value: Any, *, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise DomainError(
            _("Vul een geldige datum in."), field=field, code="invalid_date"
        ) from None


# --- Raising ---------------------------------------------------------------------------------


def signal_raise(
    *,
    actor: User,
    agreement: Agreement,
    category: str,
    observed_on: Any,
    description: str,
    severity: str = Severity.MEDIUM,
    already_done: str = "",
    request: HttpRequest | None = None,
) -> Signal:
    """A party raises a signal about the tenant of a running agreement; the other party is
    told and owes an acknowledgement and an answer by the deadlines."""
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("placement", "placement__board", "placement__client")
            .get(pk=agreement.pk)
        )
        placement = agreement.placement
        rule = access.authorize(actor, "create", Signal)
        if not access.visible(actor, agreement):
            raise Forbidden(rule="not-visible", hidden=True)
        if not parties_of(actor, placement):
            raise Forbidden(rule="party")
        if agreement.state not in RUNNING_STATES:
            raise DomainError(
                _("Een signaal kan alleen bij een lopende afspraak; deze afspraak is ‘%(state)s’.")
                % {"state": agreement.get_state_display()},
                field="agreement",
                code="agreement_not_running",
                conflict=True,
            )
        party = _side(actor, placement)
        category = _choice(category, SignalCategory, field="category")
        if category not in CATEGORIES_BY_PARTY[Party(party)]:
            raise DomainError(
                _("Dit soort signaal meldt de andere partij; kies een signaal van uw kant."),
                field="category",
                code="category_of_other_party",
            )
        severity = _choice(severity, Severity, field="severity")
        observed = _parse_date(observed_on, field="observed_on")
        today = timezone.localdate()
        if observed > today:
            raise DomainError(
                _("De datum ligt in de toekomst."), field="observed_on", code="in_future"
            )
        if observed < max(agreement.lease_start, today - dt.timedelta(days=OBSERVED_MAX_DAYS_BACK)):
            raise DomainError(
                _("De datum ligt vóór de ingangsdatum van de afspraak of meer dan een jaar terug."),
                field="observed_on",
                code="too_early",
            )
        description = _clean_text(
            description, field="description", limit=DESCRIPTION_MAX, required=True
        )
        already_done = _clean_text(
            already_done, field="already_done", limit=TEXT_MAX, required=False
        )
        ack_due, answer_due = _deadlines(today, severity)
        signal = Signal.objects.create(
            agreement=agreement,
            placement=placement,
            reference=_new_reference(placement),
            raised_by_party=party,
            category=category,
            observed_on=observed,
            description=description,
            severity=severity,
            already_done=already_done,
            raised_by=actor,
            acknowledge_due=ack_due,
            answer_due=answer_due,
        )
        _event(signal, actor=actor, kind="raised", message=signal.get_category_display())
        access.audit(
            "aftercare.signal.created",
            actor=actor,
            target=signal,
            rule=rule,
            purpose=_purpose(placement),
            request=request,
            organisation_id=_organisation(placement, party),
        )
        other = signal.other_party
        _tell(
            people_of(placement, other),
            signal=signal,
            kind="raised",
            title=_("Nieuw signaal %(ref)s over huurder %(client)s")
            % {"ref": signal.reference, "client": placement.client_reference},
            body=_("Bevestig de ontvangst uiterlijk %(ack)s en antwoord uiterlijk %(answer)s.")
            % {"ack": _d(ack_due), "answer": _d(answer_due)},
        )
    return signal


def _d(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def signal_from_care_stop(*, actor: User, agreement: Agreement, stopped_on: dt.date) -> Signal:
    """A triangle contract's "care stopped" becomes a care-side signal with its own deadline
    (connected to `matching.placements.signals.care_stopped`; runs in that transaction). The
    care provider's reason is not copied: it stays with the provider."""
    placement = agreement.placement
    today = timezone.localdate()
    ack_due, answer_due = _deadlines(today, Severity.URGENT)
    signal = Signal.objects.create(
        agreement=agreement,
        placement=placement,
        reference=_new_reference(placement),
        raised_by_party=Party.CARE_PROVIDER,
        category=SignalCategory.CARE_AVOIDED,
        observed_on=stopped_on,
        description=_(
            "De zorg onder het driehoekscontract is per %(date)s gestopt. Stem samen af wat dit "
            "betekent voor de huur."
        )
        % {"date": _d(stopped_on)},
        severity=Severity.URGENT,
        raised_by=actor,
        acknowledge_due=ack_due,
        answer_due=answer_due,
    )
    _event(signal, actor=actor, kind="raised", message=_("zorg gestopt (driehoekscontract)"))
    return signal


# --- The other party's answer ----------------------------------------------------------------


def signals_close_with_placement(*, actor: User, agreement: Agreement, ended_on: dt.date) -> int:
    """The placement ended with its agreement: every signal still open on it is closed with
    the outcome "huurovereenkomst beëindigd" and a note saying why, by the person who ended
    the agreement. Nothing is left open that no one can act on any more, and the client's data
    are not kept past their retention by a signal nobody closed. Runs inside `agreement_end`'s
    transaction (the agreement is locked; signals come later in the lock order)."""
    open_signals = list(
        Signal.objects.select_for_update(of=("self",))
        .filter(placement_id=agreement.placement_id, state__in=OPEN_SIGNAL_STATES)
        .select_related("placement", "placement__board", "agreement")
        .order_by("pk")
    )
    note = _("Afgesloten doordat de huurovereenkomst op %(date)s is beëindigd.") % {
        "date": _d(ended_on)
    }
    now = timezone.now()
    for signal in open_signals:
        signal.state = SignalState.CLOSED
        signal.outcome = Outcome.ENDED
        signal.close_note = note
        signal.closed_at = now
        signal.closed_by = actor
        signal.save(update_fields=["state", "outcome", "close_note", "closed_at", "closed_by"])
        _event(signal, actor=actor, kind="closed", message=note)
        _log(actor, signal, "closed", rule="agreement-ended", request=None)
    return len(open_signals)


def _begin(actor: User, signal: Signal, action: str) -> tuple[str, Signal]:
    rule = access.authorize(actor, action, signal)
    locked = _locked(signal)
    if locked.state == SignalState.CLOSED:
        raise DomainError(
            _("Dit signaal is al afgesloten (%(outcome)s) op %(at)s.")
            % {
                "outcome": locked.get_outcome_display(),
                "at": timezone.localtime(locked.closed_at).strftime("%d-%m-%Y %H:%M")
                if locked.closed_at
                else "",
            },
            code="signal_closed",
            conflict=True,
        )
    return rule, locked


def _must_be_other_party(signal: Signal, parties: set[str]) -> None:
    if signal.other_party not in parties:
        raise DomainError(
            _("Alleen de andere partij (%(party)s) reageert op dit signaal.")
            % {"party": Party(signal.other_party).label},
            code="not_other_party",
        )


def signal_acknowledge(
    *, actor: User, signal: Signal, request: HttpRequest | None = None
) -> Signal:
    with transaction.atomic():
        rule, locked = _begin(actor, signal, "acknowledge")
        _must_be_other_party(locked, parties_of(actor, locked.placement))
        if locked.state != SignalState.RAISED:
            raise DomainError(
                _("De ontvangst is al bevestigd."), code="already_acknowledged", conflict=True
            )
        locked.state = SignalState.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        _event(locked, actor=actor, kind="acknowledged")
        _log(actor, locked, "acknowledged", rule=rule, request=request)
    return locked


def signal_answer(
    *,
    actor: User,
    signal: Signal,
    assessment: str,
    proposed_action: str,
    request: HttpRequest | None = None,
) -> Signal:
    """The other party's assessment and proposed action (acknowledges too, when not yet)."""
    with transaction.atomic():
        rule, locked = _begin(actor, signal, "answer")
        _must_be_other_party(locked, parties_of(actor, locked.placement))
        if locked.state == SignalState.ANSWERED:
            raise DomainError(
                _("Dit signaal is al beantwoord."), code="already_answered", conflict=True
            )
        assessment = _clean_text(assessment, field="assessment", limit=TEXT_MAX, required=True)
        proposed = _clean_text(
            proposed_action, field="proposed_action", limit=TEXT_MAX, required=True
        )
        now = timezone.now()
        fields = ["state", "assessment", "proposed_action", "answered_at", "answered_by"]
        if locked.acknowledged_at is None:
            locked.acknowledged_at, locked.acknowledged_by = now, actor
            fields += ["acknowledged_at", "acknowledged_by"]
        locked.state = SignalState.ANSWERED
        locked.assessment, locked.proposed_action = assessment, proposed
        locked.answered_at, locked.answered_by = now, actor
        locked.save(update_fields=fields)
        _event(locked, actor=actor, kind="answered")
        _log(actor, locked, "answered", rule=rule, request=request)
        placement, raiser = locked.placement, locked.raised_by_party
        _tell(
            people_of(placement, raiser),
            signal=locked,
            kind="answered",
            title=_("Antwoord op signaal %(ref)s") % {"ref": locked.reference},
        )
    return locked


# --- The shared plan -------------------------------------------------------------------------


def plan_action_add(
    *,
    actor: User,
    signal: Signal,
    description: str,
    owner_party: str,
    due_on: Any,
    request: HttpRequest | None = None,
) -> PlanAction:
    with transaction.atomic():
        rule, locked = _begin(actor, signal, "plan")
        description = _clean_text(description, field="description", limit=300, required=True)
        if not owner_party:
            raise DomainError(
                _("Kies wie deze actie uitvoert."), field="owner_party", code="owner_required"
            )
        owner = _choice(owner_party, [Party.CARE_PROVIDER, Party.CORPORATION], field="owner_party")
        due = _parse_date(due_on, field="due_on")
        today = timezone.localdate()
        if due < today:
            raise DomainError(_("De datum ligt in het verleden."), field="due_on", code="in_past")
        if due > today + dt.timedelta(days=PLAN_MAX_DAYS_AHEAD):
            raise DomainError(_("Plan een actie binnen een jaar."), field="due_on", code="too_far")
        action = PlanAction.objects.create(
            signal=locked, description=description, owner_party=owner, due_on=due, created_by=actor
        )
        _event(locked, actor=actor, kind="plan_action", message=description)
        _log(actor, locked, "plan_action_added", rule=rule, request=request)
    return action


def plan_action_update(
    *,
    actor: User,
    action: PlanAction,
    done_on: Any = None,
    follow_up: str = "",
    request: HttpRequest | None = None,
) -> PlanAction:
    with transaction.atomic():
        rule, locked = _begin(actor, action.signal, "plan")
        current = PlanAction.objects.select_for_update(of=("self",)).get(
            pk=action.pk, signal=locked
        )
        fields = ["follow_up"]
        current.follow_up = _clean_text(follow_up, field="follow_up", limit=500, required=False)
        if done_on:
            done = _parse_date(done_on, field="done_on")
            if done > timezone.localdate() or done < current.created_at.date():
                raise DomainError(
                    _("De datum ligt in de toekomst of vóór het plannen van de actie."),
                    field="done_on",
                    code="out_of_range",
                )
            current.done_on = done
            fields.append("done_on")
        current.save(update_fields=fields)
        _event(locked, actor=actor, kind="plan_follow_up", message=current.description)
        _log(actor, locked, "plan_action_updated", rule=rule, request=request)
    return current


# --- Closing and escalating ------------------------------------------------------------------


def signal_close(
    *,
    actor: User,
    signal: Signal,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> Signal:
    """Either party closes the signal with an outcome. Two closing at once: the first wins,
    the second is told it was already closed (the row lock serialises them)."""
    with transaction.atomic():
        rule, locked = _begin(actor, signal, "close")
        outcome = _choice(outcome, Outcome, field="outcome")
        note = _clean_text(note, field="note", limit=TEXT_MAX, required=False)
        locked.state = SignalState.CLOSED
        locked.outcome = outcome
        locked.close_note = note
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["state", "outcome", "close_note", "closed_at", "closed_by"])
        _event(locked, actor=actor, kind="closed", message=locked.get_outcome_display())
        _log(actor, locked, "closed", rule=rule, request=request)
        if outcome == Outcome.TENANCY_AT_RISK and locked.escalated_at is None:
            # A tenancy at risk goes to the board's "zorg- en woonoverleg" (by pseudonym).
            _escalate(locked, actor=actor, reason=_("huurovereenkomst in gevaar"))
    return locked


def _escalate(signal: Signal, *, actor: User | None, reason: str) -> None:
    signal.escalated_at = timezone.now()
    signal.escalation_reason = reason[:500]
    signal.save(update_fields=["escalated_at", "escalation_reason"])
    _event(signal, actor=actor, kind="escalated", message=reason)
    placement = signal.placement
    _tell(
        _chairs(placement),
        signal=signal,
        kind="escalated",
        title=_("Signaal %(ref)s voorgelegd aan de plaatsingstafel") % {"ref": signal.reference},
        body=_("Huurder %(client)s: %(reason)s. Het staat op de agenda van het volgende overleg.")
        % {"client": placement.client_reference, "reason": reason},
    )


def signal_escalate(
    *, actor: User, signal: Signal, reason: str, request: HttpRequest | None = None
) -> Signal:
    with transaction.atomic():
        rule, locked = _begin(actor, signal, "escalate")
        if locked.escalated_at is not None:
            raise DomainError(
                _("Dit signaal is al voorgelegd aan de gemeente."),
                code="already_escalated",
                conflict=True,
            )
        reason = _clean_text(reason, field="reason", limit=500, required=True)
        _escalate(locked, actor=actor, reason=reason)
        _log(actor, locked, "escalated", rule=rule, request=request)
    return locked


# --- Deadlines (beat) ------------------------------------------------------------------------


def deadlines_check(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind the other party on the day a deadline falls; escalate a signal whose
    acknowledgement or answer is overdue to the chair. Idempotent: reminders are keyed per
    signal and deadline, an escalated signal is not escalated again."""
    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    due = Signal.objects.filter(state__in=[SignalState.RAISED, SignalState.ACKNOWLEDGED]).filter(
        Q(acknowledge_due__lte=today, state=SignalState.RAISED)
        | Q(answer_due__lte=today, state=SignalState.ACKNOWLEDGED)
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            signal = _locked(Signal(pk=pk))
            step = signal.current_due()
            if step is None:
                continue
            what, deadline = step
            placement = signal.placement
            if deadline == today:
                for user in people_of(placement, signal.other_party):
                    sent = notify(
                        user=user,
                        kind="aftercare.deadline",
                        title=_("Signaal %(ref)s: vandaag is de termijn")
                        % {"ref": signal.reference},
                        url=reverse("aftercare:signal-detail", args=[signal.pk]),
                        dedupe_key=f"aftercare:deadline:{signal.pk}:{what}:{user.pk}",
                    )
                    counts["reminded"] += sent is not None
            elif deadline < today and signal.escalated_at is None:
                reason = (
                    _("ontvangst niet bevestigd binnen de termijn")
                    if what == "acknowledge"
                    else _("niet beantwoord binnen de termijn")
                )
                _escalate(signal, actor=None, reason=reason)
                access.audit(
                    "aftercare.signal.escalated",
                    actor=access.SYSTEM,
                    target=signal,
                    rule="deadline-passed",
                    purpose=_purpose(signal),
                )
                counts["escalated"] += 1
    return counts


def open_for(user: User) -> list[Signal]:
    """Signals that wait for this user's side (the work queue): to acknowledge or answer."""
    provider_ids = access.organisation_ids_of(user, Role.CARE_COORDINATOR)
    corporation_ids = access.organisation_ids_of(user, Role.HOUSING_CONSULTANT)
    return list(
        Signal.objects.filter(state__in=[SignalState.RAISED, SignalState.ACKNOWLEDGED])
        .filter(
            Q(raised_by_party=Party.CORPORATION, placement__care_provider_id__in=provider_ids)
            | Q(raised_by_party=Party.CARE_PROVIDER, placement__corporation_id__in=corporation_ids)
        )
        .select_related("placement")
        .order_by("answer_due", "id")
    )
