"""Walk the URL configuration: every route with its full name and view callback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" (or "" for unnamed routes)
    route: str
    callback: Any


def walk(
    patterns: list[Any] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry.url_patterns, full_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(name, prefix + str(entry.pattern), entry.callback)


def url_names(namespace: str) -> set[str]:
    """All route names of one namespace ("accounts" → {"accounts:login", …})."""
    return {r.name for r in walk() if r.name.startswith(f"{namespace}:")}
