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
    nuisance signals (opt-in)      − weight per signal per 1,000 homes (12 months), capped
                                   (off by default: weight 0; docs/aftercare.md)
    → clamped to 0–100; green from 60, amber from 40, red below.

Unknown is unknown: every input may be missing (a suppressed CBS figure, a Leefbaarometer
NA, an LVB share the municipality has not entered). A missing input adds no points and is
named in the breakdown as missing; the result says on how many of the inputs the score
rests (`inputs_known` of `inputs_total`) and is `complete` only when none is missing. No
reference value is ever filled in. Without any input the score is unknown.

Headroom: how many more placements the board may propose there in the current period (the
same 12-month window) before the score would fall below the amber line. Each placement costs
`placements_weight × 1000 / homes` points, so headroom = floor((score − amber_from) / cost);
0 when the neighbourhood is red, unknown (None) without indicators or without the number
of homes. Headroom never passes the LVB tipping point either (`lvb_threshold`): the LVB
households (share x homes, once) plus the placements of the window, counted against it with
the one counting rule at the end of this module (`tipping_room`), the same function the
what-if simulation limits and counts with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
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
    # Opt-in: 0 is off (the default). Above 0 the published monthly counts of nuisance
    # signals after a placement (overlast, klachten van buren) weigh in the nuisance indicator.
    "signals_nuisance_weight": (
        0,
        "punten per overlastsignaal per 1.000 woningen (12 maanden)",
        "0 = uit (standaard); alleen gepubliceerde tellingen van 5 of meer per maand tellen mee",
    ),
    "signals_nuisance_cap": (10, "maximum overlastsignalen", "in punten"),
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
    """One neighbourhood's figures for one moment (shares in %, 0–100); None is unknown."""

    homes: int | None
    liveability_class: int | None
    corporation_share: float | None
    lvb_share: float | None
    welfare_share: float | None
    psychiatric_share: float | None
    placements_12m: int = 0
    nuisance_dimension: float | None = None
    year: int | None = None
    # The published count of nuisance signals of the 12 months (None: not read, the
    # municipality has not switched the input on).
    nuisance_signals_12m: int | None = None


# The inputs a score rests on, in breakdown order: (key, label).
INPUT_LABELS: dict[str, str] = {
    "liveability": "Leefbaarometer-klasse",
    "nuisance_dimension": "dimensie overlast en onveiligheid",
    "corporation_share": "aandeel corporatiewoningen",
    "lvb_share": "aandeel LVB",
    "welfare_share": "aandeel bijstand",
    "psychiatric_share": "aandeel psychische problematiek",
    "placements": "plaatsingen afgelopen 12 maanden",
}
MISSING_VALUE = "onbekend — telt niet mee"
# An opt-in addition to the nuisance indicator; not one of the inputs a score "rests on"
# (inputs_known/inputs_total do not change when a municipality switches it on).
SIGNALS_KEY = "nuisance_signals"
SIGNALS_LABEL = "signalen van overlast na plaatsing"


@dataclass(frozen=True)
class Contribution:
    key: str
    label: str
    value: str  # the input, as shown to people
    points: float  # positive raised the score, negative lowered it
    missing: bool = False  # the input is unknown: no points, and named as missing


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
    inputs_known: int = 0
    inputs_total: int = len(INPUT_LABELS)
    # The one counting rule's integers (None without an LVB share or number of homes): the
    # vulnerable households the neighbourhood holds (LVB share as households, plus the
    # placements of the window), its homes and the tipping point they are counted against.
    households: int | None = None
    homes: int | None = None
    tipping_point: float | None = None
    # Placements counted on top of the window's real ones (the board's "after this
    # placement"): the real count is `placements_12m - extra`.
    extra: int = 0
    # Computed at the upper bound of a hidden small count (`at_bound`): the class, headroom
    # and counting integers hold whatever the hidden count is; the score is left out and
    # `bound_score` keeps the score at the bound for the matching engine only.
    bounded: bool = False
    bound_score: float | None = None
    # What the result was computed from, to compute it again at a bound.
    inputs: Inputs | None = field(default=None, compare=False, repr=False)
    weights: dict[str, float] | None = field(default=None, compare=False, repr=False)

    @property
    def klass_label(self) -> str:
        return CLASS_LABELS[self.klass]

    @property
    def window_placements(self) -> int | None:
        """The real placements of the 12-month window (without `extra`)."""
        return None if self.placements_12m is None else self.placements_12m - self.extra

    @property
    def engine_score(self) -> float | None:
        """The score the matching engine weighs: the bound's when the score is left out."""
        return self.score if self.score is not None else self.bound_score

    def at_bound(self, bound: int, *, limit: int) -> CapacityResult:
        """This result for a reader who may not see the window's small placement count: computed
        again as if the window held `bound` placements (the largest hidden value, so the class
        and headroom are on the safe side and the same whichever hidden value it is), without
        the score (it would not be this neighbourhood's), the count, its rate or its points."""
        hidden = f"minder dan {limit}" + (f" + {self.extra}" if self.extra else "")
        if self.inputs is None:
            at = self
        else:
            at = score(replace(self.inputs, placements_12m=bound + self.extra), self.weights)
        breakdown = [
            replace(c, value=hidden, points=0.0) if c.key == "placements" else c
            for c in at.breakdown
        ]
        return replace(
            at,
            score=None,
            bound_score=at.score,
            bounded=True,
            extra=self.extra,
            placements_12m=None,
            placements_per_1000=None,
            breakdown=breakdown,
            inputs=None,
            weights=None,
        )

    @property
    def missing(self) -> list[str]:
        """Labels of the inputs that are unknown."""
        return [c.label for c in self.breakdown if c.missing]

    @property
    def complete(self) -> bool:
        return self.inputs_known == self.inputs_total

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "class": self.klass,
            "class_label": self.klass_label,
            "headroom": self.headroom,
            # True: the score is left out and the class and headroom hold at the upper bound
            # of a hidden small count (the headroom is at least this).
            "bounded": self.bounded,
            "year": self.year,
            "placements_12m": self.placements_12m,
            "placements_per_1000": self.placements_per_1000,
            "inputs_known": self.inputs_known,
            "inputs_total": self.inputs_total,
            "complete": self.complete,
            "missing": self.missing,
            "breakdown": [
                {
                    "key": c.key,
                    "label": c.label,
                    "value": c.value,
                    "points": c.points,
                    "missing": c.missing,
                }
                for c in self.breakdown
            ],
        }


