"""Issue 13's probes, run again from outside: every person of every organisation, over HTTP.

Against a live server with production settings (gunicorn, DEBUG=false, PostgreSQL,
REQUIRE_MFA=true, the application's own database role) on the seeded demo. Two steps, both
with the owner's DATABASE_URL (the probe reads the truth it compares with from the database):

    python -m benchmarks.privacy_probe setup            # once, after migrate + seed_demo
    python -m benchmarks.privacy_probe run --port 8213  # gunicorn must be serving there

`setup` adds a second region ("Elders": a municipality, two care providers, two
corporations, a board and a meeting, agreements drafted, issued and signed, a signal), gives
every person the demo password and a confirmed authenticator (except one invited coordinator
who never enrolled, for probe g) and writes a marker into one demo client's shared profile
and its proposal's stored copy (for probe f). `run` then, as every person:

(a)  GETs every URL pattern with the ids of objects of every organisation (both regions), a
     missing id, the API lists and details, the PDF and XLSX exports; bodies (PDF and XLSX
     text included) must hold no client name, care-only value or client reference outside
     what that person may know (the oracle is the database, see `allowed_for`);
(b)  another region's object answers exactly like a missing id (status and body), and every
     404 looks like the missing id's 404;
(c)  every dynamic 200 carries Cache-Control no-store and private;
(d)  every client-bearing 200 wrote a log row (one per kind of record) and refused rows keep
     only the supplied id (no client reference, no resolved object in purpose or object id);
     the org admins' access log (page, API, CSV) names no client on a refused row;
(e)  the municipality reads no name (any non-empty `signed_by_name` counts);
(f)  after the coordinator withdraws consent over HTTP, the marked profile is served to
     nobody outside the care provider (a control first checks it was served before);
(g)  a password alone, also after a reset link, offers no second-factor secret and reaches
     no client page;
(h)  an org admin's self-grant of a client-reading role, by page and API, gives no access;
(i)  an API token past its expiry, and a personal token idle past the limit, answer 401;
(j)  no count from 1 to 4 in the live capacity (API neighbourhoods, map data) outside the
     municipality's analysts;
(k)  no 5xx anywhere; GET on POST-only action URLs answers 405;
(l)  the application's database role cannot UPDATE, DELETE, TRUNCATE or disable the
     trigger of the access log (set PROBE_APP_DATABASE_URL).

Exit status 1 when any probe found something; the findings are printed and written as JSON
to PROBE_OUT (default /tmp/privacy_probe.json).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import close_old_connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.demo import DEMO_PASSWORD  # noqa: E402
from accounts.models import (  # noqa: E402
    AccessLogEntry,
    AccessResult,
    ApiToken,
    Membership,
    OrganisationKind,
    Region,
    Role,
    RoleGrant,
    User,
)
from benchmarks.webclient import Browser, SignInFailed  # noqa: E402

ENROL_PROBE_EMAIL = "nieuw@debrug.demo"
MARKER = "PROBE-PROFIEL-7f3c"
REFERENCE = re.compile(r"WB-\d{4}-\d{5}")
MISSING_INT = "987654"
MISSING_REF = "WB-2099-99999"
MISSING_CODE = "BU99999999"
NORMALISE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "csrf"),
    (re.compile(r'nonce="[^"]+"'), "nonce"),
    (re.compile(r'"csrfToken"\s*:\s*"[^"]+"'), "csrf"),
    (re.compile(r'data-csrf="[^"]+"'), "csrf"),
    (re.compile(r"hx-headers=\'[^\']*\'"), "hx"),
]
STATIC = ("/static/", "/media/")
# Own things of the person, outside the organisations' data (tokens, passkeys).
OWN_ROUTES = {"accounts:passkey-delete", "accounts:api-token-revoke", "accounts:enrol",
              "accounts:password-reset-confirm", "accounts:oidc-callback"}  # fmt: skip
OWN_INBOX = {"/meldingen/"}


# --- setup ----------------------------------------------------------------------------------


def setup() -> None:
    from accounts.services import membership_grant
    from cases.models import Client
    from matching.aftercare import services as aftercare
    from matching.aftercare.models import SignalCategory
    from matching.board.models import Proposal, ProposalStatus
    from tests.accounts.factories import RegionFactory
    from tests.housing.factories import ComplexFactory, StairwellFactory
    from tests.placements.conftest import World
    from tests.world import WorldBuilder

    if not Region.objects.filter(slug="elders").exists():
        region = RegionFactory(name="Elders", slug="elders")
        build = WorldBuilder(region)
        muni = build.municipality_org("Gemeente Elders")
        provider = build.provider("Zorg Elders")
        other_provider = build.provider("Opvang Elders")
        corporation = build.corporation("Wonen Elders")
        other_corporation = build.corporation("Huis Elders")
        geo = build.geography(
            muni,
            code="GM0999",
            name="Elders",
            district="WK099901",
            neighbourhoods=[("BU09990101", "Elderskwartier"), ("BU09990102", "Eldersveld")],
            homes=1000,
        )
        complex_obj = ComplexFactory(
            corporation=corporation, neighbourhood=geo.neighbourhood, code="E1"
        )
        stairwell = StairwellFactory(complex=complex_obj, name="Portiek E", max_vulnerable=3)

        def person(role: str, org: Any, email: str) -> User:
            user = build.person(role, org)
            user.email = email
            user.save(update_fields=["email"])
            return user

        chair = person(Role.BOARD_CHAIR, muni, "voorzitter@elders.probe")
        board = build.board(chair=chair, name="Plaatsingstafel Elders")
        world = World(
            region=region,
            municipality_org=muni,
            provider=provider,
            corporation=corporation,
            municipality=geo.municipality,
            neighbourhood=geo.neighbourhood,
            stairwell=stairwell,
            board=board,
            meeting=build.meeting(board),
            coordinator=person(Role.CARE_COORDINATOR, provider, "coordinator@elders.probe"),
            colleague=person(Role.CARE_COORDINATOR, provider, "begeleider@elders.probe"),
            consultant=person(Role.HOUSING_CONSULTANT, corporation, "consulent@elders.probe"),
            chair=chair,
            analyst=person(Role.ANALYST, muni, "analist@elders.probe"),
            other_coordinator=person(
                Role.CARE_COORDINATOR, other_provider, "coordinator@opvang-elders.probe"
            ),
            other_consultant=person(
                Role.HOUSING_CONSULTANT, other_corporation, "consulent@huis-elders.probe"
            ),
            elsewhere_chair=chair,
            org_admin=person(Role.ORG_ADMIN, provider, "beheer@elders.probe"),
        )
        world.proposal()
        world.draft()
        world.issued()
        signed = world.signed()
        world.signed()
        aftercare.signal_raise(
            actor=world.consultant,
            agreement=signed,
            category=SignalCategory.RENT_ARREARS,
            observed_on=signed.lease_start,
            description="Twee maanden huur niet betaald; brief verstuurd.",
        )
        print("second region Elders built")
    # An invited coordinator who never enrolled a second factor (probe g).
    if not User.objects.filter(email=ENROL_PROBE_EMAIL).exists():
        from accounts.models import Organisation

        user = User.objects.create_user(email=ENROL_PROBE_EMAIL, password=DEMO_PASSWORD,
                                        full_name="Nieuwe Collega")  # fmt: skip
        membership_grant(user=user, organisation=Organisation.objects.get(slug="zorggroep-de-brug"),
                         role=Role.CARE_COORDINATOR)  # fmt: skip
    for user in User.objects.filter(is_active=True).exclude(email=ENROL_PROBE_EMAIL):
        if not user.is_staff:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(user=user, name="probe", confirmed=True)
    # Probe f: a marked profile on an open proposal of a client whose consent is in force.
    proposal = (
        Proposal.objects.filter(
            status=ProposalStatus.OPEN,
            client__status__in=["on_board", "matched"],
        )
        .select_related("client")
        .order_by("pk")
        .first()
    )
    if proposal is None:
        print("no open proposal for probe f", file=sys.stderr)
        return
    client = Client.objects.get(pk=proposal.client_id)
    profile = client.profile
    profile.note_for_corporation = MARKER
    profile.save(update_fields=["note_for_corporation"])
    Proposal.objects.filter(client=client).update(profile=_marked(proposal.profile))
    print(f"probe f: client {client.reference}, proposal {proposal.pk}")


def _marked(profile: dict[str, Any] | None) -> dict[str, Any]:
    return {**(profile or {}), "note_for_corporation": MARKER}


# --- the truth, from the database ----------------------------------------------------------


class Truth:
    """What exists, who owns it, and which client names, care values and references each
    person may meet."""

    def __init__(self) -> None:
        from cases.models import CareRecord, Client, ClientNote
        from housing.models import Complex, Dwelling, ImportBatch, Neighbourhood, Stairwell
        from matching.aftercare.models import Signal
        from matching.board.models import Board, Meeting, Proposal
        from matching.placements.models import Agreement, Evaluation, Placement
        from matching.simulation.models import Scenario

        self.clients = {c.pk: c for c in Client.objects.select_related("care_provider")}
        self.region_of_client = {pk: c.care_provider.region_id for pk, c in self.clients.items()}
        staff_names = {u.full_name.strip().lower() for u in User.objects.all()}
        self.names: dict[int, str] = {}
        self.care: dict[int, list[str]] = defaultdict(list)
        for record in CareRecord.objects.all():
            name = (record.full_name or "").strip()
            if len(name) >= 6 and name.lower() not in staff_names:
                self.names[record.client_id] = name
            for value in (record.phone, record.email, record.care_history,
                          record.exclusion_reasons, record.contact_details):  # fmt: skip
                value = (value or "").strip()
                if len(value) >= 12:
                    self.care[record.client_id].append(value[:60])
        for note in ClientNote.objects.all():
            if len((note.body or "").strip()) >= 12:
                self.care[note.client_id].append(note.body.strip()[:60])
        self.reference = {pk: c.reference for pk, c in self.clients.items()}
        self.name_owners: dict[str, set[int]] = defaultdict(set)
        for cid, name in self.names.items():
            self.name_owners[name].add(cid)
        self.care_owners: dict[str, set[int]] = defaultdict(set)
        for cid, values in self.care.items():
            for value in values:
                self.care_owners[value].add(cid)
        self.by_reference = {c.reference: pk for pk, c in self.clients.items()}
        # Objects per model: (id for the URL, region id, organisations that own it).
        self.objects: dict[str, list[tuple[str, int, set[int]]]] = defaultdict(list)

        def add(kind: str, key: Any, region: int, orgs: set[int]) -> None:
            self.objects[kind].append((str(key), region, orgs))

        for c in self.clients.values():
            add("client", c.reference, c.care_provider.region_id, {c.care_provider_id})
        for d in Dwelling.objects.select_related("corporation"):
            add("dwelling", d.pk, d.corporation.region_id, {d.corporation_id})
        for x in Complex.objects.select_related("corporation"):
            add("complex", x.pk, x.corporation.region_id, {x.corporation_id})
        for s in Stairwell.objects.select_related("complex__corporation"):
            add("stairwell", s.pk, s.complex.corporation.region_id, {s.complex.corporation_id})
        for n in Neighbourhood.objects.select_related("district__municipality"):
            add("neighbourhood", n.code, n.district.municipality.region_id, set())
        for b in Board.objects.all():
            add("board", b.pk, b.region_id, set())
        for m in Meeting.objects.select_related("board"):
            add("meeting", m.pk, m.board.region_id, set())
        for p in Proposal.objects.select_related("meeting__board"):
            add("proposal", p.pk, p.meeting.board.region_id, {p.care_provider_id, p.corporation_id})
        for pl in Placement.objects.select_related("board"):
            add("placement", pl.pk, pl.board.region_id, {pl.care_provider_id, pl.corporation_id})
        for a in Agreement.objects.select_related("placement__board"):
            orgs = {a.placement.care_provider_id, a.placement.corporation_id}
            add("agreement", a.pk, a.placement.board.region_id, orgs)
        for e in Evaluation.objects.select_related("agreement__placement__board"):
            pl = e.agreement.placement
            add("evaluation", e.pk, pl.board.region_id, {pl.care_provider_id, pl.corporation_id})
        for s in Signal.objects.select_related("placement__board"):
            pl = s.placement
            add("signal", s.pk, pl.board.region_id, {pl.care_provider_id, pl.corporation_id})
        for sc in Scenario.objects.select_related("board"):
            add("scenario", sc.pk, sc.board.region_id, set())
        for ib in ImportBatch.objects.select_related("organisation"):
            add("import", ib.pk, ib.organisation.region_id, {ib.organisation_id})
        from accounts.models import Organisation

        for o in Organisation.objects.all():
            add("organisation", o.pk, o.region_id, {o.pk})
        for ms in Membership.objects.select_related("organisation"):
            add("membership", ms.pk, ms.organisation.region_id, {ms.organisation_id})
        for g in RoleGrant.objects.select_related("organisation"):
            add("rolegrant", g.pk, g.organisation.region_id, {g.organisation_id})
        # Which corporations take part in a client's case (agreed proposal or placement).
        self.corporations_of: dict[int, set[int]] = defaultdict(set)
        for p in Proposal.objects.filter(status="agreed"):
            self.corporations_of[p.client_id].add(p.corporation_id)
        for pl in Placement.objects.all():
            self.corporations_of[pl.client_id].add(pl.corporation_id)
        self.parties_of: dict[int, set[int]] = defaultdict(set)  # any proposal or placement
        for p in Proposal.objects.all():
            self.parties_of[p.client_id] |= {p.care_provider_id, p.corporation_id}
        for pl in Placement.objects.all():
            self.parties_of[pl.client_id] |= {pl.care_provider_id, pl.corporation_id}

    def allowed_for(self, user: User) -> tuple[set[int], set[int], set[int]]:
        """(clients whose name, whose care values, whose reference the user may meet).

        Names: the own care provider's clients; a corporation's consultant the clients it
        agreed to house or houses. Care values: the own care provider only. References:
        clients of the own region (the board, the corporations and the municipality work
        with pseudonyms) - never another region's."""
        memberships = list(Membership.objects.filter(user=user, is_active=True)
                           .select_related("organisation"))  # fmt: skip
        coord = {m.organisation_id for m in memberships if m.role in
                 (Role.CARE_COORDINATOR, Role.PRIVACY_OFFICER)}  # fmt: skip
        consult = {m.organisation_id for m in memberships if m.role == Role.HOUSING_CONSULTANT}
        regions = {m.organisation.region_id for m in memberships}
        own = {pk for pk, c in self.clients.items() if c.care_provider_id in coord}
        named = own | {pk for pk, corps in self.corporations_of.items() if corps & consult}
        refs = {pk for pk, region in self.region_of_client.items() if region in regions}
        return named, own, refs


