"""Issue 14, item 6: every bad input of the issue, tried on the demo region (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/woonbrug_faults \\
    REDIS_URL=redis://127.0.0.1:6379/4 python -m benchmarks.bad_inputs [forms api bodies imports]

Through Django's test client (the whole middleware stack, no exception re-raised, so a
server error is a 500 here as behind gunicorn), signed in as each demo role:

- forms: every POST form reachable from each role's pages (one form per URL pattern), each
  field alone set to integer overflow (2^31, 2^63, 10^30), a NUL byte, control characters,
  131,073 characters, and, for dates, 0001-01-01 and 9999-12-31;
- api: every writing endpoint of the OpenAPI schema, each property alone with the same values
  of its type;
- bodies: JSON nested 50,000 deep, a 3 MB JSON body and a 3 MB form body;
- imports: binary data named .csv, a field of 131,073 characters, GeoJSON features that are
  strings, null or lists, a NUL byte in a dwelling's street (upload and "Alles opslaan"),
  an XLSX holding a 100 MB cell, a 49 MB CSV, a 19 MB CSV viewed three times (the preview is
  not parsed again), a 200,000-row XLSX (with and without its dimension element).

Prints a table per part: requests, 5xx, the 5xx requests, and whether a Dutch message was
shown. A 5xx is a failure; so is an import refused without a message.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
import zipfile
from collections import Counter
from typing import Any

from benchmarks.faults import setup

INTS = ("2147483648", "9223372036854775808", "-9223372036854775809", "1" + "0" * 30)
TEXTS = ("a\x00b", "\x07\x1b[31m\x7f", "x" * 131_073)
DATES = ("0001-01-01", "9999-12-31")
ROLES = (
    "voorzitter@gemeente.demo",
    "coordinator@debrug.demo",
    "consulent@dekade.demo",
    "analist@gemeente.demo",
    "beheer@debrug.demo",
    "beheer@gemeente.demo",
)
SKIP_FIELDS = ("csrfmiddlewaretoken",)
failures: list[str] = []


def browser_for(email: str) -> Any:
    from django.test import Client as Browser

    from accounts.models import User

    browser = Browser(raise_request_exception=False)
    browser.force_login(User.objects.get(email=email))
    return browser


def pattern(url: str) -> str:
    return re.sub(r"\d+", "N", url)


def bad_values(field: dict[str, Any]) -> tuple[str, ...]:
    kind = field["type"]
    if kind in ("number", "range"):
        return INTS
    if kind in ("date", "datetime-local", "month"):
        return (*DATES, "a\x00b")
    if kind == "hidden" and field["value"].isdigit():
        return INTS
    if kind == "checkbox":
        return ("a\x00b",)
    return TEXTS


def forms() -> list[tuple[str, int, int]]:
    from tests.test_fuzz_inputs import crawl

    rows = []
    for email in ROLES:
        browser = browser_for(email)
        seen: dict[str, tuple[str, dict[str, Any]]] = {}
        for action, fields in crawl(browser, limit=400):
            seen.setdefault(pattern(action) + "|" + ",".join(sorted(fields)), (action, fields))
        sent = bad = 0
        for action, fields in seen.values():
            base = {
                n: (f["options"][0] if f["type"] == "select" and f["options"] else f["value"])
                for n, f in fields.items()
                if f["type"] not in ("file", "submit")
            }
            for name, field in fields.items():
                if name in SKIP_FIELDS or field["type"] in ("file", "submit"):
                    continue
                for value in bad_values(field):
                    response = browser.post(action, {**base, name: value})
                    sent += 1
                    if response.status_code >= 500:
                        bad += 1
                        failures.append(f"form {email} POST {action} {name}={value[:20]!r}")
        rows.append((f"{email}: {len(seen)} forms", sent, bad))
    return rows


def api() -> list[tuple[str, int, int]]:
    from tests.test_fuzz_inputs import _fill_path, _properties, _schema

    schema = _schema()
    rows = []
    for email in ROLES:
        browser = browser_for(email)
        sent = bad = ops = 0
        for template, operations in schema["paths"].items():
            for method in ("post", "put", "patch"):
                if method not in operations:
                    continue
                path = _fill_path(browser, template)
                if path is None:
                    continue
                ops += 1
                for name, prop in _properties(schema, operations[method]).items():
                    kind = prop.get("type")
                    if kind == "integer" or kind == "number":
                        values: tuple[Any, ...] = tuple(int(v) for v in INTS)
                    elif prop.get("format") in ("date", "date-time"):
                        values = (*DATES, "a\x00b")
                    elif kind == "array":
                        values = (["a\x00b"], [int(INTS[-1])])
                    else:
                        values = TEXTS
                    for value in values:
                        response = getattr(browser, method)(
                            path, {name: value}, content_type="application/json"
                        )
                        sent += 1
                        if response.status_code >= 500:
                            bad += 1
                            failures.append(
                                f"api {email} {method} {path} {name}={str(value)[:20]!r}"
                            )
        rows.append((f"{email}: {ops} write operations", sent, bad))
    return rows


def bodies() -> list[tuple[str, int, int]]:
    browser = browser_for("coordinator@debrug.demo")
    cases = [
        ("JSON nested 50,000 deep", "/api/v1/clients/", "[" * 50_000 + "]" * 50_000, "application/json"),
        ("3 MB JSON body", "/api/v1/clients/", json.dumps({"first_name": "x" * 3_000_000}), "application/json"),
        ("3 MB form body", "/clienten/nieuw/", "first_name=" + "x" * 3_000_000, "application/x-www-form-urlencoded"),
    ]  # fmt: skip
    rows = []
    for name, path, body, content_type in cases:
        response = browser.post(path, body, content_type=content_type)
        text = response.content.decode(errors="replace")
        dutch = "te groot" in text or "te diep" in text
        if response.status_code >= 500 or not dutch:
            failures.append(f"body {name}: HTTP {response.status_code}, Dutch message {dutch}")
        rows.append(
            (
                f"{name}: HTTP {response.status_code}, Dutch message {dutch}",
                1,
                int(response.status_code >= 500),
            )
        )
    return rows


def _xlsx(rows: Any) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _without_dimension(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            target.writestr(item, data)
    return out.getvalue()


def _huge_cell_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet><dimension ref="A1:B2"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        )
        z.writestr("xl/sharedStrings.xml", "<sst><si><t>" + "x" * 100_000_000 + "</t></si></sst>")
    return out.getvalue()


def imports() -> list[tuple[str, int, int]]:
    from django.urls import reverse

    from housing import importing
    from housing.models import ImportBatch

    _f, dwelling_template, _t = importing.template("dwellings")
    header = dwelling_template.split(b"\r\n")[0].decode("utf-8-sig")
    example = dwelling_template.split(b"\r\n")[1].decode("utf-8-sig")
    ind_header = "buurtcode;buurtnaam;jaar;woningen;aandeel_corporatie\n"
    feature = {"type": "Feature", "properties": {}, "geometry": None}
    big_rows = ind_header + "".join(
        f"BU0308{n % 10000:04d};{'Buurt ' + 'x' * 330};2024;1000;30\n" for n in range(48_000)
    )
    print(f"  building the 200,000-row XLSX ({time.strftime('%X')})", file=sys.stderr)
    many = _xlsx(
        [["buurtcode", "jaar", "woningen"]] + [[f"BU{n:08d}", 2024, 10] for n in range(200_000)]
    )
    cases: list[tuple[str, str, str, str, bytes]] = [
        ("binary data named .csv", "analist@gemeente.demo", "indicators", "plaatje.csv",
         b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40),
        ("a field of 131,073 characters", "analist@gemeente.demo", "indicators", "lang.csv",
         (ind_header + "BU03080000;" + "x" * 131_073 + ";2024;1;1\n").encode()),
        ("GeoJSON features that are strings", "analist@gemeente.demo", "boundaries", "s.geojson",
         json.dumps({"type": "FeatureCollection", "features": ["a", "b"]}).encode()),
        ("GeoJSON features null", "analist@gemeente.demo", "boundaries", "n.geojson",
         json.dumps({"type": "FeatureCollection", "features": None}).encode()),
        ("GeoJSON features that are null / lists", "analist@gemeente.demo", "boundaries", "l.geojson",
         json.dumps({"type": "FeatureCollection", "features": [None, [1, 2], feature]}).encode()),
        ("GeoJSON that is a list", "analist@gemeente.demo", "boundaries", "x.geojson", b"[1, 2, 3]"),
        ("an XLSX holding a 100 MB cell", "analist@gemeente.demo", "indicators", "cel.xlsx",
         _huge_cell_xlsx()),
        ("a 49 MB CSV", "analist@gemeente.demo", "indicators", "groot.csv",
         (ind_header + "BU03080000;x;2024;1;1\n" * 2_250_000).encode()),
        ("a 200,000-row XLSX", "analist@gemeente.demo", "indicators", "rijen.xlsx", many),
        ("a 200,000-row XLSX without dimension", "analist@gemeente.demo", "indicators",
         "rijen2.xlsx", _without_dimension(many)),
        ("a 19 MB CSV, 48,000 rows", "analist@gemeente.demo", "indicators", "breed.csv",
         big_rows.encode()),
    ]  # fmt: skip
    for street in ("Kade\x00straat", "Kade\x1bstraat"):
        row = example.replace("Kerkstraat;12", f"{street};12", 1)
        cases.append(
            (f"dwelling street {street!r}", "consulent@dekade.demo", "dwellings", "w.csv",
             (header + "\n" + row + "\n").encode())
        )  # fmt: skip
    rows = []
    for name, email, kind, filename, content in cases:
        browser = browser_for(email)
        before = ImportBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        started = time.perf_counter()
        upload = io.BytesIO(content)
        upload.name = filename
        response = browser.post(reverse("housing:import-list"), {"kind": kind, "file": upload})
        took = time.perf_counter() - started
        codes = [response.status_code]
        note = ""
        batch = ImportBatch.objects.filter(pk__gt=before).order_by("-pk").first()
        if batch is not None and response.status_code == 302:
            views = []
            for _ in range(3):
                t0 = time.perf_counter()
                page = browser.get(reverse("housing:import-detail", args=[batch.pk]))
                views.append(time.perf_counter() - t0)
                codes.append(page.status_code)
            note = f"preview views {', '.join(f'{v:.2f}' for v in views)} s"
            applied = browser.post(reverse("housing:import-apply", args=[batch.pk]), follow=True)
            codes.append(applied.status_code)
            batch.refresh_from_db()
            text = applied.content.decode(errors="replace")
            first = (batch.preview or {}).get("error_groups") or [["", ""]]
            note += f"; 'Alles opslaan': {batch.status}; first error {str(first[0][:2])[:120]!r}"
            if "x00" in name or "\x00" in name:
                note += ", NUL stored" if "\x00" in str(batch.preview) else ""
        else:
            text = response.content.decode(errors="replace")
            found = re.search(
                r'class="(?:field-error|errornote|messages?)[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]{5,160})',
                text,
            ) or re.search(r"<main[^>]*>.*?<p[^>]*>([^<]*(?:te groot|te diep)[^<]*)<", text, re.S)
            note = f"refused: {found.group(1).strip()!r}" if found else "refused, no message found"
            if not found:
                failures.append(f"import {name}: no message")
        bad = sum(c >= 500 for c in codes)
        if bad:
            failures.append(f"import {name}: HTTP {codes}")
        rows.append(
            (
                f"{name} ({len(content) / 1e6:.1f} MB): HTTP {codes}, {took:.1f} s, {note}",
                len(codes),
                bad,
            )
        )
    return rows


def main() -> None:
    setup()
    parts = {"forms": forms, "api": api, "bodies": bodies, "imports": imports}
    chosen = [p for p in sys.argv[1:] if p in parts] or list(parts)
    totals: Counter[str] = Counter()
    for part in chosen:
        started = time.perf_counter()
        print(f"{part} …", file=sys.stderr, flush=True)
        rows = parts[part]()
        print(f"\n### {part} ({time.perf_counter() - started:.0f} s)\n")
        print("| what | requests | 5xx |")
        print("|---|---|---|")
        for what, sent, bad in rows:
            print(f"| {what} | {sent} | {bad} |")
            totals["requests"] += sent
            totals["5xx"] += bad
        sys.stdout.flush()
    print(f"\nTotal: {totals['requests']} requests, {totals['5xx']} answered 5xx.")
    for line in failures:
        print("-", line)


if __name__ == "__main__":
    main()
