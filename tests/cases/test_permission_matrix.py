"""Role × URL × method for cases: outsider 404, wrong role 403, member OK.

Corporations, the municipality and org admins without the coordinator role get 404 on
every client URL (page and API). The first test fails when a cases URL is missing here.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind, Role
from tests.accounts.factories import member
from tests.url_walk import walk

from .factories import give_consent, make_client

PERSONAS = [
    "coordinator",
    "colleague",
    "outsider",
    "consultant",
    "chair",
    "analyst",
    "org_admin",
    "anonymous",
]
OWN = {"coordinator", "colleague"}


def expect(
    coordinator: int, colleague: int | None = None, outsider: int = 404, anonymous: int = 302
) -> dict[str, int]:
    """Expected status per persona; everyone without the coordinator role: 404."""
    result = dict.fromkeys(PERSONAS, 404)
    result.update(
        coordinator=coordinator, colleague=coordinator if colleague is None else colleague
    )
    result.update(outsider=outsider, anonymous=anonymous)
    return result


def web(name: str, **kw):
    return lambda c: reverse(f"cases:{name}", kwargs={"reference": c["client"].reference, **kw})


def api(suffix: str = ""):
    return lambda c: f"/api/v1/clients/{c['client'].reference}/{suffix}"


TODAY = timezone.localdate


def consent_body() -> dict[str, str]:
    return {
        "legal_basis": "explicit_consent",
        "text_version": "woonbrug-toestemming-2026.1",
        "given_on": TODAY().isoformat(),
        "valid_until": (TODAY() + datetime.timedelta(days=100)).isoformat(),
        "confirmed": "on",
    }


EDIT_FORM = {"adults": "1", "children": "0", "full_name": "Nieuwe Naam"}

# (name, method) -> (url(ctx), body, expected per persona)
MATRIX = {
    ("cases:client-list", "get"): (
        lambda c: reverse("cases:client-list"),
        None,
        expect(200, outsider=200),
    ),
    ("cases:client-create", "get"): (
        lambda c: reverse("cases:client-create"),
        None,
        expect(200, outsider=200),
    ),
    ("cases:client-create", "post"): (
        lambda c: reverse("cases:client-create"),
        EDIT_FORM,
        expect(302, outsider=302),
    ),
    ("cases:client-detail", "get"): (web("client-detail"), None, expect(200)),
    ("cases:client-edit", "get"): (web("client-edit"), None, expect(200, 403)),
    ("cases:client-edit", "post"): (web("client-edit"), EDIT_FORM, expect(302, 403)),
    ("cases:client-preview", "get"): (web("client-preview"), None, expect(200)),
    ("cases:client-transition", "post"): (
        web("client-transition", action="pause"),
        {"reason": "opname"},
        expect(302, 403),
    ),
    ("cases:consent-record", "get"): (web("consent-record"), None, expect(200, 403)),
    ("cases:consent-record", "post"): (web("consent-record"), consent_body, expect(302, 403)),
    ("cases:consent-withdraw", "post"): (web("consent-withdraw"), {}, expect(302)),
    ("cases:note-add", "post"): (web("note-add"), {"body": "Gebeld."}, expect(302)),
    ("cases:client-reassign", "post"): (web("client-reassign"), lambda: {}, expect(302, 403)),
    ("cases:client-access-overview", "get"): (web("client-access-overview"), None, expect(200)),
    ("cases:client-access-overview-pdf", "get"): (
        web("client-access-overview-pdf"),
        None,
        expect(200),
    ),
    ("cases:client-data-export", "get"): (web("client-data-export"), None, expect(200)),
    ("cases:client-data-export-pdf", "get"): (web("client-data-export-pdf"), None, expect(200)),
    ("cases:client-data-export-json", "get"): (
        web("client-data-export-json"),
        None,
        expect(200),
    ),
    # Erasure: the privacy officer only (coordinators of the provider are refused).
    ("cases:client-erase", "get"): (web("client-erase"), None, expect(403)),
    ("cases:client-erase", "post"): (web("client-erase"), {"confirm": "on"}, expect(403)),
    # Class level (pick a client by pseudonym): any coordinator; other roles are refused.
    ("cases:privacy-requests", "get"): (
        lambda c: reverse("cases:privacy-requests"),
        None,
        {**expect(200, outsider=200), "consultant": 403, "chair": 403, "analyst": 403}
        | {"org_admin": 403},
    ),
    ("cases-client-list", "get"): (
        lambda c: "/api/v1/clients/",
        None,
        expect(200, outsider=200, anonymous=403),
    ),
    ("cases-client-list", "post"): (
        lambda c: "/api/v1/clients/",
        {"adults": 1},
        expect(201, outsider=201, anonymous=403),
    ),
    ("cases-client-detail", "get"): (api(), None, expect(200, anonymous=403)),
    ("cases-client-detail", "patch"): (api(), {"children": 1}, expect(200, 403, anonymous=403)),
    ("cases-client-consents", "get"): (api("consents/"), None, expect(200, anonymous=403)),
    ("cases-client-record-consent", "post"): (
        api("consent/"),
        consent_body,
        expect(201, 403, anonymous=403),
    ),
    ("cases-client-withdraw-consent", "post"): (
        api("consent/withdraw/"),
        {},
        expect(200, anonymous=403),
    ),
    ("cases-client-shared-preview", "get"): (
        api("shared-preview/"),
        None,
        expect(200, anonymous=403),
    ),
    ("cases-client-transition", "post"): (
        api("transition/"),
        {"action": "pause", "reason": "x"},
        expect(200, 403, anonymous=403),
    ),
}


def _cases_routes() -> set[str]:
    return {
        r.name for r in walk() if r.name.startswith("cases:") or r.name.startswith("cases-client-")
    }


def test_every_cases_url_is_in_the_matrix():
    missing = _cases_routes() - {name for name, _method in MATRIX}
    assert not missing, f"add these URLs to the cases permission matrix: {sorted(missing)}"


@pytest.fixture
def people(provider, other_provider, coordinator, colleague, outsider, make_org):
    corporation = make_org(OrganisationKind.HOUSING_CORPORATION)
    municipality = make_org(OrganisationKind.MUNICIPALITY)
    return {
        "coordinator": coordinator,
        "colleague": colleague,
        "outsider": outsider,
        "consultant": member(Role.HOUSING_CONSULTANT, corporation),
        "chair": member(Role.BOARD_CHAIR, municipality),
        "analyst": member(Role.ANALYST, municipality),
        "org_admin": member(Role.ORG_ADMIN, provider),
        "anonymous": None,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_role_url_method(name, method, persona, people, login, geo, client):
    coordinator = people["coordinator"]
    case = make_client(coordinator, municipality=geo.municipality)
    give_consent(coordinator, case)
    url, body, expected = MATRIX[(name, method)]
    user = people[persona]
    browser = login(user) if user is not None else client
    if callable(body):
        body = body()
    if name == "cases:client-reassign":
        body = {"coordinator": people["colleague"].pk}
    kwargs = {}
    if name.startswith("cases-client") and body is not None:
        kwargs["content_type"] = "application/json"
    response = (
        getattr(browser, method)(url({"client": case}), body or {}, **kwargs)
        if method != "get"
        else browser.get(url({"client": case}))
    )
    assert response.status_code == expected[persona], getattr(response, "content", b"")[:300]
