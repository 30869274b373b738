"""Records of processing for the monitor (`accounts.records`): aggregates only, no persons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.processing import KEPT, NO_PERIOD
from accounts.records import declare

from .models import FiguresRefresh, MonthlyCount, Quota


def register() -> None:
    declare(
        Quota,
        purpose=_("het afgesproken aandeel uitstroomwoningen per corporatie"),
        retention=NO_PERIOD,
        personal="set_by",
        other="id corporation year dwellings note set_at",
    )
    declare(
        MonthlyCount,
        purpose=_(
            "tellingen per maand voor de monitor (geen personen; kleine aantallen verborgen)"
        ),
        retention=KEPT,
        other=(
            "id region month measure care_provider target_group reason neighbourhood override "
            "occupied n headroom past_tipping"
        ),
        seen_by=_("de monitor, alleen als tellingen (kleine aantallen onderdrukt)"),
    )
    declare(
        FiguresRefresh,
        purpose=_("wanneer de cijfers van de monitor zijn bijgewerkt"),
        retention=KEPT,
        other="id region refreshed_at duration_ms rows",
        seen_by=_("alleen de applicatie zelf (niet op een pagina of in de API)"),
    )
