"""Dwellings from a corporation's own export (CSV or XLSX with Dutch headings).

Headings are recognised in the forms corporations' systems export them ("VHE-nummer",
"Straatnaam", "Huisnummer toevoeging", "Kale huur", "Complexnummer"…); an `adres` column
with street, number and suffix together is split. Rents take a decimal comma or point.
The import is idempotent on the corporation's own dwelling reference: a second upload of
the same file updates the dwellings it names, it never adds them twice. Complexes and
stairwells are matched by number and name; with `create_complexes` unknown ones are created
in the dwelling's buurt.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import Organisation

from .. import models as m
from ..models import (
    Complex,
    Dwelling,
    DwellingEvent,
    DwellingStatus,
    DwellingType,
    Neighbourhood,
    Stairwell,
)
from . import values as v
from .report import Report, did_you_mean
from .tables import normalise, read_table

BATCH = 1000

_TYPES_BY_LABEL = {normalise(label): value for value, label in DwellingType.choices}
_TYPE_SYNONYMS = {
    "portiekwoning": "porch_flat",
    "galerijwoning": "gallery_flat",
    "flat": "apartment",
    "appartement": "apartment",
    "meergezinswoning": "apartment",
    "benedenwoning": "ground_floor",
    "bovenwoning": "upper_floor",
    "eengezinswoning": "house",
    "rijwoning": "house",
    "tussenwoning": "house",
    "hoekwoning": "house",
    "studio": "studio",
    "kamer": "room",
    "onzelfstandig": "room",
}


def _dwelling_type(value: Any) -> str:
    raw = v.text(value).lower()
    key = normalise(raw)
    if raw in DwellingType.values:
        return raw
    for table in (_TYPES_BY_LABEL, _TYPE_SYNONYMS):
        if key in table:
            return table[key]
    raise Invalid(
        f"onbekend type {raw!r} (bijvoorbeeld: portiekflat, galerijflat, eengezinswoning)"
    )


Invalid = v.Invalid


def _money(value: Any, high: int) -> Decimal:
    raw = v.text(value).replace("€", "").replace(" ", "")
    if re.match(r"^[0-9]{1,3}([.][0-9]{3})+$", raw):
        raise Invalid(
            f"{raw!r} is dubbelzinnig: schrijf {raw.replace('.', '')} of {raw.replace('.', '')},00"
        )
    return v.decimal(raw, low=0, high=high)


def _bag_id(value: Any) -> str:
    raw = v.text(value).replace(" ", "")
    if not re.match(r"^[0-9]{16}$", raw):
        raise Invalid(f"{raw!r} is geen BAG-verblijfsobject-id (16 cijfers)")
    return raw


_ADDRESS = re.compile(
    r"^(?P<street>.*?[^\d\s])\s+(?P<number>\d+)\s*[-\s]?\s*(?P<suffix>[A-Za-z0-9]{0,6})$"
)


@dataclass(frozen=True)
class Column:
    target: str
    parse: Callable[[Any], Any]
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS = [
    Column(
        "reference",
        lambda x: v.text(x)[:40],
        (
            "referentie",
            "vhenummer",
            "vhe",
            "vhenr",
            "eenheidnummer",
            "verhuureenheid",
            "objectnummer",
            "eenheid",
        ),
    ),
    Column("address", v.text, ("adres",), False),
    Column("street", lambda x: v.text(x)[:120], ("straat", "straatnaam"), False),
    Column(
        "number",
        lambda x: v.integer(x, low=1, high=m.DWELLING_NUMBER_MAX),
        ("huisnummer", "nr", "huisnr"),
        False,
    ),
    Column(
        "suffix",
        lambda x: v.text(x)[:10],
        ("toevoeging", "huisnummertoevoeging", "huisletter", "toev"),
        False,
    ),
    Column("postcode", v.postcode, ("postcode",)),
    Column("city", lambda x: v.text(x)[:80], ("plaats", "woonplaats")),
    Column(
        "bag_id",
        v.optional(_bag_id),
        ("bagid", "verblijfsobjectid", "bagverblijfsobjectid", "bagvboid", "adresseerbaarobjectid"),
        False,
    ),
    Column("code", v.neighbourhood_code, ("buurtcode", "bucode"), False),
    Column("complex_code", v.text, ("complex", "complexnummer", "complexnr"), False),
    Column("stairwell_name", v.text, ("portiek", "trappenhuis", "ingang"), False),
    Column("dwelling_type", _dwelling_type, ("type", "woningtype", "soortwoning")),
    Column(
        "floor",
        v.optional(lambda x: v.integer(x, low=m.DWELLING_FLOOR_MIN, high=m.DWELLING_FLOOR_MAX)),
        ("verdieping", "etage", "bouwlaag"),
        False,
    ),
    Column("has_lift", v.boolean, ("lift",), False),
    Column(
        "rooms",
        lambda x: v.integer(x, low=1, high=m.DWELLING_ROOMS_MAX),
        ("kamers", "aantalkamers"),
    ),
    Column(
        "bedrooms",
        lambda x: v.integer(x, low=0, high=m.DWELLING_ROOMS_MAX),
        ("slaapkamers", "aantalslaapkamers"),
    ),
    Column(
        "living_area",
        lambda x: v.integer(x, low=m.DWELLING_AREA_MIN, high=m.DWELLING_AREA_MAX),
        ("woonoppervlakte", "oppervlakte", "gbo", "m2"),
    ),
    Column(
        "net_rent",
        lambda x: _money(x, m.DWELLING_RENT_MAX),
        ("nettohuur", "kalehuur", "huur", "nettohuurprijs"),
    ),
    Column("service_costs", v.optional(lambda x: _money(x, 9999)), ("servicekosten",), False),
    Column("step_free", v.boolean, ("traploos",), False),
    Column("ground_floor", v.boolean, ("gelijkvloers",), False),
    Column("wheelchair", v.boolean, ("rolstoel", "rolstoeltoegankelijk"), False),
    Column("available_from", v.a_date, ("beschikbaarvanaf", "opleverdatum"), False),
    Column("counts_toward_quota", v.boolean, ("contingent",), False),
    Column("notes", v.text, ("notities", "opmerkingen"), False),
]
STORED = [
    c.target
    for c in COLUMNS
    if c.target not in {"address", "code", "complex_code", "stairwell_name", "reference"}
]


def accepted_columns() -> list[tuple[str, str, str]]:
    return [
        (
            ", ".join(c.aliases),
            "verplicht" if c.required else "optioneel",
            "eigen export van de corporatie",
        )
        for c in COLUMNS
    ]


def dwelling_template() -> bytes:
    header = [
        "referentie",
        "straat",
        "huisnummer",
        "toevoeging",
        "postcode",
        "plaats",
        "buurtcode",
        "complexnummer",
        "portiek",
        "type",
        "verdieping",
        "lift",
        "kamers",
        "slaapkamers",
        "woonoppervlakte",
        "kale huur",
        "servicekosten",
        "bag_id",
    ]
    example = [
        "VHE-1001",
        "Kerkstraat",
        "12",
        "A",
        "3743 AB",
        "Baarn",
        "BU03080000",
        "C-12",
        "Kerkstraat 10-20",
        "portiekflat",
        "2",
        "nee",
        "3",
        "2",
        "65",
        "612,50",
        "45,00",
        "",
    ]
    return ("\ufeff" + ";".join(header) + "\r\n" + ";".join(example) + "\r\n").encode()


def validate_dwellings(
    filename: str, content: bytes, *, corporation: Organisation, create_complexes: bool = False
) -> Report:
    report = Report(kind="dwellings", source="woningexport van de corporatie")
    table = read_table(filename, content)
    report.notes.extend(table.notes)
    header = table.header
    index: dict[str, int] = {}
    aliases = {a: c.target for c in COLUMNS for a in c.aliases}
    for position, name in enumerate(header):
        key = normalise(name)
        if not key:
            continue
        target = aliases.get(key)
        if target is None:
            report.notes.append(f"Kolom {name!r} niet gebruikt{did_you_mean(key, aliases)}")
        elif target in index:
            report.error(table.header_line, name, "kolom staat er twee keer in")
        else:
            index[target] = position
    for column in COLUMNS:
        if column.required and column.target not in index:
            report.error(table.header_line, column.aliases[0], "verplichte kolom ontbreekt")
    if "address" not in index and not {"street", "number"} <= set(index):
        report.error(
            table.header_line, "straat", "adres ontbreekt: kolommen straat en huisnummer, of adres"
        )
    if {"lbm", "bucode"} & {normalise(h) for h in header} and "postcode" not in index:
        report.errors[:] = []
        report.error(
            table.header_line,
            "",
            "dit lijkt een indicatorenbestand, geen woningenbestand; kies de soort 'buurtindicatoren'",
        )
    if report.errors:
        return report
    report.columns = [header[index[c.target]] for c in COLUMNS if c.target in index]
    report.targets = [c.target for c in COLUMNS if c.target in index]

    neighbourhoods = dict(
        Neighbourhood.objects.filter(
            district__municipality__region_id=corporation.region_id
        ).values_list("code", "id")
    )
    complexes = {c.code: c for c in Complex.objects.filter(corporation=corporation)}
    stairwells = {
        (s.complex_id, s.name.lower()): s.pk
        for s in Stairwell.objects.filter(complex__corporation=corporation)
    }
    existing = set(
        Dwelling.objects.filter(corporation=corporation).values_list("reference", flat=True)
    )
    seen: dict[str, int] = {}
    new_complexes: dict[str, int] = {}  # code -> neighbourhood id
    parsed_any = False
    for line, cells in table.rows:
        parsed_any = True
        row: dict[str, Any] = {"line": line}
        problems = len(report.errors)
        for column in COLUMNS:
            at = index.get(column.target)
            raw = cells[at] if at is not None and at < len(cells) else None
            if v.text(raw) == "":
                if column.required:
                    report.error(
                        line,
                        header[at] if at is not None else column.aliases[0],
                        "ontbreekt",
                    )
                continue
            try:
                row[column.target] = column.parse(raw)
            except Invalid as error:
                report.error(
                    line,
                    header[at] if at is not None else column.aliases[0],
                    str(error),
                )
        if len(report.errors) > problems:
            continue
        if "address" in row and not row.get("street"):
            match = _ADDRESS.match(row["address"])
            if not match:
                report.error(
                    line, "adres", f"{row['address']!r}: straat en huisnummer niet te herkennen"
                )
                continue
            row["street"], row["number"] = match["street"].strip()[:120], int(match["number"])
            row.setdefault("suffix", match["suffix"].upper())
        if not row.get("number"):
            report.error(line, "huisnummer", "ontbreekt")
            continue
        ref = row["reference"]
        if ref in seen:
            report.error(line, "referentie", f"{ref} staat al op regel {seen[ref]}")
            continue
        seen[ref] = line
        row["update"] = ref in existing
        complex_obj = complexes.get(row.get("complex_code") or "")
        if row.get("code"):
            row["neighbourhood_id"] = neighbourhoods.get(row["code"])
            if row["neighbourhood_id"] is None:
                report.error(line, "buurtcode", f"buurt {row['code']} bestaat niet in deze regio")
                continue
        elif complex_obj is not None:
            row["neighbourhood_id"] = complex_obj.neighbourhood_id
        else:
            report.error(
                line,
                "buurtcode",
                "ontbreekt (en er is geen bekend complex om de buurt uit af te leiden)",
            )
            continue
        if row["bedrooms"] > row["rooms"]:
            report.error(line, "slaapkamers", "meer slaapkamers dan kamers")
            continue
        row["complex_id"] = complex_obj.pk if complex_obj else None
        row["stairwell_id"] = None
        if row.get("complex_code") and complex_obj is None:
            if not create_complexes:
                report.error(
                    line,
                    "complex",
                    f"complex {row['complex_code']} bestaat niet (kies 'complexen aanmaken')",
                )
                continue
            new_complexes.setdefault(row["complex_code"], row["neighbourhood_id"])
        elif complex_obj is not None and complex_obj.neighbourhood_id != row["neighbourhood_id"]:
            report.error(line, "complex", f"complex {row['complex_code']} ligt in een andere buurt")
            continue
        if row.get("stairwell_name"):
            if not row.get("complex_code"):
                report.error(
                    line, "portiek", "een portiek hoort bij een complex; vul ook complex in"
                )
                continue
            if complex_obj is not None:
                row["stairwell_id"] = stairwells.get(
                    (complex_obj.pk, row["stairwell_name"].lower())
                )
            if row["stairwell_id"] is None and not create_complexes:
                report.error(
                    line,
                    "portiek",
                    f"portiek {row['stairwell_name']!r} bestaat niet in dit complex",
                )
                continue
        report.rows.append(row)
    if not parsed_any:
        report.error(0, "", "het bestand bevat geen regels")
    updates = sum(1 for r in report.rows if r["update"])
    if updates:
        report.count("bestaande woningen bijgewerkt", updates)
    if len(report.rows) - updates:
        report.count("nieuwe woningen", len(report.rows) - updates)
    if new_complexes:
        report.count("nieuwe complexen", len(new_complexes))
    report.new_complexes = new_complexes  # type: ignore[attr-defined]
    return report


def write_dwellings(report: Report, *, corporation: Organisation, actor: Any) -> int:
    """Create the new dwellings (as drafts, with history) and update the known ones, matching
    on the corporation's reference.

    Two uploads of one corporation at once are serialised on the corporation's row (lock
    order: import batch → corporation → dwellings by primary key); which references exist is
    re-read under that lock, so a reference the other upload just created is updated, not
    inserted twice."""
    Organisation.objects.select_for_update().filter(pk=corporation.pk).first()
    for code, neighbourhood_id in getattr(report, "new_complexes", {}).items():
        Complex.objects.get_or_create(
            corporation=corporation,
            code=code[:30],
            defaults={"name": code[:120], "neighbourhood_id": neighbourhood_id},
        )
    complexes = {c.code: c.pk for c in Complex.objects.filter(corporation=corporation)}
    for row in report.rows:
        if row.get("complex_code"):
            row["complex_id"] = complexes[row["complex_code"][:30]]
            if row.get("stairwell_name") and row.get("stairwell_id") is None:
                stairwell, _ = Stairwell.objects.get_or_create(
                    complex_id=row["complex_id"], name=row["stairwell_name"][:120]
                )
                row["stairwell_id"] = stairwell.pk
    references = [r["reference"] for r in report.rows]
    current = {
        d.reference: d
        for d in Dwelling.objects.select_for_update()
        .filter(corporation=corporation, reference__in=references)
        .order_by("pk")
    }
    present = [t for t in report.targets if t in STORED]
    created: list[Dwelling] = []
    updated: list[Dwelling] = []
    for row in report.rows:
        values = {f: row[f] for f in STORED if row.get(f) is not None}
        links = {
            "neighbourhood_id": row["neighbourhood_id"],
            "complex_id": row["complex_id"],
            "stairwell_id": row["stairwell_id"],
        }
        dwelling = current.get(row["reference"])
        if dwelling is None:
            created.append(
                Dwelling(corporation=corporation, reference=row["reference"], **links, **values)
            )
        else:
            for name, value in {**links, **{f: row.get(f) for f in present}}.items():
                if value is not None or name in {"complex_id", "stairwell_id"}:
                    setattr(dwelling, name, value)
            dwelling.updated_at = timezone.now()
            updated.append(dwelling)
    Dwelling.objects.bulk_create(created, batch_size=BATCH)
    if any(d.pk is None for d in created):  # databases that cannot return ids from bulk inserts
        ids = dict(
            Dwelling.objects.filter(
                corporation=corporation, reference__in=[d.reference for d in created]
            ).values_list("reference", "id")
        )
        for d in created:
            d.pk = ids[d.reference]
    if updated:
        Dwelling.objects.bulk_update(
            updated,
            sorted(
                {
                    *present,
                    "neighbourhood_id",
                    "complex_id",
                    "stairwell_id",
                    "updated_at",
                    "street",
                    "number",
                }
                - {"address"}
            ),
            batch_size=BATCH,
        )
    now = timezone.now()
    DwellingEvent.objects.bulk_create(
        [
            DwellingEvent(
                dwelling_id=d.pk, to_status=DwellingStatus.DRAFT, actor=actor, at=now, note="import"
            )
            for d in created
        ],
        batch_size=BATCH,
    )
    return len(created) + len(updated)
