"""The board screen against the client list, measured in the same run over HTTP.

    python -m benchmarks.board --port 8140 [--rounds 40]

Against gunicorn on the scaled demo region (`benchmarks.scale_region`), same environment as the
server. Signs in the board chair and a care coordinator (login form + TOTP), then alternates
requests: board screen (chair), client list (coordinator), live refresh with nothing changed
(chair, sending back the ETag), `/healthz`. Alternating pairs keep the ratio meaningful while
the shared machine's speed drifts. Prints p50 per page, the board/list ratio, and the sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from benchmarks.webclient import Browser
    from matching.board.models import Meeting, MeetingStatus

    meeting = (
        Meeting.objects.exclude(status=MeetingStatus.CLOSED)
        .annotate(n=Count("proposals"))
        .order_by("-n", "date")
        .first()
    )
    assert meeting is not None, "run benchmarks.scale_region first"

    def signed_in(email: str) -> Browser:
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        )
        browser = Browser("127.0.0.1", args.port)
        browser.sign_in(email, DEMO_PASSWORD, bytes(device.bin_key))
        return browser

    chair = signed_in("voorzitter@gemeente.demo")
    coordinator = signed_in("coordinator@debrug.demo")
    board = f"/tafel/overleg/{meeting.pk}/"
    times: dict[str, list[float]] = {"board": [], "list": [], "live": [], "healthz": []}
    sizes: dict[str, int] = {}
    statuses: dict[str, set[int]] = {k: set() for k in times}
    etag = ""
    for _ in range(3):  # warm up every worker's caches
        chair.get(board)
        coordinator.get("/clienten/")
    for _ in range(args.rounds):
        for kind, browser, path, headers in (
            ("board", chair, board, {}),
            ("list", coordinator, "/clienten/", {}),
            (
                "live",
                chair,
                f"{board}live/",
                {"HX-Request": "true", **({"If-None-Match": etag} if etag else {})},
            ),
            ("healthz", chair, "/healthz", {}),
        ):
            response = browser.get(path, headers=headers)
            times[kind].append(response.seconds)
            statuses[kind].add(response.status)
            sizes[kind] = len(response.body)
            if kind == "live":
                etag = response.headers.get("etag", "")
    p50 = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(
        json.dumps(
            {
                "meeting": meeting.pk,
                "proposals": meeting.n,  # type: ignore[attr-defined]
                "rounds": args.rounds,
                "p50_ms": {k: round(v, 1) for k, v in p50.items()},
                "board_over_list": round(p50["board"] / p50["list"], 2),
                "board_over_healthz": round(p50["board"] / p50["healthz"], 1),
                "bytes": sizes,
                "statuses": {k: sorted(v) for k, v in statuses.items()},
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
