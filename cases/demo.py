"""Demo clients: about 80 over the three care providers, in realistic states, with varied
needs (some very constrained: wheelchair, large family, pets, narrow exclusions).

Everything goes through the services (so history, grants and the access log are real),
then dates are moved into the past so waiting times look like a running practice.
Idempotent: a provider that already has its demo clients gets no more. Tolerates a region
without geography (then every client stays a draft: "ready" needs a preferred area).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, Region, Role

from . import geography, services
from .models import AgreementType, Client, ClientStatus, ClientTransition, TargetGroup

REGION_SLUG = "veerhaven"
# provider slug -> (number of clients, main target group)
PROVIDERS = {
    "zorggroep-de-brug": (32, TargetGroup.GGZ),
    "stichting-onderdak": (26, TargetGroup.MO),
    "beschermd-wonen-veerhaven": (22, TargetGroup.BW),
}
STATES = [
    (ClientStatus.DRAFT, 16), (ClientStatus.READY, 20), (ClientStatus.ON_BOARD, 16),
    (ClientStatus.MATCHED, 8), (ClientStatus.HOUSED, 10), (ClientStatus.FOLLOW_UP, 10),
    (ClientStatus.CLOSED, 6), (ClientStatus.PAUSED, 7), (ClientStatus.WITHDRAWN, 7),
]  # fmt: skip
PATHS: dict[str, list[str]] = {
    ClientStatus.DRAFT: [],
    ClientStatus.READY: ["mark_ready"],
    ClientStatus.ON_BOARD: ["mark_ready", "place_on_board"],
    ClientStatus.MATCHED: ["mark_ready", "place_on_board", "match"],
    ClientStatus.HOUSED: ["mark_ready", "place_on_board", "match", "house"],
    ClientStatus.FOLLOW_UP: ["mark_ready", "place_on_board", "match", "house", "start_follow_up"],
    ClientStatus.CLOSED: [
        "mark_ready",
        "place_on_board",
        "match",
        "house",
        "start_follow_up",
        "close",
    ],
    ClientStatus.PAUSED: ["mark_ready", "pause"],
    ClientStatus.WITHDRAWN: ["withdraw"],
}
REASONS = {
    "close": "Nazorg afgerond, huurder woont zelfstandig.",
    "pause": "Tijdelijke opname; traject hervat na ontslag.",
    "withdraw": "Cliënt kiest voor woning via familie.",
}
FIRST = [
    "Sanne", "Mohammed", "Kevin", "Fatma", "Dennis", "Priya", "Jeroen", "Yasmina", "Ruud", "Ilse",
    "Tarik", "Marloes", "Bas", "Naima", "Henk", "Lotte", "Emre", "Chantal", "Sven", "Ayşe",
    "Wouter", "Esra", "Rik", "Soufiane", "Mirjam", "Gerrit", "Kim", "Anouar", "Patricia", "Daan",
]  # fmt: skip
LAST = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Yıldız", "El Idrissi", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "Bouzid", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "Öztürk", "Dekker", "van Leeuwen", "Brouwer", "Kaya", "Verhoeven", "Koster", "Prins",
]  # fmt: skip
HISTORIES = [
    "Opname na psychose; stabiel op medicatie, ambulante FACT-begeleiding.",
    "Drie jaar in de nachtopvang; schuldhulpverlening loopt, bewindvoering aangevraagd.",
    "Beschermd wonen sinds vijf jaar; klaar voor zelfstandig wonen met begeleiding.",
    "Verslavingsbehandeling afgerond; woont in een trainingshuis.",
    "LVB; heeft hulp nodig bij post en geld, goed netwerk van familie.",
]
NOTES_FOR_CORPORATION = [
    "Rustige huurder, begeleiding komt twee keer per week langs.",
    "Graag een welkomstgesprek met de buren.",
    "Begeleider is bereikbaar voor de woonconsulent.",
    "",
]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _profile(rng: random.Random, target: str, geo: dict[str, list[str]], i: int) -> dict[str, Any]:
    today = timezone.localdate()
    adults, children = 1, 0
    if rng.random() < 0.15:
        adults = 2
    if rng.random() < 0.15:
        children = rng.randint(1, 2)
    if i % 19 == 7:  # a large family
        adults, children = 2, 4
    data: dict[str, Any] = {
        "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "date_of_birth": today - timedelta(days=rng.randint(19 * 365, 64 * 365)),
        "phone": f"06-{rng.randint(10000000, 99999999)}",
        "care_history": rng.choice(HISTORIES),
        "target_group": target if rng.random() < 0.8 else rng.choice(TargetGroup.values),
        "adults": adults,
        "children": children,
        "monthly_income": rng.choice([1250, 1400, 1550, 1700, 1900, 2100, 2400, 2900, 3300]),
        "support_hours_per_week": Decimal(rng.choice(["1.0", "2.0", "3.0", "4.5", "6.0", "8.0"])),
        "agreement_type": _pick(
            rng,
            [
                (AgreementType.FLIP_LEASE, 4),
                (AgreementType.TRIPARTITE, 3),
                (AgreementType.TRIANGLE, 2),
                (AgreementType.ORDINARY, 2),
            ],
        ),
        "earliest_move_date": today + timedelta(days=rng.randint(7, 150)),
        "note_for_corporation": rng.choice(NOTES_FOR_CORPORATION),
    }
    if i % 11 == 3:  # wheelchair users need step-free, ground floor or lift
        data.update(wheelchair=True, step_free=True, ground_floor_or_lift=True, max_floor=0)
    elif rng.random() < 0.15:
        data.update(ground_floor_or_lift=True, max_floor=rng.choice([0, 1, 2]))
    if rng.random() < 0.2 or i % 13 == 5:
        data.update(
            pets=True,
            pets_description=rng.choice(["1 kat", "kleine hond", "2 katten", "hond (middelgroot)"]),
        )
    if geo["municipalities"]:
        data["preferred_municipality_codes"] = geo["municipalities"][:1]
    if geo["districts"] and rng.random() < 0.6:
        data["preferred_district_codes"] = rng.sample(
            geo["districts"], k=min(len(geo["districts"]), rng.randint(1, 3))
        )
    if geo["neighbourhoods"] and rng.random() < 0.45:
        # Some have narrow exclusions: many neighbourhoods ruled out (old network, triggers).
        k = rng.randint(4, 8) if i % 9 == 4 else rng.randint(1, 2)
        data["excluded_neighbourhood_codes"] = rng.sample(
            geo["neighbourhoods"], k=min(k, len(geo["neighbourhoods"]))
        )
        data["exclusion_reasons"] = (
            "Oude gebruikersnetwerk woont in deze buurt; cliënt wil afstand."
        )
    if not geo["municipalities"] and not geo["districts"]:
        data.pop("earliest_move_date")
    return data


def _backdate(client: Client, days_ago: int) -> None:
    """Spread the client's history over the past `days_ago` days."""
    start = timezone.now() - timedelta(days=days_ago, hours=3)
    transitions = list(client.transitions.order_by("at", "id"))
    step = timedelta(days=days_ago / max(len(transitions), 1))
    ready_since = None
    for n, transition in enumerate(transitions):
        at = start + step * n
        ClientTransition.objects.filter(pk=transition.pk).update(at=at)
        if transition.to_status == ClientStatus.READY and ready_since is None:
            ready_since = at
    updates: dict[str, Any] = {"registered_at": start}
    if transitions:
        updates["status_changed_at"] = start + step * (len(transitions) - 1)
    if client.ready_since is not None and ready_since is not None:
        updates["ready_since"] = ready_since
    Client.objects.filter(pk=client.pk).update(**updates)
    client.consents.update(recorded_at=start)