UNKNOWN_RESULT = CapacityResult(
    score=None,
    klass=UNKNOWN,
    breakdown=[
        Contribution(key, label, MISSING_VALUE, 0.0, missing=True)
        for key, label in INPUT_LABELS.items()
    ],
)


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

    def add(key: str, value: str, points: float) -> None:
        parts.append(
            Contribution(key, INPUT_LABELS.get(key, "startwaarde"), value, round(points, 2))
        )

    def missing(key: str) -> None:
        parts.append(Contribution(key, INPUT_LABELS[key], MISSING_VALUE, 0.0, missing=True))

    add("base", "", w["base"])
    cls = inputs.liveability_class
    if cls is None:
        missing("liveability")
    else:
        add(
            "liveability",
            f"{cls} ({LIVEABILITY_LABELS.get(cls, '?')})",
            (cls - 5) * w["liveability_per_class"],
        )
    if inputs.nuisance_dimension is None:
        missing("nuisance_dimension")
    else:
        cap = w["nuisance_dimension_cap"]
        points = max(-cap, min(cap, inputs.nuisance_dimension * w["nuisance_dimension_weight"]))
        add("nuisance_dimension", f"{inputs.nuisance_dimension:+g}", points)
    signals_weight = w["signals_nuisance_weight"]
    if signals_weight > 0:
        n = inputs.nuisance_signals_12m
        if n is None or not inputs.homes:
            parts.append(Contribution(SIGNALS_KEY, SIGNALS_LABEL, MISSING_VALUE, 0.0, missing=True))
        else:
            rate = n * 1000 / inputs.homes
            points = -min(w["signals_nuisance_cap"], rate * signals_weight)
            parts.append(
                Contribution(
                    SIGNALS_KEY,
                    SIGNALS_LABEL,
                    f"{n} ({rate:.1f} per 1.000 woningen; aantallen onder de drempel tellen niet mee)",
                    round(points, 2),
                )
            )
    corp = inputs.corporation_share
    if corp is None:
        missing("corporation_share")
    else:
        add(
            "corporation_share",
            _pct(corp),
            -(
                _above(corp, w["corporation_threshold_low"], w["corporation_threshold_safety"])
                * w["corporation_weight_low"]
                + _above(corp, w["corporation_threshold_safety"]) * w["corporation_weight_high"]
            ),
        )
    lvb = inputs.lvb_share
    if lvb is None:
        missing("lvb_share")
    else:
        add(
            "lvb_share",
            _pct(lvb),
            -(
                _above(lvb, w["lvb_reference"], w["lvb_threshold"]) * w["lvb_weight_low"]
                + _above(lvb, w["lvb_threshold"]) * w["lvb_weight_high"]
            ),
        )
    if inputs.welfare_share is None:
        missing("welfare_share")
    else:
        add(
            "welfare_share",
            _pct(inputs.welfare_share),
            -_above(inputs.welfare_share, w["welfare_reference"]) * w["welfare_weight"],
        )
    if inputs.psychiatric_share is None:
        missing("psychiatric_share")
    else:
        add(
            "psychiatric_share",
            _pct(inputs.psychiatric_share),
            -_above(inputs.psychiatric_share, w["psychiatric_reference"]) * w["psychiatric_weight"],
        )
    per_1000: float | None = None
    if not inputs.homes:
        # Without the number of homes placements cannot be weighed: named, not guessed.
        parts.append(
            Contribution(
                "placements",
                INPUT_LABELS["placements"],
                f"{inputs.placements_12m} plaatsingen; aantal woningen onbekend",
                0.0,
                missing=True,
            )
        )
    else:
        per_1000 = inputs.placements_12m * 1000 / inputs.homes
        add(
            "placements",
            f"{inputs.placements_12m} ({per_1000:.1f} per 1.000 woningen)",
            -per_1000 * w["placements_weight"],
        )
    known = sum(1 for c in parts if c.key in INPUT_LABELS and not c.missing)
    if known == 0:
        return CapacityResult(
            score=None,
            klass=UNKNOWN,
            breakdown=parts,
            year=inputs.year,
            placements_12m=inputs.placements_12m,
            inputs=inputs,
            weights=w,
        )
    raw = sum(c.points for c in parts)
    final = round(max(0.0, min(100.0, raw)), 1)
    klass = classify(final, w)
    headroom: int | None
    households: int | None = None
    if inputs.homes and inputs.lvb_share is not None:
        households = households_from_share(inputs.lvb_share, inputs.homes) + inputs.placements_12m
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
        # And never past the LVB tipping point, counted in households like the what-if does.
        if households is not None:
            headroom = min(
                headroom,
                tipping_room(
                    homes=inputs.homes, households=households, tipping_point=w["lvb_threshold"]
                ),
            )
    return CapacityResult(
        score=final,
        klass=klass,
        breakdown=parts,
        headroom=headroom,
        year=inputs.year,
        placements_12m=inputs.placements_12m,
        placements_per_1000=None if per_1000 is None else round(per_1000, 2),
        inputs_known=known,
        households=households,
        homes=inputs.homes if households is not None else None,
        tipping_point=w["lvb_threshold"] if households is not None else None,
        inputs=inputs,
        weights=w,
    )


