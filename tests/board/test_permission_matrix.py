"""Role × URL × method for the board: outsider 404, wrong role 403, member OK.

The first test fails when a matching URL (page or API) is missing from the matrix.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from matching.board.models import Proposal
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
]
MEMBERS = {"chair", "analyst", "coordinator", "other_coordinator", "consultant_a", "consultant_b"}


def expect(ok: int, *, allowed: set[str], forbidden: int = 403) -> dict[str, int]:
    """`ok` for allowed roles, 403 for other board members, 404 for non-members."""
    return {r: ok if r in allowed else (forbidden if r in MEMBERS else 404) for r in ROLES}


VIEW = expect(200, allowed=MEMBERS)
CHAIR = {"chair"}
MUNICIPALITY = {"chair", "analyst"}

# name: (method, url builder(ctx), expected status per role)
MATRIX = {
    # The list page redirects to the single board; non-members have no role for it (403).
    "matching:board-list": (
        "get",
        lambda c: reverse("matching:board-list"),
        {**expect(302, allowed=MEMBERS), "org_admin": 403, "outsider": 200},
    ),
    "matching:board-detail": ("get", lambda c: reverse("matching:board-detail", args=[c["board"].pk]), VIEW),
    "matching:meeting-detail": ("get", lambda c: reverse("matching:meeting-detail", args=[c["meeting"].pk]), VIEW),
    "matching:meeting-live": ("get", lambda c: reverse("matching:meeting-live", args=[c["meeting"].pk]), VIEW),
    "matching:meeting-generate": (
        "post", lambda c: reverse("matching:meeting-generate", args=[c["meeting"].pk]), expect(302, allowed=CHAIR),
    ),
    "matching:meeting-close": (
        "post", lambda c: reverse("matching:meeting-close", args=[c["meeting"].pk]), expect(302, allowed=CHAIR),
    ),
    "matching:meeting-override": (
        "post", lambda c: reverse("matching:meeting-override", args=[c["meeting"].pk]), expect(302, allowed=CHAIR),
    ),
    "matching:minutes": ("get", lambda c: reverse("matching:minutes", args=[c["meeting"].pk]), VIEW),
    "matching:minutes-pdf": ("get", lambda c: reverse("matching:minutes-pdf", args=[c["meeting"].pk]), VIEW),
    "matching:proposal-detail": ("get", lambda c: reverse("matching:proposal-detail", args=[c["p"].pk]), VIEW),
    "matching:proposal-decide": (
        "post", lambda c: reverse("matching:proposal-decide", args=[c["p"].pk]), expect(302, allowed={"consultant_a"}),
    ),
    "matching:proposal-respond": (
        "post", lambda c: reverse("matching:proposal-respond", args=[c["p"].pk]), expect(302, allowed={"coordinator"}),
    ),
    "matching:proposal-confirm": (
        "post", lambda c: reverse("matching:proposal-confirm", args=[c["p"].pk]), expect(302, allowed=MUNICIPALITY),
    ),
    "matching:proposal-reject-override": (
        "post", lambda c: reverse("matching:proposal-reject-override", args=[c["p"].pk]), expect(302, allowed=MUNICIPALITY),
    ),
    "matching-proposal-reject-override": (
        "post", lambda c: f"/api/v1/proposals/{c['p'].pk}/reject-override/", expect(400, allowed=MUNICIPALITY),
    ),
    "matching-board-list": ("get", lambda c: "/api/v1/boards/", {**expect(200, allowed=MEMBERS), "org_admin": 403, "outsider": 200}),
    "matching-board-detail": ("get", lambda c: f"/api/v1/boards/{c['board'].pk}/", VIEW),
    "matching-meeting-list": ("get", lambda c: "/api/v1/meetings/", {**expect(200, allowed=MEMBERS), "org_admin": 403, "outsider": 200}),
    "matching-meeting-detail": ("get", lambda c: f"/api/v1/meetings/{c['meeting'].pk}/", VIEW),
    "matching-meeting-generate": (
        "post", lambda c: f"/api/v1/meetings/{c['meeting'].pk}/generate/", expect(200, allowed=CHAIR),
    ),
    "matching-proposal-list": ("get", lambda c: "/api/v1/proposals/", {**expect(200, allowed=MEMBERS), "org_admin": 403, "outsider": 200}),
    "matching-proposal-detail": ("get", lambda c: f"/api/v1/proposals/{c['p'].pk}/", VIEW),
    "matching-proposal-decide": (
        "post", lambda c: f"/api/v1/proposals/{c['p'].pk}/decide/", expect(400, allowed={"consultant_a"}),
    ),
    "matching-proposal-respond": (
        "post", lambda c: f"/api/v1/proposals/{c['p'].pk}/respond/", expect(400, allowed={"coordinator"}),
    ),
    "matching-proposal-confirm": (
        "post", lambda c: f"/api/v1/proposals/{c['p'].pk}/confirm/", expect(409, allowed=MUNICIPALITY),
    ),
}  # fmt: skip


def _matching_routes() -> set[str]:
    names = set()
    for route in walk():
        view = (
            getattr(route.callback, "view_class", None)
            or getattr(route.callback, "cls", None)
            or route.callback
        )
        module = getattr(view, "__module__", "")
        # The siblings have their own matrices (tests/simulation, tests/placements).
        if module.startswith("matching.board.") and route.name:
            names.add(route.name)
    return names


def test_every_matching_url_is_in_the_matrix():
    missing = _matching_routes() - set(MATRIX)
    assert not missing, f"add these URLs to the permission matrix: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_url_method(name, role, proposed, login):
    p = Proposal.objects.get(meeting=proposed.meeting, corporation=proposed.corp_a)
    method, url, expected = MATRIX[name]
    response = getattr(login(proposed.user(role)), method)(
        url({"board": proposed.board, "meeting": proposed.meeting, "p": p})
    )
    assert response.status_code == expected[role], response.content[:300]
