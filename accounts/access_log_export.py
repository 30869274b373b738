"""CSV and XLSX exports of the access log, with the same readable names as the page (cells
go through `accounts.exports`, so a typed name never runs as a formula)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .access import labels
from .exports import csv_writer, xlsx_append
from .models import AccessLogEntry

MAX_ROWS = 50_000  # one export; narrow the filters for more


def header() -> list[str]:
    return [
        _("Tijdstip"), _("Persoon"), _("E-mailadres"), _("Organisatie"), _("Rol"),
        _("Handeling"), _("Soort gegeven"), _("Gegeven"), _("Resultaat"), _("Regel"), _("Doel"),
        _("Kanaal"), _("IP-adres"),
    ]  # fmt: skip


def row(entry: AccessLogEntry, names: dict[int, str]) -> list[Any]:
    return [
        timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
        names.get(entry.user_id or 0, entry.user_email),
        entry.user_email,
        entry.organisation_name,
        labels.role_label(entry.role),
        entry.get_action_display(),
        labels.object_type_label(entry.object_type),
        entry.object_id,
        entry.get_result_display(),
        labels.rule_label(entry.rule),
        labels.purpose_label(entry.purpose),
        entry.channel,
        entry.ip_address or "",
    ]


def as_csv(entries: Iterable[AccessLogEntry], names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";")  # Dutch Excel opens ; separated files directly
    writer.writerow(header())
    for entry in entries:
        writer.writerow(row(entry, names))
    return "\ufeff" + out.getvalue()  # BOM: Excel reads UTF-8 (ë, é) correctly


def as_xlsx(entries: Iterable[AccessLogEntry], names: dict[int, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Toegangslog")[:31]
    xlsx_append(ws, header())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for entry in entries:
        xlsx_append(ws, row(entry, names))
    widths = [20, 24, 28, 28, 24, 14, 18, 18, 12, 48, 48, 10, 16]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
