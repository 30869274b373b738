"""Reads for what-if scenarios, filtered by what the user may see, and the shapes the pages,
the export and the command show (summary rows, side-by-side differences, chart series)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts.models import User
from matching.board.models import Board

from . import seeds, snapshot
from .models import RunStatus, Scenario, SimulationRun, SimulationWeek


def scenario_list(*, user: User, board: Board) -> list[Scenario]:
    """The board's scenarios the user may see, newest first, each with `latest_run`."""
    scenarios = list(
        access.scope(user, Scenario)
        .filter(board=board)
        .select_related("created_by", "shared_by")
        .prefetch_related(
            Prefetch("runs", queryset=SimulationRun.objects.order_by("-created_at", "-id"))
        )
        .order_by("-created_at", "-id")
    )
    for s in scenarios:
        runs = list(s.runs.all())
        s.latest_run = runs[0] if runs else None  # type: ignore[attr-defined]
        s.latest_result = next(  # type: ignore[attr-defined]
            (r for r in runs if r.status == RunStatus.DONE), None
        )
    return scenarios


def scenario_queryset() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("board", "board__region", "created_by", "shared_by")


def latest_run(scenario: Scenario) -> SimulationRun | None:
    return scenario.runs.order_by("-created_at", "-id").first()


def latest_result(scenario: Scenario) -> SimulationRun | None:
    """The newest finished run: what the scenario's results are."""
    return scenario.runs.filter(status=RunStatus.DONE).order_by("-created_at", "-id").first()


def run_weeks(run: SimulationRun) -> list[SimulationWeek]:
    return list(run.weeks.order_by("week"))


def flows_prefill(board: Board) -> dict[str, Any]:
    return snapshot.flows(board)


# --- Shapes for pages, export and command ----------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # lazy Dutch string
    better: str  # "higher", "lower" or "" (context only)
    unit: str = ""


METRICS: tuple[Metric, ...] = (
    # An outcome, not the action "Gehuisvest" of the client lifecycle: its own context.
    Metric("housed", pgettext_lazy("uitkomst", "Gehuisvest"), "higher"),
    Metric("housed_urgent", _("Waarvan urgent"), ""),
    Metric("placed_past_tipping", _("Plaatsingen in buurten voorbij het kantelpunt"), "lower"),
    Metric(
        "placed_in_occupied_stairwell",
        _("Plaatsingen in portieken met al een kwetsbaar huishouden"),
        "lower",
    ),
    Metric("past_tipping_start", _("Buurten voorbij het kantelpunt bij de start"), ""),
    Metric("past_tipping_end", _("Buurten voorbij het kantelpunt aan het eind"), "lower"),
    Metric("wait_median", _("Wachttijd gehuisveste cliënten, mediaan"), "lower", "weken"),
    Metric("wait_p90", _("Wachttijd gehuisveste cliënten, 90e percentiel"), "lower", "weken"),
    Metric("still_waiting", _("Nog wachtend aan het eind"), "lower"),
    Metric("still_waiting_median", _("Wachttijd van wie nog wacht, mediaan"), "lower", "weken"),
    Metric("still_waiting_p90", _("Wachttijd van wie nog wacht, 90e percentiel"), "lower", "weken"),
    Metric("still_waiting_max", _("Wachttijd van wie nog wacht, langste"), "lower", "weken"),
    Metric("waiting_start", _("Wachtend bij de start"), ""),
    Metric("arrivals", _("Nieuwe cliënten"), ""),
    Metric("vacancies", _("Vrijgekomen woningen"), ""),
    Metric("departures", _("Vertrokken kwetsbare huishoudens"), ""),
    Metric("let_regular", _("Woningen regulier verhuurd (niet gebruikt)"), ""),
)

WAIT_BUCKET_LABELS = {
    "0-13": _("korter dan 13 weken"),
    "13-26": _("13 tot 26 weken"),
    "26-52": _("26 tot 52 weken"),
    "52+": _("52 weken of langer"),
}


def _diff(value: Any, base: Any) -> float | None:
    if value is None or base is None:
        return None
    return round(float(value) - float(base), 2)


def _spread(run: SimulationRun, key: str) -> dict[str, Any] | None:
    """The figure's mean and range over the run's seeds (None for runs from before seeds)."""
    spread = (run.summary.get("spread") or {}).get(key)
    return spread if spread and spread.get("min") is not None else None


