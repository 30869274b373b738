"""Demo data for the Veerhaven region: 40 synthetic neighbourhoods with two years of
indicators, complexes with stairwells (a few stopped), and ~300 dwellings over the five
corporations. Idempotent: a second run adds nothing.

The neighbourhoods and indicators go through the real importer (the sample files in
`housing/sample_data/`), so the demo exercises the same path an analyst's upload does.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Region, Role, User

from . import importing, sample_data
from .models import (
    Complex,
    ComplexStop,
    Dwelling,
    DwellingEvent,
    DwellingStatus,
    DwellingType,
    Municipality,
    Neighbourhood,
    Stairwell,
)

REGION_SLUG = "veerhaven"
DWELLINGS_PER_CORPORATION = 60
STREETS = [
    "Kadestraat", "Dijkweg", "Molenlaan", "Havenstraat", "Rietzoom", "Lijnbaan", "Schipperslaan",
    "Weidepad", "Sluisweg", "Zuiderkade", "Brugstraat", "Ankerplein", "Veerpad", "Oeverlaan",
]  # fmt: skip
TYPES = [
    (DwellingType.PORCH_FLAT, 5), (DwellingType.GALLERY_FLAT, 4), (DwellingType.APARTMENT, 3),
    (DwellingType.GROUND_FLOOR, 2), (DwellingType.UPPER_FLOOR, 2), (DwellingType.HOUSE, 1),
    (DwellingType.STUDIO, 2),
]  # fmt: skip
STATUSES = [
    (DwellingStatus.OFFERED, 45), (DwellingStatus.DRAFT, 25), (DwellingStatus.RESERVED, 8),
    (DwellingStatus.LET, 15), (DwellingStatus.WITHDRAWN, 7),
]  # fmt: skip


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        stdout.write("  housing: no demo region (run accounts first)")
        return
    municipality_org = Organisation.objects.filter(
        region=region, kind=OrganisationKind.MUNICIPALITY
    ).first()
    if municipality_org is None:
        stdout.write("  housing: the demo region has no municipality (run accounts first)")
        return
    corporations = list(
        Organisation.objects.filter(
            region=region, kind=OrganisationKind.HOUSING_CORPORATION
        ).order_by("slug")
    )
    chair = User.objects.filter(
        memberships__organisation=municipality_org, memberships__role=Role.BOARD_CHAIR
    ).first()
    with transaction.atomic():
        _geography(region, municipality_org)
        made = _dwellings(corporations, chair)
    stdout.write(
        f"  housing: {Neighbourhood.objects.filter(district__municipality__region=region).count()} buurten, "
        f"{Complex.objects.filter(corporation__region=region).count()} complexen, "
        f"{Dwelling.objects.filter(corporation__region=region).count()} woningen ({made} nieuw)"
    )


def _geography(region: Region, municipality_org: Organisation) -> None:
    """Boundaries and both years of indicators, through the importer (an upsert)."""
    owner = municipality_org
    geo = importing.validate_boundaries(
        "veerhaven_buurten.geojson",
        (sample_data.HERE / "veerhaven_buurten.geojson").read_bytes(),
        region=region,
    )
    importing.write(geo, organisation=owner)
    for year in sample_data.YEARS:
        name = f"veerhaven_indicatoren_{year}.csv"
        report = importing.validate_indicators(
            name, (sample_data.HERE / name).read_bytes(), region=region
        )
        importing.write(report, organisation=owner)
    if municipality_org is not None:
        Municipality.objects.filter(
            code=sample_data.MUNICIPALITY[0], organisation__isnull=True
        ).update(organisation=municipality_org)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _dwellings(corporations: list[Organisation], chair: User | None) -> int:
    if not corporations:
        return 0
    neighbourhoods = {n.code: n for n in Neighbourhood.objects.filter(code__startswith="BU9901")}
    cells = {n["code"]: n for n in sample_data.neighbourhoods()}
    weakness = dict(
        zip([n["code"] for n in sample_data.neighbourhoods()], sample_data.weakness(), strict=True)
    )
    # Cheap stock sits more often in weak neighbourhoods (DOMAIN.md): weight by weakness,
    # but not so much that the demo board has nowhere with room to propose.
    codes = sorted(neighbourhoods)
    weights = [0.6 + weakness[c] for c in codes]
    now = timezone.now()
    today = timezone.localdate()
    created = 0
    for ci, corporation in enumerate(corporations):
        rng = random.Random(f"woonbrug-{corporation.slug}")
        complexes = []
        for k in range(6):
            code = rng.choices(codes, weights=weights)[0]
            made, _ = Complex.objects.get_or_create(
                corporation=corporation,
                code=f"C{ci + 1}{k + 1:02d}",
                defaults={
                    "neighbourhood": neighbourhoods[code],
                    "name": f"{rng.choice(STREETS)}blok {k + 1}",
                },
            )
            stairwells = []
            for s in range(rng.randint(2, 4)):
                made_stairwell, _ = Stairwell.objects.get_or_create(
                    complex=made,
                    name=f"Portiek {2 * s + 1}",
                    defaults={"current_vulnerable": rng.randint(0, 1)},
                )
                stairwells.append(made_stairwell)
            complexes.append((made, stairwells))
        # Stop the complex in the weakest neighbourhood of every other corporation.
        weakest = max(complexes, key=lambda cs: weakness[cs[0].neighbourhood.code])[0]
        if ci % 2 == 0 and not weakest.stops.exists():
            ComplexStop.objects.create(
                complex=weakest,
                reason="Veel overlastmeldingen in de portieken; eerst buurtaanpak",
                until=today + timedelta(days=120),
                decided_by=chair,
            )
        existing = set(
            Dwelling.objects.filter(corporation=corporation).values_list("reference", flat=True)
        )
        new: list[Dwelling] = []
        for i in range(DWELLINGS_PER_CORPORATION):
            reference = f"{corporation.slug[:3].upper()}-{i + 1:04d}"
            in_complex = rng.random() < 0.6
            complex_obj: Complex | None = None
            stairwell: Stairwell | None = None
            if in_complex:
                complex_obj, stairwells = rng.choice(complexes)
                stairwell = rng.choice(stairwells)
                code = complex_obj.neighbourhood.code
            else:
                code = rng.choices(codes, weights=weights)[0]
            if reference in existing:
                continue
            rooms = rng.randint(1, 4)
            kind = _pick(rng, TYPES)
            status = _pick(rng, STATUSES)
            if (
                complex_obj is not None
                and complex_obj.pk == weakest.pk
                and status == DwellingStatus.OFFERED
            ):
                status = DwellingStatus.DRAFT
            floor = (
                0 if kind in (DwellingType.GROUND_FLOOR, DwellingType.HOUSE) else rng.randint(0, 6)
            )
            lon, lat = cells[code]["centre"]
            new.append(
                Dwelling(
                    corporation=corporation,
                    reference=reference,
                    street=rng.choice(STREETS),
                    number=rng.randint(1, 240),
                    suffix=rng.choice(["", "", "", "A", "B", "I", "II"]),
                    postcode=f"{9901 - ci * 7}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLNPRSTVXZ')}",
                    city="Veerhaven",
                    neighbourhood=neighbourhoods[code],
                    complex=complex_obj,
                    stairwell=stairwell,
                    dwelling_type=kind,
                    floor=floor,
                    has_lift=kind == DwellingType.APARTMENT or floor > 4,
                    rooms=rooms,
                    bedrooms=max(0, rooms - 1),
                    living_area=22 + rooms * 17 + rng.randint(0, 15),
                    net_rent=Decimal(rng.randint(420, 880)) + Decimal("0.50"),
                    service_costs=Decimal(rng.choice([0, 15, 25, 40])),
                    step_free=floor == 0 or kind == DwellingType.APARTMENT,
                    ground_floor=floor == 0,
                    wheelchair=floor == 0 and rng.random() < 0.2,
                    available_from=today + timedelta(days=rng.randint(-10, 60)),
                    counts_toward_quota=rng.random() < 0.4,
                    latitude=Decimal(f"{lat + rng.uniform(-0.3, 0.3) * sample_data.CELL[1]:.6f}"),
                    longitude=Decimal(f"{lon + rng.uniform(-0.3, 0.3) * sample_data.CELL[0]:.6f}"),
                    status=status,
                    let_to_outflow_at=now - timedelta(days=rng.randint(5, 330))
                    if status == DwellingStatus.LET
                    else None,
                )
            )
        Dwelling.objects.bulk_create(new)
        if any(d.pk is None for d in new):
            ids = dict(
                Dwelling.objects.filter(
                    corporation=corporation, reference__in=[d.reference for d in new]
                ).values_list("reference", "id")
            )
            for d in new:
                d.pk = ids[d.reference]
        DwellingEvent.objects.bulk_create(_history(new, now))
        created += len(new)
    return created


PATH = {
    DwellingStatus.DRAFT: [DwellingStatus.DRAFT],
    DwellingStatus.OFFERED: [DwellingStatus.DRAFT, DwellingStatus.OFFERED],
    DwellingStatus.RESERVED: [
        DwellingStatus.DRAFT,
        DwellingStatus.OFFERED,
        DwellingStatus.RESERVED,
    ],
    DwellingStatus.LET: [
        DwellingStatus.DRAFT,
        DwellingStatus.OFFERED,
        DwellingStatus.RESERVED,
        DwellingStatus.LET,
    ],
    DwellingStatus.WITHDRAWN: [
        DwellingStatus.DRAFT,
        DwellingStatus.OFFERED,
        DwellingStatus.WITHDRAWN,
    ],
}


def _history(dwellings: list[Dwelling], now: datetime) -> list[DwellingEvent]:
    events = []
    for d in dwellings:
        steps = PATH[DwellingStatus(d.status)]
        for n, status in enumerate(steps):
            at = (
                d.let_to_outflow_at
                if status == DwellingStatus.LET and d.let_to_outflow_at is not None
                else now - timedelta(days=3 * (len(steps) - n))
            )
            events.append(
                DwellingEvent(
                    dwelling_id=d.pk,
                    from_status=steps[n - 1] if n else "",
                    to_status=status,
                    at=at,
                    note="demo",
                )
            )
    return events
