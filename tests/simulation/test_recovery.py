"""Runs that recover: a dead worker's run is taken over (or failed) from its stale heartbeat,
a duplicate delivery writes nothing twice, a broker that is down never leaves a run queued
for good, and a database lost while storing the result is retried."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from matching.simulation import services, tasks
from matching.simulation.models import RunStatus, SimulationRun, SimulationWeek

pytestmark = pytest.mark.django_db


def _running(run: SimulationRun, *, beat_ago: int, attempt: int = 1) -> None:
    SimulationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        attempt=attempt,
        started_at=timezone.now() - dt.timedelta(seconds=beat_ago),
        heartbeat_at=timezone.now() - dt.timedelta(seconds=beat_ago),
    )


def test_a_run_whose_worker_stopped_beating_is_taken_over(sim_world, make_scenario):
    run = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=run)
    _running(run, beat_ago=int(services.STALE_AFTER.total_seconds()) + 5)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempt == 2
    assert SimulationWeek.objects.filter(run=run).count() == run.parameters["horizon_weeks"]


def test_a_duplicate_delivery_while_the_run_beats_writes_nothing(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    _running(run, beat_ago=1)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and run.attempt == 1
    assert not SimulationWeek.objects.filter(run=run).exists()


def test_a_late_result_of_a_taken_over_attempt_is_not_stored(sim_world, make_scenario):
    scenario = make_scenario(run=False)
    run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    real = services.core.simulate

    def simulate_while_taken_over(*args, **kwargs):
        result = real(*args, **kwargs)
        SimulationRun.objects.filter(pk=run.pk).update(attempt=5)  # another delivery took it
        return result

    with mock.patch.object(services.core, "simulate", simulate_while_taken_over):
        services.simulation_execute(run_id=run.pk)
    assert not SimulationWeek.objects.filter(run=run).exists()


def test_the_sweep_requeues_a_dead_run_and_fails_one_tried_too_often(sim_world, make_scenario):
    first = services.simulation_start(actor=sim_world.chair, scenario=make_scenario(run=False))
    second = services.simulation_start(
        actor=sim_world.chair, scenario=make_scenario(run=False, name="Tweede")
    )
    stale = int(services.STALE_AFTER.total_seconds()) + 5
    _running(first, beat_ago=stale)
    _running(second, beat_ago=stale, attempt=services.MAX_ATTEMPTS)
    counts = services.simulation_sweep()  # eager: the requeued run runs at once
    assert counts == {"requeued": 1, "failed": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RunStatus.DONE
    assert second.status == RunStatus.FAILED and "opnieuw" in second.error


def test_a_queued_run_whose_message_was_lost_is_sent_again(sim_world, make_scenario):
    run = services.simulation_start(actor=sim_world.chair, scenario=make_scenario(run=False))
    SimulationRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - services.REQUEUE_AFTER - dt.timedelta(seconds=1)
    )
    assert services.simulation_sweep()["requeued"] == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_a_broker_that_is_down_fails_the_run_with_a_message(
    sim_world, make_scenario, django_capture_on_commit_callbacks
):
    scenario = make_scenario(run=False)
    with (
        mock.patch.object(tasks.run_simulation, "apply_async", side_effect=ConnectionError()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "ingepland" in run.error
    # Nothing stuck: the scenario can be run again.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.simulation_start(actor=sim_world.chair, scenario=scenario)
    again.refresh_from_db()
    assert again.status == RunStatus.DONE


def test_doorrekenen_with_the_broker_down_answers_with_the_page_not_a_500(
    sim_world, make_scenario, login, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    scenario = make_scenario(run=False)
    browser = login(sim_world.chair)
    with (
        mock.patch.object(tasks.run_simulation, "apply_async", side_effect=ConnectionError()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = browser.post(reverse("simulation:run-start", args=[scenario.pk]))
    assert response.status_code == 302
    assert scenario.runs.get().status == RunStatus.FAILED


def test_a_connection_lost_while_storing_the_result_is_retried(
    sim_world, make_scenario, monkeypatch
):
    run = services.simulation_start(actor=sim_world.chair, scenario=make_scenario(run=False))
    real = services._store_outcome
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_store_outcome", flaky)
    monkeypatch.setattr(services.time, "sleep", lambda s: None)
    services.simulation_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and len(calls) == 2


def test_every_task_has_time_limits_and_survives_a_lost_worker():
    for task in (tasks.run_simulation, tasks.sweep_stuck_runs):
        assert task.soft_time_limit and task.time_limit > task.soft_time_limit
        assert task.acks_late
    assert tasks.run_simulation.reject_on_worker_lost
