"""Faults with a real Celery worker (its own process, the real Redis broker, PostgreSQL): a
worker killed mid-run leaves a run that the sweep hands to another worker within a minute, and
a message delivered twice writes nothing twice. CI runs these (REDIS_URL and DATABASE_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app
from matching.simulation import services, tasks
from matching.simulation.core import Params
from matching.simulation.models import RunStatus, SimulationRun, SimulationWeek

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _worker(pause: float = 0, **faults: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "FAULT_PAUSE": str(pause),
        **faults,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker"], cwd=ROOT, env=env, start_new_session=True
    )


def _stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def real_broker():
    app.conf.task_always_eager = False
    app.control.purge()
    yield
    app.conf.task_always_eager = True


def test_a_run_whose_worker_is_killed_is_taken_over_within_a_minute(
    sim_world, make_scenario, real_broker
):
    scenario = make_scenario(run=False)
    slow = _worker(pause=20)
    try:
        run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
        assert _wait(
            lambda: SimulationRun.objects.get(pk=run.pk).status == RunStatus.RUNNING, 60
        ), "the worker never started the run"
        _stop(slow, signal.SIGKILL)  # the worker dies mid-run: no ack, no heartbeat
    finally:
        _stop(slow, signal.SIGKILL)
    killed_at = time.monotonic()
    fresh = _worker()
    try:
        # What beat does every 15 s: the sweep finds the stale heartbeat and requeues.
        assert _wait(
            lambda: (
                (
                    services.simulation_sweep()
                    and SimulationRun.objects.get(pk=run.pk).status == RunStatus.DONE
                )
                or SimulationRun.objects.get(pk=run.pk).status == RunStatus.DONE
            ),
            75,
        )
    finally:
        _stop(fresh)
    run.refresh_from_db()
    assert time.monotonic() - killed_at < 75
    assert run.attempt == 2
    # Weeks are stored for the first seed (the charts); total_weeks counts every seed.
    assert (
        SimulationWeek.objects.filter(run=run).count()
        == Params.from_dict(run.parameters).horizon_weeks
    )


def test_a_message_delivered_twice_writes_nothing_twice(sim_world, make_scenario, real_broker):
    scenario = make_scenario(run=False)
    worker = _worker()
    try:
        run = services.simulation_start(actor=sim_world.chair, scenario=scenario)
        tasks.run_simulation.delay(run.pk)  # the duplicate
        assert _wait(lambda: SimulationRun.objects.get(pk=run.pk).status == RunStatus.DONE, 60)
        time.sleep(3)  # let the duplicate arrive and be refused
    finally:
        _stop(worker)
    run.refresh_from_db()
    assert run.attempt == 1
    # Weeks are stored for the first seed (the charts); total_weeks counts every seed.
    assert (
        SimulationWeek.objects.filter(run=run).count()
        == Params.from_dict(run.parameters).horizon_weeks
    )
