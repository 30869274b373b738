"""Role x URL x method for the monitor (pages, exports, the PDF and the API): the region's
municipality, its corporations and care providers read aggregates; only the municipality
sets quotas; a coordinator has no quota page; an org admin without a party role nothing.
The first test fails when a monitor URL is missing from the matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLogEntry
from tests.conftest import sign_in
from tests.url_walk import walk

PERSONAS = [
    "coordinator",
    "consultant",
    "chair",
    "analyst",
    "other_coordinator",
    "other_consultant",
    "elsewhere_chair",
    "org_admin",
    "anonymous",
]


def row(default: int, **overrides: int) -> dict[str, int]:
    result = dict.fromkeys(PERSONAS, default)
    result["anonymous"] = 302
    result.update(overrides)
    return result


READERS = row(200, org_admin=403)
QUOTA_READERS = row(200, org_admin=403, coordinator=403, other_coordinator=403)
# A POST with no fields: the municipality gets the form back with field messages (200).
QUOTA_SETTERS = row(403, chair=200, analyst=200, elsewhere_chair=200)
API = {**READERS, "anonymous": 403}
API_QUOTAS = {**QUOTA_READERS, "anonymous": 403}

# url name -> [(method, kwargs, expected per persona)]
MATRIX: dict[str, list[tuple[str, dict[str, Any], dict[str, int]]]] = {
    "monitor:flow": [("get", {}, READERS)],
    "monitor:where": [("get", {}, READERS)],
    "monitor:board": [("get", {}, READERS)],
    "monitor:quotas": [("get", {}, QUOTA_READERS), ("post", {}, QUOTA_SETTERS)],
    "monitor:report": [("get", {}, READERS)],
    "monitor:export": [
        ("get", {"page": "flow", "fmt": "xlsx"}, READERS),
        ("get", {"page": "where", "fmt": "csv"}, READERS),
        ("get", {"page": "board", "fmt": "xlsx"}, READERS),
        ("get", {"page": "quotas", "fmt": "csv"}, QUOTA_READERS),
    ],
    "monitor-flow": [("get", {}, API)],
    "monitor-neighbourhoods": [("get", {}, API)],
    "monitor-board": [("get", {}, API)],
    "monitor-quotas": [("get", {}, API_QUOTAS)],
}


def _monitor_routes() -> set[str]:
    names = set()
    for route in walk():
        view = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
        module = getattr(view, "__module__", "") or getattr(route.callback, "__module__", "")
        if module.startswith("matching.monitor") and route.name:
            names.add(route.name)
    return names


def test_every_monitor_url_is_in_the_matrix():
    missing = _monitor_routes() - set(MATRIX)
    assert not missing, f"add these URLs to the monitor matrix: {sorted(missing)}"


CASES = [
    (name, i, persona)
    for name, entries in MATRIX.items()
    for i in range(len(entries))
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "index", "persona"), CASES)
def test_matrix(world, name, index, persona):
    method, kwargs, expected = MATRIX[name][index]
    client = Client() if persona == "anonymous" else sign_in(Client(), getattr(world, persona))
    url = reverse(name, kwargs=kwargs)
    response = client.post(url, {}) if method == "post" else client.get(url)
    assert response.status_code == expected[persona], (name, persona, response.status_code)


def test_an_unknown_export_is_a_404(world):
    client = sign_in(Client(), world.chair)
    assert client.get("/monitor/flow/export.pdf").status_code == 404
    assert client.get("/monitor/clients/export.csv").status_code == 404


def test_no_monitor_page_names_a_person_or_a_client_reference(world, history):
    placements = history(5, months_ago=1)
    references = [p.client_reference for p in placements]
    for persona in ("chair", "analyst", "consultant", "coordinator"):
        client = sign_in(Client(), getattr(world, persona))
        for url in ("/monitor/", "/monitor/buurten/", "/monitor/tafel/", "/api/v1/monitor/flow/"):
            body = client.get(url).content.decode()
            assert not any(ref in body for ref in references), (persona, url)
        csv = client.get("/monitor/flow/export.csv").content.decode("utf-8-sig")
        assert not any(ref in csv for ref in references)


def test_every_monitor_read_is_logged_as_a_search_of_aggregates(world):
    client = sign_in(Client(), world.chair)
    before = AccessLogEntry.objects.filter(event="monitor.flow.listed").count()
    client.get("/monitor/")
    rows = AccessLogEntry.objects.filter(event="monitor.flow.listed")
    assert rows.count() == before + 1
    assert rows.latest("pk").action == "search"
    client.get("/monitor/flow/export.xlsx")
    assert AccessLogEntry.objects.filter(event="monitor.flow.exported", action="export").exists()


def test_the_other_regions_chair_reads_only_their_own_region(world, history):
    history(6, months_ago=1)
    client = sign_in(Client(), world.elsewhere_chair)
    data = client.get("/api/v1/monitor/flow/").json()
    assert data["region"] != world.region.name
    assert all(all(c in (0, None) for c in r["cells"]) for r in data["tables"][0]["rows"])


def test_the_monitor_is_in_the_menu_of_everyone_who_may_read_it(world):
    """The municipality, the region's corporations and care providers read the monitor's
    aggregates, so it is in their menu; an org admin without a party role has no monitor."""
    link = f'href="{reverse("monitor:flow")}"'
    for persona in ("chair", "analyst", "consultant", "coordinator"):
        home = sign_in(Client(), getattr(world, persona)).get("/").content.decode()
        assert link in home, persona
    assert link not in sign_in(Client(), world.org_admin).get("/").content.decode()