def seed(*, stdout: TextIO) -> None:
    region = Region.objects.filter(slug=REGION_SLUG).first()
    if region is None:
        stdout.write("  cases: no demo region (run accounts first)")
        return
    geo = {
        "municipalities": [m.code for m in geography.municipalities_in(region.pk)],
        "districts": [d.code for d in geography.districts_in(region.pk)],
        "neighbourhoods": geography.neighbourhood_codes_in(region.pk),
    }
    made = 0
    for slug, (count, target) in PROVIDERS.items():
        provider = Organisation.objects.filter(slug=slug, region=region).first()
        if provider is None:
            continue
        coordinators = list(
            Membership.objects.filter(
                organisation=provider, role=Role.CARE_COORDINATOR, is_active=True
            )
            .select_related("user")
            .order_by("user__email")
        )
        if not coordinators:
            continue
        existing = Client.objects.filter(care_provider=provider).count()
        rng = random.Random(f"woonbrug-cases-{slug}")
        for i in range(count):
            state = _pick(rng, STATES)
            data = _profile(rng, target, geo, i)
            days_ago = rng.randint(5, 420)
            if i < existing:
                continue  # this one was made by an earlier run (the random stream stays the same)
            coordinator = coordinators[i % len(coordinators)].user
            made += _make_client(coordinator, provider, data, state, days_ago, rng)
    total = Client.objects.filter(care_provider__region=region).count()
    aged = _age_one_closed_case(region)
    stdout.write(
        f"  cases: {total} cliënten ({made} nieuw)" + (f"; {aged} oud dossier" if aged else "")
    )


def _age_one_closed_case(region: Region) -> str:
    """One closed case ended longer ago than its retention period, so the daily retention task
    has something to anonymise in the demo (idempotent: once one is that old, nothing more)."""
    from django.conf import settings

    closed = Client.objects.filter(care_provider__region=region, status=ClientStatus.CLOSED)
    cutoff = timezone.now() - timedelta(days=settings.RETENTION_CARE_DAYS)
    if closed.filter(status_changed_at__lt=cutoff).exists():
        return ""
    client = closed.order_by("pk").first()
    if client is None:
        return ""
    ended = cutoff - timedelta(days=60)
    shift = client.status_changed_at - ended
    Client.objects.filter(pk=client.pk).update(
        registered_at=client.registered_at - shift,
        ready_since=client.ready_since - shift if client.ready_since else None,
        status_changed_at=ended,
    )
    for transition in client.transitions.all():
        ClientTransition.objects.filter(pk=transition.pk).update(at=transition.at - shift)
    return client.reference


def _make_client(
    coordinator: Any,
    provider: Organisation,
    data: dict[str, Any],
    state: str,
    days_ago: int,
    rng: random.Random,
) -> int:
    today = timezone.localdate()
    path = PATHS[state]
    with transaction.atomic():
        client = services.client_register(
            actor=coordinator, data=data, care_provider=provider, purpose="demo"
        )
        needs_consent = bool(path) and path != ["withdraw"]
        if needs_consent or rng.random() < 0.3:
            services.consent_record(
                actor=coordinator,
                client=client,
                legal_basis="explicit_consent",
                text_version="woonbrug-toestemming-2026.1",
                given_on=today - timedelta(days=min(days_ago, 300)),
                valid_until=today + timedelta(days=rng.randint(20, 360)),
            )
        try:
            for action in path:
                services.client_transition(
                    actor=coordinator, client=client, action=action, reason=REASONS.get(action, "")
                )
        except services.DomainError:
            pass  # no geography in this region: the client stays where it got to
        _backdate(client, days_ago)
    return 1
