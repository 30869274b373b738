"""How long a whole country of neighbourhoods takes to import: ~14,000 boundaries (GeoJSON),
then a year of indicators as CSV and as XLSX, each validated and written in one transaction.

    uv run python benchmarks/housing_import.py                  # SQLite in a temp file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_bench uv run python benchmarks/housing_import.py

Synthetic data: 14,000 square neighbourhoods in 350 municipalities (codes GM5000…), each
polygon with 9 points. Results go to stdout; the numbers are in benchmarks/README.md.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("BENCH_NEIGHBOURHOODS", "14000"))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnop")
    # DEBUG=true only for the built-in development keys (FIELD_ENCRYPTION_KEYS); a few bulk
    # statements make its query log irrelevant to the timings.
    os.environ.setdefault("DEBUG", "true")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def codes(i: int) -> tuple[str, str, str]:
    gm = 5000 + i // 40
    wk = (i % 40) // 10
    bu = i % 10
    return f"GM{gm:04d}", f"WK{gm:04d}{wk:02d}", f"BU{gm:04d}{wk:02d}{bu:02d}"


def boundaries() -> bytes:
    features = []
    for i in range(N):
        gm, wk, bu = codes(i)
        x, y = 3.4 + (i % 200) * 0.02, 50.8 + (i // 200) * 0.03
        ring = [
            [x + dx * 0.01, y + dy * 0.01]
            for dx, dy in [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (1, 2), (0, 2), (0, 1), (0, 0)]
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "buurtcode": bu,
                    "buurtnaam": f"Buurt {i}",
                    "wijkcode": wk,
                    "wijknaam": f"Wijk {wk}",
                    "gemeentecode": gm,
                    "gemeentenaam": f"Gemeente {gm}",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


HEADER = [
    "buurtcode",
    "jaar",
    "woningen",
    "aandeel_corporatie",
    "leefbaarometer_klasse",
    "dim_overlast_onveiligheid",
    "aandeel_lvb",
    "aandeel_bijstand",
    "aandeel_psychisch",
    "overlast_per_1000",
]


def indicator_rows(year: int) -> list[list[object]]:
    rng = random.Random(year)
    return [
        [codes(i)[2], year, rng.randint(50, 4000), round(rng.uniform(0, 95), 1), rng.randint(1, 9), round(rng.uniform(-0.4, 0.3), 3),
         round(rng.uniform(5, 45), 1), round(rng.uniform(1, 20), 1), round(rng.uniform(1, 12), 1), round(rng.uniform(0, 120), 1)]
        for i in range(N)
    ]  # fmt: skip


def indicators_csv(year: int) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";")
    w.writerow(HEADER)
    w.writerows(indicator_rows(year))
    return out.getvalue().encode()


def indicators_xlsx(year: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for row in indicator_rows(year):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(label: str, kind: str, name: str, content: bytes, organisation: object) -> None:
    from housing import importing

    start = time.perf_counter()
    report = importing.validate(kind, name, content, organisation=organisation)
    checked = time.perf_counter()
    assert report.ok, report.errors[:5]
    importing.write(report, organisation=organisation)
    done = time.perf_counter()
    print(
        f"{label:<38} {len(report.rows):>6} rows  validate {checked - start:5.2f} s  write {done - checked:5.2f} s  total {done - start:5.2f} s"
    )


def main() -> None:
    setup_django()
    from django.db import connection

    from accounts.models import Organisation, OrganisationKind, Region

    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    org, _ = Organisation.objects.get_or_create(
        slug="bench-gemeente",
        defaults={"name": "Benchmark", "kind": OrganisationKind.MUNICIPALITY, "region": region},
    )
    geo = boundaries()
    print(f"database: {connection.vendor}; {N} neighbourhoods; GeoJSON {len(geo) / 1e6:.1f} MB")
    timed("boundaries (GeoJSON, new)", "boundaries", "b.geojson", geo, org)
    timed("boundaries (GeoJSON, again: update)", "boundaries", "b.geojson", geo, org)
    timed("indicators 2024 (CSV, new)", "indicators", "i.csv", indicators_csv(2024), org)
    timed("indicators 2024 (CSV, again: update)", "indicators", "i.csv", indicators_csv(2024), org)
    start = time.perf_counter()
    xlsx = indicators_xlsx(2025)
    print(f"(building the XLSX took {time.perf_counter() - start:.2f} s, {len(xlsx) / 1e6:.1f} MB)")
    timed("indicators 2025 (XLSX, new)", "indicators", "i.xlsx", xlsx, org)


if __name__ == "__main__":
    main()
