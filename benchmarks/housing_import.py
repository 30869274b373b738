"""How long a whole country of neighbourhoods takes to import: ~14,000 boundaries (GeoJSON),
then a year of indicators as CSV and as XLSX, each validated and written in one transaction;
and a national wijk- en buurtkaart as PDOK publishes it (RD New coordinates, PDOK property
names, key figures with -99995 markers, water features, letter codes), once limited to one
region of 10 municipalities and once for the whole country.

    uv run python benchmarks/housing_import.py                  # SQLite in a temp file
    BENCH_ONLY=national … / BENCH_ONLY=wgs84 …                   # one step (for farm-bench --vs)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_bench uv run python benchmarks/housing_import.py

Synthetic data: 14,000 square neighbourhoods in 350 municipalities (codes GM5000…), each
polygon with 9 points. Results go to stdout; the numbers are in benchmarks/README.md.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import random
import resource
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


def national_buurtkaart() -> bytes:
    """A synthetic national buurtkaart in the published shape (generated, never committed):
    RD New with a crs member, `bu_code`/`bu_naam`/`wk_code`/`gm_code`/`gm_naam`/`water`, 2%
    water-only features, every 7th municipality with letter codes (BU5007AB01), and key
    figures of which some are suppressed (-99995)."""
    rng = random.Random(16)
    features = []
    for i in range(N):
        gm, wk, bu = codes(i)
        if (i // 40) % 7 == 0:
            wk = f"{wk[:6]}{'ABCD'[(i % 40) // 10]}A"
            bu = f"BU{wk[2:]}{i % 10:02d}"
        x, y = 13_000 + (i % 200) * 1_400, 306_000 + (i // 200) * 4_500
        ring = [
            [x + dx * 600.0, y + dy * 600.0]
            for dx, dy in [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (1, 2), (0, 2), (0, 1), (0, 0)]
        ]
        population = rng.randint(0, 6000)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "bu_code": bu,
                    "bu_naam": f"Buurt {i}",
                    "wk_code": wk,
                    "gm_code": gm,
                    "gm_naam": f"Gemeente {gm}",
                    "water": "JA" if i % 50 == 49 else "NEE",
                    "jaar": 2024,
                    "aantal_inwoners": population,
                    "woningvoorraad": -99995 if i % 3 == 0 else population // 2,
                    "perc_huurwoningen_in_bezit_woningcorporaties": -99995
                    if i % 4 == 0
                    else rng.randint(0, 90),
                    "aantal_personen_met_een_alg_bijstandsuitkering_tot": -99995
                    if i % 5 == 0
                    else population // 30,
                    **{f"kerncijfer_{k}": rng.randint(0, 999) for k in range(20)},
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    data = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
    return json.dumps(data).encode()


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


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in kB (Linux), 0 where there is none."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak() -> bool:
    """Reset the process's peak resident size (VmHWM), so the next reading is this step's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def timed(
    label: str, kind: str, name: str, content: bytes, organisation: object, **options: object
) -> float:
    from housing import importing

    gc.collect()
    resettable = reset_peak()
    before = _status_kb("VmRSS")
    start = time.perf_counter()
    report = importing.validate(kind, name, content, organisation=organisation, options=options)
    checked = time.perf_counter()
    assert report.ok, report.errors[:5]
    importing.write(report, organisation=organisation, filename=name)
    done = time.perf_counter()
    peak = _status_kb("VmHWM") if resettable else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    skipped = sum(
        report.counts.get(k, 0)
        for k in ("alleen water, overgeslagen", "buiten de regio, niet aangemaakt")
    )
    print(
        f"{label:<46} {len(report.rows):>6} rows ({skipped:>5} skipped)  validate {checked - start:5.2f} s  write {done - checked:5.2f} s  total {done - start:5.2f} s  "
        f"peak RSS {peak / 1024:5.0f} MB (+{(peak - before) / 1024:4.0f} MB over {before / 1024:.0f} MB before)"
    )
    return done - start


def main() -> None:
    setup_django()
    from django.db import connection

    from accounts.models import Organisation, OrganisationKind, Region

    region, _ = Region.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    org, _ = Organisation.objects.get_or_create(
        slug="bench-gemeente",
        defaults={"name": "Benchmark", "kind": OrganisationKind.MUNICIPALITY, "region": region},
    )
    if os.environ.get("BENCH_ONLY") == "national":
        national(org)
        return
    geo = boundaries()
    if os.environ.get("BENCH_ONLY") == "wgs84":  # the yardstick for farm-bench --vs
        every = sorted({codes(i)[0] for i in range(N)})
        timed(
            "boundaries (GeoJSON, new)", "boundaries", "b.geojson", geo, org, municipalities=every
        )
        return
    print(f"database: {connection.vendor}; {N} neighbourhoods; GeoJSON {len(geo) / 1e6:.1f} MB")
    every = sorted({codes(i)[0] for i in range(N)})  # a national deployment names them all
    timed("boundaries (GeoJSON, new)", "boundaries", "b.geojson", geo, org, municipalities=every)
    timed(
        "boundaries (GeoJSON, again: update)",
        "boundaries",
        "b.geojson",
        geo,
        org,
        municipalities=every,
    )
    timed("indicators 2024 (CSV, new)", "indicators", "i.csv", indicators_csv(2024), org)
    timed("indicators 2024 (CSV, again: update)", "indicators", "i.csv", indicators_csv(2024), org)
    start = time.perf_counter()
    xlsx = indicators_xlsx(2025)
    print(f"(building the XLSX took {time.perf_counter() - start:.2f} s, {len(xlsx) / 1e6:.1f} MB)")
    timed("indicators 2025 (XLSX, new)", "indicators", "i.xlsx", xlsx, org)
    national(org)


def national(org: object) -> None:
    """The national buurtkaart as published, in a fresh region each time."""
    from accounts.models import Organisation, OrganisationKind, Region
    from housing.models import District, Municipality, Neighbourhood, NeighbourhoodIndicator

    def clear() -> None:  # each run starts from an empty country
        NeighbourhoodIndicator.objects.all().delete()
        Neighbourhood.objects.all().delete()
        District.objects.all().delete()
        Municipality.objects.all().delete()

    content = national_buurtkaart()
    all_codes = sorted({codes(i)[0] for i in range(N)})
    print(f"national buurtkaart (RD New, PDOK names): {len(content) / 1e6:.1f} MB")
    for label, municipalities in (
        (
            "buurtkaart RD, one region (10 gemeenten)",
            all_codes[len(all_codes) // 3 : len(all_codes) // 3 + 10],
        ),
        ("buurtkaart RD, whole country", all_codes),
    ):
        # get_or_create: a PostgreSQL database outlives the run (SQLite is a fresh file)
        region, _ = Region.objects.get_or_create(
            slug=f"bench-{len(municipalities)}", defaults={"name": f"Bench {len(municipalities)}"}
        )
        municipality, _ = Organisation.objects.get_or_create(
            slug=f"bench-gm-{len(municipalities)}",
            defaults={
                "name": "Benchmark",
                "kind": OrganisationKind.MUNICIPALITY,
                "region": region,
            },
        )
        clear()
        timed(
            label,
            "boundaries",
            "buurtkaart_2024.geojson",
            content,
            municipality,
            municipalities=municipalities,
        )


if __name__ == "__main__":
    main()