# --- body text ------------------------------------------------------------------------------


def body_text(response: Any) -> str:
    kind = response.headers.get("content-type", "")
    data = response.body
    if data.startswith(b"%PDF"):
        try:
            from pypdf import PdfReader

            return "\n".join(
                page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages
            )
        except Exception as exc:
            return f"<unreadable pdf: {exc}>"
    if data[:2] == b"PK" or "spreadsheet" in kind:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                 if n.endswith(".xml"))  # fmt: skip
        except zipfile.BadZipFile:
            pass
    return response.text


def normalised(text: str, path: str, key: str) -> str:
    for pattern, repl in NORMALISE:
        text = pattern.sub(repl, text)
    # Only the path: a bare id ("1") also matches counts and dates in the page.
    return text.replace(path, "<path>")


# --- the run --------------------------------------------------------------------------------


class Probe:
    def __init__(self, port: int, per_org: int) -> None:
        self.port = port
        self.per_org = per_org
        self.truth = Truth()
        self.findings: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.checked_logged = 0
        self.checked_cross = 0
        self.withdrawn = False  # probe f: set once the coordinator withdrew consent
        self.printed: set[tuple[str, str, str]] = set()
        self.skipped_405 = 0

    def find(self, probe: str, who: str, url: str, detail: Any) -> None:
        with self.lock:
            self.findings.append({"probe": probe, "who": who, "url": url, "detail": detail})
            key = (probe, re.sub(r"\d+", "N", url), re.sub(r"\d+", "N", str(detail))[:60])
            if key not in self.printed:
                self.printed.add(key)
                print(f"  [{probe}] {who} {url}: {str(detail)[:300]}", flush=True)

    def browser(self, email: str) -> Browser:
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        for attempt in range(3):
            b = Browser("127.0.0.1", self.port, timeout=120)
            try:
                b.sign_in(email, DEMO_PASSWORD, bytes(device.bin_key))
                return b
            except SignInFailed:
                # A TOTP code is accepted once: signing in again within its 30 s step is
                # refused (replay protection); wait for the next code.
                if attempt == 2:
                    raise
                time.sleep(31 - time.time() % 30)
        raise AssertionError("unreachable")

    def get(self, b: Browser, path: str, **kw: Any) -> Any:
        r = b.get(path, **kw)
        with self.lock:
            self.requests += 1
            self.statuses[r.status] += 1
        return r

    # The URL patterns with the ids to try.
    def urls(self) -> list[tuple[str, str, str, str, bool]]:
        """(route name, url, kind, key, is_missing) for every pattern and id."""
        from tests.url_walk import walk

        kinds = {
            "clienten/": "client", "woningen/": "dwelling", "complexen/": "complex",
            "portieken/": "stairwell", "buurten/": "neighbourhood", "draagkracht/": "neighbourhood",
            "import/": "import", "tafel/overleg/": "meeting", "tafel/voorstel/": "proposal",
            "tafel/": "board", "simulatie/tafel/": "board", "simulatie/scenario/": "scenario",
            "plaatsingen/nieuw/": "proposal", "plaatsingen/": "placement",
            "afspraken/": "agreement", "evaluaties/": "evaluation", "signalen/": "signal",
            "organisaties/": "organisation", "leden/rolverzoek/": "rolegrant",
            "leden/": "membership",
            "api/v1/^clients/": "client", "api/v1/^dwellings/": "dwelling",
            "api/v1/^complexes/": "complex", "api/v1/^stairwells/": "stairwell",
            "api/v1/^neighbourhoods/": "neighbourhood", "api/v1/^boards/": "board",
            "api/v1/^meetings/": "meeting", "api/v1/^proposals/": "proposal",
            "api/v1/^simulation/scenarios/": "scenario", "api/v1/^placements/": "placement",
            "api/v1/^agreements/": "agreement", "api/v1/^evaluations/": "evaluation",
            "api/v1/^signals/": "signal", "api/v1/^organisations/": "organisation",
            "api/v1/^members/": "membership",
        }  # fmt: skip
        fixed = {"version": ["1"], "action": ["revise", "issue", "cancel"],
                 "step": ["acknowledge", "answer", "close"], "kind": ["dwellings"],
                 "page": ["flow", "where", "quotas", "board"], "fmt": ["xlsx", "csv"],
                 "stop_pk": [MISSING_INT]}  # fmt: skip
        out = []
        for route in walk():
            raw = route.route
            if raw.startswith(("admin/", "static/", "i18n/")) or route.name in OWN_ROUTES:
                continue
            if route.name in {"api-schema", "api-docs", "api-redoc", "accounts:logout"}:
                continue
            if "(?P<url>" in raw or route.name == "accesslog-detail":
                continue
            path = raw.replace("^", "").replace("$", "")
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", path)
            names = re.findall(r"<(?:\w+:)?(\w+)>", path)
            prefix = max((p for p in kinds if raw.startswith(p)), key=len, default=None)
            kind = kinds.get(prefix) if prefix else None
            variants: list[tuple[str, str, bool]] = [(path, "", False)]
            for name in names:
                new = []
                for v, key, missing in variants:
                    if name in fixed:
                        values = [(x, False) for x in fixed[name]]
                    elif kind is not None:
                        values = [(x, False) for x in self.sample(kind)]
                        values.append((self.missing(kind), True))
                    else:
                        values = [(MISSING_INT, True)]
                    for value, is_missing in values:
                        vv = re.sub(rf"<(?:\w+:)?{name}>", value, v, count=1)
                        first = name == names[0]
                        new.append((vv, value if first else key, is_missing if first else missing))
                variants = new
            for v, key, missing in variants:
                out.append((route.name, "/" + v, kind or "", key, missing))
        # Query-string reads of the API lists and the exports.
        for m in self.sample("meeting"):
            out.append(("api-proposals-meeting", f"/api/v1/proposals/?meeting={m}", "", "", False))
        for q in ("?export=csv", "?export=xlsx", "?result=refused", "?result=refused&export=csv"):
            out.append(("accounts:access-log", "/toegangslog/" + q, "", "", False))
        out.append(("accesslog-list", "/api/v1/access-log/?page_size=500", "", "", False))
        return out

    def sample(self, kind: str) -> list[str]:
        """Up to `per_org` objects per owning organisation (and per region), both regions."""
        seen: Counter[tuple[int, frozenset[int]]] = Counter()
        picked = []
        for key, region, orgs in self.truth.objects.get(kind, []):
            group = (region, frozenset(orgs))
            if seen[group] < self.per_org:
                seen[group] += 1
                picked.append(key)
        return picked

    def missing(self, kind: str) -> str:
        return {"client": MISSING_REF, "neighbourhood": MISSING_CODE}.get(kind, MISSING_INT)

    def region_of(self, kind: str, key: str) -> int | None:
        for k, region, _orgs in self.truth.objects.get(kind, []):
            if k == key:
                return region
        return None

    # (a)-(e), (k) for one person.
    def walk_as(self, email: str, urls: list[tuple[str, str, str, str, bool]]) -> None:
        close_old_connections()
        user = User.objects.get(email=email)
        named, own, refs = self.truth.allowed_for(user)
        regions = set(Membership.objects.filter(user=user, is_active=True)
                      .values_list("organisation__region_id", flat=True))  # fmt: skip
        municipality = Membership.objects.filter(
            user=user, is_active=True, organisation__kind=OrganisationKind.MUNICIPALITY
        ).exists()
        try:
            b = self.browser(email)
        except Exception as exc:
            self.find("login", email, "", str(exc))
            return
        missing_answer: dict[str, tuple[int, str]] = {}
        # The missing ids first: what "not found" looks like for each pattern.
        ordered = sorted(urls, key=lambda u: not u[4])
        last = (
            AccessLogEntry.objects.filter(user_id=user.pk)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )
        tried_405: set[str] = set()
        for name, url, kind, key, is_missing in ordered:
            if key and not is_missing:
                template = re.sub(re.escape(key), "<id>", url, count=1)
                if missing_answer.get(template, (0, ""))[0] == 405:
                    # POST only: GET answers 405 before any lookup. One id of each route
                    # is enough (it must be 405 as well, checked below).
                    if template in tried_405:
                        with self.lock:
                            self.skipped_405 += 1
                        continue
                    tried_405.add(template)
            headers = {"Accept": "application/json"} if url.startswith("/api/") else {}
            if name == "matching:meeting-live":
                headers["HX-Request"] = "true"
            try:
                r = self.get(b, url, headers=headers)
            except Exception as exc:
                self.find("k", email, url, f"no answer: {exc}")
                b = self.browser(email)
                continue
            if r.status == 202 and url.endswith(".pdf"):
                for _ in range(10):
                    time.sleep(float(r.headers.get("retry-after", "2")))
                    r = self.get(b, url)
                    if r.status != 202:
                        break
            if r.status >= 500:
                self.find("k", email, url, f"status {r.status}")
            if r.status in {302, 301} and "/accounts/login" in r.headers.get("location", ""):
                self.find("session", email, url, "signed out")
                b = self.browser(email)
            text = body_text(r)
            # (d) this answer's log rows, read before any request below (the missing id asked
            # again) writes rows of its own.
            rows = list(AccessLogEntry.objects.filter(user_id=user.pk, pk__gt=last).order_by("pk")
                        .values("pk", "event", "result", "object_id", "purpose", "client_reference"))  # fmt: skip
            if rows:
                last = rows[-1]["pk"]
            template = None
            if key:
                template = re.sub(re.escape(key), "<id>", url, count=1)
            if is_missing and template:
                missing_answer[template] = (r.status, normalised(text, url, key))
            elif template and template in missing_answer:
                region = self.region_of(kind, key)
                want_status, want_body = missing_answer[template]
                got = (r.status, normalised(text, url, key))
                if got != (want_status, want_body):
                    # The page around the answer may have changed since (a counter in the
                    # header): ask for the missing id again before calling it a difference.
                    again = template.replace("<id>", self.missing(kind), 1)
                    fresh = self.get(b, again, headers=headers)
                    want_status, want_body = fresh.status, normalised(body_text(fresh), again, "")
                    # Its refused row is the missing id's, not this URL's (it was read as
                    # "tells more than supplied" of the URL being checked); this URL's own
                    # rows were read before the second request.
                    last = (
                        AccessLogEntry.objects.filter(user_id=user.pk)
                        .order_by("-pk")
                        .values_list("pk", flat=True)
                        .first()
                        or last
                    )
                    missing_answer[template] = (want_status, want_body)
                if region is not None and region not in regions:
                    with self.lock:
                        self.checked_cross += 1
                    if got != (want_status, want_body):
                        self.find(
                            "b", email, url, f"other region: {r.status} vs missing {want_status}"
                        )
                elif r.status == 404 and got != (want_status, want_body):
                    self.find("b", email, url, "404 differs from the missing id's 404")
            # (a) names, care values, references out of scope; (e) municipality no names.
            # A value shared by several clients (the demo's names and texts repeat) is a
            # finding only when none of those clients is one the person may know.
            for value, cids in self.truth.name_owners.items():
                if not cids & named and value in text:
                    ref = self.truth.reference[min(cids)]
                    self.find("a/e", email, url, f"name of client {ref}")
            for value, cids in self.truth.care_owners.items():
                if not cids & own and value in text:
                    ref = self.truth.reference[min(cids)]
                    self.find("a", email, url, f"care value of client {ref}")
            found_refs = set(REFERENCE.findall(text))
            for ref in found_refs:
                cid = self.truth.by_reference.get(ref)
                if cid is not None and cid not in refs and ref not in url:
                    self.find("a", email, url, f"reference {ref} of another region")
            if municipality and re.search(r'"signed_by_name"\s*:\s*"[^"]+', text):
                self.find("e", email, url, "signed_by_name for the municipality")
            if self.withdrawn and MARKER in text and self._marked_client() not in own:
                self.find("f", email, url, "the marked profile is served (consent in force?)")
            # (c) no-store on every dynamic answer with data.
            if r.status == 200 and not url.startswith(STATIC):
                cache = r.headers.get("cache-control", "")
                if "no-store" not in cache or "private" not in cache:
                    self.find("c", email, url, f"Cache-Control: {cache!r}")
            # (d) log rows (read above).
            bearing = r.status == 200 and (
                any(ref in self.truth.by_reference for ref in found_refs)
                or any(v in text for cid, v in self.truth.names.items() if cid in named)
            )
            if bearing and url not in OWN_INBOX and url != "/":
                with self.lock:
                    self.checked_logged += 1
                events = [row["event"] for row in rows if row["result"] != AccessResult.REFUSED]
                if not events:
                    self.find("d", email, url, "client-bearing answer without a log row")
                elif len(events) != len(set(events)):
                    self.find("d", email, url, f"more than one row of a kind: {events}")
            for row in rows:
                if row["result"] != AccessResult.REFUSED:
                    continue
                supplied = url.split("?")[0]
                leak = [
                    v
                    for v in REFERENCE.findall(row["purpose"] + " " + row["object_id"])
                    if v not in supplied
                ]
                if leak or (row["object_id"] and row["object_id"] not in supplied):
                    self.find("d", email, url, f"refused row tells more than supplied: {row}")
                if re.search(r"\d{4}-W\d{2}", row["purpose"]) and not re.search(
                    r"\d{4}-W\d{2}", supplied
                ):
                    self.find("d", email, url, f"refused row names a week: {row}")
        b.close()

    def _marked_client(self) -> int | None:
        from cases.models import HousingProfile

        hp = HousingProfile.objects.filter(note_for_corporation=MARKER).first()
        return hp.client_id if hp else None

    # (f) consent withdrawn over HTTP, then every other party's reads.
    def consent(self, people: list[str]) -> None:
        from matching.board.models import Proposal

        cid = self._marked_client()
        if cid is None:
            self.find("f", "-", "", "no marked client (run setup)")
            return
        client = self.truth.clients[cid]
        proposals = list(Proposal.objects.filter(client_id=cid).values_list("pk", "meeting_id"))
        pages = [f"/tafel/voorstel/{pk}/" for pk, _ in proposals]
        pages += [f"/api/v1/proposals/{pk}/" for pk, _ in proposals]
        for _, m in proposals:
            pages += [f"/tafel/overleg/{m}/", f"/tafel/overleg/{m}/notulen/",
                      f"/api/v1/proposals/?meeting={m}", "/api/v1/proposals/"]  # fmt: skip
        consultant = "consulent@dekade.demo"
        pk_corp = Proposal.objects.filter(client_id=cid).values_list(
            "corporation__memberships__user__email", flat=True
        )
        seen_before = False
        for email in {*pk_corp, "voorzitter@gemeente.demo"} - {None}:
            b = self.browser(email)
            seen_before |= any(
                MARKER in self.get(b, p, headers={"Accept": "application/json"}).text for p in pages
            )
        if not seen_before:
            self.find(
                "f",
                consultant,
                "",
                "control: the marked profile was not served before the withdrawal",
            )
        coordinator = client.coordinator.email if client.coordinator else "coordinator@debrug.demo"
        b = self.browser(coordinator)
        url = f"/clienten/{client.reference}/toestemming/intrekken/"
        page = self.get(b, f"/clienten/{client.reference}/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        answer = b.post(url, {"csrfmiddlewaretoken": token.group(1) if token else ""})
        if answer.status not in (200, 302):
            self.find("f", coordinator, url, f"withdrawal answered {answer.status}")
        self.withdrawn = True
        for email in people:
            user = User.objects.get(email=email)
            if client.care_provider_id in set(
                Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
            ):
                continue
            try:
                b = self.browser(email)
            except Exception:  # noqa: S112 - a person who cannot sign in is reported by the walk
                continue
            for p in pages:
                r = self.get(b, p, headers={"Accept": "application/json"})
                if MARKER in body_text(r):
                    self.find("f", email, p, "profile served after the withdrawal")

    # (g) a password alone, then a reset link.
    def enrolment(self) -> None:
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = User.objects.get(email=ENROL_PROBE_EMAIL)
        csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

        def password_only(password: str, label: str) -> None:
            b = Browser("127.0.0.1", self.port)
            page = self.get(b, "/accounts/login/")
            t = csrf.search(page.text)
            b.post("/accounts/login/", {"csrfmiddlewaretoken": t.group(1) if t else "",
                                        "username": ENROL_PROBE_EMAIL, "password": password})  # fmt: skip
            mfa = self.get(b, "/accounts/2fa/", follow=True)
            if re.search(r"otpauth://|secret=|<svg[^>]*qr|data:image/png", mfa.text, re.I):
                self.find("g", ENROL_PROBE_EMAIL, "/accounts/2fa/", f"{label}: a secret is offered")
            for p in ("/clienten/", "/api/v1/clients/"):
                r = self.get(b, p)
                if r.status == 200:
                    self.find("g", ENROL_PROBE_EMAIL, p, f"{label}: client page reached")

        password_only(DEMO_PASSWORD, "password alone")
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        b = Browser("127.0.0.1", self.port)
        r = self.get(b, f"/accounts/reset/{uid}/{token}/", follow=True)
        t = csrf.search(r.text)
        new_password = "Nieuw-wachtwoord-2026!x"  # noqa: S105 - the probe's own account
        done = b.post(r.path, {"csrfmiddlewaretoken": t.group(1) if t else "",
                               "new_password1": new_password, "new_password2": new_password})  # fmt: skip
        if done.status != 302:
            self.find(
                "g", ENROL_PROBE_EMAIL, r.path, f"reset form answered {done.status} (not tested)"
            )
        password_only(new_password, "after a reset link")
        if TOTPDevice.objects.filter(user=user).exists():
            self.find("g", ENROL_PROBE_EMAIL, "", "a device exists for the never-enrolled account")
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])

    # (h) self-grant by page and API.
    def self_grant(self) -> None:
        admins = Membership.objects.filter(role=Role.ORG_ADMIN, is_active=True).select_related(
            "user", "organisation"
        )
        for m in admins:
            user, org = m.user, m.organisation
            if org.kind == OrganisationKind.MUNICIPALITY:
                role = Role.BOARD_CHAIR
            elif org.kind == OrganisationKind.CARE_PROVIDER:
                role = Role.CARE_COORDINATOR
            else:
                role = Role.HOUSING_CONSULTANT
            if Membership.objects.filter(user=user, organisation=org, role=role).exists():
                continue
            b = self.browser(user.email)
            before = set(
                Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
            )
            b.request("GET", "/")  # csrftoken cookie
            body = json.dumps(
                {
                    "organisation": org.pk,
                    "email": user.email,
                    "full_name": user.full_name,
                    "role": role,
                }
            )
            conn = b._connection()
            conn.request("POST", "/api/v1/members/", body=body.encode(), headers={
                "Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Content-Type": "application/json",
                "X-CSRFToken": b.cookies.get("csrftoken", ""), "Referer": "https://127.0.0.1/api/v1/members/",
                "Cookie": "; ".join(f"{k}={v}" for k, v in b.cookies.items())})  # fmt: skip
            raw = conn.getresponse()
            api_body = raw.read().decode("utf-8", "replace")
            invite = f"/organisaties/{org.pk}/leden/uitnodigen/"
            page = self.get(b, invite)
            t = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            form = b.post(invite, {"csrfmiddlewaretoken": t.group(1) if t else "",
                                   "full_name": user.full_name, "email": user.email, "role": role})  # fmt: skip
            after = set(
                Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True)
            )
            if role in after - before:
                self.find(
                    "h",
                    user.email,
                    "/api/v1/members/",
                    f"self-grant of {role}: api {raw.status} {api_body[:120]}, page {form.status}",
                )
            clients = self.get(b, "/api/v1/clients/", headers={"Accept": "application/json"})
            if clients.status == 200 and REFERENCE.search(clients.text):
                self.find("h", user.email, "/api/v1/clients/", "client list after a self-grant")
            print(f"  h: {user.email} api {raw.status} page {form.status}; roles {sorted(after)}")

    # (i) tokens.
    def tokens(self) -> None:
        from django.conf import settings

        from accounts.tokens import api_token_create

        user = User.objects.get(email="coordinator@debrug.demo")
        cases = []
        token, key = api_token_create(actor=user, user=user, name="probe-expired")
        ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=31),
                                                     expires_at=timezone.now() - timedelta(days=1))  # fmt: skip
        cases.append(("expired", key))
        token, key = api_token_create(actor=user, user=user, name="probe-idle")
        idle = timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
        ApiToken.objects.filter(pk=token.pk).update(
            created_at=timezone.now() - idle, last_used_at=timezone.now() - idle
        )
        cases.append(("idle", key))
        token, key = api_token_create(actor=user, user=user, name="probe-fresh")
        cases.append(("fresh", key))
        for label, key in cases:
            b = Browser("127.0.0.1", self.port)
            r = self.get(b, "/api/v1/clients/", headers={"Authorization": f"Token {key}"})
            want = 200 if label == "fresh" else 401
            print(f"  i: {label} token -> {r.status}")
            if r.status != want:
                self.find("i", user.email, "/api/v1/clients/", f"{label} token answered {r.status}")

    # (j) small numbers.
    def small_numbers(self, people: list[str]) -> None:
        codes = [k for k, _r, _o in self.truth.objects["neighbourhood"]]
        for email in people:
            user = User.objects.get(email=email)
            if Membership.objects.filter(user=user, role=Role.ANALYST).exists():
                continue
            b = self.browser(email)
            for path in [
                "/kaart/buurten.geojson",
                *[f"/api/v1/neighbourhoods/{c}/" for c in codes[:45]],
            ]:
                r = self.get(b, path, headers={"Accept": "application/json"})
                if r.status != 200:
                    continue
                for m in re.finditer(
                    r'"(placements_12m|[a-z_]*signals?[a-z_]*)"\s*:\s*([1-4])\b', r.text
                ):
                    self.find("j", email, path, f"{m.group(1)} = {m.group(2)}")
                    break

    # (l) the application's database role.
    def db_role(self) -> None:
        url = os.environ.get("PROBE_APP_DATABASE_URL")
        if not url:
            self.find("l", "-", "", "PROBE_APP_DATABASE_URL not set (not tested)")
            return
        for sql in ("UPDATE accounts_accesslogentry SET purpose = 'x'",
                    "DELETE FROM accounts_accesslogentry",
                    "TRUNCATE accounts_accesslogentry",
                    "ALTER TABLE accounts_accesslogentry DISABLE TRIGGER ALL"):  # fmt: skip
            done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-c", f"BEGIN; {sql}; ROLLBACK;"],
                                  capture_output=True, text=True)  # fmt: skip
            ok = done.returncode != 0 and (
                "permission denied" in done.stderr or "must be owner" in done.stderr
            )
            print(
                f"  l: {sql.split()[0]} -> {'refused' if ok else 'ALLOWED'} ({done.stderr.strip()[:80]})"
            )
            if not ok:
                self.find(
                    "l", "app role", "", f"{sql}: {done.stdout.strip()} {done.stderr.strip()}"
                )


