"""Score of an allowed pair: 0–100, the sum of named, weighted, explainable parts.

Each part is a fit between 0 and 1, times its weight; the total is normalised so the weights
sum to 100 points. Parts are rounded to hundredths so the parts of an explanation add up to
the score exactly (and the optimiser can work with exact integers).

The ``base`` part (every allowed pair gets it) keeps every score strictly positive, which the
instance format requires and which means the optimiser always prefers placing to not placing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .domain import Client, Dwelling
from .table import DwellingTable, lookup


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each part counts. Defaults sum to 100, so they read as points.

    - ``base`` 5: every allowed pair; must be > 0 so scores stay > 0.
    - ``waiting`` 25: waiting time, full after ``waiting_horizon_days``; urgent clients get it
      all. Waiting dominates because first-come-first-served is what clients are promised.
    - ``carrying_capacity`` 20: the neighbourhood's carrying capacity score (0–100).
    - ``preference`` 15: the client's preferred district (full) or municipality (60%).
    - ``stairwell`` 15: no vulnerable households in the stairwell yet.
    - ``support`` 10: dwelling in the support team's districts (full) or municipality (half).
    - ``size`` 10: bedrooms match the need; one spare halves it, two or more spare gives 0
      (no family home for a single person).
    """

    base: float = 5.0
    waiting: float = 25.0
    carrying_capacity: float = 20.0
    preference: float = 15.0
    stairwell: float = 15.0
    support: float = 10.0
    size: float = 10.0
    waiting_horizon_days: int = 365

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"weight {f.name} must be >= 0")
        if self.base <= 0:
            raise ValueError("weight base must be > 0, so that every allowed pair scores > 0")
        if self.waiting_horizon_days <= 0:
            raise ValueError("waiting_horizon_days must be > 0")

    def parts(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in PART_NAMES}


