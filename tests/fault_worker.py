"""A real Celery worker for the fault tests, in its own process (`python -m tests.fault_worker`).

With FAULT_PAUSE=<seconds> every simulation and generation run sleeps that long before its
work (inside the task, heartbeat running), so a test can kill the worker mid-run; with
FAULT_PAUSE_ONCE=<file> only the first run in any process pauses (the file marks it), so the
run that takes over is not paused again. FAULT_DROP_DB=1 cuts the worker's own database
connection once, right after the computation (what a database restart does at that moment).
FAULT_POOL=prefork runs a pool child (to kill the child, not the worker); FAULT_LOGLEVEL
sets the log level. Test code only: the faults are patched in here, not in the application.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

pause = float(os.environ.get("FAULT_PAUSE", "0"))
once = os.environ.get("FAULT_PAUSE_ONCE", "")
drop_db = os.environ.get("FAULT_DROP_DB") == "1"


def _pause() -> None:
    if not pause:
        return
    if once:
        marker = Path(once)
        if marker.exists():
            return
        marker.write_text(str(os.getpid()))
    time.sleep(pause)


_dropped: list[int] = []


def _drop_connection() -> None:
    """Terminate this process's database session from another connection, once."""
    if not drop_db or _dropped:
        return
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        dbname=db["NAME"], autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    _dropped.append(pid)


if pause or drop_db:
    from matching.board import pool as board_pool
    from matching.board.services import generation
    from matching.simulation import core, seeds

    real_simulate, real_seeds, real_solve = core.simulate, seeds.simulate_seeds, board_pool.solve

    def slow_simulate(*args, **kwargs):
        _pause()
        return real_simulate(*args, **kwargs)

    def seeds_then_drop(*args, **kwargs):
        result = real_seeds(*args, **kwargs)
        _drop_connection()
        return result

    def slow_solve(*args, **kwargs):
        _pause()
        result = real_solve(*args, **kwargs)
        _drop_connection()
        return result

    core.simulate = slow_simulate
    seeds.simulate_seeds = seeds_then_drop
    board_pool.solve = slow_solve
    if getattr(generation, "solve", None) is real_solve:
        generation.solve = slow_solve

from config.celery import app  # noqa: E402

app.worker_main(
    [
        "worker", "-Q", os.environ.get("FAULT_QUEUES", "simulation,board,default"),
        "-P", os.environ.get("FAULT_POOL", "solo"), "-c", "1",
        "-n", f"fault-{os.getpid()}@%h", "--loglevel", os.environ.get("FAULT_LOGLEVEL", "WARNING"),
        "--without-gossip", "--without-mingle",
    ]
)  # fmt: skip
sys.exit(0)
