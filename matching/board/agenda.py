"""Extra sections on the meeting page, registered by the parts built on the board.

The board never imports its siblings (docs/ARCHITECTURE.md); a sibling that has something for
the meeting registers a function here in its `AppConfig.ready()`. Each function takes the
request and the meeting and returns None or a dict with at least `template` (rendered with
the dict as `section`); it checks its own permissions and writes its own access-log row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Section = Callable[[HttpRequest, Any], dict[str, Any] | None]
_SECTIONS: list[Section] = []


def register(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections(request: HttpRequest, meeting: Any) -> list[dict[str, Any]]:
    return [s for f in _SECTIONS if (s := f(request, meeting))]
