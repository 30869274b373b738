"""The carrying-capacity model (draagkrachtmodel): a transparent 0–100 score per neighbourhood.

Pure Python, no database: `score(inputs, weights)` is what the tests pin on hand-computed
cases; `housing.selectors.neighbourhood_capacity` feeds it from the models.

How the score is made (default weights; a municipality may change every number):

    start                          70
    liveability class (1–9)        + (class − 5) × 5           class 5 "voldoende" is neutral
    nuisance dimension             + dimension × 50, capped at ±10   (Leefbaarometer deviation)
    corporation share              − 0.5 per point above 40%  up to 60%   (liveability tipping point)
                                   − 1.0 per point above 60%              (safety tipping point)
    LVB share                      − 0.25 per point above 16% (population average) up to 35%
                                   − 2.0 per point above 35%              (nuisance tipping point)
    welfare share                  − 1.0 per point above 6%
    psychiatric share              − 1.0 per point above 4%
    placements, last 12 months     − 4 per placement per 1,000 homes
    → clamped to 0–100; green from 60, amber from 40, red below.

Headroom: how many more placements the board may propose there in the current period (the
same 12-month window) before the score would fall below the amber line. Each placement costs
`placements_weight × 1000 / homes` points, so headroom = floor((score − amber_from) / cost);
0 when the neighbourhood is red, unknown (None) without indicators.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

# name -> (default, Dutch label, help). The order is the order of the settings form.
WEIGHT_FIELDS: dict[str, tuple[float, str, str]] = {
    "base": (70, "startwaarde", "score van een buurt zonder plussen en minnen"),
    "liveability_per_class": (5, "punten per Leefbaarometer-klasse", "boven of onder klasse 5"),
    "nuisance_dimension_weight": (50, "gewicht dimensie overlast", "punten per 1,0 afwijking"),
    "nuisance_dimension_cap": (10, "maximum dimensie overlast", "plus of min, in punten"),
    "corporation_threshold_low": (40, "kantelpunt corporatiebezit leefbaarheid (%)", ""),
    "corporation_weight_low": (0.5, "punten per procentpunt boven dat kantelpunt", ""),
    "corporation_threshold_safety": (60, "kantelpunt corporatiebezit veiligheid (%)", ""),
    "corporation_weight_high": (1.0, "punten per procentpunt boven 60%-kantelpunt", ""),
    "lvb_reference": (16, "aandeel LVB in de bevolking (%)", "vanaf hier telt het mee"),
    "lvb_weight_low": (0.25, "punten per procentpunt LVB tot het kantelpunt", ""),
    "lvb_threshold": (35, "kantelpunt LVB (%)", ""),
    "lvb_weight_high": (2.0, "punten per procentpunt LVB boven het kantelpunt", ""),
    "welfare_reference": (6, "referentie bijstand (%)", ""),
    "welfare_weight": (1.0, "punten per procentpunt bijstand erboven", ""),
    "psychiatric_reference": (4, "referentie psychische problematiek (%)", ""),
    "psychiatric_weight": (1.0, "punten per procentpunt psychische problematiek erboven", ""),
    "placements_weight": (4.0, "punten per plaatsing per 1.000 woningen (12 maanden)", ""),
    "green_from": (60, "groen vanaf", "score"),
    "amber_from": (40, "oranje vanaf", "score; daaronder rood"),
}

DEFAULT_WEIGHTS: dict[str, float] = {name: float(d[0]) for name, d in WEIGHT_FIELDS.items()}

GREEN, AMBER, RED, UNKNOWN = "green", "amber", "red", "unknown"
CLASS_LABELS = {GREEN: "groen", AMBER: "oranje", RED: "rood", UNKNOWN: "onbekend"}

LIVEABILITY_LABELS = {
    1: "zeer onvoldoende",
    2: "ruim onvoldoende",
    3: "onvoldoende",
    4: "zwak",
    5: "voldoende",
    6: "ruim voldoende",
    7: "goed",
    8: "zeer goed",
    9: "uitstekend",
}


def weights_with_defaults(values: dict[str, Any] | None) -> dict[str, float]:
    """Stored weights over the defaults; unknown keys are ignored."""
    merged = dict(DEFAULT_WEIGHTS)
    for name, value in (values or {}).items():
        if name in merged and value is not None:
            merged[name] = float(value)
    return merged


def validate_weights(values: dict[str, float]) -> dict[str, str]:
    """Errors per field name (empty when the weights make sense)."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value < 0:
            errors[name] = "Mag niet negatief zijn."
    for name in (
        "corporation_threshold_low",
        "corporation_threshold_safety",
        "lvb_reference",
        "lvb_threshold",
        "welfare_reference",
        "psychiatric_reference",
        "green_from",
        "amber_from",
        "base",
    ):
        if not 0 <= values.get(name, 0) <= 100:
            errors[name] = "Moet tussen 0 en 100 liggen."
    if values["corporation_threshold_low"] > values["corporation_threshold_safety"]:
        errors["corporation_threshold_safety"] = "Moet minstens het leefbaarheidskantelpunt zijn."
    if values["lvb_reference"] > values["lvb_threshold"]:
        errors["lvb_threshold"] = "Moet minstens de referentie zijn."
    if values["amber_from"] >= values["green_from"]:
        errors["green_from"] = "Groen moet boven oranje beginnen."
    return errors


