"""`manage.py simulate_year`: the same results as the pages, printed; nothing stored."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from matching.simulation.models import SimulationRun

from .test_services import live_state

pytestmark = pytest.mark.django_db


def scenario_file(tmp_path, name, **values):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"name": name, "horizon_weeks": 10, **values}))
    return str(path)


def test_it_prints_scenarios_side_by_side_and_stores_nothing(sim_world, tmp_path):
    before = live_state()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "simulate_year",
        "--board", str(sim_world.board.pk),
        "--scenario", scenario_file(tmp_path, "Zoals nu", policy="priority", tipping_point=30),
        "--scenario", scenario_file(tmp_path, "Kantelpunt 30%", tipping_point=30),
        "--weeks",
        stdout=out,
        stderr=err,
    )  # fmt: skip
    text = out.getvalue()
    assert "Zoals nu" in text and "Kantelpunt 30%" in text
    assert "Gehuisvest" in text and "Plaatsingen in buurten voorbij het kantelpunt" in text
    assert "Δ Kantelpunt 30%" in text
    assert "per week" in text
    assert "totaal" in err.getvalue()
    assert not SimulationRun.objects.exists()
    assert live_state() == before


def test_the_json_output_matches_a_stored_run_of_the_same_scenario(
    sim_world, tmp_path, make_scenario
):
    stored = make_scenario(stairwell_rule=True).runs.get()
    out = io.StringIO()
    call_command(
        "simulate_year",
        "--board", str(sim_world.board.pk),
        "--scenario", scenario_file(tmp_path, "x", **{**stored.parameters}),
        "--json",
        stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())["scenarios"][0]
    assert data["summary"] == stored.summary
    assert data["snapshot_digest"] == stored.snapshot_digest


def test_flows_missing_from_the_file_come_from_the_region(sim_world, tmp_path):
    out = io.StringIO()
    call_command(
        "simulate_year", "--board", str(sim_world.board.pk),
        "--scenario", scenario_file(tmp_path, "x"), "--json", stdout=out,
    )  # fmt: skip
    params = json.loads(out.getvalue())["scenarios"][0]["params"]
    assert params["clients_per_week"] == round(len(sim_world.clients) / 52, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "geen geldige JSON"),
        ('{"tipping_point": 300}', "tipping_point"),
        ("[1]", "JSON-object"),
    ],
)
def test_a_bad_scenario_file_is_a_clear_error(sim_world, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("simulate_year", "--board", str(sim_world.board.pk), "--scenario", str(path))


def test_an_unknown_board_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("simulate_year", "--board", "999", "--scenario", scenario_file(tmp_path, "x"))
