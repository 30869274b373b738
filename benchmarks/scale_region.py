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
PROPOSALS = 200


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    import cases.demo
    import housing.demo
    from cases.models import Client
    from housing.models import Dwelling

    if "--fill-only" in sys.argv:
        print(f"+{fill_meeting(PROPOSALS)} proposals")
        return 0
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
    made = fill_meeting(PROPOSALS)
    print(f"scaled demo region built in {time.perf_counter() - started:.0f} s (+{made} proposals)")
    return 0


def fill_meeting(target: int) -> int:
    """Top this week's meeting up to `target` open proposals.

    The real generation stops where the neighbourhoods' headroom ends (about 40 proposals in
    this region); the board screen is measured at 200 rows, so the rest are copies of the
    generated ones (their score, explanation and capacity figures) for other ready clients and
    other offered dwellings. Only the screens read them; nothing is decided on them.
    """
    from cases.models import Client, ClientStatus
    from housing.models import Dwelling, DwellingStatus
    from matching.board.models import ACTIVE_STATUSES, Meeting, MeetingStatus, Proposal

    meeting = (
        Meeting.objects.exclude(status=MeetingStatus.CLOSED).filter(proposals__isnull=False)
    ).first()
    if meeting is None:
        return 0
    models = list(meeting.proposals.all())
    missing = target - len(models)
    if missing <= 0 or not models:
        return 0
    busy = Proposal.objects.filter(status__in=ACTIVE_STATUSES)
    clients = list(
        Client.objects.filter(status__in=[ClientStatus.READY, ClientStatus.ON_BOARD])
        .exclude(pk__in=busy.values("client_id"))
        .select_related("care_provider")[:missing]
    )
    dwellings = list(
        Dwelling.objects.filter(status=DwellingStatus.OFFERED)
        .exclude(pk__in=busy.values("dwelling_id"))
        .select_related("corporation", "neighbourhood")[:missing]
    )
    copies = []
    for i, (client, dwelling) in enumerate(zip(clients, dwellings, strict=False)):
        model = models[i % len(models)]
        copies.append(
            Proposal(
                meeting=meeting,
                run_id=model.run_id,
                client=client,
                dwelling=dwelling,
                care_provider=client.care_provider,
                corporation=dwelling.corporation,
                neighbourhood=dwelling.neighbourhood,
                status=model.status,
                score=model.score,
                breakdown=model.breakdown,
                alternatives=model.alternatives,
                explanation=model.explanation,
                profile={**model.profile, "reference": client.reference},
                capacity_before=model.capacity_before,
                capacity_after=model.capacity_after,
                deadline=model.deadline,
            )
        )
    Proposal.objects.bulk_create(copies)
    return len(copies)


if __name__ == "__main__":
    sys.exit(main())
