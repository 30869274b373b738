"""Extra lines in the weekly digest, registered by the parts built on the board.

The board never imports its siblings (docs/ARCHITECTURE.md); a sibling with something for a
person's digest registers a function here in its `AppConfig.ready()`: `(user, today, since)
-> list[str]`, lines already worded, read through the permission layer, and safe for e-mail
(codes, categories, pseudonyms, dates and links; never free text about a client).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

DigestPart = Callable[[Any, dt.date, dt.datetime], list[str]]
_PARTS: list[DigestPart] = []


def register(part: DigestPart) -> None:
    if part not in _PARTS:
        _PARTS.append(part)


def lines_for(user: Any, *, today: dt.date, since: dt.datetime) -> list[str]:
    lines: list[str] = []
    for part in _PARTS:
        lines += part(user, today, since)
    return lines
