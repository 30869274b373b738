"""Read-only serializers: a scenario's values and its latest results (counts only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from .. import selectors
from ..models import Scenario, SimulationWeek


class WeekSerializer(serializers.ModelSerializer[SimulationWeek]):
    class Meta:
        model = SimulationWeek
        fields = [
            "week", "date", "arrivals", "vacancies", "placed", "placed_past_tipping",
            "placed_in_occupied_stairwell", "let_regular", "waiting", "offered", "housed_total",
            "neighbourhoods_past_tipping", "wait_median",
        ]  # fmt: skip


class ScenarioSerializer(serializers.ModelSerializer[Scenario]):
    results = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "id", "board", "name", "description", "policy", "limit_mode", "tipping_point",
            "neighbourhood_limits", "stairwell_rule", "stairwell_max", "complexes_stopped",
            "horizon_weeks", "seed", "clients_per_week", "dwellings_per_week", "offer_weeks",
            "shared_with_board", "created_at", "results",
        ]  # fmt: skip

    def get_results(self, scenario: Scenario) -> dict[str, Any] | None:
        run = selectors.latest_result(scenario)
        if run is None:
            return None
        data: dict[str, Any] = {
            "run": run.pk,
            "finished_at": run.finished_at,
            "snapshot_date": run.snapshot_date,
            "snapshot_digest": run.snapshot_digest,
            "parameters": run.parameters,
            "summary": run.summary,
            "neighbourhoods": run.neighbourhoods,
        }
        if self.context.get("with_weeks"):
            data["weeks"] = WeekSerializer(selectors.run_weeks(run), many=True).data
        return data
