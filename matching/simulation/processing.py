"""Records of processing for the simulation (`accounts.records`): purpose, field classes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.processing import KEPT, NO_PERIOD
from accounts.records import declare

from .models import Scenario, SimulationRun, SimulationWeek


def register() -> None:
    declare(
        Scenario,
        purpose=_("een wat-als-scenario voor beleid (geen personen)"),
        retention=NO_PERIOD,
        personal="shared_by created_by",
        other=(
            "id board name description limit_mode tipping_point neighbourhood_limits "
            "stairwell_rule stairwell_max complexes_stopped policy horizon_weeks seed "
            "clients_per_week dwellings_per_week offer_weeks departure_rate urgent_share seeds "
            "shared_with_board shared_at created_at updated_at"
        ),
    )
    declare(
        SimulationRun,
        purpose=_("een doorrekening van een scenario op een momentopname (tellingen)"),
        retention=NO_PERIOD,
        personal="requested_by",
        other=(
            "id scenario status parameters weeks_done total_weeks cancel_requested created_at "
            "started_at heartbeat_at finished_at duration_ms snapshot_date snapshot_digest "
            "snapshot_stats summary neighbourhoods error attempt"
        ),
    )
    declare(
        SimulationWeek,
        purpose=_("de uitkomst van een week in een doorrekening (tellingen)"),
        retention=KEPT,
        other=(
            "id run week date arrivals vacancies placed placed_past_tipping "
            "placed_in_occupied_stairwell departures let_regular waiting offered housed_total "
            "neighbourhoods_past_tipping score_total wait_median"
        ),
        via=SimulationRun,
    )
