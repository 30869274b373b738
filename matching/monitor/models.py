"""The monitor's own data: the corporations' agreed shares (contingentafspraken) per year.

Everything else the monitor shows is counted from the other apps' event history (client
transitions, proposals and their decisions, placements) by aggregate queries
(`selectors.py`); nothing is copied here.

A quota is never overwritten: setting it again adds a row, and the latest row per
corporation and year is the one in force, so the history of what was agreed stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constraints import ConstraintMessages

QUOTA_MAX = 100_000
HEADROOM_CAP = 9_999  # a headroom without a placement cost (weight 0) is "plenty", not 10**6


class Quota(ConstraintMessages, models.Model):
    """A corporation's agreed number of dwellings for outflowing clients in one year
    (contingent), as set by the municipality of its region. Append-only: see the module."""

    constraint_messages = {
        "quota_year_range": ("year", _("Het jaar ligt tussen 2000 en 2100.")),
        "quota_dwellings_range": (
            "dwellings",
            _("Het contingent is een aantal woningen van 0 tot en met 100.000."),
        ),
    }

    corporation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("corporatie"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    dwellings = models.PositiveIntegerField(_("woningen per jaar"))
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgesteld door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("vastgesteld op"), default=timezone.now)

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingenten")
        ordering = ["corporation_id", "-year", "-set_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="quota_year_range"
            ),
            models.CheckConstraint(
                condition=Q(dwellings__lte=QUOTA_MAX), name="quota_dwellings_range"
            ),
        ]
        indexes = [
            models.Index(fields=["corporation", "year", "set_at"], name="quota_corp_year_idx"),
        ]

    def __str__(self) -> str:
        return f"contingent {self.corporation_id} {self.year}: {self.dwellings}"


class MonthlyCount(models.Model):
    """The flow per month, counted from the event history (materialised; refreshed by beat,
    `services.figures_refresh`): one row per region, month, measure, care provider, target
    group and reason. Counts of groups only, never a person; read only through the
    monitor's selectors, which suppress small numbers on the way out."""

    region = models.ForeignKey("accounts.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    measure = models.CharField(max_length=16)
    care_provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, related_name="+"
    )
    target_group = models.CharField(max_length=8, blank=True)
    reason = models.CharField(max_length=32, blank=True)  # placements: the class seen
    # Placements only ("where people go"): the neighbourhood, an override, an occupied stairwell.
    neighbourhood = models.ForeignKey(
        "housing.Neighbourhood", on_delete=models.CASCADE, null=True, related_name="+"
    )
    override = models.BooleanField(default=False)
    occupied = models.BooleanField(default=False)
    # Placements only: the neighbourhood's headroom the board saw when it proposed
    # (`Proposal.capacity_before["headroom"]`, capped at HEADROOM_CAP); None: unknown then
    # (no indicators or no number of homes for that year, or no recorded capacity).
    headroom = models.PositiveIntegerField(null=True)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("maandtelling")
        verbose_name_plural = _("maandtellingen")
        indexes = [models.Index(fields=["region", "month"], name="monthlycount_region_month")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month} {self.measure}: {self.n}"


class FiguresRefresh(models.Model):
    """When a region's monthly counts were last rebuilt (and how long it took)."""

    region = models.OneToOneField("accounts.Region", on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("verversing maandtellingen")
        verbose_name_plural = _("verversingen maandtellingen")

    def __str__(self) -> str:
        return f"{self.region_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
