"""Hostile import files are refused before any parser reads them, with a Dutch message."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from accounts.errors import DomainError
from housing import import_limits, services
from housing.models import ImportBatch

from .test_views import HEADER

pytestmark = pytest.mark.django_db


def _xlsx(rows) -> bytes:
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _upload(world, filename: str, content: bytes, kind="indicators"):
    return services.import_upload(
        actor=world.analyst,
        organisation=world.municipality_org,
        kind=kind,
        filename=filename,
        content=content,
    )


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("binair.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("lang.csv", (HEADER + "BU00010101;" + "9" * 131_073 + "\n").encode(), "cell_too_long"),
        ("veel.csv", (HEADER + "x;1\n" * 50_010).encode(), "too_many_rows"),
        ("geen.xlsx", b"PK\x03\x04 not really a zip", "not_xlsx"),
        ("groot.csv", b"a" * (import_limits.MAX_BYTES + 1), "too_large"),
    ],
)
def test_a_file_breaking_a_limit_is_refused_and_nothing_is_stored(world, filename, content, code):
    before = ImportBatch.objects.count()
    with pytest.raises(DomainError) as caught:
        _upload(world, filename, content)
    assert (caught.value.code, caught.value.field) == (code, "file")
    assert ImportBatch.objects.count() == before


def test_an_xlsx_holding_a_huge_packed_cell_is_refused_before_parsing(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
        z.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "x" * 5_000_000 + "</t></si></sst>")
    assert len(buffer.getvalue()) < 50_000  # small packed, 5 MB unpacked
    with pytest.raises(DomainError) as caught:
        _upload(world, "cel.xlsx", buffer.getvalue())
    assert caught.value.code == "unpacked_too_large"


def test_an_xlsx_cell_longer_than_the_limit_is_refused(world):
    content = _xlsx([["buurtcode", "jaar"], ["BU00010101", "x" * 20_000]])
    with pytest.raises(DomainError) as caught:
        _upload(world, "cel.xlsx", content)
    assert caught.value.code == "cell_too_long"


def test_an_xlsx_with_too_many_rows_is_refused_by_its_dimension(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet><dimension ref="A1:H200000"/></worksheet>',
        )
    with pytest.raises(import_limits.LimitExceeded) as caught:
        import_limits.check("rijen.xlsx", buffer.getvalue())
    assert caught.value.code == "too_many_rows"


def test_an_xlsx_without_a_dimension_is_refused_by_counting_its_rows(world):
    """openpyxl's write-only mode (and other streaming writers) write no dimension: the rows
    are counted before parsing, so 200,000 rows never reach the parser."""
    content = _xlsx([["buurtcode", "jaar"]] + [[f"BU{n:08d}", 2024] for n in range(60_000)])
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert b"<dimension" not in z.read("xl/worksheets/sheet1.xml")[:4096]
    with pytest.raises(import_limits.LimitExceeded) as caught:
        import_limits.check("rijen.xlsx", content)
    assert caught.value.code == "too_many_rows"


def test_a_normal_xlsx_and_csv_pass(world):
    import_limits.check("ok.xlsx", _xlsx([["buurtcode", "jaar"], ["BU00010101", 2024]]))
    import_limits.check("ok.csv", (HEADER + "BU00010101;2023;900;41;4;20;7;5\n").encode())


def test_applying_marks_applied_only_what_was_written(world, monkeypatch):
    batch, report = _upload(world, "i.csv", (HEADER + "BU00010101;2023;900;41;4;20;7;5\n").encode())
    assert report.ok
    calls = []
    real = services.importing.validate
    monkeypatch.setattr(
        services.importing, "validate", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    services.import_apply(actor=world.analyst, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "applied" and len(calls) == 1  # checked once, written from that check


def test_the_upload_page_says_which_limit_the_file_breaks(world, login):
    from .test_views import upload

    response = upload(login(world.analyst), b"\x89PNG\r\n\x1a\n\x00\x00", name="binair.csv")
    assert response.status_code == 400
    assert any("binaire gegevens" in m for m in response.context["form"].errors["file"])