@dataclass(frozen=True)
class Inputs:
    """One neighbourhood's figures for one moment (shares in %, 0–100)."""

    homes: int
    liveability_class: int
    corporation_share: float
    lvb_share: float
    welfare_share: float
    psychiatric_share: float
    placements_12m: int = 0
    nuisance_dimension: float | None = None
    year: int | None = None


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    value: str  # the input, as shown to people
    points: float  # positive raised the score, negative lowered it


@dataclass(frozen=True)
class CapacityResult:
    score: float | None
    klass: str
    breakdown: list[Contribution] = field(default_factory=list)
    headroom: int | None = None
    year: int | None = None
    # None once hidden for a reader (small numbers, see with_small_counts_hidden).
    placements_12m: int | None = 0
    placements_per_1000: float | None = None

    @property
    def klass_label(self) -> str:
        return CLASS_LABELS[self.klass]

    def with_small_counts_hidden(self, limit: int) -> CapacityResult:
        """This result for a reader who may not see exact small counts: a placement count
        from 1 to `limit - 1` (and its rate, and the breakdown line that names both) goes."""
        if self.placements_12m is None or not 0 < self.placements_12m < limit:
            return self
        hidden = f"minder dan {limit}"
        breakdown = [
            replace(c, value=hidden, points=0.0) if c.key == "placements" else c
            for c in self.breakdown
        ]
        return replace(self, placements_12m=None, placements_per_1000=None, breakdown=breakdown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "class": self.klass,
            "class_label": self.klass_label,
            "headroom": self.headroom,
            "year": self.year,
            "placements_12m": self.placements_12m,
            "placements_per_1000": self.placements_per_1000,
            "breakdown": [
                {"key": c.key, "label": c.label, "value": c.value, "points": c.points}
                for c in self.breakdown
            ],
        }


UNKNOWN_RESULT = CapacityResult(score=None, klass=UNKNOWN)


def _above(value: float, start: float, end: float | None = None) -> float:
    """Percentage points of `value` above `start` (and not above `end`)."""
    top = value if end is None else min(value, end)
    return max(0.0, top - start)


def _pct(value: float) -> str:
    return f"{value:g}%"


def classify(score: float, w: dict[str, float]) -> str:
    if score >= w["green_from"]:
        return GREEN
    if score >= w["amber_from"]:
        return AMBER
    return RED


def score(inputs: Inputs, weights: dict[str, float] | None = None) -> CapacityResult:
    """The carrying-capacity score with its breakdown and headroom (see the module docstring)."""
    w = weights_with_defaults(weights)
    parts: list[Contribution] = []

    def add(key: str, label: str, value: str, points: float) -> None:
        parts.append(Contribution(key, label, value, round(points, 2)))

    add("base", "startwaarde", "", w["base"])
    cls = inputs.liveability_class
    add(
        "liveability",
        "Leefbaarometer-klasse",
        f"{cls} ({LIVEABILITY_LABELS.get(cls, '?')})",
        (cls - 5) * w["liveability_per_class"],
    )
    if inputs.nuisance_dimension is not None:
        cap = w["nuisance_dimension_cap"]
        points = max(-cap, min(cap, inputs.nuisance_dimension * w["nuisance_dimension_weight"]))
        add(
            "nuisance_dimension",
            "dimensie overlast en onveiligheid",
            f"{inputs.nuisance_dimension:+g}",
            points,
        )
    corp = inputs.corporation_share
    add(
        "corporation_share",
        "aandeel corporatiewoningen",
        _pct(corp),
        -(
            _above(corp, w["corporation_threshold_low"], w["corporation_threshold_safety"])
            * w["corporation_weight_low"]
            + _above(corp, w["corporation_threshold_safety"]) * w["corporation_weight_high"]
        ),
    )
    lvb = inputs.lvb_share
    add(
        "lvb_share",
        "aandeel LVB",
        _pct(lvb),
        -(
            _above(lvb, w["lvb_reference"], w["lvb_threshold"]) * w["lvb_weight_low"]
            + _above(lvb, w["lvb_threshold"]) * w["lvb_weight_high"]
        ),
    )
    add(
        "welfare_share",
        "aandeel bijstand",
        _pct(inputs.welfare_share),
        -_above(inputs.welfare_share, w["welfare_reference"]) * w["welfare_weight"],
    )
    add(
        "psychiatric_share",
        "aandeel psychische problematiek",
        _pct(inputs.psychiatric_share),
        -_above(inputs.psychiatric_share, w["psychiatric_reference"]) * w["psychiatric_weight"],
    )
    per_1000 = inputs.placements_12m * 1000 / inputs.homes if inputs.homes else 0.0
    add(
        "placements",
        "plaatsingen afgelopen 12 maanden",
        f"{inputs.placements_12m} ({per_1000:.1f} per 1.000 woningen)",
        -per_1000 * w["placements_weight"],
    )
    raw = sum(c.points for c in parts)
    final = round(max(0.0, min(100.0, raw)), 1)
    klass = classify(final, w)
    headroom: int | None
    if not inputs.homes:
        headroom = None
    elif klass == RED:
        headroom = 0
    else:
        cost = w["placements_weight"] * 1000 / inputs.homes
        # A little slack so 40.0 − 3×(…) rounding noise never costs a whole placement.
        headroom = (
            10**6 if cost == 0 else math.floor((min(raw, 100.0) - w["amber_from"]) / cost + 1e-9)
        )
    return CapacityResult(
        score=final,
        klass=klass,
        breakdown=parts,
        headroom=headroom,
        year=inputs.year,
        placements_12m=inputs.placements_12m,
        placements_per_1000=round(per_1000, 2),
    )
