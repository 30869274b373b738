"""The monitor pages at national scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_bench_monitor \\
      SECRET_KEY=bench FIELD_ENCRYPTION_KEYS=<key> python -m benchmarks.monitor [--rounds 5]

On an EMPTY database (after `migrate`): the demo's organisations, people and neighbourhoods
(`accounts.demo`, `housing.demo`), then, in bulk, 100,000 clients (with profiles and their
"ready" and "on the board" transitions), 60,000 dwellings with their "offered" events, two
years of weekly meetings with 500,000 proposals (every decision the board records: agreed,
declined and refused with reasons, expired, stalled, superseded, overrides with a second
confirmation), 50,000 placements from the agreed ones, and quotas. The rows are written
directly (the services would take hours at this scale); the figures are read exactly as the
pages read them.

Then every monitor page is fetched through Django's test client as the chair (suppressed)
and as the analyst (exact), `--rounds` times each after one warm-up, and the median and the
slowest time and the number of queries are printed as Markdown. The issue's bar: under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("REQUIRE_MFA", "false")

CLIENTS = 100_000
DWELLINGS = 60_000
PROPOSALS = 500_000
PLACEMENTS = 50_000
WEEKS = 104
BATCH = 5_000


def build() -> None:
    from django.db import transaction
    from django.utils import timezone

    import accounts.demo
    import housing.demo
    from accounts.models import Membership, Organisation, OrganisationKind, Region, Role
    from cases.models import Client, ClientTransition, HousingProfile, TargetGroup
    from housing import capacity
    from housing.models import Dwelling, DwellingEvent, Neighbourhood
    from matching.board import services as board_services
    from matching.board.models import Meeting, MeetingStatus, Proposal
    from matching.monitor.models import Quota
    from matching.placements.models import Placement

    started = time.perf_counter()
    accounts.demo.seed(stdout=sys.stdout)
    housing.demo.DWELLINGS_PER_CORPORATION = 1
    housing.demo.seed(stdout=sys.stdout)
    region = Region.objects.get(slug="veerhaven")
    chair = Membership.objects.get(user__email="voorzitter@gemeente.demo").user
    board = board_services.board_create(
        region=region, name="Plaatsingstafel Landelijk", chair=chair
    )
    providers = list(
        Organisation.objects.filter(region=region, kind=OrganisationKind.CARE_PROVIDER)
    )
    corporations = list(
        Organisation.objects.filter(region=region, kind=OrganisationKind.HOUSING_CORPORATION)
    )
    coordinators = {
        p.pk: Membership.objects.filter(organisation=p, role=Role.CARE_COORDINATOR).first().user  # type: ignore[union-attr]
        for p in providers
    }
    consultants = {
        c.pk: Membership.objects.filter(organisation=c, role=Role.HOUSING_CONSULTANT).first().user  # type: ignore[union-attr]
        for c in corporations
    }
    neighbourhoods = list(Neighbourhood.objects.filter(district__municipality__region=region))
    template = Dwelling.objects.first()
    assert template is not None
    rng = random.Random(19)
    now = timezone.now()
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=7 * WEEKS)

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    print("clients …", flush=True)
    groups = TargetGroup.values
    client_rows = []
    for i in range(CLIENTS):
        provider = providers[i % len(providers)]
        registered = (
            first_day
            - dt.timedelta(days=rng.randint(0, 200))
            + dt.timedelta(days=int(i * 7 * WEEKS / CLIENTS))
        )
        ready = registered + dt.timedelta(days=rng.randint(5, 90))
        client_rows.append(
            Client(
                reference=f"WB-{2000 + i // 100_000}-{i % 100_000:05d}",
                care_provider=provider,
                coordinator=coordinators[provider.pk],
                status="on_board",
                registered_at=at(registered),
                ready_since=at(ready),
                status_changed_at=now,
            )
        )
    with transaction.atomic():
        Client.objects.bulk_create(client_rows, batch_size=BATCH)
        HousingProfile.objects.bulk_create(
            [
                HousingProfile(client=c, target_group=groups[i % len(groups)])
                for i, c in enumerate(client_rows)
            ],
            batch_size=BATCH,
        )
        ClientTransition.objects.bulk_create(
            [
                t
                for c in client_rows
                for t in (
                    ClientTransition(
                        client=c,
                        action="mark_ready",
                        from_status="draft",
                        to_status="ready",
                        at=c.ready_since,
                    ),
                    ClientTransition(
                        client=c,
                        action="place_on_board",
                        from_status="ready",
                        to_status="on_board",
                        at=c.ready_since + dt.timedelta(days=3),
                    ),
                )
            ],
            batch_size=BATCH,
        )
    print(f"  {CLIENTS} clients in {time.perf_counter() - started:.0f} s", flush=True)

    print("dwellings …", flush=True)
    dwelling_rows = []
    for i in range(DWELLINGS):
        corporation = corporations[i % len(corporations)]
        dwelling_rows.append(
            Dwelling(
                corporation=corporation,
                reference=f"NAT-{i:06d}",
                street=template.street,
                number=1 + i % 400,
                postcode=template.postcode,
                city=template.city,
                neighbourhood=neighbourhoods[rng.randrange(len(neighbourhoods))],
                dwelling_type=template.dwelling_type,
                rooms=2,
                bedrooms=1,
                living_area=50,
                net_rent=template.net_rent,
                status="offered",
                counts_toward_quota=True,
            )
        )
    with transaction.atomic():
        Dwelling.objects.bulk_create(dwelling_rows, batch_size=BATCH)
        DwellingEvent.objects.bulk_create(
            [
                DwellingEvent(
                    dwelling=d,
                    from_status="draft",
                    to_status="offered",
                    at=at(first_day + dt.timedelta(days=int(i * 7 * WEEKS / DWELLINGS))),
                )
                for i, d in enumerate(dwelling_rows)
            ],
            batch_size=BATCH,
        )
    print(f"  {DWELLINGS} dwellings in {time.perf_counter() - started:.0f} s", flush=True)

    print("meetings and proposals …", flush=True)
    meetings = []
    for w in range(WEEKS):
        day = first_day + dt.timedelta(days=7 * w)
        meetings.append(
            Meeting(
                board=board,
                date=day,
                week_label=board_services.week_label(day),
                status=MeetingStatus.CLOSED,
                closed_at=at(day, 13),
            )
        )
    Meeting.objects.bulk_create(meetings)
    classes = [capacity.GREEN] * 6 + [capacity.AMBER] * 3 + [capacity.RED]
    declines = [
        "rent_not_affordable",
        "dwelling_unsuitable",
        "stairwell_situation",
        "care_not_arranged",
    ]
    refusals = ["location", "dwelling", "timing", "network", "not_ready"]
    placed = 0
    written = 0
    rows: list[Proposal] = []
    agreed: list[Proposal] = []
    for i in range(PROPOSALS):
        meeting = meetings[int(i * WEEKS / PROPOSALS)]
        # Every tenth proposal is agreed, each with its own client and dwelling (the
        # database allows one active proposal per client and per dwelling); the others
        # ended (declined, refused, expired, superseded) and may share them.
        is_agreed = i % (PROPOSALS // PLACEMENTS) == 0
        k = i // (PROPOSALS // PLACEMENTS)
        client = client_rows[k if is_agreed else (i * 7919) % CLIENTS]
        dwelling = dwelling_rows[k if is_agreed else (i * 104_729) % DWELLINGS]
        created = at(meeting.date, 8)
        decided = created + dt.timedelta(days=rng.randint(0, 7), hours=3)
        answered = decided + dt.timedelta(days=rng.randint(0, 6))
        roll = rng.random()
        p = Proposal(
            meeting=meeting,
            client=client,
            dwelling=dwelling,
            care_provider_id=client.care_provider_id,
            corporation_id=dwelling.corporation_id,
            neighbourhood_id=dwelling.neighbourhood_id,
            deadline=meeting.date + dt.timedelta(days=7),
            created_at=created,
            capacity_before={"class": rng.choice(classes), "headroom": rng.randint(0, 9)},
        )
        if is_agreed:
            p.status = "agreed"
            p.consultant_decision, p.consultant_at = "approved", decided
            p.client_decision, p.client_at = "accepted", answered
            p.closed_at = answered
            if rng.random() < 0.04:
                p.override_kind, p.override_reason = "headroom", "Begeleiding dichtbij"
                p.override_requested_by, p.override_confirmed_by = (
                    chair,
                    consultants[dwelling.corporation_id],
                )
            placed += 1
            agreed.append(p)
        elif roll < 0.35:
            p.status = "declined"
            p.consultant_decision, p.consultant_at = "declined", decided
            p.consultant_reason = rng.choice(declines)
            p.closed_at = decided
        elif roll < 0.55:
            p.status = "refused"
            p.consultant_decision, p.consultant_at = "approved", decided
            p.client_decision, p.client_at = "refused", answered
            p.client_reason = rng.choice(refusals)
            p.closed_at = answered
        elif roll < 0.62:
            p.status = "expired"
            p.stalled_at = created + dt.timedelta(days=8)
            p.closed_at = created + dt.timedelta(days=15)
        else:
            p.status = "superseded"
            p.closed_at = created + dt.timedelta(hours=2)
        rows.append(p)
        if len(rows) >= BATCH:
            Proposal.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
            if written % 100_000 == 0:
                print(f"  {written} proposals in {time.perf_counter() - started:.0f} s", flush=True)
    Proposal.objects.bulk_create(rows, batch_size=BATCH)

    print("placements …", flush=True)
    placements = []
    for p in agreed:
        housed = p.closed_at.date() + dt.timedelta(days=rng.randint(7, 30))
        placements.append(
            Placement(
                proposal=p,
                board=board,
                client_id=p.client_id,
                client_reference=p.client.reference,
                dwelling_id=p.dwelling_id,
                care_provider_id=p.care_provider_id,
                corporation_id=p.corporation_id,
                neighbourhood_id=p.neighbourhood_id,
                status="active",
                housed_on=min(housed, today),
                created_by=chair,
                created_at=p.closed_at + dt.timedelta(days=1),
            )
        )
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    for c in corporations:
        for year in (today.year - 1, today.year):
            Quota.objects.create(corporation=c, year=year, dwellings=PLACEMENTS // 10, set_by=chair)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(rounds: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    pages = [
        ("Instroom en uitstroom", "/monitor/"),
        ("— per kwartaal, één zorgaanbieder", "/monitor/?per=quarter&zorgaanbieder={provider}"),
        ("Waar mensen gaan wonen", "/monitor/buurten/"),
        ("Contingenten", "/monitor/contingenten/"),
        ("Het werk van de tafel", "/monitor/tafel/"),
        ("API flow", "/api/v1/monitor/flow/"),
        ("XLSX flow", "/monitor/flow/export.xlsx"),
    ]
    from accounts.models import Organisation

    provider = Organisation.objects.filter(kind="care_provider").order_by("pk").first()
    from accounts.models import Region
    from matching.monitor import services

    region = Region.objects.get(slug="veerhaven")
    refresh_times = []
    for _ in range(rounds):
        t = time.perf_counter()
        refresh = services.figures_refresh(region_id=region.pk)
        refresh_times.append(time.perf_counter() - t)
    print(
        f"monthly counts rebuilt (beat's job, every 5 minutes): median "
        f"{statistics.median(refresh_times):.2f} s, slowest {max(refresh_times):.2f} s, "
        f"{refresh.rows} rows\n"
    )
    print("| page | reader | median s | slowest s | queries |")
    print("|---|---|---|---|---|")
    for who, email in (("chair", "voorzitter@gemeente.demo"), ("analyst", "analist@gemeente.demo")):
        client = Client()
        client.force_login(User.objects.get(email=email))
        for label, path in pages:
            path = path.format(provider=provider.pk if provider else "")
            client.get(path, secure=True)  # warm up
            times = []
            queries = 0
            for _ in range(rounds):
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    response = client.get(path, secure=True)
                    times.append(time.perf_counter() - t)
                assert response.status_code == 200, (path, response.status_code)
                queries = len(ctx.captured_queries)
            print(
                f"| {label} | {who} | {statistics.median(times):.3f} | {max(times):.3f} | {queries} |",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("run this on PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2
    from cases.models import Client

    if not args.measure_only:
        if Client.objects.exists():
            print("the database is not empty: run this right after migrate", file=sys.stderr)
            return 2
        build()
    from django.conf import settings
    from django.test.utils import override_settings

    # Measured without collectstatic: plain static storage (the pages' own work is the same).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["*"]):
        measure(args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
