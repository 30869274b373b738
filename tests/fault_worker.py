"""A real Celery worker for the fault tests, in its own process (`python -m tests.fault_worker`).

With FAULT_PAUSE=<seconds> every simulation and generation run sleeps that long before its
work (inside the task, heartbeat running), so a test can kill the worker mid-run. Test code
only: the pause is patched in here, not in the application.
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

pause = float(os.environ.get("FAULT_PAUSE", "0"))
if pause:
    from matching.board import pool as board_pool
    from matching.simulation import core

    real_simulate, real_solve = core.simulate, board_pool.solve

    def slow_simulate(*args, **kwargs):
        time.sleep(pause)
        return real_simulate(*args, **kwargs)

    def slow_solve(*args, **kwargs):
        time.sleep(pause)
        return real_solve(*args, **kwargs)

    core.simulate = slow_simulate
    board_pool.solve = slow_solve

from config.celery import app  # noqa: E402

app.worker_main(
    [
        "worker", "-Q", os.environ.get("FAULT_QUEUES", "simulation,board,default"),
        "-P", "solo", "-n", f"fault-{os.getpid()}@%h", "--loglevel", "WARNING",
        "--without-gossip", "--without-mingle",
    ]
)  # fmt: skip
sys.exit(0)
