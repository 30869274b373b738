"""Every role's pages in a real browser on the demo region: screenshots for reviewers at
1920×1080 and 390 px (saved under benchmarks/screens/), no sideways scrolling on a phone, and
an axe-core scan (vendored, tests/e2e/vendor/) with zero serious or critical violations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.accounts.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "benchmarks" / "screens"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "woonbrug-demo-2026"

ROLES = {
    "coordinator": (
        "coordinator@debrug.demo",
        ["/", "/clienten/", "/plaatsingen/", "/accounts/passkeys/"],
    ),
    "consultant": ("consulent@dekade.demo", ["/", "/woningen/", "/plaatsingen/"]),
    "chair": ("voorzitter@gemeente.demo", ["/", "/tafel/", "/plaatsingen/overzicht/"]),
    "analyst": ("analist@gemeente.demo", ["/", "/buurten/"]),
    "admin": ("beheer@debrug.demo", ["/", "/toegangslog/", "/leden/"]),
}


@pytest.fixture
def demo(settings):
    settings.REQUIRE_MFA = False  # the demo's own setting; sign-in itself is tested elsewhere
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(browser, base: str, email: str, viewport: dict[str, int]):
    # bypass_csp only lets the test inject axe-core; the app's own pages run under the CSP.
    context = browser.new_context(viewport=viewport, locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD if email.endswith(".demo") else PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("h1")
    return context, page, errors


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def current_meeting_path() -> str:
    from matching.board.models import Meeting

    meeting = Meeting.objects.order_by("-date").first()
    return f"/tafel/overleg/{meeting.pk}/"


def test_every_role_reads_its_pages_on_a_screen_and_a_phone(live_server, browser, demo):
    SCREENS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    meeting = current_meeting_path()
    for role, (email, paths) in ROLES.items():
        if role == "chair":
            paths = [*paths, meeting]
        for name, viewport in (("1920", DESKTOP), ("390", PHONE)):
            context, page, errors = sign_in(browser, live_server.url, email, viewport)
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                slug = "home" if path == "/" else path.strip("/").replace("/", "-")
                if path in ("/", meeting, "/accounts/passkeys/"):
                    what = {"/": "home", meeting: "meeting"}.get(path, "passkeys")
                    page.screenshot(path=str(SCREENS / f"{what}-{role}-{name}.png"))
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"] + 1:
                    problems.append(f"{role} {path} at {name}: {width} px wide")
                if name == "1920":
                    problems += [f"{role} {path} ({slug}): {v}" for v in serious_violations(page)]
            problems += [f"{role}: JavaScript error {e}" for e in errors]
            context.close()
    assert not problems, "\n".join(problems)


def test_the_header_stays_compact_on_a_laptop(live_server, browser, demo):
    """At 1366×768 the chair's menu (the longest) wrapped to a second row and the tools to a
    third: a 168 px header on a 768 px screen. Brand and tools now share one row, the menu
    the next, every item visible."""
    context, page, errors = sign_in(browser, live_server.url, ROLES["chair"][0], LAPTOP)
    problems = []
    for path in ("/", current_meeting_path()):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        height = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height"
        )
        if height > 100:
            problems.append(f"{path}: header {height:.0f} px high")
        hidden = page.evaluate(
            "[...document.querySelectorAll('.nav a')].filter(a => a.getBoundingClientRect().right > innerWidth).map(a => a.textContent)"
        )
        if hidden:
            problems.append(f"{path}: menu items off screen: {hidden}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > LAPTOP["width"] + 1:
            problems.append(f"{path}: {width} px wide")
    context.close()
    assert not problems and not errors, problems + errors
