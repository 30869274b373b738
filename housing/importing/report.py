"""What an import found: rows, errors (grouped for people), counts, notes and changes."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

PREVIEW_ROWS = 20
SHOWN_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    line: int  # the line in the file (1 is usually the header); features count from 1
    field: str
    message: str

    def __str__(self) -> str:
        where = f"regel {self.line}" if self.line else "bestand"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


@dataclass(frozen=True)
class ErrorGroup:
    """One problem as people read it: the same field and message on many lines is one entry."""

    field: str
    message: str
    lines: tuple[int, ...]

    @property
    def lines_label(self) -> str:
        shown = [str(n) for n in self.lines[:8] if n]
        if not shown:
            return ""
        more = len(self.lines) - len(shown)
        return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


@dataclass
class Report:
    """What an import found; `rows` are only meaningful when there are no errors."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # preview headings
    targets: list[str] = field(default_factory=list)  # the row key under each heading
    notes: list[str] = field(default_factory=list)  # information, not errors
    counts: dict[str, int] = field(default_factory=dict)  # skipped/derived, by label
    changes: dict[str, int] = field(default_factory=dict)  # indicator label -> buurten changed
    source: str = ""  # the format recognised, as people call it
    written: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def preview(self) -> list[list[Any]]:
        """The first rows as a table under `columns` (geometry left out)."""
        return [[row.get(t) for t in self.targets] for row in self.rows[:PREVIEW_ROWS]]

    def error(self, line: int, field_name: str, message: str) -> None:
        self.errors.append(RowError(line, field_name, message))

    def count(self, label: str, n: int = 1) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    @property
    def error_groups(self) -> list[ErrorGroup]:
        groups: dict[tuple[str, str], list[int]] = {}
        for e in self.errors:
            groups.setdefault((e.field, e.message), []).append(e.line)
        return [ErrorGroup(f, m, tuple(lines)) for (f, m), lines in groups.items()]

    @property
    def shown_error_groups(self) -> list[ErrorGroup]:
        return self.error_groups[:SHOWN_ERRORS]

    @property
    def errors_not_shown(self) -> int:
        """How many errors lie beyond the groups shown."""
        return sum(len(g.lines) for g in self.error_groups[SHOWN_ERRORS:])

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def summary(self) -> dict[str, Any]:
        """What the preview page shows, as JSON: kept with the upload, so looking at the preview
        (again) never parses the stored file again (a 49 MB CSV took 37 s per view)."""
        groups = self.shown_error_groups
        return {
            "kind": self.kind,
            "source": self.source,
            "notes": [str(n) for n in self.notes],
            "counts": {str(k): v for k, v in self.counts.items()},
            "changes": {str(k): v for k, v in self.changes.items()},
            "columns": [str(c) for c in self.columns],
            "row_count": self.row_count,
            "error_count": self.error_count,
            # Lines beyond the first eight of a group are only counted on the page.
            "error_groups": [
                [g.field, str(g.message), list(g.lines[:8]), len(g.lines)] for g in groups
            ],
            "errors_not_shown": self.errors_not_shown,
            "preview": [[_json_value(v) for v in row] for row in self.preview],
        }


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True)
class StoredReport:
    """A preview read back from `Report.summary()`: the attributes the preview page reads."""

    kind: str
    source: str
    notes: list[str]
    counts: dict[str, int]
    changes: dict[str, int]
    columns: list[str]
    row_count: int
    error_count: int
    shown_error_groups: list[ErrorGroup]
    errors_not_shown: int
    preview: list[list[Any]]

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @classmethod
    def from_summary(cls, data: dict[str, Any]) -> StoredReport:
        groups = [
            ErrorGroup(field, message, (*lines, *([0] * (total - len(lines)))))
            for field, message, lines, total in data["error_groups"]
        ]
        return cls(
            kind=data["kind"],
            source=data["source"],
            notes=data["notes"],
            counts=data["counts"],
            changes=data["changes"],
            columns=data["columns"],
            row_count=data["row_count"],
            error_count=data["error_count"],
            shown_error_groups=groups,
            errors_not_shown=data["errors_not_shown"],
            preview=data["preview"],
        )


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """' — bedoelt u buurtcode?' when a known name is close, else ''."""
    match = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.75)
    return f"; bedoelt u {match[0]}?" if match else ""
