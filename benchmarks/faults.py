"""Issue 14, items 3 and 4: faults tried for real, on the demo region, PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_faults \\
    REDIS_URL=redis://127.0.0.1:6379/4 python -m benchmarks.faults

Each fault runs a real Celery worker in its own process (`tests/fault_worker.py`, the real
Redis broker) and stands in for beat: the two stuck-run sweeps every 15 s, as beat does.

- kill -9 the pool child (prefork) and kill -9 the whole worker while a simulation run and a
  generation run ("Berekenen") compute; a fresh worker is started after the worker kill;
- the worker's database connection cut right after the computation;
- the same task delivered twice;
- Redis unreachable (REDIS_URL to a closed port) when "Doorrekenen" and "Berekenen" are pressed;
- SMTP unreachable when the chair asks for an override (four eyes): saved, 200, mail retried.

A row is OK when the run was taken over (a second attempt running or done) or failed with a
message within 60 s of the fault, and nothing was written twice. Prints one table
(benchmarks/README.md). Use a database of its own: it is migrated and seeded first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WITHIN = 60.0
CLOSED_PORT = "redis://127.0.0.1:1/0"


def setup(seed: bool = True) -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("REQUIRE_MFA", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()
    if seed:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from accounts.models import User

        if not User.objects.filter(email="voorzitter@gemeente.demo").exists():
            call_command("seed_demo", verbosity=0)


# --- the worker ------------------------------------------------------------------------------


def start_worker(log: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker"],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        try:
            os.killpg(worker.pid, sig)
        except ProcessLookupError:
            return
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def pool_children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


class Beat:
    """What beat does for stuck runs: both sweeps every 15 s (in a thread of this process)."""

    def __enter__(self) -> Beat:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        from django.db import connection

        from matching.board import services as board_services
        from matching.simulation import services as sim_services

        try:
            while not self.stop.wait(15):
                sim_services.simulation_sweep()
                board_services.generation_sweep()
        finally:
            connection.close()

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


# --- the runs --------------------------------------------------------------------------------


class Sim:
    label = "simulation"

    def __init__(self) -> None:
        from accounts.models import User
        from matching.simulation.models import Scenario

        self.chair = User.objects.get(email="voorzitter@gemeente.demo")
        self.scenario = Scenario.objects.order_by("pk").first()
        assert self.scenario is not None, "the demo region has no scenario"

    def start(self) -> int:
        from matching.simulation import services
        from matching.simulation.models import ACTIVE_RUN_STATUSES, RunStatus, SimulationRun

        # Harness reset: a run left active by an earlier probe is ended first.
        SimulationRun.objects.filter(scenario=self.scenario, status__in=ACTIVE_RUN_STATUSES).update(
            status=RunStatus.CANCELLED
        )
        return services.simulation_start(actor=self.chair, scenario=self.scenario).pk

    def duplicate(self, run_id: int) -> None:
        from matching.simulation import tasks

        tasks.run_simulation.delay(run_id)

    def row(self, run_id: int) -> Any:
        from matching.simulation.models import SimulationRun

        return SimulationRun.objects.get(pk=run_id)

    def running(self, run_id: int) -> bool:
        return str(self.row(run_id).status) == "running"

    def state(self, run_id: int) -> tuple[str, int, str]:
        r = self.row(run_id)
        return str(r.status), r.attempt, r.error or ""

    def written_twice(self, run_id: int) -> bool:
        from matching.simulation.core import Params
        from matching.simulation.models import SimulationWeek

        r = self.row(run_id)
        if str(r.status) != "done":
            return False
        weeks = SimulationWeek.objects.filter(run_id=run_id).count()
        return weeks != Params.from_dict(r.parameters).horizon_weeks


class Gen:
    label = "generation"

    def __init__(self) -> None:
        from accounts.models import User
        from matching.board.models import Meeting, MeetingStatus

        self.chair = User.objects.get(email="voorzitter@gemeente.demo")
        self.meeting = Meeting.objects.exclude(status=MeetingStatus.CLOSED).order_by("date").first()
        assert self.meeting is not None

    def start(self) -> int:
        from matching.board import services
        from matching.board.models import (
            ACTIVE_GENERATION_STATUSES,
            GenerationRun,
            GenerationStatus,
        )

        GenerationRun.objects.filter(
            meeting=self.meeting, status__in=ACTIVE_GENERATION_STATUSES
        ).update(status=GenerationStatus.FAILED, error="probe reset")
        run, _created = services.generation_request(meeting=self.meeting, actor=self.chair)
        return run.pk

    def duplicate(self, run_id: int) -> None:
        from matching.board import tasks

        tasks.run_generation.delay(run_id)

    def row(self, run_id: int) -> Any:
        from matching.board.models import GenerationRun

        return GenerationRun.objects.get(pk=run_id)

    def running(self, run_id: int) -> bool:
        return str(self.row(run_id).status) == "running"

    def state(self, run_id: int) -> tuple[str, int, str]:
        r = self.row(run_id)
        return str(r.status), r.attempt, r.error or ""

    def written_twice(self, run_id: int) -> bool:
        from django.db.models import Count

        from matching.board.models import Proposal, ProposalStatus

        active = (
            Proposal.objects.filter(
                meeting=self.meeting,
                status__in=[ProposalStatus.OPEN, ProposalStatus.AWAITING_CONFIRMATION],
            )
            .values("client_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        return active.exists()


def settled(kind: Any, run_id: int) -> bool:
    """Taken over (attempt ≥ 2 running or done) or ended with a message."""
    status, attempt, error = kind.state(run_id)
    if status == "failed":
        return bool(error)
    return status == "done" or (status == "running" and attempt >= 2)


# --- the faults ------------------------------------------------------------------------------

Row = tuple[str, str, str, bool]


def kill(kind: Any, what: str, logs: Path) -> Row:
    name = f"{kind.label}: kill -9 {what} mid-run"
    marker = Path(tempfile.mkdtemp(prefix="fault-")) / "paused"
    pool = "prefork" if what == "pool child" else "solo"
    worker = start_worker(logs, FAULT_PAUSE="25", FAULT_PAUSE_ONCE=str(marker), FAULT_POOL=pool)
    fresh = None
    try:
        time.sleep(3)
        run_id = kind.start()
        if not wait_for(lambda: kind.running(run_id) and marker.exists(), 60):
            return name, "the worker never started the run: " + str(kind.state(run_id)), "", False
        if what == "pool child":
            children = pool_children(worker.pid)
            for child in children:
                os.kill(child, signal.SIGKILL)
        else:
            stop(worker, signal.SIGKILL)
            fresh = start_worker(logs, FAULT_POOL="solo")
        killed = time.monotonic()
        with Beat():
            ok = wait_for(lambda: settled(kind, run_id), WITHIN + 20)
            took = time.monotonic() - killed
            wait_for(lambda: kind.state(run_id)[0] in ("done", "failed"), 90)
        status, attempt, error = kind.state(run_id)
        twice = kind.written_twice(run_id)
        outcome = f"{status}, attempt {attempt}" + (f", '{error}'" if error else "")
        if twice:
            outcome += ", WRITTEN TWICE"
        return name, outcome, f"{took:.0f}", ok and took <= WITHIN and not twice
    finally:
        stop(worker, signal.SIGKILL)
        if fresh is not None:
            stop(fresh)


def lost_connection(kind: Any, logs: Path) -> Row:
    name = f"{kind.label}: database connection cut after the computation"
    worker = start_worker(logs, FAULT_DROP_DB="1")
    try:
        time.sleep(3)
        run_id = kind.start()
        started = time.monotonic()
        with Beat():
            ended = wait_for(lambda: kind.state(run_id)[0] in ("done", "failed"), WITHIN + 30)
        took = time.monotonic() - started
        status, attempt, error = kind.state(run_id)
        twice = kind.written_twice(run_id)
        outcome = f"{status}, attempt {attempt}" + (f", '{error}'" if error else "")
        ok = ended and took <= WITHIN and not twice and (status == "done" or bool(error))
        return name, outcome + (", WRITTEN TWICE" if twice else ""), f"{took:.0f}", ok
    finally:
        stop(worker)


def duplicate(kind: Any, logs: Path) -> Row:
    name = f"{kind.label}: the task delivered twice"
    worker = start_worker(logs)
    try:
        time.sleep(3)
        run_id = kind.start()
        kind.duplicate(run_id)
        started = time.monotonic()
        ended = wait_for(lambda: kind.state(run_id)[0] in ("done", "failed"), 90)
        time.sleep(3)  # let the duplicate arrive and be refused
        took = time.monotonic() - started
        status, attempt, _error = kind.state(run_id)
        twice = kind.written_twice(run_id) or attempt != 1
        outcome = f"{status}, attempt {attempt}" + (", WRITTEN TWICE" if twice else "")
        return name, outcome, f"{took:.0f}", ended and status == "done" and not twice
    finally:
        stop(worker)


def redis_down() -> list[Row]:
    """In a child process whose REDIS_URL points to a closed port (the shared Redis stays up)."""
    env = {**os.environ, "REDIS_URL": CLOSED_PORT, "CELERY_TASK_ALWAYS_EAGER": "false"}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.faults", "--redis-down-child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    rows = []
    for line in out.stdout.splitlines():
        if line.startswith("ROW\t"):
            _tag, name, outcome, seconds, ok = line.split("\t")
            rows.append((name, outcome, seconds, ok == "True"))
    if not rows:
        rows.append(("Redis unreachable", "child failed: " + out.stderr[-300:], "", False))
    return rows


def redis_down_child() -> None:
    setup(seed=False)
    from django.test import Client as Browser
    from django.urls import reverse

    from matching.board.models import ACTIVE_GENERATION_STATUSES, GenerationRun
    from matching.simulation.models import ACTIVE_RUN_STATUSES, SimulationRun

    sim, gen = Sim(), Gen()
    # Harness reset: no active run, so the page itself starts one.
    SimulationRun.objects.filter(scenario=sim.scenario, status__in=ACTIVE_RUN_STATUSES).update(
        status="cancelled"
    )
    GenerationRun.objects.filter(meeting=gen.meeting, status__in=ACTIVE_GENERATION_STATUSES).update(
        status="failed", error="probe reset"
    )
    browser = Browser(raise_request_exception=False)
    browser.force_login(sim.chair)
    for name, kind, url, runs in (
        (
            "Redis unreachable: 'Doorrekenen'",
            sim,
            reverse("simulation:run-start", args=[sim.scenario.pk]),
            SimulationRun.objects.filter(scenario=sim.scenario),
        ),
        (
            "Redis unreachable: 'Berekenen'",
            gen,
            reverse("matching:meeting-generate", args=[gen.meeting.pk]),
            GenerationRun.objects.filter(meeting=gen.meeting),
        ),
    ):
        before = runs.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.monotonic()
        response = browser.post(url, follow=True)
        took = time.monotonic() - started
        latest = runs.filter(pk__gt=before).order_by("-pk").first()
        status, _attempt, error = kind.state(latest.pk) if latest else ("none", 0, "")
        page = response.content.decode(errors="replace")
        shown = bool(error) and error[:30] in page.replace("&#x27;", "'")
        outcome = f"HTTP {response.status_code}, run {status}" + (f", '{error}'" if error else "")
        outcome += ", message on the page" if shown else ", message not on the page"
        ok = response.status_code < 500 and status == "failed" and bool(error)
        print("ROW", name, outcome, f"{took:.1f}", ok, sep="\t")


def smtp_down(logs: Path) -> Row:
    """The chair asks for an override while the mail server refuses connections."""
    name = "SMTP unreachable: override request"
    from django.test import Client as Browser
    from django.urls import reverse

    from accounts.models import Notification
    from matching.board import selectors
    from matching.board.models import Proposal

    gen = Gen()
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "1",
        "EMAIL_TIMEOUT": "5",
        "FAULT_LOGLEVEL": "INFO",
    }
    mark = logs.stat().st_size if logs.exists() else 0
    worker = start_worker(logs, **mail_env)
    try:
        time.sleep(3)
        candidates = [
            c
            for c in selectors.no_match_for(user=gen.chair, meeting=gen.meeting)["clients"]
            if c.get("if_lifted")
        ]
        if not candidates:
            return name, "no client with a dwelling that fits if a limit is lifted", "", False
        client_id = candidates[0]["client_id"]
        dwelling_id = candidates[0]["if_lifted"][0]["dwelling_id"]
        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        browser = Browser(raise_request_exception=False)
        browser.force_login(gen.chair)
        started = time.monotonic()
        response = browser.post(
            reverse("matching:meeting-override", args=[gen.meeting.pk]),
            {
                "client": client_id,
                "dwelling": dwelling_id,
                "reason": "Probe: begeleiding om de hoek.",
            },
            follow=True,
        )
        took = time.monotonic() - started
        saved = Proposal.objects.filter(
            meeting=gen.meeting, client_id=client_id, dwelling_id=dwelling_id
        ).exists()
        new = list(Notification.objects.filter(pk__gt=before))
        retried = wait_for(lambda: "Retry in" in logs.read_text(errors="replace")[mark:], 60)
        unmailed = all(n.emailed_at is None for n in new)
        outcome = (
            f"HTTP {response.status_code}, override saved: {saved}, "
            f"{len(new)} notifications (emailed_at empty: {unmailed}), mail task retried: {retried}"
        )
        ok = response.status_code == 200 and saved and retried
        return name, outcome, f"{took:.1f}", ok
    finally:
        stop(worker)


def main() -> None:
    if "--redis-down-child" in sys.argv:
        redis_down_child()
        return
    setup()
    from config.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    logs = Path(tempfile.mkdtemp(prefix="faults-")) / "worker.log"
    print(f"worker log: {logs}", file=sys.stderr)
    only = sys.argv[1:]
    rows: list[Row] = []
    steps: list[tuple[str, Callable[[], list[Row]]]] = []
    for kind in (Sim(), Gen()):
        steps += [
            (f"{kind.label}-child", lambda k=kind: [kill(k, "pool child", logs)]),
            (f"{kind.label}-worker", lambda k=kind: [kill(k, "worker", logs)]),
            (f"{kind.label}-db", lambda k=kind: [lost_connection(k, logs)]),
            (f"{kind.label}-twice", lambda k=kind: [duplicate(k, logs)]),
        ]
    steps += [("redis", redis_down), ("smtp", lambda: [smtp_down(logs)])]
    for key, step in steps:
        if only and key not in only:
            continue
        for row in step():
            rows.append(row)
            print("\t".join(map(str, row)), file=sys.stderr, flush=True)
    print("| fault | outcome | s | OK |")
    print("|---|---|---|---|")
    for name, outcome, seconds, ok in rows:
        print(f"| {name} | {outcome} | {seconds} | {'yes' if ok else '**no**'} |")


if __name__ == "__main__":
    main()
