"""Spreadsheet exports that never run a formula: the one helper every XLSX and CSV export uses.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel and LibreOffice as a formula (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Exports are
shared across organisations, so a name typed by one party must reach the other as text.
XLSX cells are stored with the string type (the text is kept exactly); CSV cells get the
OWASP-recommended leading apostrophe, which spreadsheet programs show as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.functional import Promise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def xlsx_append(ws: Any, row: Iterable[Any]) -> None:
    """Append `row` to an openpyxl worksheet; formula-like text is stored as text."""
    values = [_plain(v) for v in row]
    ws.append(values)
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if is_formula_like(value):
            cell.value = value
            cell.data_type = "s"


def csv_cell(value: Any) -> Any:
    value = _plain(value)
    if is_formula_like(value):
        return "'" + value
    return value


def csv_writerow(writer: Any, row: Sequence[Any]) -> None:
    """Write one CSV row through `csv.writer`, formula-like text prefixed with an apostrophe."""
    writer.writerow([csv_cell(v) for v in row])


def csv_writer(stream: Any, **options: Any) -> Any:
    """A `csv.writer` whose `writerow`/`writerows` escape formula-like cells."""
    inner = csv.writer(stream, **options)

    class _Writer:
        def writerow(self, row: Sequence[Any]) -> Any:
            return inner.writerow([csv_cell(v) for v in row])

        def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
            for row in rows:
                self.writerow(row)

    return _Writer()
