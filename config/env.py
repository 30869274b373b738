"""Typed access to environment variables, each declared once with its documentation.

Every setting the deployment can change is read through `ENV.<kind>(name, default, doc)`,
which records the declaration. `manage.py envdocs` prints the reference table the README
carries, so the documentation cannot drift from the code. A `<NAME>_FILE` variable, when
set, is read instead of `<NAME>` (for Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class ImproperlyConfiguredEnv(Exception):
    """Raised when an environment variable holds a value that cannot be used."""


@dataclass(frozen=True)
class Declaration:
    name: str
    kind: str
    default: object
    doc: str
    shown: str | None = None  # how the docs show a default computed at run time


class Env:
    def __init__(self, environ: os._Environ[str] | dict[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.declared: dict[str, Declaration] = {}

    def _raw(
        self, name: str, kind: str, default: object, doc: str, shown: str | None = None
    ) -> str | None:
        self.declared[name] = Declaration(name, kind, default, doc, shown)
        path = self.environ.get(f"{name}_FILE")
        if path:
            return Path(path).read_text().strip()
        value = self.environ.get(name)
        return None if value is None or value == "" else value

    def str(self, name: str, default: str, doc: str, *, shown: str | None = None) -> str:
        raw = self._raw(name, "str", default, doc, shown)
        return default if raw is None else raw

    def bool(self, name: str, default: bool, doc: str, *, shown: str | None = None) -> bool:
        raw = self._raw(name, "bool", default, doc, shown)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ImproperlyConfiguredEnv(f"{name} must be a boolean (true/false), got {raw!r}")

    def int(self, name: str, default: int, doc: str, *, shown: str | None = None) -> int:
        raw = self._raw(name, "int", default, doc, shown)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{name} must be an integer, got {raw!r}") from None

    def list(
        self, name: str, default: list[str], doc: str, *, shown: str | None = None
    ) -> list[str]:
        raw = self._raw(name, "list", default, doc, shown)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def markdown_table(self) -> str:
        rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
        for decl in self.declared.values():
            default = decl.default
            if isinstance(default, list):
                default = ",".join(default)
            shown = "" if default in ("", None, []) else f"`{default}`"
            if decl.shown is not None:
                shown = decl.shown
            rows.append(f"| `{decl.name}` | {decl.kind} | {shown} | {decl.doc} |")
        return "\n".join(rows)


ENV = Env()