# --- One counting rule: households against a tipping point, on integers -----------------------
#
# The live board's headroom, the what-if simulation and any monitor count the same way: a
# neighbourhood holds a whole number of vulnerable households against a whole number of homes,
# and a tipping point (a percentage with at most two decimals) allows
# floor(tipping point x homes / 100) of them. Nothing is rounded to a percentage on the way,
# so one placement is always exactly one household (the old share-with-2-decimals arithmetic
# cut a neighbourhood's room by one now and then).


def _hundredths(percentage: float | Decimal | str | int) -> int:
    """A percentage as an integer number of hundredths of a percent (35.5 -> 3550)."""
    return int(Decimal(str(percentage)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def households_from_share(share: float | Decimal | str, homes: int) -> int:
    """The number of households a published share stands for (once, at the source)."""
    return int((Decimal(str(share)) * homes / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def tipping_allowance(*, homes: int, tipping_point: float | Decimal | str) -> int:
    """The most vulnerable households a neighbourhood of `homes` may hold at or below the
    tipping point."""
    return _hundredths(tipping_point) * homes // 10_000


def tipping_room(*, homes: int, households: int, tipping_point: float | Decimal | str) -> int:
    """How many more vulnerable households fit before the tipping point is passed (>= 0)."""
    return max(0, tipping_allowance(homes=homes, tipping_point=tipping_point) - households)


def is_past_tipping(*, homes: int, households: int, tipping_point: float | Decimal | str) -> bool:
    """The neighbourhood holds more vulnerable households than its tipping point allows."""
    return households > tipping_allowance(homes=homes, tipping_point=tipping_point)


def placement_past_tipping(
    *, homes: int, households_before: int, tipping_point: float | Decimal | str
) -> bool:
    """A placement counts as "past the tipping point" when the neighbourhood holds more than
    its tipping point allows after it: exactly the placements the tipping-point limit refuses."""
    return is_past_tipping(
        homes=homes, households=households_before + 1, tipping_point=tipping_point
    )


def placement_into_occupied_stairwell(*, vulnerable_before: int) -> bool:
    """A placement counts as "into an occupied stairwell" when a vulnerable household already
    lives there (with the usual maximum of one, exactly what the stairwell rule refuses)."""
    return vulnerable_before > 0


def share_percent(*, homes: int, households: int) -> float:
    """For display only: households as a share of homes, in % (never used to decide)."""
    return 100.0 * households / homes if homes else 0.0


@dataclass(frozen=True)
class PlacementCount:
    """How one placement counts, by the one rule (the live board records it with the
    proposal, the monitor sums those records, the what-if counts its own placements)."""

    past_tipping: bool
    occupied_stairwell: bool


def count_placement(
    *,
    homes: int | None,
    households_before: int | None,
    tipping_point: float | Decimal | str | None,
    stairwell_vulnerable_before: int | None,
) -> PlacementCount:
    """One placement, counted: past the tipping point (`placement_past_tipping`; never
    without a known count of households, homes and tipping point) and into an occupied
    stairwell (`placement_into_occupied_stairwell`; never outside a stairwell)."""
    past = (
        homes is not None
        and households_before is not None
        and tipping_point is not None
        and placement_past_tipping(
            homes=homes, households_before=households_before, tipping_point=tipping_point
        )
    )
    occupied = stairwell_vulnerable_before is not None and placement_into_occupied_stairwell(
        vulnerable_before=stairwell_vulnerable_before
    )
    return PlacementCount(past_tipping=bool(past), occupied_stairwell=occupied)
