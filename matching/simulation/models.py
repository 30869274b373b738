"""What-if simulation (wat-als-simulatie): scenarios for a board, their runs and weekly results.

A scenario holds a board's chosen limits, policy and flows; a run holds what one simulation of
it produced. Nothing here points at a client or a dwelling: results are counts, shares and
waiting times, and per-neighbourhood counts are stored already suppressed below the
small-numbers threshold.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages

from .core import (
    DEFAULT_DEPARTURE_RATE,
    MAX_FLOW_PER_WEEK,
    MAX_HORIZON_WEEKS,
    MAX_SEEDS,
    MIN_SEEDS,
    LimitMode,
    Params,
    Policy,
)


class LimitModeChoice(models.TextChoices):
    TIPPING_POINT = LimitMode.TIPPING_POINT.value, _("kantelpunt (aandeel kwetsbare huishoudens)")
    HEADROOM = LimitMode.HEADROOM.value, _("ruimte volgens het draagkrachtmodel")
    NONE = LimitMode.NONE.value, _("geen buurtgrens")


class PolicyChoice(models.TextChoices):
    OPTIMISER = Policy.OPTIMISER.value, _("optimalisatie (zoals de tafel rekent)")
    PRIORITY = Policy.PRIORITY.value, _("volgorde van voorrang (zoals nu, zonder grenzen)")
    PRIORITY_WITHIN_LIMITS = (
        Policy.PRIORITY_WITHIN_LIMITS.value,
        _("volgorde van voorrang binnen de grenzen"),
    )
    LOOKAHEAD = (
        Policy.LOOKAHEAD.value,
        _("vooruitkijken: laatste plek in een buurt voor wie alleen daar past"),
    )


class Scenario(ConstraintMessages, models.Model):
    """A named what-if for a board (scenario): limits, policy, horizon, seed and flows."""

    constraint_messages = {
        "scenario_rates_pct": (
            "departure_rate",
            _("Een vertrekkans en een aandeel urgente cliënten liggen tussen 0 en 100%."),
        ),
        "scenario_seeds_range": (
            "seeds",
            _("Kies tussen 5 en 20 herhalingen."),
        ),
        "scenario_tipping_point_pct": ("tipping_point", _("Het kantelpunt ligt tussen 0 en 100%.")),
        "scenario_stairwell_max_range": (
            "stairwell_max",
            _("Per portiek kunnen hoogstens 20 kwetsbare huishoudens worden toegestaan."),
        ),
        "scenario_horizon_range": ("horizon_weeks", _("De looptijd ligt tussen 1 en 156 weken.")),
        "scenario_flows_range": (
            "clients_per_week",
            _("Het aantal nieuwe cliënten en woningen per week ligt tussen 0 en 500."),
        ),
        "scenario_offer_weeks_range": (
            "offer_weeks",
            _("Een woning wordt 1 tot 52 weken aangeboden."),
        ),
    }

    board = models.ForeignKey("matching.Board", on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("toelichting"), blank=True)
    limit_mode = models.CharField(
        _("buurtgrens"),
        max_length=16,
        choices=LimitModeChoice.choices,
        default=LimitModeChoice.TIPPING_POINT,
    )
    tipping_point = models.DecimalField(
        _("kantelpunt (%)"), max_digits=5, decimal_places=2, default=35
    )
    # {"BU01234567": 25.0}: a different tipping point for some neighbourhoods.
    neighbourhood_limits = models.JSONField(_("kantelpunt per buurt"), default=dict, blank=True)
    stairwell_rule = models.BooleanField(_("portiekregel"), default=False)
    stairwell_max = models.PositiveSmallIntegerField(
        _("maximum kwetsbare huishoudens per portiek"), default=1
    )
    complexes_stopped = models.BooleanField(_("plaatsingsstops op complexen gelden"), default=True)
    policy = models.CharField(
        _("toewijzing"), max_length=24, choices=PolicyChoice.choices, default=PolicyChoice.OPTIMISER
    )
    horizon_weeks = models.PositiveSmallIntegerField(_("aantal weken"), default=52)
    seed = models.PositiveIntegerField(_("startgetal toeval"), default=1)
    clients_per_week = models.DecimalField(
        _("nieuwe cliënten per week"), max_digits=6, decimal_places=2, default=1
    )
    dwellings_per_week = models.DecimalField(
        _("vrijkomende woningen per week"), max_digits=6, decimal_places=2, default=2
    )
    offer_weeks = models.PositiveSmallIntegerField(
        _("weken aangeboden voor reguliere verhuur"), default=4
    )
    departure_rate = models.DecimalField(
        _("vertrek kwetsbare huishoudens (% per jaar)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_DEPARTURE_RATE,
    )
    urgent_share = models.DecimalField(
        _("aandeel urgente nieuwe cliënten (%)"), max_digits=5, decimal_places=2, default=0
    )
    seeds = models.PositiveSmallIntegerField(_("aantal startgetallen"), default=MIN_SEEDS)
    shared_with_board = models.BooleanField(_("gedeeld met de tafel"), default=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tipping_point__gte=0, tipping_point__lte=100),
                name="scenario_tipping_point_pct",
            ),
            models.CheckConstraint(
                condition=Q(stairwell_max__lte=20), name="scenario_stairwell_max_range"
            ),
            models.CheckConstraint(
                condition=Q(horizon_weeks__gte=1, horizon_weeks__lte=MAX_HORIZON_WEEKS),
                name="scenario_horizon_range",
            ),
            models.CheckConstraint(
                condition=Q(clients_per_week__gte=0, clients_per_week__lte=MAX_FLOW_PER_WEEK)
                & Q(dwellings_per_week__gte=0, dwellings_per_week__lte=MAX_FLOW_PER_WEEK),
                name="scenario_flows_range",
            ),
            models.CheckConstraint(
                condition=Q(offer_weeks__gte=1, offer_weeks__lte=52),
                name="scenario_offer_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(limit_mode__in=LimitModeChoice.values), name="scenario_limit_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(departure_rate__gte=0, departure_rate__lte=100)
                & Q(urgent_share__gte=0, urgent_share__lte=100),
                name="scenario_rates_pct",
            ),
            models.CheckConstraint(
                condition=Q(seeds__gte=MIN_SEEDS, seeds__lte=MAX_SEEDS),
                name="scenario_seeds_range",
            ),
            models.CheckConstraint(
                condition=Q(policy__in=PolicyChoice.values), name="scenario_policy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def params(self) -> Params:
        """The pure simulation's view of this scenario."""
        return Params.from_dict(self.params_dict())

    def params_dict(self) -> dict[str, Any]:
        return {
            "limit_mode": self.limit_mode,
            "tipping_point": float(self.tipping_point),
            "neighbourhood_limits": dict(self.neighbourhood_limits or {}),
            "stairwell_rule": self.stairwell_rule,
            "stairwell_max": self.stairwell_max,
            "complexes_stopped": self.complexes_stopped,
            "policy": self.policy,
            "horizon_weeks": self.horizon_weeks,
            "seed": self.seed,
            "clients_per_week": float(self.clients_per_week),
            "dwellings_per_week": float(self.dwellings_per_week),
            "offer_weeks": self.offer_weeks,
            "departure_rate": float(self.departure_rate),
            "urgent_share": float(self.urgent_share),
            "seeds": self.seeds,
        }


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("in de wachtrij")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")
    CANCELLED = "cancelled", _("gestopt")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class SimulationRun(ConstraintMessages, models.Model):
    """One simulation of a scenario (simulatierun): its progress and its results."""

    constraint_messages = {
        "simulation_run_progress_le_total": (
            "weeks_done",
            _("De voortgang kan niet groter zijn dan het aantal weken."),
        ),
    }

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # The scenario's values when the run started: results always say what produced them.
    parameters = models.JSONField(default=dict)
    weeks_done = models.PositiveSmallIntegerField(default=0)
    total_weeks = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    snapshot_date = models.DateField(null=True, blank=True)
    snapshot_digest = models.CharField(max_length=64, blank=True)
    # Counts only: waiting clients, offered dwellings, neighbourhoods, stairwells at the start.
    snapshot_stats = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    # Per neighbourhood, with small counts suppressed (see services.SMALL_NUMBER_THRESHOLD).
    neighbourhoods = models.JSONField(default=list)
    error = models.CharField(max_length=300, blank=True)
    # Which delivery owns the run: a take-over (a dead worker's run, found by its stale
    # heartbeat) counts up, and only the current attempt may write the result.
    attempt = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("simulatierun")
        verbose_name_plural = _("simulatieruns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario"],
                condition=Q(status__in=[s.value for s in ACTIVE_RUN_STATUSES]),
                name="simulation_one_active_run_per_scenario",
                violation_error_message=_("Dit scenario wordt al doorgerekend."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="simulation_run_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(weeks_done__lte=models.F("total_weeks")),
                name="simulation_run_progress_le_total",
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.scenario})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def percent(self) -> int:
        return int(100 * self.weeks_done / self.total_weeks) if self.total_weeks else 0


