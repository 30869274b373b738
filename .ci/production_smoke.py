"""Production smoke test over real HTTP (called by .ci/production-smoke.sh).

Against a running gunicorn with production settings: signs in one person per role through the
real login form with a TOTP code computed from the device secret, opens every page in that
role's main menu, the role's API lists, the board screen with its live refresh and the minutes
PDF, checks a Celery worker answers, then cuts every database connection (what a database
restart does to the app) and checks the next requests succeed without restarting gunicorn.
Exit status 0 only if every answer was what it should be.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.demo import DEMO_PASSWORD  # noqa: E402
from accounts.models import Role, User  # noqa: E402
from benchmarks.webclient import Browser  # noqa: E402
from matching.placements.models import Evaluation  # noqa: E402

PORT = int(os.environ.get("SMOKE_PORT", "8140"))
NAV_LINK = re.compile(r'<nav aria-label="[^"]*">(.*?)</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')
MEETING_LINK = re.compile(r'href="(/tafel/overleg/\d+/)"')

# One person per role, and the API lists that role reads.
PEOPLE = {
    Role.BOARD_CHAIR: ("voorzitter@gemeente.demo", ["/api/v1/boards/", "/api/v1/meetings/"]),
    Role.ANALYST: ("analist@gemeente.demo", ["/api/v1/neighbourhoods/"]),
    Role.ORG_ADMIN: ("beheer@gemeente.demo", ["/api/v1/members/", "/api/v1/access-log/"]),
    Role.CARE_COORDINATOR: ("coordinator@debrug.demo", ["/api/v1/clients/", "/api/v1/placements/"]),
    Role.HOUSING_CONSULTANT: (
        "consulent@dekade.demo",
        ["/api/v1/dwellings/", "/api/v1/complexes/"],
    ),
}

failures: list[str] = []


def expect(label: str, status: int, wanted: int = 200) -> None:
    mark = "ok " if status == wanted else "FAIL"
    print(f"  {mark} {status} {label}")
    if status != wanted:
        failures.append(f"{label}: {status} (wanted {wanted})")


def totp_key(email: str) -> bytes:
    """The person's confirmed authenticator (made once here, as enrolment would)."""
    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="smoke", confirmed=True)
    return bytes(device.bin_key)


def browse_as(role: str, email: str, api_paths: list[str]) -> Browser:
    print(f"{role}: {email}")
    browser = Browser("127.0.0.1", PORT)
    browser.sign_in(email, DEMO_PASSWORD, totp_key(email))
    home = browser.get("/")
    expect("/ (home)", home.status)
    nav = NAV_LINK.search(home.text)
    links = sorted(set(HREF.findall(nav.group(1)))) if nav else []
    if not links:
        failures.append(f"{email}: no main menu on the home page")
    for path in links:
        page = browser.get(path, follow=True)
        expect(path if page.path == path else f"{path} -> {page.path}", page.status)
        if role == Role.BOARD_CHAIR and path.startswith("/tafel/"):
            meeting = MEETING_LINK.search(page.text)
            if meeting is None:
                failures.append("board chair: no meeting linked from the board")
                continue
            url = meeting.group(1)
            expect(url + " (board screen)", browser.get(url).status)
            expect(url + "live/", browser.get(url + "live/", headers={"HX-Request": "true"}).status)
            pdf = browser.get(url + "notulen.pdf")
            for _ in range(20):  # 202 while the worker makes it; then served from its file
                if pdf.status != 202:
                    break
                time.sleep(float(pdf.headers.get("retry-after", "3")))
                pdf = browser.get(url + "notulen.pdf")
            expect(url + "notulen.pdf (made by the worker)", pdf.status)
            if not pdf.body.startswith(b"%PDF"):
                failures.append("minutes PDF is not a PDF")
    for path in api_paths:
        expect(path, browser.get(path, headers={"Accept": "application/json"}).status)
    return browser


def main() -> int:
    health = Browser("127.0.0.1", PORT).get("/healthz")
    print("healthz:", health.text)
    expect("/healthz", health.status)
    # Pages outside the menus: the organisation's own sign-in (anonymous) and an evaluation
    # with its signals panel (the coordinator of the evaluated placement).
    expect(
        reverse("accounts:login-organisation") + " (anonymous)",
        Browser("127.0.0.1", PORT).get(reverse("accounts:login-organisation")).status,
    )
    browsers = [browse_as(role, email, api) for role, (email, api) in PEOPLE.items()]
    coordinator = PEOPLE[Role.CARE_COORDINATOR][0]
    evaluation = (
        Evaluation.objects.filter(
            agreement__placement__care_provider__memberships__user__email=coordinator
        )
        .order_by("pk")
        .first()
    )
    if evaluation is None:
        failures.append("the demo has no evaluation for the coordinator")
    else:
        index = list(PEOPLE).index(Role.CARE_COORDINATOR)
        path = reverse("placements:evaluation", args=[evaluation.pk])
        expect(path + " (evaluation)", browsers[index].get(path).status)

    print("celery worker")
    ping = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    expect("celery inspect ping (two workers)", 200 if ping.stdout.count("pong") >= 2 else 500)

    print("database connections cut (as a database restart does)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        print(f"  {cursor.fetchone()[0]} server connections terminated")
    for browser, (email, api) in zip(browsers, PEOPLE.values(), strict=True):
        expect(f"{email} / after the cut", browser.get("/").status)
        expect(f"{email} {api[0]} after the cut", browser.get(api[0]).status)

    if failures:
        print(f"\n{len(failures)} failure(s):", *failures, sep="\n  ")
        return 1
    print("\nproduction smoke: every answer as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
