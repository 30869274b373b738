"""Building an instance from plain data, with reasons for every pair left out."""

from __future__ import annotations

from matching.engine import (
    Group,
    build_instance,
    parse_instance,
    score_pair,
    solve,
    standard_groups,
)

from .factories import TODAY, make_client, make_dwelling


def test_it_lists_only_allowed_pairs_with_their_scores():
    clients = [make_client(id="c1"), make_client(id="c2", max_rent=500)]
    dwellings = [make_dwelling(id="d1"), make_dwelling(id="d2", rent=480)]
    doc, _ = build_instance(clients, dwellings, today=TODAY)
    pairs = {(c["client"], c["dwelling"]): c["score"] for c in doc["candidates"]}
    assert set(pairs) == {("c1", "d1"), ("c1", "d2"), ("c2", "d2")}
    assert pairs[("c1", "d1")] == score_pair(clients[0], dwellings[0], today=TODAY)
    assert parse_instance(doc).n_candidates == 3


def test_it_explains_why_a_client_has_no_candidates():
    clients = [
        make_client(id="c1", max_rent=400, excluded_neighbourhoods=frozenset({"BU03630101"}))
    ]
    dwellings = [make_dwelling(id="d1"), make_dwelling(id="d2", rent=380, complex_stopped=True)]
    _, why = build_instance(clients, dwellings, today=TODAY)
    assert why.without_candidates == ["c1"]
    summary = why.for_client("c1")
    assert summary.counts == {
        "rent_above_max": 1,
        "neighbourhood_excluded": 2,
        "complex_stopped": 1,
    }
    assert summary.message().startswith(
        "Geen toegestane woning: 2 woningen liggen in een uitgesloten buurt"
    )


def test_it_explains_a_single_rejected_pair():
    _, why = build_instance([make_client(max_rent=400)], [make_dwelling()], today=TODAY)
    [rejection] = why.for_pair("c1", "d1")
    assert rejection.code == "rent_above_max"


def test_dwellings_outside_the_search_area_count_under_that_rule_only():
    client = make_client(search_municipalities=frozenset({"GM0363"}))
    dwellings = [make_dwelling(id="d1"), make_dwelling(id="d2", municipality="GM0599", rent=9999)]
    doc, why = build_instance([client], dwellings, today=TODAY)
    assert why.for_client("c1").counts == {"outside_search_area": 1}
    assert [c["dwelling"] for c in doc["candidates"]] == ["d1"]


def test_standard_groups_limit_a_stairwell_with_a_vulnerable_household_to_nothing():
    dwellings = [
        make_dwelling(id="d1", stairwell_id="A", stairwell_vulnerable=1),
        make_dwelling(id="d2", stairwell_id="A", stairwell_vulnerable=1),
        make_dwelling(id="d3", stairwell_id="B"),
        make_dwelling(id="d4", stairwell_id="B"),
    ]
    groups = {g.id: g for g in standard_groups(dwellings, neighbourhood_room={"BU03630101": 1})}
    assert groups["stairwell:A"].cap == 0 and groups["stairwell:B"].cap == 1
    assert groups["BU03630101"] == Group("BU03630101", 1, ("d1", "d2", "d3", "d4"))


def test_the_board_flow_places_at_most_the_neighbourhood_room():
    clients = [make_client(id=f"c{i}") for i in range(4)]
    dwellings = [make_dwelling(id=f"d{i}", stairwell_id=f"s{i}") for i in range(4)]
    groups = standard_groups(dwellings, neighbourhood_room={"BU03630101": 2})
    doc, _ = build_instance(clients, dwellings, groups, today=TODAY)
    solution = solve(parse_instance(doc))
    assert len(solution.assignments) == 2 and solution.optimal


def test_a_week_without_dwellings_builds_an_empty_instance():
    doc, _ = build_instance([make_client(id="c1")], [], today=TODAY)
    assert doc["candidates"] == []
    assert solve(parse_instance(doc)).assignments == []
