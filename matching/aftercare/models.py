"""Signals about a placed tenant, their answers and the shared plan.

A signal belongs to one agreement (and so to one placement and its two parties). It is never
linked to the client's case or to the board's matching input: it supports this tenancy and is
removed with the agreement (no blacklist, `docs/aftercare.md`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages
from matching.placements.models import Party


class SignalCategory(models.TextChoices):
    # Raised by the corporation.
    NUISANCE = "nuisance", _("overlastmeldingen")
    RENT_ARREARS = "rent_arrears", _("huurachterstand")
    NEGLECT = "neglect", _("verwaarlozing van de woning")
    NEIGHBOUR_COMPLAINTS = "neighbour_complaints", _("klachten van buren")
    NO_CONTACT = "no_contact", _("geen contact met de huurder")
    # Raised by the care provider.
    CARE_AVOIDED = "care_avoided", _("zorg gemeden of gestopt")
    CRISIS = "crisis", _("crisis")
    PLANNED_MOVE = "planned_move", _("geplande verhuizing")
    SUPPORT_DOWN = "support_down", _("begeleiding minder intensief")


CATEGORIES_BY_PARTY = {
    Party.CORPORATION: (
        SignalCategory.NUISANCE,
        SignalCategory.RENT_ARREARS,
        SignalCategory.NEGLECT,
        SignalCategory.NEIGHBOUR_COMPLAINTS,
        SignalCategory.NO_CONTACT,
    ),
    Party.CARE_PROVIDER: (
        SignalCategory.CARE_AVOIDED,
        SignalCategory.CRISIS,
        SignalCategory.PLANNED_MOVE,
        SignalCategory.SUPPORT_DOWN,
    ),
}


# The two parties of an agreement that raise and answer signals (the client signs, but is
# not a user here).
PARTY_CHOICES = [
    (Party.CARE_PROVIDER.value, Party.CARE_PROVIDER.label),
    (Party.CORPORATION.value, Party.CORPORATION.label),
]


class Severity(models.TextChoices):
    LOW = "low", _("laag")
    MEDIUM = "medium", _("midden")
    URGENT = "urgent", _("urgent")


class SignalState(models.TextChoices):
    RAISED = "raised", _("wacht op ontvangstbevestiging")
    ACKNOWLEDGED = "acknowledged", _("wacht op antwoord")
    ANSWERED = "answered", _("plan loopt")
    CLOSED = "closed", _("afgesloten")


OPEN_SIGNAL_STATES = (SignalState.RAISED, SignalState.ACKNOWLEDGED, SignalState.ANSWERED)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("opgelost")
    ONGOING_CARE = "ongoing_care", _("loopt door in de begeleiding")
    TENANCY_AT_RISK = "tenancy_at_risk", _("huurovereenkomst in gevaar")
    ENDED = "ended", _("huurovereenkomst beëindigd")


DESCRIPTION_MAX = 1000
TEXT_MAX = 2000


class Signal(ConstraintMessages, models.Model):
    agreement = models.ForeignKey(
        "placements.Agreement", on_delete=models.CASCADE, related_name="signals"
    )
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="signals"
    )
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    raised_by_party = models.CharField(_("gemeld door"), max_length=14, choices=PARTY_CHOICES)
    category = models.CharField(_("soort signaal"), max_length=24, choices=SignalCategory.choices)
    observed_on = models.DateField(_("waargenomen op"))
    description = models.TextField(_("feitelijke beschrijving"), max_length=DESCRIPTION_MAX)
    severity = models.CharField(
        _("ernst"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    already_done = models.TextField(_("wat al is gedaan"), max_length=TEXT_MAX, blank=True)
    state = models.CharField(
        _("stand"), max_length=14, choices=SignalState.choices, default=SignalState.RAISED
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("gemeld op"), default=timezone.now)
    acknowledge_due = models.DateField(_("ontvangst bevestigen uiterlijk"))
    answer_due = models.DateField(_("antwoord uiterlijk"))
    acknowledged_at = models.DateTimeField(_("ontvangst bevestigd op"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    assessment = models.TextField(_("inschatting"), max_length=TEXT_MAX, blank=True)
    proposed_action = models.TextField(_("voorgestelde aanpak"), max_length=TEXT_MAX, blank=True)
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    escalated_at = models.DateTimeField(_("voorgelegd aan de gemeente op"), null=True, blank=True)
    escalation_reason = models.CharField(_("reden voorleggen"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(_("uitkomst"), max_length=16, choices=Outcome.choices, blank=True)
    close_note = models.TextField(_("toelichting bij afsluiten"), max_length=TEXT_MAX, blank=True)
    discussed_at_meeting = models.ForeignKey(
        "matching.Meeting",
        verbose_name=_("besproken in overleg"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    constraint_messages = {
        "signal_answer_after_ack": (
            "answer_due",
            _("De termijn voor het antwoord ligt niet vóór die voor de ontvangstbevestiging."),
        ),
        "signal_outcome_iff_closed": (
            "outcome",
            _("Een afgesloten signaal heeft een uitkomst; een open signaal nog niet."),
        ),
        "signal_acknowledged_after_raised": (
            "state",
            _("Een signaal wacht op antwoord of heeft een plan pas na de ontvangstbevestiging."),
        ),
    }

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["state", "answer_due"], name="signal_state_due"),
            models.Index(fields=["placement", "state"], name="signal_placement_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_due__gte=F("acknowledge_due")), name="signal_answer_after_ack"
            ),
            models.CheckConstraint(
                condition=Q(state="closed", outcome__gt="", closed_at__isnull=False)
                | (~Q(state="closed") & Q(outcome="", closed_at__isnull=True)),
                name="signal_outcome_iff_closed",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["acknowledged", "answered"])
                | Q(acknowledged_at__isnull=False),
                name="signal_acknowledged_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_SIGNAL_STATES

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def other_party(self) -> str:
        return (
            Party.CARE_PROVIDER.value
            if self.raised_by_party == Party.CORPORATION
            else Party.CORPORATION.value
        )

    def current_due(self) -> tuple[str, dt.date] | None:
        """(what, date) the other party owes next, or None when nothing is owed."""
        if self.state == SignalState.RAISED:
            return "acknowledge", self.acknowledge_due
        if self.state == SignalState.ACKNOWLEDGED:
            return "answer", self.answer_due
        return None


class PlanAction(models.Model):
    """One step of the shared plan: what, who (either party), by when, and its follow-up."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("actie"), max_length=300)
    owner_party = models.CharField(_("eigenaar"), max_length=14, choices=PARTY_CHOICES)
    due_on = models.DateField(_("uiterlijk op"))
    done_on = models.DateField(_("uitgevoerd op"), null=True, blank=True)
    follow_up = models.CharField(_("opvolging"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("actie in het plan")
        verbose_name_plural = _("acties in het plan")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class SignalEvent(models.Model):
    """The signal's timeline: raised, acknowledged, answered, plan steps, escalated, closed."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("gebeurtenis bij een signaal")
        verbose_name_plural = _("gebeurtenissen bij signalen")

    def __str__(self) -> str:
        return f"{self.signal_id} {self.kind}"
