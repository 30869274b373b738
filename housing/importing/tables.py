"""Reading CSV and XLSX tables as published: BOM, `;` or `,`, quoted and space-padded values,
Windows-1252 from Dutch Excel, StatLine's title lines above the header and source line below.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .values import text

# An XLSX is a zip archive; openpyxl inflates it while reading. Refuse archives that would
# inflate beyond this before openpyxl sees them (a "zip bomb" of a few kB can hold gigabytes).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XLSX_RATIO = 200
# The whole Leefbaarometer file (every buurt, 2002–2024) has ~125,000 rows; a national
# buurtkaart ~14,000 features. Beyond these a file is refused with a message, not parsed on.
MAX_ROWS = 250_000
MAX_CELL = 10_000  # characters in one cell (a buurt name is < 100)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV/XLSX/GeoJSON, empty, bad encoding)."""


@dataclass
class Table:
    header: list[str]  # as written in the file, stripped
    rows: Iterator[tuple[int, list[Any]]]  # (line number in the file, values)
    header_line: int = 1
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=4096)
def _normalise(raw: str) -> str:
    raw = re.sub(r"\s*\([^)]*\)\s*$", "", raw.lstrip("\ufeff"))  # StatLine's unit: "(aantal)"
    raw = re.sub(r"_[0-9]+$", "", raw)  # CBS OData's yearly column suffix
    return re.sub(r"[^0-9a-z]", "", raw.lower())


def normalise(name: Any) -> str:
    """'InBezitWoningcorporatie_42' -> 'inbezitwoningcorporatie'; 'Bu_Code' -> 'bucode'."""
    return _normalise(text(name))


def header_keys(name: Any) -> list[str]:
    """Every key a heading may be known by: the whole heading and, for StatLine's
    'Wonen/Eigendom/In bezit woningcorporatie (%)', its last one and two parts."""
    raw = text(name).lstrip("\ufeff")
    raw = re.sub(r"\s*\([^)]*\)\s*$", "", raw)
    parts = [p for p in raw.split("/") if p.strip()]
    keys = [normalise(raw)]
    if len(parts) > 1:
        keys += [normalise("".join(parts[-2:])), normalise(parts[-1])]
    return [k for k in dict.fromkeys(keys) if k]


def read_table(filename: str, content: bytes) -> Table:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_csv(content)
    raise ImportFileError("Alleen CSV- of XLSX-bestanden (.csv, .xlsx) of GeoJSON (.geojson).")


def decode(content: bytes) -> tuple[str, str | None]:
    try:
        return content.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        # Excel's "CSV (puntkomma)" on Dutch Windows writes Windows-1252 (a superset of Latin-1).
        return content.decode("cp1252", errors="replace"), (
            "Het bestand is niet in UTF-8 maar in Windows-1252/Latin-1 gelezen "
            "(accenten blijven behouden)."
        )


def _read_csv(content: bytes) -> Table:
    text_content, note = decode(content)
    lines = text_content.splitlines()
    if not any(line.strip() for line in lines):
        raise ImportFileError("Het bestand is leeg.")
    sample = "\n".join(lines[:20])
    delimiter = max(";,\t", key=sample.count)
    if sample.count(delimiter) == 0:
        other = next((c for c in "|:" if c in lines[0]), None)
        if other:
            raise ImportFileError(
                f"De kolommen zijn gescheiden door {other!r}; gebruik een puntkomma (;) of komma (,)."
            )
    reader = csv.reader(io.StringIO(text_content, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_line = 1
    try:
        # StatLine's export may start with title lines: the header is the first line with at
        # least two filled cells.
        for values in reader:
            if sum(1 for v in values if v.strip()) >= 2:
                header = [text(v).lstrip("\ufeff") for v in values]
                header_line = reader.line_num
                break
    except csv.Error as error:
        raise ImportFileError(f"Geen leesbaar CSV-bestand: {error}.") from None
    if header is None:
        raise ImportFileError(
            "Geen kopregel gevonden: de eerste regel moet de kolomnamen bevatten, gescheiden "
            "door een puntkomma (;) of komma (,)."
        )

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        try:
            for values in reader:
                # Empty lines and StatLine's trailing "Bron: CBS" line carry no row.
                if not any(v.strip() for v in values) or (
                    len(values) == 1 and values[0].strip().lower().startswith(("bron", "(c)", "©"))
                ):
                    continue
                count += 1
                check_row(reader.line_num, values, count)
                yield reader.line_num, values
        except csv.Error as error:
            raise ImportFileError(f"regel {reader.line_num}: {error}.") from None

    return Table(header=header, rows=rows(), header_line=header_line, notes=[note] if note else [])


def check_row(line: int, values: Any, count: int) -> None:
    """Stop reading a file past the row limit or at a cell no public file has."""
    if count > MAX_ROWS:
        raise ImportFileError(
            f"Het bestand heeft meer dan {MAX_ROWS:,} regels; splits het op.".replace(",", ".")
        )
    for value in values:
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise ImportFileError(
                f"regel {line}: een cel is langer dan {MAX_CELL} tekens; dit is geen tabel van buurten of woningen."
            )


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an XLSX whose parts would inflate past the limits, before parsing anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportFileError("Geen leesbaar XLSX-bestand (geen zip-archief).") from None
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_XLSX_UNCOMPRESSED or total > MAX_XLSX_RATIO * max(len(content), 1):
        raise ImportFileError(
            "Het XLSX-bestand pakt uit tot een onredelijke omvang "
            f"({total // (1024 * 1024)} MB); het wordt niet gelezen."
        )


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    check_xlsx_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(f"Geen leesbaar XLSX-bestand ({type(error).__name__}).") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header: list[str] | None = None
    header_line = 0
    for header_line, values in enumerate(iterator, start=1):  # noqa: B007
        if sum(1 for v in values if text(v)) >= 2:
            header = [text(v) for v in values]
            break
    if header is None:
        workbook.close()
        raise ImportFileError("Het werkblad is leeg.")
    while header and header[-1] == "":
        header.pop()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        count = 0
        for number, values in enumerate(iterator, start=header_line + 1):
            if any(v not in (None, "") for v in values):
                count += 1
                check_row(number, values, count)
                yield number, list(values)
        workbook.close()

    return Table(header=header, rows=rows(), header_line=header_line)
