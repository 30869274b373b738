"""Build the demo region at the scale of the issue-15 measurements.

    python -m benchmarks.scale_region            # on an EMPTY database (after migrate)

1,000 clients over the three care providers and 3,000 dwellings over the five corporations (the
demo's own generators, with larger counts), then the demo board, whose meeting of this week gets
its proposals from the real generation. Used by `benchmarks/load.py`, `benchmarks/board.py` and
the map payload figure in `benchmarks/README.md`.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CLIENTS = 1_000
DWELLINGS = 3_000


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    import cases.demo
    import housing.demo
    from cases.models import Client
    from housing.models import Dwelling

    if Client.objects.exists() or Dwelling.objects.exists():
        print("the database is not empty: run this right after migrate", file=sys.stderr)
        return 2
    housing.demo.DWELLINGS_PER_CORPORATION = DWELLINGS // 5
    small = sum(count for count, _ in cases.demo.PROVIDERS.values())
    cases.demo.PROVIDERS = {
        slug: (round(count * CLIENTS / small), group)
        for slug, (count, group) in cases.demo.PROVIDERS.items()
    }
    started = time.perf_counter()
    call_command("seed_demo")
    print(f"scaled demo region built in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
