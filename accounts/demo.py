"""The demo region's organisations and people (idempotent; demo passwords are for demo only).

Modelled on the Amsterdam practice: one municipality, three care providers and five
housing corporations meet weekly. All names are fictional.
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from .models import Organisation, OrganisationKind, Region, Role, User
from .services import membership_grant

DEMO_PASSWORD = "woonbrug-demo-2026"  # noqa: S105 - documented demo-only password
REGION = ("Veerhaven", "veerhaven")  # shown as "regio Veerhaven"

ORGANISATIONS: list[tuple[str, str, str]] = [
    ("gemeente-veerhaven", "Gemeente Veerhaven", OrganisationKind.MUNICIPALITY),
    ("zorggroep-de-brug", "Zorggroep De Brug (GGZ)", OrganisationKind.CARE_PROVIDER),
    ("stichting-onderdak", "Stichting Onderdak (MO)", OrganisationKind.CARE_PROVIDER),
    ("beschermd-wonen-veerhaven", "Beschermd Wonen Veerhaven (BW)", OrganisationKind.CARE_PROVIDER),
    ("woonstichting-de-kade", "Woonstichting De Kade", OrganisationKind.HOUSING_CORPORATION),
    ("rivierland-wonen", "Rivierland Wonen", OrganisationKind.HOUSING_CORPORATION),
    ("thuis-veerhaven", "Stichting Thuis Veerhaven", OrganisationKind.HOUSING_CORPORATION),
    ("woongoed-polder", "Woongoed Polder", OrganisationKind.HOUSING_CORPORATION),
    ("huisvesting-oost", "Huisvesting Oost", OrganisationKind.HOUSING_CORPORATION),
]

# (e-mail, name, organisation slug, roles)
PEOPLE: list[tuple[str, str, str, list[str]]] = [
    ("voorzitter@gemeente.demo", "Mirjam de Vries", "gemeente-veerhaven", [Role.BOARD_CHAIR]),
    ("regisseur@gemeente.demo", "Hamid El Amrani", "gemeente-veerhaven", [Role.BOARD_CHAIR]),
    ("analist@gemeente.demo", "Sanne Bakker", "gemeente-veerhaven", [Role.ANALYST]),
    ("beheer@gemeente.demo", "Peter Jansen", "gemeente-veerhaven", [Role.ORG_ADMIN]),
    ("coordinator@debrug.demo", "Fatima Yilmaz", "zorggroep-de-brug", [Role.CARE_COORDINATOR]),
    ("begeleider@debrug.demo", "Joost van Dijk", "zorggroep-de-brug", [Role.CARE_COORDINATOR]),
    ("beheer@debrug.demo", "Els Visser", "zorggroep-de-brug", [Role.ORG_ADMIN]),
    ("privacy@debrug.demo", "Noor Hendriks", "zorggroep-de-brug", [Role.PRIVACY_OFFICER]),
    ("coordinator@onderdak.demo", "Ricardo Martens", "stichting-onderdak", [Role.CARE_COORDINATOR]),
    ("beheer@onderdak.demo", "Karin Smit", "stichting-onderdak", [Role.ORG_ADMIN]),
    (
        "coordinator@bwveerhaven.demo",
        "Noor Hendriks",
        "beschermd-wonen-veerhaven",
        [Role.CARE_COORDINATOR, Role.ORG_ADMIN],
    ),
    ("consulent@dekade.demo", "Linda Mulder", "woonstichting-de-kade", [Role.HOUSING_CONSULTANT]),
    ("beheer@dekade.demo", "Bram de Boer", "woonstichting-de-kade", [Role.ORG_ADMIN]),
    (
        "consulent@rivierland.demo",
        "Yusuf Demir",
        "rivierland-wonen",
        [Role.HOUSING_CONSULTANT, Role.ORG_ADMIN],
    ),
    (
        "consulent@thuisveerhaven.demo",
        "Anouk Peters",
        "thuis-veerhaven",
        [Role.HOUSING_CONSULTANT, Role.ORG_ADMIN],
    ),
    (
        "consulent@woongoed.demo",
        "Mark Willems",
        "woongoed-polder",
        [Role.HOUSING_CONSULTANT, Role.ORG_ADMIN],
    ),
    (
        "consulent@huisvestingoost.demo",
        "Iris Koster",
        "huisvesting-oost",
        [Role.HOUSING_CONSULTANT, Role.ORG_ADMIN],
    ),
]


def demo_accounts() -> list[tuple[str, str]]:
    """The sign-in page's list of demo accounts: one per role and kind of organisation."""
    return [
        ("voorzitter@gemeente.demo", "voorzitter plaatsingstafel (gemeente)"),
        ("regisseur@gemeente.demo", "tweede voorzitter, voor het vier-ogenprincipe (gemeente)"),
        ("analist@gemeente.demo", "beleidsanalist (gemeente)"),
        ("coordinator@debrug.demo", "zorgcoördinator (Zorggroep De Brug)"),
        ("consulent@dekade.demo", "woonconsulent (Woonstichting De Kade)"),
        ("beheer@debrug.demo", "beheerder organisatie (Zorggroep De Brug)"),
    ]


def seed(*, stdout: TextIO) -> None:
    with transaction.atomic():
        region, _ = Region.objects.update_or_create(slug=REGION[1], defaults={"name": REGION[0]})
        orgs = {}
        for slug, name, kind in ORGANISATIONS:
            orgs[slug], _ = Organisation.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "region": region}
            )
        for email, name, org_slug, roles in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, full_name=name, password=DEMO_PASSWORD)
            for role in roles:
                membership_grant(user=user, organisation=orgs[org_slug], role=role)
    stdout.write(
        f"  accounts: {len(ORGANISATIONS)} organisations, {len(PEOPLE)} people in {region.name}"
    )