def summary_rows(runs: Sequence[SimulationRun]) -> list[dict[str, Any]]:
    """One row per metric: per run its mean over the seeds with the range (lowest and highest
    seed), and for every run after the first the difference of the means and how much of it
    lies beyond the seed-to-seed spread (`seeds.beyond_spread`: the gap between the two
    ranges; 0 means the ranges overlap, so the difference may be noise). `good` says whether
    a difference moved the better way (for a badge colour)."""
    rows = []
    for m in METRICS:
        values = [r.summary.get(m.key) for r in runs]
        spreads = [_spread(r, m.key) for r in runs]
        cells = []
        for i, (value, spread) in enumerate(zip(values, spreads, strict=True)):
            diff = None if i == 0 else _diff(value, values[0])
            beyond = None
            if i and spread is not None and spreads[0] is not None:
                beyond = seeds.beyond_spread(spreads[0], spread)
            good: bool | None = None
            if diff is not None and diff != 0 and m.better:
                good = (diff > 0) == (m.better == "higher")
            cells.append(
                {
                    "value": value,
                    "low": spread["min"] if spread else None,
                    "high": spread["max"] if spread else None,
                    "diff": diff,
                    "beyond": beyond,
                    "noise": beyond == 0 and diff not in (None, 0),
                    "good": good,
                }
            )
        # One precision per row, so a column's figures line up: whole numbers when every
        # figure is a whole count (a start value), else one decimal (means over the seeds).
        figures = [v for c in cells for v in (c["value"], c["low"], c["high"]) if v is not None]
        whole = all(isinstance(v, int) for v in figures)
        rows.append(
            {
                "key": m.key,
                "label": m.label,
                "unit": m.unit,
                "values": values,
                "cells": cells,
                "decimals": 0 if whole else 1,
            }
        )
    return rows


SERIES = (
    ("housed_total", _("Gehuisvest (totaal)")),
    ("past_tipping_total", _("Plaatsingen voorbij het kantelpunt (totaal)")),
    ("waiting", _("Wachtend")),
    ("wait_median", _("Mediane wachttijd van wachtenden (weken)")),
)


def chart_data(runs: Sequence[SimulationRun]) -> dict[str, Any]:
    """Series per run for the charts (passed to the page with `json_script`)."""
    out: dict[str, Any] = {
        "charts": [{"key": key, "title": str(title)} for key, title in SERIES],
        "runs": [],
        "week_label": str(_("week")),
    }
    for run in runs:
        weeks = run_weeks(run)
        past_total, cumulative = 0, []
        for w in weeks:
            past_total += w.placed_past_tipping
            cumulative.append(past_total)
        out["runs"].append(
            {
                "name": run.scenario.name,
                "weeks": [w.week for w in weeks],
                "housed_total": [w.housed_total for w in weeks],
                "past_tipping_total": cumulative,
                "waiting": [w.waiting for w in weeks],
                "wait_median": [w.wait_median for w in weeks],
            }
        )
    return out


def parameter_rows(runs: Sequence[SimulationRun]) -> list[dict[str, Any]]:
    """The values each run ran with, side by side (what differs is what explains the rest)."""
    from .models import LimitModeChoice, PolicyChoice

    labels = (
        ("policy", _("Toewijzing")),
        ("limit_mode", _("Buurtgrens")),
        ("tipping_point", _("Kantelpunt (%)")),
        ("neighbourhood_limits", _("Kantelpunt per buurt")),
        ("stairwell_rule", _("Portiekregel")),
        ("stairwell_max", _("Maximum per portiek")),
        ("complexes_stopped", _("Plaatsingsstops gelden")),
        ("horizon_weeks", _("Weken")),
        ("seed", _("Startgetal toeval")),
        ("clients_per_week", _("Nieuwe cliënten per week")),
        ("dwellings_per_week", _("Vrijkomende woningen per week")),
        ("offer_weeks", _("Weken aangeboden")),
        ("departure_rate", _("Vertrek kwetsbare huishoudens (% per jaar)")),
        ("urgent_share", _("Aandeel urgente nieuwe cliënten (%)")),
        ("seeds", _("Aantal startgetallen")),
    )
    choices = {"policy": dict(PolicyChoice.choices), "limit_mode": dict(LimitModeChoice.choices)}
    rows = []
    for key, label in labels:
        values = []
        for run in runs:
            v = run.parameters.get(key)
            if key in choices:
                v = choices[key].get(v, v)
            elif isinstance(v, bool):
                v = _("aan") if v else _("uit")
            elif isinstance(v, dict):
                v = ", ".join(f"{k} {val:g}%" for k, val in v.items()) or "—"
            values.append(v)
        rows.append(
            {"label": label, "values": values, "differs": len({str(v) for v in values}) > 1}
        )
    return rows
