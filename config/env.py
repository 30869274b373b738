"""Typed access to environment variables, each declared once with its documentation.

Every setting the deployment can change is read through `ENV.<kind>(name, default, doc)`,
which records the declaration. `manage.py envdocs` prints the reference table the README
carries, so the documentation cannot drift from the code. A `<NAME>_FILE` variable, when
set, is read instead of `<NAME>` (for Docker/Kubernetes secrets).
"""

from __future__ import annotations

import builtins
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
    def __init__(
        self, environ: os._Environ[builtins.str] | dict[builtins.str, builtins.str] | None = None
    ) -> None:
        self.environ = os.environ if environ is None else environ
        self.declared: dict[builtins.str, Declaration] = {}

    def _raw(
        self,
        name: builtins.str,
        kind: builtins.str,
        default: object,
        doc: builtins.str,
        shown: builtins.str | None = None,
    ) -> builtins.str | None:
        self.declared[name] = Declaration(name, kind, default, doc, shown)
        path = self.environ.get(f"{name}_FILE")
        if path:
            return Path(path).read_text().strip()
        value = self.environ.get(name)
        return None if value is None or value == "" else value

    def str(
        self,
        name: builtins.str,
        default: builtins.str,
        doc: builtins.str,
        *,
        shown: builtins.str | None = None,
    ) -> builtins.str:
        raw = self._raw(name, "str", default, doc, shown)
        return default if raw is None else raw

    def bool(
        self,
        name: builtins.str,
        default: builtins.bool,
        doc: builtins.str,
        *,
        shown: builtins.str | None = None,
    ) -> builtins.bool:
        raw = self._raw(name, "bool", default, doc, shown)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise ImproperlyConfiguredEnv(f"{name} must be a boolean (true/false), got {raw!r}")

    def int(
        self,
        name: builtins.str,
        default: builtins.int,
        doc: builtins.str,
        *,
        shown: builtins.str | None = None,
    ) -> builtins.int:
        raw = self._raw(name, "int", default, doc, shown)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{name} must be an integer, got {raw!r}") from None

    def list(
        self,
        name: builtins.str,
        default: builtins.list[builtins.str],
        doc: builtins.str,
        *,
        shown: builtins.str | None = None,
    ) -> builtins.list[builtins.str]:
        raw = self._raw(name, "list", default, doc, shown)
        if raw is None:
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def markdown_table(self) -> builtins.str:
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
