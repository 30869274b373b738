"""A small, clearly synthetic region for the demo and the tests: "Veerhaven" (GM9901).

Nothing here describes a real place. The code GM9901 is outside the range CBS uses, the
neighbourhoods are a 8 × 5 grid of slightly irregular polygons near the middle of the
country, and the indicators are drawn (deterministically) to span the whole range: some
neighbourhoods past every tipping point, some far from them. The committed files
(`veerhaven_buurten.geojson`, `veerhaven_indicatoren_2024.csv`, `..._2025.csv`) are written
by `python -m housing.sample_data` from these functions.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
MUNICIPALITY = ("GM9901", "Veerhaven (synthetisch)")
DISTRICTS = [
    ("00", "Centrum"),
    ("01", "Havenkwartier"),
    ("02", "Polderzoom"),
    ("03", "Rivierbocht"),
]
COLUMNS, ROWS = 8, 5
ORIGIN = (5.02, 51.93)  # lon, lat of the south-west corner
CELL = (0.014, 0.009)
YEARS = (2024, 2025)

_FIRST = ["Oude", "Nieuwe", "Hoge", "Lage", "Noorder", "Zuider", "Wester", "Ooster"]
_SECOND = ["Haven", "Dijk", "Molen", "Kade", "Weide"]


def neighbourhood_names() -> list[str]:
    return [f"{_FIRST[c]} {_SECOND[r]}" for r in range(ROWS) for c in range(COLUMNS)]


def _grid_points() -> list[list[tuple[float, float]]]:
    """Corner points, jittered once so that neighbouring cells share their edges."""
    rng = random.Random(9901)
    points = []
    for r in range(ROWS + 1):
        row = []
        for c in range(COLUMNS + 1):
            inner = 0 < r < ROWS and 0 < c < COLUMNS
            dx = rng.uniform(-0.3, 0.3) * CELL[0] if inner else 0
            dy = rng.uniform(-0.3, 0.3) * CELL[1] if inner else 0
            row.append(
                (round(ORIGIN[0] + c * CELL[0] + dx, 6), round(ORIGIN[1] + r * CELL[1] + dy, 6))
            )
        points.append(row)
    return points


def neighbourhoods() -> list[dict[str, Any]]:
    """(code, name, district code, district name, polygon, cell centre) for the 40 cells."""
    points = _grid_points()
    names = neighbourhood_names()
    result = []
    for r in range(ROWS):
        for c in range(COLUMNS):
            i = r * COLUMNS + c
            district_no, district_name = (
                DISTRICTS[(r >= 3) * 2 + (c >= 4)] if ROWS > 3 else DISTRICTS[0]
            )
            ring = [
                points[r][c],
                points[r][c + 1],
                points[r + 1][c + 1],
                points[r + 1][c],
                points[r][c],
            ]
            result.append(
                {
                    "code": f"BU9901{district_no}{i:02d}",
                    "name": names[i],
                    "district_code": f"WK9901{district_no}",
                    "district_name": district_name,
                    "polygon": [[list(p) for p in ring]],
                    "centre": (ORIGIN[0] + (c + 0.5) * CELL[0], ORIGIN[1] + (r + 0.5) * CELL[1]),
                }
            )
    return result


def geojson() -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "name": "veerhaven_buurten (synthetisch)",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "buurtcode": n["code"],
                    "buurtnaam": n["name"],
                    "wijkcode": n["district_code"],
                    "wijknaam": n["district_name"],
                    "gemeentecode": MUNICIPALITY[0],
                    "gemeentenaam": MUNICIPALITY[1],
                },
                "geometry": {"type": "Polygon", "coordinates": n["polygon"]},
            }
            for n in neighbourhoods()
        ],
    }


INDICATOR_HEADER = [
    "buurtcode", "buurtnaam", "jaar", "woningen", "aandeel_corporatie", "leefbaarometer_klasse",
    "dim_woningvoorraad", "dim_fysieke_omgeving", "dim_voorzieningen", "dim_sociale_samenhang",
    "dim_overlast_onveiligheid", "aandeel_lvb", "aandeel_bijstand", "aandeel_psychisch", "overlast_per_1000",
]  # fmt: skip


def weakness() -> list[float]:
    """Per neighbourhood a number in [0, 1]: 0 is a strong, 1 a very weak neighbourhood."""
    rng = random.Random(2026)
    values = [i / 39 for i in range(40)]
    rng.shuffle(values)
    return values


def indicator_rows(year: int) -> list[list[Any]]:
    rng = random.Random(year)
    drift = (year - YEARS[0]) * 0.03  # the weak get a little weaker
    rows = []
    for n, w in zip(neighbourhoods(), weakness(), strict=True):
        w = min(1.0, w + drift * w)
        cls = max(1, min(9, round(9 - 8 * w + rng.uniform(-0.5, 0.5))))

        def dim(scale: float) -> str:
            return f"{max(-1, min(1, (0.5 - w) * scale + rng.uniform(-0.03, 0.03))):.3f}"  # noqa: B023

        rows.append(
            [
                n["code"], n["name"], year, rng.randint(400, 2600),
                f"{10 + 80 * w + rng.uniform(-4, 4):.1f}", cls,
                dim(0.2), dim(0.15), dim(0.1), dim(0.2), dim(0.5),
                f"{8 + 38 * w + rng.uniform(-2, 2):.1f}", f"{2 + 18 * w + rng.uniform(-1, 1):.1f}",
                f"{1 + 11 * w + rng.uniform(-0.5, 0.5):.1f}", f"{10 + 90 * w + rng.uniform(-5, 5):.1f}",
            ]
        )  # fmt: skip
    return rows


def indicators_csv(year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(INDICATOR_HEADER)
    writer.writerows(indicator_rows(year))
    return out.getvalue()


def write_files() -> None:
    (HERE / "veerhaven_buurten.geojson").write_text(
        json.dumps(geojson(), ensure_ascii=False, indent=1) + "\n"
    )
    for year in YEARS:
        (HERE / f"veerhaven_indicatoren_{year}.csv").write_text(indicators_csv(year))
