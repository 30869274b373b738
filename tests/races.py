"""Helpers for real-thread races on PostgreSQL: a barrier start, and an injected pause that
holds one thread inside its transaction while the other runs (deterministic interleaving)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from accounts.errors import DomainError


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment in threads; results (or the exceptions raised) in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def split(
    results: list[Any], expected: tuple[type[Exception], ...] = (DomainError,)
) -> tuple[list[Any], list[Exception]]:
    """(successes, expected errors) of `race`; any other exception is raised, not counted."""
    for result in results:
        if isinstance(result, Exception) and not isinstance(result, expected):
            raise result
    errors = [r for r in results if isinstance(r, Exception)]
    return [r for r in results if not isinstance(r, Exception)], errors


class Pause:
    """`hold()` inside the first thread's transaction blocks it until `release()`."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()
        self.owner: int | None = None

    def hold(self) -> None:
        if self.owner is None:
            self.owner = threading.get_ident()
        if self.owner == threading.get_ident() and not self.go.is_set():
            self.reached.set()
            self.go.wait(timeout=30)


@contextmanager
def interleave(
    first: Callable[[], Any], second: Callable[[], Any], pause: Pause, *, settle: float = 0.5
) -> Iterator[list[Any]]:
    """Start `first` until it reaches `pause.hold()`, then start `second`, give it `settle`
    seconds to run into whatever it waits for, release `first`, and join both."""
    results: list[Any] = [None, None]

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            results[i] = call()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    a = threading.Thread(target=run, args=(0, first))
    a.start()
    deadline = time.monotonic() + 30
    while not pause.reached.wait(timeout=0.05):
        assert a.is_alive(), f"the first call ended before its pause: {results[0]!r}"
        assert time.monotonic() < deadline, "the first thread never reached its pause"
    b = threading.Thread(target=run, args=(1, second))
    b.start()
    time.sleep(settle)
    pause.go.set()
    a.join(timeout=60)
    b.join(timeout=60)
    yield results