def run(port: int, per_org: int, workers: int, only: str | None, skip_walk: bool) -> int:
    probe = Probe(port, per_org)
    people = sorted(
        User.objects.filter(is_active=True, is_staff=False, memberships__is_active=True)
        .exclude(email=ENROL_PROBE_EMAIL)
        .values_list("email", flat=True)
        .distinct()
    )
    if only:
        people = [p for p in people if only in p]
    urls = probe.urls()
    started = time.perf_counter()
    print(f"{len(people)} people x {len(urls)} URLs ({len({u[0] for u in urls})} routes)")
    out = os.environ.get("PROBE_OUT", "/tmp/privacy_probe.json")  # noqa: S108
    if not skip_walk:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda e: probe.walk_as(e, urls), people))
        print(f"walk: {probe.requests} requests in {time.perf_counter() - started:.0f} s; "
              f"statuses {dict(probe.statuses)}; {probe.skipped_405} repeated ids of POST-only "
              "routes skipped")  # fmt: skip
        print(f"  {probe.checked_logged} client-bearing answers checked for log rows, "
              f"{probe.checked_cross} other-region ids")  # fmt: skip
        Path(out).write_text(json.dumps(probe.findings, indent=1, default=str))
    print("h: self-grants")
    probe.self_grant()
    print("i: tokens")
    probe.tokens()
    print("j: small numbers")
    probe.small_numbers(people)
    print("g: enrolment")
    probe.enrolment()
    print("l: database role")
    probe.db_role()
    print("f: consent")
    probe.consent(people)
    print(f"total: {probe.requests} requests in {time.perf_counter() - started:.0f} s")
    Path(out).write_text(json.dumps(probe.findings, indent=1, default=str))
    by = Counter(f["probe"] for f in probe.findings)
    print(f"{len(probe.findings)} findings {dict(by)} (written to {out})")
    seen = set()
    for f in probe.findings:
        key = (f["probe"], re.sub(r"\d+", "N", f["url"]), str(f["detail"])[:50])
        if key not in seen:
            seen.add(key)
            print(f"  [{f['probe']}] {f['who']} {f['url']}: {f['detail']}")
    return 1 if probe.findings else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("setup")
    r = sub.add_parser("run")
    r.add_argument("--port", type=int, default=8213)
    r.add_argument("--per-org", type=int, default=2, help="objects per owning organisation")
    r.add_argument("--workers", type=int, default=3)
    r.add_argument("--only", help="only people whose e-mail contains this")
    r.add_argument("--skip-walk", action="store_true", help="only probes f to l")
    args = parser.parse_args()
    if args.cmd == "setup":
        setup()
        return 0
    return run(args.port, args.per_org, args.workers, args.only, args.skip_walk)


if __name__ == "__main__":
    sys.exit(main())
