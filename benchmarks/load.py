"""Load benchmark: 50 signed-in people across the roles against gunicorn on PostgreSQL.

    python -m benchmarks.load --port 8140 [--users 50] [--seconds 60] [--think 1.0]

Run it against a server on the scaled demo region (`python -m benchmarks.scale_region`), with the
same environment as the server (DATABASE_URL, SECRET_KEY, ...): the setup phase makes the
benchmark's people (`load-NN@<organisation>.bench`, each with a confirmed authenticator) in the
demo organisations through the ORM. Then every person signs in through the real login form with
a TOTP code, and for `--seconds` each one, with `--think` seconds between requests, opens the
pages of their role: lists, the API, the map data, the board screen once and then its live
refresh every 5 s as the browser does (sending back the ETag it got), and one person fetches the
minutes PDF once. Bounded: a fixed number of threads, a deadline, a timeout per request.

Prints one JSON object: requests, requests/s, p50/p95/p99 in ms overall and per kind, errors
(anything but 2xx/304, or no answer). The client runs on the same machine as the server, so it
takes some of the same two cores; the figures include that.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PASSWORD = "load-benchmark-2026"  # noqa: S105 - a benchmark-only account on a benchmark database
POLL_SECONDS = 5.0
# People per role (50 in all by default; --users scales it).
MIX = {"care_coordinator": 18, "housing_consultant": 18, "board_chair": 7, "analyst": 7}


@dataclass
class Person:
    email: str
    role: str
    totp_key: bytes
    pages: list[tuple[str, str]] = field(default_factory=list)  # (kind, path)
    on_board: bool = False


def setup(users: int) -> tuple[list[Person], int]:
    """The benchmark's people in the demo organisations, and the meeting they look at."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from matching.board.models import Meeting, MeetingStatus

    meeting = (
        Meeting.objects.exclude(status=MeetingStatus.CLOSED)
        .annotate(n=Count("proposals"))
        .order_by("-n", "date")
        .first()
    )
    if meeting is None:
        raise SystemExit("no open meeting: run benchmarks.scale_region first")
    meeting_url = f"/tafel/overleg/{meeting.pk}/"
    kinds = {
        Role.CARE_COORDINATOR: OrganisationKind.CARE_PROVIDER,
        Role.HOUSING_CONSULTANT: OrganisationKind.HOUSING_CORPORATION,
        Role.BOARD_CHAIR: OrganisationKind.MUNICIPALITY,
        Role.ANALYST: OrganisationKind.MUNICIPALITY,
    }
    pages = {
        Role.CARE_COORDINATOR: [
            ("list", "/clienten/"),
            ("api", "/api/v1/clients/"),
            ("list", "/plaatsingen/"),
        ],
        Role.HOUSING_CONSULTANT: [
            ("list", "/woningen/"),
            ("api", "/api/v1/dwellings/"),
            ("map-data", "/kaart/buurten.geojson"),
        ],
        Role.BOARD_CHAIR: [
            ("page", f"{meeting_url}notulen/"),
            ("api", "/api/v1/meetings/"),
            ("list", "/plaatsingen/overzicht/"),
        ],
        Role.ANALYST: [
            ("page", "/kaart/"),
            ("map-data", "/kaart/buurten.geojson"),
            ("list", "/buurten/"),
        ],
    }
    total = sum(MIX.values())
    password = make_password(PASSWORD)
    people: list[Person] = []
    n = 0
    for role, share in MIX.items():
        orgs = list(
            Organisation.objects.filter(region=meeting.board.region, kind=kinds[role]).order_by(
                "slug"
            )
        )
        for i in range(max(1, round(share * users / total))):
            n += 1
            org = orgs[i % len(orgs)]
            email = f"load-{n:02d}@{org.slug}.bench"
            user, _ = User.objects.update_or_create(
                email=email, defaults={"full_name": f"Belasting {n}", "password": password}
            )
            Membership.objects.get_or_create(
                user=user, organisation=org, role=role, defaults={"is_active": True}
            )
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="load", confirmed=True)
            people.append(
                Person(
                    email=email,
                    role=role,
                    totp_key=bytes(device.bin_key),
                    pages=pages[role],
                    on_board=role != Role.ANALYST,
                )
            )
    return people, meeting.pk


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    bytes_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float, size: int) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            self.statuses[kind][status] += 1
            self.bytes_by_kind[kind] += size
            if not (200 <= status < 300 or status == 304):
                self.errors.append(f"{kind} {status}")


def run_person(
    person: Person,
    port: int,
    meeting_pk: int,
    start_at: float,
    deadline: float,
    think: float,
    results: Results,
    pdf: bool,
) -> None:
    from benchmarks.webclient import Browser

    browser = Browser("127.0.0.1", port)
    rng = random.Random(person.email)
    # Sign in before the measured window (the code of one 30 s step is accepted once per person).
    browser.sign_in(person.email, PASSWORD, person.totp_key)
    while time.time() < start_at:
        time.sleep(0.05)
    time.sleep(rng.random() * think)  # people do not all click at the same instant

    def fetch(kind: str, path: str, headers: dict[str, str] | None = None) -> object:
        try:
            response = browser.get(path, headers=headers)
        except Exception as error:
            results.add(kind, 0, 0.0, 0)
            with results.lock:
                results.errors.append(f"{kind} {type(error).__name__}")
            return None
        results.add(kind, response.status, response.seconds, len(response.body))
        return response

    board = f"/tafel/overleg/{meeting_pk}/"
    etag = ""
    last_poll = time.time()
    if person.on_board:
        fetch("board", board)
    if pdf:
        fetch("pdf", f"{board}notulen.pdf")
    while time.time() < deadline:
        if person.on_board and time.time() - last_poll >= POLL_SECONDS:
            headers = {"HX-Request": "true"}
            if etag:
                headers["If-None-Match"] = etag
            response = fetch("live", f"{board}live/", headers)
            if response is not None:
                etag = response.headers.get("etag", etag)  # type: ignore[attr-defined]
            last_poll = time.time()
        else:
            kind, path = rng.choice(person.pages)
            fetch(kind, path)
        time.sleep(think)
    browser.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0)
    args = parser.parse_args()

    people, meeting_pk = setup(args.users)
    results = Results()
    start_at = time.time() + 5 + 0.4 * len(people)  # time for everyone to sign in first
    deadline = start_at + args.seconds
    threads = [
        threading.Thread(
            target=run_person,
            args=(p, args.port, meeting_pk, start_at, deadline, args.think, results, i == 0),
            daemon=True,
        )
        for i, p in enumerate(people)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + 120)
    window = args.seconds
    everything = [s for v in results.samples.values() for s in v]
    report = {
        "users": len(people),
        "seconds": window,
        "think_s": args.think,
        "requests": len(everything),
        "requests_per_s": round(len(everything) / window, 1),
        "errors": len(results.errors),
        "error_kinds": sorted(set(results.errors))[:10],
        "p50_ms": round(statistics.median(everything) * 1000) if everything else None,
        "p95_ms": round(percentile(everything, 0.95) * 1000),
        "p99_ms": round(percentile(everything, 0.99) * 1000),
        "by_kind": {
            kind: {
                "n": len(v),
                "p50_ms": round(statistics.median(v) * 1000),
                "p95_ms": round(percentile(v, 0.95) * 1000),
                "mean_kb": round(results.bytes_by_kind[kind] / len(v) / 1024, 1),
                "statuses": dict(results.statuses[kind]),
            }
            for kind, v in sorted(results.samples.items())
        },
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
