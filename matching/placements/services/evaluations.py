"""Evaluations: one party records the structured outcome, the other confirms it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.errors import FieldErrors
from accounts.models import User

from .. import rules
from ..models import (
    NUISANCE_REPORTS_MAX,
    Evaluation,
    Independence,
    Judgement,
    Network,
    Party,
    RentPayment,
)
from .common import _fmt, _log, _step, parties_of

EVALUATION_FIELDS = (
    "held_on",
    "living_independently",
    "rent_paid",
    "nuisance_reports",
    "care_continuing",
    "social_network",
    "judgement",
    "notes",
)


def evaluation_record(
    *,
    actor: User,
    evaluation: Evaluation,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> Evaluation:
    """Record how it went (structured, with an overall judgement). The other party confirms;
    until then the party that recorded it may correct it."""
    rule = access.authorize(actor, "record", evaluation)
    unknown = set(data) - set(EVALUATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown evaluation fields: {sorted(unknown)}")
    today = timezone.localdate()
    with transaction.atomic():
        ev = (
            Evaluation.objects.select_for_update(of=("self",))
            .select_related("agreement__placement")
            .get(pk=evaluation.pk)
        )
        agreement = ev.agreement
        placement = agreement.placement
        sides = parties_of(actor, placement)
        if refusal := rules.evaluation_record(ev, sides=sides):
            raise refusal
        values = {f: data.get(f, getattr(ev, f)) for f in EVALUATION_FIELDS}
        errors: dict[str, list[str]] = {}
        codes: dict[str, str] = {}
        held_on = values["held_on"]
        if held_on is None:
            errors["held_on"] = [_("Vul de datum van de evaluatie in.")]
            codes["held_on"] = "required"
        elif held_on > today:
            errors["held_on"] = [_("De datum ligt in de toekomst.")]
            codes["held_on"] = "in_future"
        elif held_on < agreement.lease_start:
            codes["held_on"] = "before_start"
            errors["held_on"] = [
                _("De evaluatiedatum ligt vóór de ingangsdatum van de afspraak (%(date)s).")
                % {"date": _fmt(agreement.lease_start)}
            ]
        for field, choices in (
            ("living_independently", Independence.values),
            ("rent_paid", RentPayment.values),
            ("social_network", Network.values),
            ("judgement", Judgement.values),
        ):
            if values[field] not in choices:
                errors[field] = [_("Maak een keuze.")]
                codes[field] = "invalid_choice"
        nuisance = values["nuisance_reports"]
        if nuisance is None or not 0 <= int(nuisance) <= NUISANCE_REPORTS_MAX:
            errors["nuisance_reports"] = [_("Vul een aantal van 0 tot en met 500 in.")]
            codes["nuisance_reports"] = "out_of_range"
        if values["care_continuing"] is None:
            errors["care_continuing"] = [_("Geef aan of de begeleiding doorloopt.")]
            codes["care_continuing"] = "required"
        if errors:
            raise FieldErrors(errors, codes=codes)
        for field in EVALUATION_FIELDS:
            setattr(ev, field, values[field])
        ev.notes = (ev.notes or "").strip()[:4000]
        ev.recorded_by = actor
        ev.recorded_party = (
            Party.CARE_PROVIDER if Party.CARE_PROVIDER in sides else Party.CORPORATION
        )
        ev.recorded_at = timezone.now()
        ev.save()
        _step(
            agreement,
            action="evaluation",
            to_state=agreement.state,
            actor=actor,
            reason=_("%(kind)s gehouden op %(date)s: %(judgement)s")
            % {
                "kind": ev.get_kind_display(),
                "date": _fmt(ev.held_on),
                "judgement": ev.get_judgement_display(),
            },
            evaluation=ev,
        )
        _log(
            actor,
            "recorded",
            ev,
            placement,
            rule=rule,
            request=request,
        )
    return ev


def evaluation_confirm(
    *, actor: User, evaluation: Evaluation, request: HttpRequest | None = None
) -> Evaluation:
    """The other party confirms the recorded evaluation (corporation and care provider both)."""
    rule = access.authorize(actor, "confirm", evaluation)
    with transaction.atomic():
        ev = (
            Evaluation.objects.select_for_update(of=("self",))
            .select_related("agreement__placement")
            .get(pk=evaluation.pk)
        )
        placement = ev.agreement.placement
        sides = parties_of(actor, placement)
        if refusal := rules.evaluation_confirm(ev, sides=sides, actor_id=actor.pk):
            raise refusal
        others = sides - {ev.recorded_party}
        ev.confirmed_by = actor
        ev.confirmed_at = timezone.now()
        ev.save(update_fields=["confirmed_by", "confirmed_at"])
        _step(
            ev.agreement,
            action="evaluation_confirmed",
            to_state=ev.agreement.state,
            actor=actor,
            reason=_("Evaluatie bevestigd door %(party)s")
            % {"party": Party(next(iter(others))).label},
            evaluation=ev,
        )
        _log(
            actor,
            "confirmed",
            ev,
            placement,
            rule=rule,
            request=request,
        )
    return ev
