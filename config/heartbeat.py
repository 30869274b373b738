"""A run's heartbeat, written from a thread while its task computes.

A background run (a simulation, a generation) records `heartbeat_at` every few seconds so a
run whose worker died is recognised in seconds: without a beat for its stale period it is
taken over by the next delivery or by beat's sweep. The beat is a thread because one step of
the computation (a solve, a year's week) can take longer than the stale period.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings

logger = logging.getLogger("woonbrug.heartbeat")


class Heartbeat:
    """`with Heartbeat(beat, every=5, label=...)`: calls `beat()` every `every` seconds."""

    def __init__(self, beat: Callable[[], Any], *, every: float, label: str) -> None:
        self.beat, self.every, self.label = beat, every, label
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.wait(self.every):
                try:
                    self.beat()
                except Exception:  # a missed beat is retried on the next tick
                    logger.warning("%s: heartbeat not written", self.label)
        finally:
            connection.close()

    def __enter__(self) -> Heartbeat:
        # In-process (eager) runs have no worker to lose; SQLite test databases are not
        # shared across threads either.
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=self.every + 1)
