"""Role × URL × method for the simulation: outsider 404, wrong role 403, allowed role OK.

The first test fails when a simulation URL (page or API) is missing from the matrix. The
scenario in the matrix is shared with the board (so corporations and care providers see it);
`test_isolation.py` covers the scenarios that are not shared.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.url_walk import walk

ROLES = [
    "chair",
    "analyst",
    "coordinator",
    "other_coordinator",
    "consultant_a",
    "consultant_b",
    "org_admin",
    "outsider",
    "other_chair",
]
MEMBERS = {"chair", "analyst", "coordinator", "other_coordinator", "consultant_a", "consultant_b"}
MUNICIPALITY = {"chair", "analyst"}


def expect(ok: int, *, allowed: set[str], forbidden: int = 403) -> dict[str, int]:
    """`ok` for allowed roles, 403 for other board members, 404 for everyone else."""
    return {r: ok if r in allowed else (forbidden if r in MEMBERS else 404) for r in ROLES}


SEE = expect(200, allowed=MEMBERS)

# name: (method, url builder(ctx), expected status per role)
MATRIX = {
    # The menu entry redirects to the single board; without a board it lists none (200).
    "simulation:index": (
        "get", lambda c: reverse("simulation:index"),
        {**expect(302, allowed=MEMBERS), "org_admin": 403, "outsider": 200, "other_chair": 200},
    ),
    "simulation:scenario-list": ("get", lambda c: reverse("simulation:scenario-list", args=[c["board"].pk]), SEE),
    "simulation:scenario-create": (
        "get", lambda c: reverse("simulation:scenario-create", args=[c["board"].pk]), expect(200, allowed=MUNICIPALITY),
    ),
    "simulation:compare": (
        "get", lambda c: reverse("simulation:compare", args=[c["board"].pk]) + f"?s={c['a'].pk}&s={c['b'].pk}", SEE,
    ),
    "simulation:compare-export": (
        "get", lambda c: reverse("simulation:compare-export", args=[c["board"].pk]) + f"?s={c['a'].pk}&s={c['b'].pk}", SEE,
    ),
    "simulation:scenario-detail": ("get", lambda c: reverse("simulation:scenario-detail", args=[c["a"].pk]), SEE),
    "simulation:scenario-update": (
        "get", lambda c: reverse("simulation:scenario-update", args=[c["a"].pk]), expect(200, allowed=MUNICIPALITY),
    ),
    "simulation:scenario-delete": (
        "post", lambda c: reverse("simulation:scenario-delete", args=[c["a"].pk]), expect(302, allowed=MUNICIPALITY),
    ),
    "simulation:run-start": (
        "post", lambda c: reverse("simulation:run-start", args=[c["a"].pk]), expect(302, allowed=MUNICIPALITY),
    ),
    "simulation:run-cancel": (
        "post", lambda c: reverse("simulation:run-cancel", args=[c["a"].pk]), expect(302, allowed=MUNICIPALITY),
    ),
    "simulation:run-progress": ("get", lambda c: reverse("simulation:run-progress", args=[c["a"].pk]), SEE),
    "simulation:scenario-share": (
        "post", lambda c: reverse("simulation:scenario-share", args=[c["a"].pk]), expect(302, allowed={"chair"}),
    ),
    "simulation:scenario-export": ("get", lambda c: reverse("simulation:scenario-export", args=[c["a"].pk]), SEE),
    "simulation-scenario-list": (
        "get", lambda c: "/api/v1/simulation/scenarios/",
        {**expect(200, allowed=MEMBERS), "org_admin": 403, "outsider": 200, "other_chair": 200},
    ),
    "simulation-scenario-detail": ("get", lambda c: f"/api/v1/simulation/scenarios/{c['a'].pk}/", SEE),
}  # fmt: skip

# The create form also answers a POST (an empty one is re-shown with errors: 200).
POSTS = {
    "simulation:scenario-create": (
        "post",
        lambda c: reverse("simulation:scenario-create", args=[c["board"].pk]),
        expect(200, allowed=MUNICIPALITY),
    ),
    "simulation:scenario-update": (
        "post",
        lambda c: reverse("simulation:scenario-update", args=[c["a"].pk]),
        expect(200, allowed=MUNICIPALITY),
    ),
}


def _simulation_routes() -> set[str]:
    names = set()
    for route in walk():
        view = (
            getattr(route.callback, "view_class", None)
            or getattr(route.callback, "cls", None)
            or route.callback
        )
        if getattr(view, "__module__", "").startswith("matching.simulation") and route.name:
            names.add(route.name)
    return names


def test_every_simulation_url_is_in_the_matrix():
    missing = _simulation_routes() - set(MATRIX)
    assert not missing, f"add these URLs to the permission matrix: {sorted(missing)}"


@pytest.fixture
def shared_pair(make_scenario):
    return (
        make_scenario(shared=True, horizon_weeks=3),
        make_scenario(name="Met portiekregel", shared=True, stairwell_rule=True, horizon_weeks=3),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method"),
    sorted([(n, m[0]) for n, m in MATRIX.items()] + [(n, m[0]) for n, m in POSTS.items()]),
)
def test_role_url_method(name, method, role, sim_world, shared_pair, login):
    _method, url, expected = (POSTS if method == "post" and name in POSTS else MATRIX)[name]
    a, b = shared_pair
    response = getattr(login(sim_world.user(role)), method)(
        url({"board": sim_world.board, "a": a, "b": b})
    )
    assert response.status_code == expected[role], response.content[:300]
