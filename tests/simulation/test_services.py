"""Scenarios and runs through the services: the run, its results and what it never touches."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.core import serializers

from accounts.errors import DomainError, Forbidden
from accounts.models import AccessLogEntry
from matching.simulation import services, snapshot
from matching.simulation.models import RunStatus, Scenario, SimulationRun, SimulationWeek

pytestmark = pytest.mark.django_db

# The simulation's own rows and the audit trail are expected to grow; nothing else may change.
OWN = {"simulation"}
EXPECTED_TO_GROW = {"accounts.accesslogentry"}


def live_state() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per model outside the simulation app."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in OWN or label in EXPECTED_TO_GROW or model._meta.proxy:
            continue
        rows = list(model._default_manager.order_by("pk"))
        data = serializers.serialize("json", rows) if rows else "[]"
        state[label] = (len(rows), hashlib.sha256(data.encode()).hexdigest())
    return state


def test_a_run_leaves_live_data_unchanged(sim_world, make_scenario):
    scenario = make_scenario(run=False, stairwell_rule=True)
    before = live_state()
    runs = SimulationRun.objects.count()
    services.simulation_start(actor=sim_world.chair, scenario=scenario)
    run = SimulationRun.objects.get(scenario=scenario)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert SimulationRun.objects.count() == runs + 1
    assert live_state() == before


def test_a_run_stores_its_weeks_summary_and_snapshot_facts(sim_world, make_scenario):
    scenario = make_scenario()
    run = scenario.runs.get()
    assert run.status == RunStatus.DONE
    # Five seeds of 12 weeks in the task; the week rows are the first seed's.
    assert run.weeks_done == run.total_weeks == 12 * 5
    assert SimulationWeek.objects.filter(run=run).count() == 12
    assert run.summary["seeds"] == [run.parameters["seed"] + k for k in range(5)]
    spread = run.summary["spread"]["housed"]
    assert spread["min"] <= run.summary["housed"] <= spread["max"]
    assert len(spread["values"]) == 5
    assert run.summary["waiting_start"] == 5
    assert run.snapshot_stats["offered"] == 9
    assert len(run.snapshot_digest) == 64
    assert run.parameters["tipping_point"] == 30.0
    assert run.summary["past_tipping_start"] == 1


def test_two_runs_of_one_scenario_on_the_same_data_agree(
    sim_world, make_scenario, django_capture_on_commit_callbacks
):
    scenario = make_scenario(stairwell_rule=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.simulation_start(actor=sim_world.chair, scenario=scenario)
    first, second = scenario.runs.order_by("pk")
    assert first.summary == second.summary
    assert first.snapshot_digest == second.snapshot_digest
    assert list(first.weeks.values_list("placed", "waiting")) == list(
        second.weeks.values_list("placed", "waiting")
    )


def test_the_stored_results_name_no_client(sim_world, make_scenario):
    scenario = make_scenario()
    run = scenario.runs.get()
    text = str(run.summary) + str(run.neighbourhoods) + str(run.parameters)
    for client in sim_world.clients:
        assert client.reference not in text


def test_the_snapshot_carries_no_free_text_and_no_real_pseudonyms(sim_world):
    snap = snapshot.take(sim_world.board)
    references = {c.reference for c in sim_world.clients}
    for item in snap.waiting:
        assert item["profile"]["reference"] not in references
        assert "note_for_corporation" not in item["profile"]
    assert all("note_for_corporation" not in p for p in snap.profiles)


def test_small_numbers_per_neighbourhood_are_suppressed(sim_world, make_scenario, settings):
    settings.SIMULATION_SMALL_NUMBERS = 1000
    scenario = make_scenario(policy="priority")
    rows = scenario.runs.get().neighbourhoods
    placed = [r for r in rows if r["suppressed"]]
    assert placed, "some neighbourhood should have had a placement"
    for r in placed:
        assert r["placements"] is None and r["share_end"] is None


def test_counts_at_or_above_the_threshold_are_shown(sim_world, make_scenario, settings):
    settings.SIMULATION_SMALL_NUMBERS = 1
    rows = make_scenario(policy="priority").runs.get().neighbourhoods
    assert not any(r["suppressed"] for r in rows)
    assert sum(r["placements"] for r in rows) > 0


def test_only_one_run_per_scenario_at_a_time(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    services.simulation_start(actor=sim_world.chair, scenario=scenario)  # queued, not run
    with pytest.raises(DomainError) as error:
        services.simulation_start(actor=sim_world.chair, scenario=scenario)
    assert error.value.conflict


def test_cancelling_a_queued_run_stops_it_before_it_starts(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    services.simulation_cancel(actor=sim_world.chair, scenario=scenario)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    services.simulation_execute(run_id=run.pk)  # the task arrives late: nothing happens
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and not run.weeks.exists()


def test_cancelling_a_running_run_stops_it_after_the_current_week(
    sim_world, make_scenario, monkeypatch
):
    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    real = services.core.simulate

    def simulate_and_cancel(snap, params, *, on_week=None, on_instance=None):
        def week(done, total):
            if done == 2:  # someone presses "Stoppen" during week 3
                SimulationRun.objects.filter(pk=run.pk).update(cancel_requested=True)
            return on_week(done, total)

        return real(snap, params, on_week=week)

    monkeypatch.setattr(services.core, "simulate", simulate_and_cancel)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run.weeks_done == 2
    assert not run.weeks.exists()


def test_executing_a_finished_run_again_changes_nothing(sim_world, make_scenario):
    run = make_scenario().runs.get()
    weeks = list(run.weeks.values_list("pk", flat=True))
    services.simulation_execute(run_id=run.pk)
    assert list(run.weeks.values_list("pk", flat=True)) == weeks


def test_a_failing_run_is_marked_failed(sim_world, make_scenario, monkeypatch):
    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)

    def boom(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(services.snapshot, "take", boom)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "kapot" in run.error


def test_flows_are_prefilled_from_the_regions_last_twelve_months(sim_world):
    flows = snapshot.flows(sim_world.board)
    assert flows["clients_source"] == "history"
    assert flows["clients_12m"] == len(sim_world.clients)
    assert flows["clients_per_week"] == round(len(sim_world.clients) / 52, 2)


def test_a_region_without_history_gets_the_default_flows(sim_world):
    from cases.models import ClientTransition
    from housing.models import DwellingEvent

    ClientTransition.objects.all().delete()
    DwellingEvent.objects.all().delete()
    flows = snapshot.flows(sim_world.board)
    assert flows["clients_source"] == flows["dwellings_source"] == "default"
    assert flows["clients_per_week"] == snapshot.DEFAULT_CLIENTS_PER_WEEK


def test_missing_flows_are_prefilled_when_creating(sim_world):
    scenario = services.scenario_create(
        actor=sim_world.analyst, board=sim_world.board, data={"name": "Zonder stromen"}
    )
    assert float(scenario.clients_per_week) == snapshot.flows(sim_world.board)["clients_per_week"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "tipping_point": 150}, "tipping_point"),
        ({"name": "x", "horizon_weeks": 500}, "horizon_weeks"),
        ({"name": "x", "clients_per_week": "veel"}, "clients_per_week"),
    ],
)
def test_bad_values_are_refused_with_their_field(sim_world, data, field):
    with pytest.raises(DomainError) as error:
        services.scenario_create(actor=sim_world.chair, board=sim_world.board, data=data)
    assert error.value.field == field
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("role", ["consultant_a", "coordinator", "org_admin", "other_chair"])
def test_only_the_municipality_creates_scenarios(sim_world, role):
    with pytest.raises(Forbidden):
        services.scenario_create(
            actor=sim_world.user(role), board=sim_world.board, data={"name": "Nee"}
        )
    assert not Scenario.objects.exists()


def test_only_the_chair_shares(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    with pytest.raises(Forbidden) as refused:
        services.scenario_share(actor=sim_world.analyst, scenario=scenario, shared=True)
    assert refused.value.code == "forbidden"
    services.scenario_share(actor=sim_world.chair, scenario=scenario, shared=True)
    scenario.refresh_from_db()
    assert scenario.shared_with_board and scenario.shared_by == sim_world.chair


def test_changes_are_written_to_the_access_log(sim_world, make_scenario):
    scenario = make_scenario(shared=True)
    rows = AccessLogEntry.objects.filter(
        object_type="simulation.scenario", object_id=str(scenario.pk)
    )
    assert set(rows.values_list("action", flat=True)) >= {"create", "change"}


def test_an_export_is_logged_and_is_a_workbook(sim_world, make_scenario):
    from io import BytesIO

    from openpyxl import load_workbook

    a, b = make_scenario(), make_scenario(name="Met portiekregel", stairwell_rule=True)
    data = services.results_export(actor=sim_world.analyst, scenarios=[a, b])
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Samenvatting", "Per week", "Per buurt", "Parameters"]
    summary = book["Samenvatting"]
    assert summary.cell(1, 2).value == "Kantelpunt 30%"
    assert summary.cell(1, 3).value == "Met portiekregel"
    assert book["Per week"].max_row == 1 + 2 * 12
    # Parameters are numbers, not text with a decimal point ("30.0")
    params = {row[0].value: row[1].value for row in book["Parameters"].iter_rows(min_row=2)}
    assert isinstance(params["Kantelpunt (%)"], (int, float)), params["Kantelpunt (%)"]
    assert isinstance(params["Weken"], int)
    assert AccessLogEntry.objects.filter(action="export", user_id=sim_world.analyst.pk).count() == 2


def test_an_export_without_results_is_refused(sim_world, make_scenario):
    with pytest.raises(DomainError) as refused:
        services.results_export(actor=sim_world.chair, scenarios=[make_scenario(run=False)])
    assert refused.value.code == "no_results"


def test_a_busy_database_skips_a_progress_report_but_not_the_run(
    sim_world, make_scenario, monkeypatch
):
    from django.db import OperationalError
    from django.db.models.query import QuerySet

    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    real_update = QuerySet.update

    def flaky_update(self, **values):
        if values.get("weeks_done") == 3:
            raise OperationalError("database is locked")
        return real_update(self, **values)

    monkeypatch.setattr(QuerySet, "update", flaky_update)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.weeks.count() == 12
