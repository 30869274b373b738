"""The veerkrachtkaart in Chromium: map data size and the time until it is drawn.

    python -m benchmarks.map_draw --port 8141 [--runs 5]

Against a server on the scaled demo region (3,000 dwellings) started with HTTPS=false (the
browser talks plain HTTP on the loopback), same environment otherwise. Signs the analyst in
through the login form with a TOTP code in Debian's Chromium (headless, no download), opens
/kaart/ `--runs` times and reports, per run, the milliseconds from navigation start until the
map says it is drawn (`data-ready`), and the size of the map data.
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

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8141)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", default="")
    args = parser.parse_args()

    import django

    django.setup()
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User

    email = "analist@gemeente.demo"
    user = User.objects.get(email=email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    )
    key = bytes(device.bin_key)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{args.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url("**/accounts/2fa/**")
        page.fill("input[name=token]", f"{totp(key):06d}")
        # The code's own form: the second-factor page also holds the sign-out form.
        page.click("form:has(input[name=token]) button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/" not in url)
        sizes: list[int] = []
        page.on(
            "response",
            lambda r: sizes.append(len(r.body())) if r.url.endswith("buurten.geojson") else None,
        )
        drawn: list[float] = []
        for _ in range(args.runs):
            page.goto(f"{base}/kaart/", wait_until="commit")
            page.wait_for_selector('#veerkrachtkaart[data-ready="true"]', timeout=30_000)
            drawn.append(page.evaluate("performance.now()"))
        if args.screenshot:
            page.screenshot(path=args.screenshot)
        markers = page.evaluate("document.querySelectorAll('.leaflet-interactive').length")
        browser.close()
    print(
        json.dumps(
            {
                "runs_ms": [round(ms) for ms in drawn],
                "median_ms": round(statistics.median(drawn)),
                "map_data_bytes": sizes[-1] if sizes else None,
                "svg_shapes": markers,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
