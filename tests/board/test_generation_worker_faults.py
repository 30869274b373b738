"""Generation ("Berekenen") with a real Celery worker (its own process, the real Redis broker,
PostgreSQL): a worker or pool child killed mid-run leaves a run that is taken over within a
minute, and a message delivered twice writes nothing twice. CI runs these (REDIS_URL and
DATABASE_URL); `benchmarks/faults.py` runs the same faults on the demo region."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from config.celery import app
from matching.board import services, tasks
from matching.board.models import GenerationRun, GenerationStatus, Proposal, ProposalStatus
from tests.simulation.test_worker_faults import _stop, _wait, _worker

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    app.conf.task_always_eager = False
    app.control.purge()
    yield
    app.conf.task_always_eager = True


def _status(run: GenerationRun) -> tuple[str, int]:
    fresh = GenerationRun.objects.get(pk=run.pk)
    return str(fresh.status), fresh.attempt


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _one_open_proposal_per_client(meeting) -> bool:
    clients = list(
        Proposal.objects.filter(meeting=meeting, status=ProposalStatus.OPEN).values_list(
            "client_id", flat=True
        )
    )
    return len(clients) == len(set(clients))


@pytest.mark.parametrize("what", ["worker", "pool child"])
def test_a_generation_whose_worker_is_killed_is_taken_over_within_a_minute(
    proposed, broker, tmp_path, what
):
    marker = tmp_path / "paused"
    slow = _worker(pause=25, FAULT_PAUSE_ONCE=str(marker), FAULT_POOL="prefork")
    fresh = None
    try:
        run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
        assert _wait(lambda: _status(run)[0] == "running" and marker.exists(), 60)
        if what == "worker":
            _stop(slow, signal.SIGKILL)  # no ack, no heartbeat
            fresh = _worker()
        else:
            for child in _children(slow.pid):  # the pool child dies; the worker lives on
                os.kill(child, signal.SIGKILL)
        killed = time.monotonic()
        # What beat does every 15 s: the sweep finds the stale heartbeat and requeues.
        assert _wait(
            lambda: (
                (services.generation_sweep() or True)
                and _status(run) in {("running", 2), ("done", 2)}
            ),
            60,
        ), _status(run)
        assert time.monotonic() - killed < 60
        assert _wait(lambda: _status(run)[0] == "done", 60), _status(run)
    finally:
        _stop(slow, signal.SIGKILL)
        if fresh is not None:
            _stop(fresh)
    assert _one_open_proposal_per_client(proposed.meeting)


def test_a_generation_delivered_twice_writes_nothing_twice(proposed, broker):
    worker = _worker()
    try:
        run, _created = services.generation_request(meeting=proposed.meeting, actor=proposed.chair)
        tasks.run_generation.delay(run.pk)  # the duplicate
        assert _wait(lambda: _status(run)[0] == GenerationStatus.DONE, 60)
        time.sleep(3)  # let the duplicate arrive and be refused
    finally:
        _stop(worker)
    assert _status(run) == ("done", 1)
    assert _one_open_proposal_per_client(proposed.meeting)
