"""Queue Celery tasks after commit without ever failing the request that saved the data.

An after-commit side effect (an e-mail, a background run) runs once the data is saved. If the
broker is down at that moment the saved data must not turn into a 500: the failure is logged
and, where the caller passes `on_error`, the caller's row is put back in a retryable state.
Rows left queued are picked up again by the beat sweeps (each task is idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger("woonbrug.queueing")


def enqueue(
    task: Any,
    *args: Any,
    on_error: Callable[[Exception], None] | None = None,
    **options: Any,
) -> bool:
    """Send `task` now; True when the broker took it. Never raises (the error is logged)."""
    try:
        task.apply_async(args=args, **options)
    except Exception as error:  # broker down, connection refused, an eager task that failed
        logger.exception("could not queue %s%r", getattr(task, "name", task), args)
        if on_error is not None:
            try:
                on_error(error)
            except Exception:  # the fallback must not turn a saved action into a 500 either
                logger.exception("on_error of %s failed", getattr(task, "name", task))
        return False
    return True


def enqueue_on_commit(
    task: Any,
    *args: Any,
    on_error: Callable[[Exception], None] | None = None,
    **options: Any,
) -> None:
    """`enqueue` after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, on_error=on_error, **options))