class SimulationWeek(ConstraintMessages, models.Model):
    """One simulated week of a run: what the board would have done that week."""

    constraint_messages = {
        "simulation_week_once": ("week", _("Deze week is al doorgerekend.")),
        "simulation_week_positive": ("week", _("Weken tellen vanaf 1.")),
    }

    run = models.ForeignKey(SimulationRun, on_delete=models.CASCADE, related_name="weeks")
    week = models.PositiveSmallIntegerField(_("week"))
    date = models.DateField(_("datum"))
    arrivals = models.PositiveIntegerField(_("nieuwe cliënten"), default=0)
    vacancies = models.PositiveIntegerField(_("vrijgekomen woningen"), default=0)
    placed = models.PositiveIntegerField(_("geplaatst"), default=0)
    placed_past_tipping = models.PositiveIntegerField(_("geplaatst voorbij kantelpunt"), default=0)
    placed_in_occupied_stairwell = models.PositiveIntegerField(
        _("geplaatst in portiek met kwetsbaar huishouden"), default=0
    )
    departures = models.PositiveIntegerField(_("vertrokken kwetsbare huishoudens"), default=0)
    let_regular = models.PositiveIntegerField(_("regulier verhuurd"), default=0)
    waiting = models.PositiveIntegerField(_("wachtend"), default=0)
    offered = models.PositiveIntegerField(_("aangeboden"), default=0)
    housed_total = models.PositiveIntegerField(_("gehuisvest totaal"), default=0)
    neighbourhoods_past_tipping = models.PositiveIntegerField(
        _("buurten voorbij kantelpunt"), default=0
    )
    score_total = models.FloatField(_("totale score"), default=0)
    wait_median = models.FloatField(_("mediane wachttijd wachtenden (weken)"), null=True)

    class Meta:
        verbose_name = _("simulatieweek")
        verbose_name_plural = _("simulatieweken")
        ordering = ["run", "week"]
        constraints = [
            models.UniqueConstraint(fields=["run", "week"], name="simulation_week_once"),
            models.CheckConstraint(condition=Q(week__gte=1), name="simulation_week_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} week {self.week}"
