"""Limits an import file must meet before any parser reads it (size, rows, cell length,
XLSX decompressed size). Checked on the raw bytes, cheaply, so a hostile file (a 100 MB
cell in a 108 KB XLSX, binary data named .csv, 200,000 rows) is refused with a Dutch
message instead of taking the worker's memory and time. The parsers (`importing`) call
`check` first; the numbers are here so they are documented in one place.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

MAX_BYTES = 20 * 1024 * 1024  # the upload itself
MAX_ROWS = 50_000  # more than the country's ~14,000 neighbourhoods; a corporation's stock
MAX_CELL_CHARS = 10_000  # a GeoJSON geometry in a cell is the longest real value
XLSX_MAX_UNCOMPRESSED = 60 * 1024 * 1024  # all parts of the workbook, unpacked
XLSX_MAX_RATIO = 100  # unpacked / packed: a zip bomb is far above this


class LimitExceeded(ValueError):
    """The file breaks a limit; the message is Dutch and names it, `code` says which limit
    (`too_large`, `binary`, `too_many_rows`, `cell_too_long`, `not_xlsx`, `unpacked_too_large`)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def check(filename: str, content: bytes) -> None:
    """Raise `LimitExceeded` when the file is too big for any parser to read safely."""
    if len(content) > MAX_BYTES:
        raise LimitExceeded(
            f"Het bestand is groter dan {MAX_BYTES // 1_048_576} MB.", code="too_large"
        )
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        _check_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        _check_csv(content)
    elif name.endswith((".geojson", ".json")) and b"\x00" in content:
        raise LimitExceeded("Dit is geen tekstbestand (het bevat binaire gegevens).", code="binary")


def _check_csv(content: bytes) -> None:
    if b"\x00" in content:
        raise LimitExceeded(
            "Dit is geen CSV-bestand: het bevat binaire gegevens (een nul-byte). "
            "Sla het op als CSV (puntkomma of komma gescheiden).",
            code="binary",
        )
    if content.count(b"\n") > MAX_ROWS + 1:
        raise LimitExceeded(
            f"Het bestand heeft meer dan {MAX_ROWS:,} regels.".replace(",", "."),
            code="too_many_rows",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    previous = csv.field_size_limit(MAX_CELL_CHARS + 1)
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            for value in values:
                if len(value) > MAX_CELL_CHARS:
                    raise LimitExceeded(_cell_message(), code="cell_too_long")
    except csv.Error:
        raise LimitExceeded(_cell_message(), code="cell_too_long") from None
    finally:
        csv.field_size_limit(previous)


def _cell_message() -> str:
    return f"Een cel is langer dan {MAX_CELL_CHARS:,} tekens.".replace(",", ".")


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def _check_xlsx(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise LimitExceeded(
            "Geen leesbaar XLSX-bestand (het is geen Excel-werkmap).", code="not_xlsx"
        ) from None
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > XLSX_MAX_UNCOMPRESSED or unpacked / packed > XLSX_MAX_RATIO:
        raise LimitExceeded(
            f"De werkmap is uitgepakt te groot (meer dan {XLSX_MAX_UNCOMPRESSED // 1_048_576} MB"
            " of een ongewoon sterk ingepakt bestand).",
            code="unpacked_too_large",
        )
    sheets = sorted(m.filename for m in members if m.filename.startswith("xl/worksheets/sheet"))
    if sheets:
        with archive.open(sheets[0]) as sheet:
            head = sheet.read(4096)
        found = _DIMENSION.search(head)
        # A writer that streams (openpyxl's write-only mode, many exports) leaves the
        # dimension out or writes "A1": then the rows are counted, in bounded chunks.
        rows = (
            int(found.group(1))
            if found and found.group(1)
            else _count_rows(archive, sheets[0], stop_after=MAX_ROWS + 1)
        )
        if rows > MAX_ROWS + 1:
            raise LimitExceeded(
                f"Het werkblad heeft meer dan {MAX_ROWS:,} regels.".replace(",", "."),
                code="too_many_rows",
            )
    # Cell text lives in the shared strings or inline in the sheet: both are scanned in
    # bounded chunks (their unpacked size is already limited above).
    for member in members:
        if member.filename not in ("xl/sharedStrings.xml", *sheets[:1]):
            continue
        if (
            member.file_size > MAX_CELL_CHARS
            and _longest_string(archive, member.filename) > MAX_CELL_CHARS
        ):
            raise LimitExceeded(_cell_message(), code="cell_too_long")


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(archive: zipfile.ZipFile, name: str, *, stop_after: int) -> int:
    """How many `<row>` elements the sheet holds (counting stops past `stop_after`)."""
    count = 0
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(1 << 20):
            data = tail + chunk
            # A tag starting in the last bytes is counted in the next round (the tail is kept).
            cut = max(0, len(data) - 16)
            count += sum(1 for m in _ROW.finditer(data) if m.start() < cut)
            tail = data[cut:]
            if count > stop_after:
                return count
    return count + len(_ROW.findall(tail))


def _longest_string(archive: zipfile.ZipFile, name: str) -> int:
    """The longest text between tags in the shared strings, read in bounded chunks."""
    longest = current = 0
    with archive.open(name) as part:
        while chunk := part.read(1 << 16):
            for piece in re.split(rb"(<[^>]*>)", chunk):
                if piece.startswith(b"<"):
                    current = 0
                    continue
                current += len(piece)
                longest = max(longest, current)
    return longest
