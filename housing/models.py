"""Housing: geography, neighbourhood indicators, complexes, stairwells and dwellings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MUNICIPALITY_CODE_REGEX = r"^GM[0-9]{4}$"
DISTRICT_CODE_REGEX = r"^WK[0-9]{6}$"
NEIGHBOURHOOD_CODE_REGEX = r"^BU[0-9]{8}$"


class Municipality(models.Model):
    """A municipality by its CBS code (gemeente, ``GM`` + 4 digits)."""

    code = models.CharField(_("CBS-code"), max_length=6, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("regio"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=MUNICIPALITY_CODE_REGEX), name="municipality_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class District(models.Model):
    """A district by its CBS code (wijk, ``WK`` + 6 digits)."""

    code = models.CharField(_("CBS-code"), max_length=8, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.PROTECT,
        related_name="districts",
    )

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=DISTRICT_CODE_REGEX), name="district_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Neighbourhood(models.Model):
    """A neighbourhood by its CBS code (buurt, ``BU`` + 8 digits), optionally with its boundary.

    ``boundary`` holds a GeoJSON geometry (Polygon or MultiPolygon, WGS84 lon/lat).
    """

    code = models.CharField(_("CBS-code"), max_length=10, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    district = models.ForeignKey(
        District,
        verbose_name=_("wijk"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )
    boundary = models.JSONField(_("grens (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("buurt")
        verbose_name_plural = _("buurten")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=NEIGHBOURHOOD_CODE_REGEX), name="neighbourhood_code_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
