"""Role × URL × method for placements (pages and API): outsider 404, wrong role 403, member OK.

Outsiders are another care provider's coordinator, another corporation's consultant, the
municipality of another region, and an org admin without a party role: for every object
URL they get 404. The first test fails when a placements URL is missing from the matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.placements import services
from matching.placements.models import AgreementKind
from tests.url_walk import walk

from .conftest import World, backdate
from .test_transitions import GOOD, evaluated

PERSONAS = [
    "coordinator",
    "colleague",
    "consultant",
    "chair",
    "analyst",
    "other_coordinator",
    "other_consultant",
    "elsewhere_chair",
    "org_admin",
    "anonymous",
]
COORDINATORS = ("coordinator", "colleague")
MUNICIPALITY = ("chair", "analyst")
OUTSIDERS = ("other_coordinator", "other_consultant", "elsewhere_chair", "org_admin")


def expect(
    *,
    coordinator: int,
    consultant: int | None = None,
    municipality: int = 403,
    outsider: int = 404,
    anonymous: int = 302,
    **overrides: int,
) -> dict[str, int]:
    result = dict.fromkeys(OUTSIDERS, outsider)
    result.update(dict.fromkeys(COORDINATORS, coordinator))
    result["consultant"] = coordinator if consultant is None else consultant
    result.update(dict.fromkeys(MUNICIPALITY, municipality))
    result["anonymous"] = anonymous
    result.update(overrides)
    return result


LIST_PAGE = expect(coordinator=200, municipality=200, outsider=200, org_admin=403)
API = {"anonymous": 403}


# --- States the rows start from ------------------------------------------------------------


def running_flip(world: World, judgement: str) -> Any:
    agreement = backdate(world.signed(), days=366)
    return {"agreement": agreement, "evaluation": evaluated(world, agreement, judgement=judgement)}


def tripartite_positive(world: World) -> Any:
    agreement = backdate(world.signed(kind=AgreementKind.TRIPARTITE), days=731)
    return {"agreement": agreement, "evaluation": evaluated(world, agreement)}


def recorded(world: World) -> Any:
    agreement = world.signed()
    evaluation = agreement.evaluations.get()
    services.evaluation_record(
        actor=world.consultant,
        evaluation=evaluation,
        data={**GOOD, "held_on": timezone.localdate()},
    )
    return {"agreement": agreement, "evaluation": evaluation}


def triangle_stopped(world: World) -> Any:
    agreement = world.signed(kind=AgreementKind.TRIANGLE)
    services.triangle_care_stop(actor=world.coordinator, agreement=agreement, reason="gestopt")
    return {"agreement": agreement}


SETUPS: dict[str, Callable[[World], dict[str, Any]]] = {
    "none": lambda w: {},
    "proposal": lambda w: {"proposal": w.proposal()},
    "draft": lambda w: {"agreement": w.draft()},
    "issued": lambda w: {"agreement": w.issued()},
    "signed": lambda w: {"agreement": w.signed()},
    "evaluation": lambda w: {"evaluation": w.signed().evaluations.get()},
    "recorded": recorded,
    "doubtful": lambda w: running_flip(w, "doubtful"),
    "positive": lambda w: running_flip(w, "positive"),
    "tripartite_positive": tripartite_positive,
    "triangle": lambda w: {"agreement": w.signed(kind=AgreementKind.TRIANGLE)},
    "triangle_stopped": triangle_stopped,
}


def page(name: str, key: str = "", **kw: Any) -> Callable[[dict[str, Any]], str]:
    def url(c: dict[str, Any]) -> str:
        if kw:
            return reverse(f"placements:{name}", kwargs={"pk": c["agreement"].pk, **kw})
        if key == "agreement_placement":
            return reverse(f"placements:{name}", args=[c["agreement"].placement_id])
        return reverse(f"placements:{name}", args=[c[key].pk] if key else [])

    return url


def api(path: str, key: str = "", suffix: str = "") -> Callable[[dict[str, Any]], str]:
    def url(c: dict[str, Any]) -> str:
        if key == "agreement_placement":
            return f"/api/v1/{path}/{c['agreement'].placement_id}/{suffix}"
        return f"/api/v1/{path}/" + (f"{c[key].pk}/{suffix}" if key else "")

    return url


TODAY = timezone.localdate
WELCOME = {"held_on": TODAY, "participants": "Linda en Joost", "notes": ""}
EVALUATION_FORM = {
    "held_on": TODAY,
    "living_independently": "yes",
    "rent_paid": "on_time",
    "nuisance_reports": "0",
    "care_continuing": "yes",
    "social_network": "sufficient",
    "judgement": "positive",
}
EVALUATION_JSON = {**GOOD, "held_on": TODAY}

# (name, method) -> (setup, url(ctx), body, expected per persona)
MATRIX: dict[tuple[str, str], tuple[str, Callable[..., str], Any, dict[str, int]]] = {
    # --- pages
    ("placements:agreement-list", "get"): ("none", page("agreement-list"), None, LIST_PAGE),
    ("placements:overview", "get"): (
        "none",
        page("overview"),
        None,
        expect(coordinator=403, municipality=200, outsider=403, elsewhere_chair=200),
    ),
    ("placements:proposal-list", "get"): (
        "none",
        page("proposal-list"),
        None,
        expect(coordinator=200, outsider=403, other_coordinator=200, other_consultant=200),
    ),
    ("placements:placement-create", "get"): (
        "proposal",
        page("placement-create", "proposal"),
        None,
        expect(coordinator=200, outsider=404, elsewhere_chair=403, org_admin=403),
    ),
    ("placements:placement-create", "post"): (
        "proposal",
        page("placement-create", "proposal"),
        {"kind": "flip_lease"},
        expect(coordinator=302, outsider=404, elsewhere_chair=403, org_admin=403),
    ),
    ("placements:placement-detail", "get"): (
        "draft",
        page("placement-detail", "agreement_placement"),
        None,
        expect(coordinator=200, municipality=200),
    ),
    ("placements:welcome-talk", "post"): (
        "signed",
        page("welcome-talk", "agreement_placement"),
        WELCOME,
        expect(coordinator=302),
    ),
    ("placements:agreement-detail", "get"): (
        "signed",
        page("agreement-detail", "agreement"),
        None,
        expect(coordinator=200, municipality=200),
    ),
    ("placements:agreement-edit", "get"): (
        "draft",
        page("agreement-edit", "agreement"),
        None,
        expect(coordinator=200),
    ),
    ("placements:agreement-edit", "post"): (
        "draft",
        page("agreement-edit", "agreement"),
        lambda c: {
            "lease_start": c["agreement"].lease_start,
            "end_date": c["agreement"].end_date,
            "evaluation_on": c["agreement"].evaluation_on,
            "contact_person": "Joost van Dijk",
        },
        expect(coordinator=302),
    ),
    ("placements:agreement-sign", "post"): (
        "issued",
        page("agreement-sign", "agreement"),
        {"sign-party": "client", "sign-signed_on": TODAY},
        # The consultant records only the corporation's signature: refused on the form.
        expect(coordinator=302, consultant=200),
    ),
    ("placements:agreement-step", "post"): (
        "issued",
        page("agreement-step", action="revise"),
        {"revise-reason": "Huur klopt niet"},
        expect(coordinator=302),
    ),
    ("placements:agreement-document", "get"): (
        "issued",
        page("agreement-document", version=1),
        None,
        expect(coordinator=200),
    ),
    ("placements:evaluation", "get"): (
        "evaluation",
        page("evaluation", "evaluation"),
        None,
        expect(coordinator=200, municipality=200),
    ),
    ("placements:evaluation", "post"): (
        "evaluation",
        page("evaluation", "evaluation"),
        EVALUATION_FORM,
        expect(coordinator=302),
    ),
    ("placements:evaluation-confirm", "post"): (
        "recorded",
        page("evaluation-confirm", "evaluation"),
        {},
        # The consultant recorded it: the confirm is refused with a message (redirect).
        expect(coordinator=302),
    ),
    # --- API
    ("placements-placement-list", "get"): (
        "none",
        api("placements"),
        None,
        {**LIST_PAGE, **API},
    ),
    ("placements-placement-list", "post"): (
        "proposal",
        api("placements"),
        lambda c: {"proposal": c["proposal"].pk},
        expect(
            coordinator=201,
            outsider=400,
            elsewhere_chair=403,
            org_admin=403,
            **API,
        ),
    ),
    ("placements-placement-detail", "get"): (
        "draft",
        api("placements", "agreement_placement"),
        None,
        expect(coordinator=200, municipality=200, **API),
    ),
    ("placements-placement-welcome", "post"): (
        "signed",
        api("placements", "agreement_placement", "welcome/"),
        WELCOME,
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-list", "get"): ("none", api("agreements"), None, {**LIST_PAGE, **API}),
    ("placements-agreement-detail", "get"): (
        "signed",
        api("agreements", "agreement"),
        None,
        expect(coordinator=200, municipality=200, **API),
    ),
    ("placements-agreement-detail", "patch"): (
        "draft",
        api("agreements", "agreement"),
        {"contact_person": "Joost van Dijk"},
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-issue", "post"): (
        "draft",
        api("agreements", "agreement", "issue/"),
        {},
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-revise", "post"): (
        "issued",
        api("agreements", "agreement", "revise/"),
        {"reason": "Huur klopt niet"},
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-cancel", "post"): (
        "issued",
        api("agreements", "agreement", "cancel/"),
        {"reason": "Cliënt ziet af"},
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-sign", "post"): (
        "issued",
        api("agreements", "agreement", "sign/"),
        {"party": "client"},
        expect(coordinator=200, consultant=400, **API),
    ),
    ("placements-agreement-document", "get"): (
        "issued",
        api("agreements", "agreement", "document/"),
        None,
        expect(coordinator=200, **API),
    ),
    ("placements-agreement-extend", "post"): (
        "doubtful",
        api("agreements", "agreement", "extend/"),
        lambda c: {
            "evaluation": c["evaluation"].pk,
            "end_date": (TODAY() + dt.timedelta(days=180)).isoformat(),
        },
        expect(coordinator=403, consultant=200, **API),
    ),
    ("placements-agreement-flip", "post"): (
        "positive",
        api("agreements", "agreement", "flip/"),
        lambda c: {"evaluation": c["evaluation"].pk},
        expect(coordinator=403, consultant=200, **API),
    ),
    ("placements-agreement-convert", "post"): (
        "tripartite_positive",
        api("agreements", "agreement", "convert/"),
        lambda c: {"evaluation": c["evaluation"].pk},
        expect(coordinator=403, consultant=200, **API),
    ),
    ("placements-agreement-end", "post"): (
        "signed",
        api("agreements", "agreement", "end/"),
        {"reason": "Huurder verhuist", "ended_on": (TODAY() + dt.timedelta(days=30)).isoformat()},
        expect(coordinator=403, consultant=200, **API),
    ),
    ("placements-agreement-care-stop", "post"): (
        "triangle",
        api("agreements", "agreement", "care-stop/"),
        {"reason": "Cliënt stopt met begeleiding"},
        expect(coordinator=200, consultant=403, **API),
    ),
    ("placements-agreement-care-resume", "post"): (
        "triangle_stopped",
        api("agreements", "agreement", "care-resume/"),
        {"reason": "Weer gestart"},
        expect(coordinator=200, consultant=403, **API),
    ),
    ("placements-evaluation-list", "get"): (
        "none",
        api("evaluations"),
        None,
        {**LIST_PAGE, **API},
    ),
    ("placements-evaluation-detail", "get"): (
        "evaluation",
        api("evaluations", "evaluation"),
        None,
        expect(coordinator=200, municipality=200, **API),
    ),
    ("placements-evaluation-record", "post"): (
        "evaluation",
        api("evaluations", "evaluation", "record/"),
        EVALUATION_JSON,
        expect(coordinator=200, **API),
    ),
    ("placements-evaluation-confirm", "post"): (
        "recorded",
        api("evaluations", "evaluation", "confirm/"),
        {},
        expect(coordinator=200, consultant=400, **API),
    ),
}


def _placements_routes() -> set[str]:
    return {r.name for r in walk() if r.name.startswith(("placements:", "placements-"))}


def test_every_placements_url_is_in_the_matrix():
    missing = _placements_routes() - {name for name, _method in MATRIX}
    assert not missing, f"add these URLs to the placements permission matrix: {sorted(missing)}"


def _resolve(value: Any, ctx: dict[str, Any]) -> Any:
    if callable(value):
        value = value(ctx)
    if isinstance(value, dict):
        return {k: (v() if callable(v) else v) for k, v in value.items()}
    return value


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_role_url_method(name, method, persona, world, login, client):
    setup, url, body, expected = MATRIX[(name, method)]
    ctx = SETUPS[setup](world)
    user = None if persona == "anonymous" else getattr(world, persona)
    browser = login(user) if user is not None else client
    target = url(ctx)
    data = _resolve(body, ctx) if body is not None else None
    if method == "get":
        response = browser.get(target)
    elif name.startswith("placements-"):
        import json

        response = getattr(browser, method)(
            target, json.dumps(data or {}, default=str), content_type="application/json"
        )
    else:
        response = getattr(browser, method)(target, data or {})
    assert response.status_code == expected[persona], (
        persona,
        name,
        getattr(response, "content", b"")[:400],
    )