PART_NAMES: tuple[str, ...] = (
    "base",
    "waiting",
    "carrying_capacity",
    "preference",
    "stairwell",
    "support",
    "size",
)
PREFERRED_MUNICIPALITY_FIT = 0.6
SUPPORT_MUNICIPALITY_FIT = 0.5
NEUTRAL_FIT = 0.5


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One part of a score: ``points`` out of ``max_points``, with a Dutch ``message`` (for the
    command line and the API) and the ``params`` it was worded from (``case`` names the
    sentence), so a reader's page can word it in the reader's language and formats."""

    code: str
    points: float
    max_points: float
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    score: float
    parts: tuple[ScorePart, ...]


def _days_waiting(client: Client, today: dt.date) -> int:
    return max(0, (today - client.waiting_since).days)


Fit = tuple[float, str, dict[str, Any]]


def _fits(client: Client, dwelling: Dwelling, weights: Weights, today: dt.date) -> dict[str, Fit]:
    """Fit (0..1), Dutch sentence and its parameters per part, for one pair."""
    days = _days_waiting(client, today)
    waiting: Fit
    preference: Fit
    stairwell: Fit
    support: Fit
    if client.urgent:
        waiting = (
            1.0,
            "De cliënt is urgent: volledige punten voor wachttijd en urgentie.",
            {"case": "urgent"},
        )
    else:
        waiting = (
            min(1.0, days / weights.waiting_horizon_days),
            f"De cliënt wacht {days} dagen (sinds {client.waiting_since:%d-%m-%Y}); "
            f"volle punten na {weights.waiting_horizon_days} dagen.",
            {
                "case": "waiting",
                "days": days,
                "since": client.waiting_since.isoformat(),
                "horizon": weights.waiting_horizon_days,
            },
        )
    if not client.preferred_districts and not client.preferred_municipalities:
        preference = (
            1.0,
            "De cliënt heeft geen voorkeur voor wijk of gemeente opgegeven.",
            {"case": "none"},
        )
    elif dwelling.district in client.preferred_districts:
        preference = (
            1.0,
            f"De woning ligt in wijk {dwelling.district}, een voorkeurswijk van de cliënt.",
            {"case": "district", "district": dwelling.district},
        )
    elif dwelling.municipality in client.preferred_municipalities:
        preference = (
            PREFERRED_MUNICIPALITY_FIT,
            f"De woning ligt in voorkeursgemeente {dwelling.municipality}, maar niet in een voorkeurswijk.",
            {"case": "municipality", "municipality": dwelling.municipality},
        )
    else:
        preference = (
            0.0,
            "De woning ligt niet in een voorkeurswijk of -gemeente van de cliënt.",
            {"case": "outside"},
        )
    capacity = min(100.0, max(0.0, dwelling.neighbourhood_capacity))
    carrying = (
        capacity / 100.0,
        f"Buurt {dwelling.neighbourhood} heeft een draagkrachtscore van {capacity:g} van 100.",
        {"case": "capacity", "neighbourhood": dwelling.neighbourhood, "capacity": capacity},
    )
    if dwelling.stairwell_vulnerable <= 0:
        stairwell = (
            1.0,
            "In het portiek woont nog geen kwetsbaar huishouden.",
            {"case": "empty"},
        )
    else:
        stairwell = (
            0.0,
            f"In het portiek wonen al {dwelling.stairwell_vulnerable} kwetsbare huishouden(s).",
            {"case": "vulnerable", "n": dwelling.stairwell_vulnerable},
        )
    if dwelling.district in client.support_districts:
        support = (
            1.0,
            f"De woning ligt in wijk {dwelling.district}, waar het begeleidingsteam werkt.",
            {"case": "district", "district": dwelling.district},
        )
    elif (
        client.support_municipality is not None
        and dwelling.municipality == client.support_municipality
    ):
        support = (
            SUPPORT_MUNICIPALITY_FIT,
            f"De woning ligt in gemeente {dwelling.municipality} van het begeleidingsteam, buiten zijn wijken.",
            {"case": "municipality", "municipality": dwelling.municipality},
        )
    elif client.support_municipality is None and not client.support_districts:
        support = (
            NEUTRAL_FIT,
            "Het werkgebied van het begeleidingsteam is niet bekend.",
            {"case": "unknown"},
        )
    else:
        support = (
            0.0,
            "De woning ligt buiten het werkgebied van het begeleidingsteam.",
            {"case": "outside"},
        )
    spare = dwelling.bedrooms - client.bedrooms_needed
    size_fit = 1.0 if spare <= 0 else 0.5 if spare == 1 else 0.0
    size = (
        size_fit,
        f"De woning heeft {dwelling.bedrooms} slaapkamer(s) voor een huishouden dat er "
        f"{client.bedrooms_needed} nodig heeft.",
        {"case": "size", "bedrooms": dwelling.bedrooms, "needed": client.bedrooms_needed},
    )
    base = (1.0, "Elke toegestane combinatie krijgt basispunten.", {"case": "base"})
    return {
        "base": base,
        "waiting": waiting,
        "carrying_capacity": carrying,
        "preference": preference,
        "stairwell": stairwell,
        "support": support,
        "size": size,
    }


def _points_per_part(weights: Weights) -> dict[str, float]:
    total = sum(weights.parts().values())
    return {name: 100.0 * w / total for name, w in weights.parts().items()}


def explain_score(
    client: Client, dwelling: Dwelling, weights: Weights | None = None, *, today: dt.date
) -> ScoreBreakdown:
    """The score of an (allowed) pair, part by part, each with a Dutch sentence."""
    weights = weights or Weights()
    maxima = _points_per_part(weights)
    fits = _fits(client, dwelling, weights, today)
    parts = []
    for name in PART_NAMES:
        fit, message, params = fits[name]
        # np.round, not round(): the vectorised path must give bit-identical points.
        points = float(np.round(maxima[name] * fit, 2))
        parts.append(
            ScorePart(
                name,
                points,
                round(maxima[name], 2),
                f"{message} ({points:g} van {maxima[name]:.4g} punten)",
                params,
            )
        )
    total = 0.0
    for p in parts:  # same order of additions as score_rows
        total += p.points
    return ScoreBreakdown(float(np.round(total, 2)), tuple(parts))


def score_pair(
    client: Client, dwelling: Dwelling, weights: Weights | None = None, *, today: dt.date
) -> float:
    return explain_score(client, dwelling, weights, today=today).score


def score_rows(
    client: Client, table: DwellingTable, rows: np.ndarray, weights: Weights, *, today: dt.date
) -> np.ndarray:
    """Scores of ``client`` with the dwellings at ``rows``; equal to :func:`score_pair`."""
    maxima = _points_per_part(weights)
    n = rows.shape[0]

    def pts(name: str, fit: np.ndarray | float) -> np.ndarray:
        return np.round(maxima[name] * np.broadcast_to(np.asarray(fit, dtype=np.float64), (n,)), 2)

    days = _days_waiting(client, today)
    waiting = 1.0 if client.urgent else min(1.0, days / weights.waiting_horizon_days)

    district = table.district[rows]
    municipality = table.municipality[rows]
    if not client.preferred_districts and not client.preferred_municipalities:
        preference: np.ndarray | float = 1.0
    else:
        in_wk = np.isin(district, lookup(table.district_index, client.preferred_districts))
        in_gm = np.isin(
            municipality, lookup(table.municipality_index, client.preferred_municipalities)
        )
        preference = np.where(in_wk, 1.0, np.where(in_gm, PREFERRED_MUNICIPALITY_FIT, 0.0))

    capacity = np.clip(table.capacity[rows], 0.0, 100.0) / 100.0
    stairwell = (table.vulnerable[rows] <= 0).astype(np.float64)

    support_wk = np.isin(district, lookup(table.district_index, client.support_districts))
    if client.support_municipality is None:
        support_gm = np.zeros(n, dtype=bool)
    else:
        code = table.municipality_index.get(client.support_municipality, -2)
        support_gm = municipality == code
    if client.support_municipality is None and not client.support_districts:
        support: np.ndarray | float = NEUTRAL_FIT
    else:
        support = np.where(support_wk, 1.0, np.where(support_gm, SUPPORT_MUNICIPALITY_FIT, 0.0))

    spare = table.bedrooms[rows] - client.bedrooms_needed
    size = np.where(spare <= 0, 1.0, np.where(spare == 1, 0.5, 0.0))

    total = (
        pts("base", 1.0)
        + pts("waiting", waiting)
        + pts("carrying_capacity", capacity)
        + pts("preference", preference)
        + pts("stairwell", stairwell)
        + pts("support", support)
        + pts("size", size)
    )
    return np.round(total, 2)
