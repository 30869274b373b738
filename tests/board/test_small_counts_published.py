"""A small placement count is not recoverable from the capacity (issue 13, probe j): two
worlds that differ only by the number of placements of the 12-month window in one buurt,
1 and 4 (both hidden), answer byte for byte the same to a consultant and to the chair on
every surface that shows the buurt's capacity (API detail, map data, the buurt's pages, the
board's proposals as page and API), and differently to the municipality's analyst. The
score is left out; class and headroom are computed at the bound (4): the same in both."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from housing import selectors as housing_selectors
from housing.models import Dwelling
from matching.board import services
from matching.board.models import Proposal

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|"X-CSRFToken": ")[^"]+')
# What a proposal shows of the buurt's capacity (its own id and timestamps aside).
PROPOSAL_FIELDS = ("score", "breakdown", "alternatives", "explanation", "capacity_before",
                   "capacity_after")  # fmt: skip
CAPACITY_LINES = re.compile(r"<dt>Draagkracht[^<]*</dt><dd>[^<]*</dd>")


class _Rollback(Exception):
    pass


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return TOKEN.sub(r"\1…", response.content.decode())


def _surfaces(world, who, browser) -> dict[str, str]:
    buurt = world.neighbourhoods[0]
    out = {
        "api": _body(browser.get(f"/api/v1/neighbourhoods/{buurt.code}/")),
        "map": _body(browser.get(reverse("housing:map-data"))),
        "page": _body(browser.get(reverse("housing:neighbourhood-detail", args=[buurt.code]))),
        "list": _body(browser.get(reverse("housing:neighbourhood-list"))),
    }
    if who == "analyst":
        return out
    for p in Proposal.objects.filter(neighbourhood=buurt).order_by("client__reference"):
        api = json.loads(_body(browser.get(f"/api/v1/proposals/{p.pk}/")))
        out[f"proposal-api-{p.client.reference}"] = json.dumps(
            {k: api[k] for k in PROPOSAL_FIELDS}, sort_keys=True
        )
        page = _body(browser.get(reverse("matching:proposal-detail", args=[p.pk])))
        out[f"proposal-page-{p.client.reference}"] = "".join(CAPACITY_LINES.findall(page))
        # The reason names no score (the engine weighed the bound's, not the buurt's).
        out[f"proposal-reason-{p.client.reference}"] = repr(
            ("draagkrachtscore van" in page, "wordt niet getoond" in page)
        )
    return out


def _world_with(world, login, placements: int) -> dict[str, dict[str, str]]:
    """The outputs for each reader with `placements` in the window (of 4 let dwellings, the
    others were let 13 months ago), proposals generated; then everything is rolled back."""
    seen: dict[str, dict[str, str]] = {}
    try:
        with transaction.atomic():
            now = timezone.now()
            for i in range(4):
                let = world.add_dwelling(neighbourhood=world.neighbourhoods[0])
                when = now - dt.timedelta(days=30 if i < placements else 400)
                Dwelling.objects.filter(pk=let.pk).update(status="let", let_to_outflow_at=when)
            services.proposals_generate(meeting=world.meeting, actor=world.chair)
            for who in ("consultant_a", "chair", "analyst"):
                seen[who] = _surfaces(world, who, login(world.user(who)))
            raise _Rollback
    except _Rollback:
        pass
    return seen


def test_a_hidden_count_of_1_or_4_answers_the_same_outside_the_analysts(world, login):
    for _ in range(2):
        world.add_client()
    world.add_dwelling(neighbourhood=world.neighbourhoods[0], corporation=world.corp_a)
    world.add_dwelling(neighbourhood=world.neighbourhoods[0], corporation=world.corp_a)
    one, four = _world_with(world, login, 1), _world_with(world, login, 4)
    for who in ("consultant_a", "chair"):
        assert any(k.startswith("proposal-page") for k in one[who]), one[who].keys()
        assert one[who].keys() == four[who].keys()
        for surface in one[who]:
            assert one[who][surface] == four[who][surface], (who, surface)
    assert one["analyst"]["api"] != four["analyst"]["api"]
    assert one["analyst"]["page"] != four["analyst"]["page"]
    reasons = [v for k, v in one["chair"].items() if k.startswith("proposal-reason")]
    assert reasons and set(reasons) == {repr((False, True))}
    # What the chair reads: the class and at least the headroom at the bound, no score.
    data = json.loads(one["chair"]["api"])["capacity"]
    assert data["score"] is None and data["bounded"] is True
    assert (data["class"], data["headroom"], data["placements_12m"]) == ("amber", 3, None)
    exact = json.loads(one["analyst"]["api"])["capacity"]
    assert (exact["score"], exact["class"], exact["headroom"]) == (66.0, "green", 6)
    assert json.loads(four["analyst"]["api"])["capacity"]["score"] == 54.0


def test_the_published_result_is_the_bound_whatever_the_hidden_count():
    from housing import capacity

    def result(n: int):
        inputs = capacity.Inputs(1000, 5, 30.0, 10.0, 5.0, 3.0, placements_12m=n)
        return housing_selectors.capacity_published(capacity.score(inputs))

    published = [result(n) for n in (1, 2, 3, 4)]
    assert all(r.as_dict() == published[0].as_dict() for r in published)
    assert published[0].bound_score == 54.0 and published[0].score is None
    assert result(0).score == 70.0 and result(5).score == 50.0  # shown counts stay exact
